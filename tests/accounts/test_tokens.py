import datetime

import pytest
import time_machine
from django.db import connection
from django.utils import timezone

from maillon.accounts.models import ApiToken
from maillon.accounts.services import api_token_authenticate, api_token_create
from tests.factories import SiteFactory, agent_of

pytestmark = pytest.mark.django_db

NOON = datetime.datetime(2026, 3, 10, 11, 0, tzinfo=datetime.UTC)


@time_machine.travel(NOON, tick=False)
def test_a_token_authenticates_its_user_until_revoked_or_the_user_is_deactivated(client):
    user = agent_of(SiteFactory())
    token, raw = api_token_create(user=user, name="tablette")
    found, scope = api_token_authenticate(raw=raw)
    assert scope == "read"
    assert found == user and found.is_active and found.username == user.username
    assert found.date_joined == user.date_joined  # an aware datetime on every database
    token.refresh_from_db()
    assert token.last_used_at == NOON
    headers = {"Authorization": f"Bearer {raw}"}
    assert client.get("/api/v1/visits", headers=headers).status_code == 200
    assert api_token_authenticate(raw=raw + "x") is None
    user.is_active = False
    user.save()
    assert api_token_authenticate(raw=raw) is None
    user.is_active = True
    user.save()
    ApiToken.objects.filter(pk=token.pk).update(revoked_at=timezone.now())
    assert api_token_authenticate(raw=raw) is None
    assert client.get("/api/v1/visits", headers=headers).status_code == 401


def test_last_use_is_written_at_most_once_a_minute(django_assert_num_queries):
    user = agent_of(SiteFactory())
    token, raw = api_token_create(user=user, name="tablette")
    with time_machine.travel(NOON, tick=False):
        api_token_authenticate(raw=raw)
        with django_assert_num_queries(1):
            api_token_authenticate(raw=raw)
    with time_machine.travel(NOON + datetime.timedelta(minutes=2), tick=False):
        api_token_authenticate(raw=raw)
    token.refresh_from_db()
    assert token.last_used_at == NOON + datetime.timedelta(minutes=2)


@pytest.mark.postgresql
@pytest.mark.django_db(transaction=True)
def test_the_token_lookup_reopens_a_connection_the_server_dropped():
    """The lookup is a request's first statement and stands for the connection's health check
    (no `SELECT 1` before it): a persistent connection PostgreSQL dropped is reopened."""
    user = agent_of(SiteFactory())
    _token, raw = api_token_create(user=user, name="tablette")
    connection.ensure_connection()
    enabled = connection.health_check_enabled
    connection.health_check_enabled, connection.health_check_done = True, False  # a new request
    dropped = connection.connection.info.backend_pid
    other = connection.get_new_connection(connection.get_connection_params())
    try:
        other.autocommit = True
        other.execute("SELECT pg_terminate_backend(%s)", [dropped])
        found = api_token_authenticate(raw=raw)
    finally:
        other.close()
        connection.health_check_enabled = enabled
    assert found is not None and found[0] == user
    assert connection.connection.info.backend_pid != dropped
    assert connection.health_check_done


VISIT = {"channel": "sur-site", "requests": [{"partner": "caf", "theme": "famille"}]}


def _bearer(raw: str) -> dict:
    return {"Authorization": f"Bearer {raw}"}


@pytest.mark.parametrize("scope", ["read", "write"])
def test_a_read_only_token_reads_but_every_write_answers_403_in_french(client, scope):
    site = SiteFactory()
    user = agent_of(site)
    _token, raw = api_token_create(user=user, name="tableur", scope=scope)
    headers = _bearer(raw)
    assert client.get("/api/v1/visits", headers=headers).status_code == 200
    created = client.post(
        "/api/v1/visits",
        {**VISIT, "site_id": site.pk},
        content_type="application/json",
        headers=headers,
    )
    if scope == "write":
        assert created.status_code == 201
        return
    assert created.status_code == 403
    assert "lecture seule" in created.json()["detail"]
    for method in ("put", "delete"):
        response = getattr(client, method)(
            "/api/v1/visits/1", {}, content_type="application/json", headers=headers
        )
        assert response.status_code == 403, method
        assert "lecture seule" in response.json()["detail"]


