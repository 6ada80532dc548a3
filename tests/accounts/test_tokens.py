import datetime

import pytest
import time_machine
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
    found = api_token_authenticate(raw=raw)
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