def test_a_token_expires_after_its_validity_with_90_days_by_default(client):
    user = agent_of(SiteFactory())
    with time_machine.travel(NOON, tick=False):
        token, raw = api_token_create(user=user, name="tableur")
        short, raw_short = api_token_create(user=user, name="essai", days=7)
    assert token.expires_at == NOON + datetime.timedelta(days=90)
    with time_machine.travel(NOON + datetime.timedelta(days=8), tick=False):
        assert client.get("/api/v1/visits", headers=_bearer(raw)).status_code == 200
        expired = client.get("/api/v1/visits", headers=_bearer(raw_short))
        assert expired.status_code == 401
        assert "expiré" in expired.json()["detail"]
    with time_machine.travel(NOON + datetime.timedelta(days=90, seconds=1), tick=False):
        assert client.get("/api/v1/visits", headers=_bearer(raw)).status_code == 401


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"name": " "}, "name"),
        ({"days": 0}, "days"),
        ({"days": 731}, "days"),
        ({"scope": "admin"}, "scope"),
    ],
    ids=["no-name", "zero-days", "too-long", "unknown-scope"],
)
def test_token_creation_refuses_bad_input_with_a_french_message(changes, field):
    from django.core.exceptions import ValidationError

    user = agent_of(SiteFactory())
    with pytest.raises(ValidationError) as error:
        api_token_create(user=user, **{"name": "tableur", **changes})
    assert field in error.value.message_dict
    assert not ApiToken.objects.exists()


def test_the_token_page_lists_creates_once_and_revokes_with_confirmation(client):
    from django.test import Client

    from maillon.journal.models import JournalEntry

    integration = Client()  # the tool using the token, without the user's session

    site = SiteFactory()
    user = agent_of(site)
    other = agent_of(site)
    foreign, _raw = api_token_create(user=other, name="celui d'un collègue")
    client.force_login(user)
    page = client.get("/compte/jetons/")
    assert page.status_code == 200
    assert "Aucun jeton." in page.text and "celui d'un collègue" not in page.text

    created = client.post("/compte/jetons/", {"name": "tableur", "scope": "write", "days": 30})
    token = ApiToken.objects.get(user=user)
    secret = created.context["secret"]
    assert secret and secret in created.text and "plus jamais affiché" in created.text
    assert token.prefix in created.text and "lecture et écriture" in created.text
    assert secret not in client.get("/compte/jetons/").text  # shown once
    assert integration.get("/api/v1/visits", headers=_bearer(secret)).status_code == 200

    confirm = client.get(f"/compte/jetons/{token.pk}/revoquer/")
    assert "Révoquer le jeton « tableur »" in confirm.text
    assert ApiToken.objects.valid().filter(pk=token.pk).exists()  # GET changes nothing
    client.post(f"/compte/jetons/{token.pk}/revoquer/")
    assert integration.get("/api/v1/visits", headers=_bearer(secret)).status_code == 401
    assert "révoqué" in client.get("/compte/jetons/").text
    assert JournalEntry.objects.filter(object_id=str(token.pk), action="deactivate").exists()

    # another user's token is not found, not revoked
    assert client.get(f"/compte/jetons/{foreign.pk}/revoquer/").status_code == 404
    assert client.post(f"/compte/jetons/{foreign.pk}/revoquer/").status_code == 404
    foreign.refresh_from_db()
    assert foreign.revoked_at is None


def test_the_token_page_shows_form_errors_in_french(client):
    user = agent_of(SiteFactory())
    client.force_login(user)
    response = client.post("/compte/jetons/", {"name": "tableur", "scope": "read", "days": 0})
    assert response.status_code == 200
    assert not ApiToken.objects.exists()
    assert "supérieure ou égale à 1" in response.text


def test_token_command_creates_lists_and_revokes(client, capsys):
    from django.core.management import call_command

    user = agent_of(SiteFactory(), user__username="integration")
    call_command(
        "token", "create", "integration", "--name", "siège", "--scope", "write", "--days", "30"
    )
    raw = capsys.readouterr().out.strip()
    token = ApiToken.objects.get(user=user)
    assert token.scope == "write" and raw.startswith(token.prefix)
    call_command("token", "list")
    listed = capsys.readouterr().out
    assert token.prefix in listed and "siège" in listed and "valide" in listed
    call_command("token", "revoke", token.prefix)
    assert "révoqué" in capsys.readouterr().out
    assert client.get("/api/v1/visits", headers=_bearer(raw)).status_code == 401
    call_command("token", "list", "integration")
    assert "révoqué" in capsys.readouterr().out
