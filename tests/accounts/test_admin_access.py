"""Django's admin is the installation administrator's tool (superusers only).

Issue 12, C1: the admin of another network made himself superuser through the admin, set other
users' passwords and edited the first network's organisations, sites, users, memberships and
agreements. Network admins work in the app's own pages (/reseau/…), scoped by the access layer.
"""

import datetime

import pytest
from django.contrib.auth import get_user_model

from maillon.accounts.enums import Role
from maillon.journal.models import JournalEntry
from maillon.network.models import Agreement
from tests.factories import DEFAULT_PASSWORD, MembershipFactory, PartnerFactory
from tests.journal.world import make_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return make_world()


@pytest.fixture
def intruder(client):
    """The admin of another network, logged in."""
    user = MembershipFactory(network_admin=True).user
    client.force_login(user)
    return user


def _refused(response) -> bool:
    """The admin answers a user without the right by sending him to its login page."""
    return response.status_code in (302, 403, 404) and "/admin/login/" in response.get(
        "Location", "/admin/login/"
    )


def test_a_network_admin_cannot_make_himself_superuser(client, intruder):
    url = f"/admin/accounts/user/{intruder.pk}/change/"
    assert _refused(client.get(url))
    response = client.post(
        url,
        {
            "username": intruder.username,
            "is_active": "on",
            "is_staff": "on",
            "is_superuser": "on",
            "date_joined_0": "2026-01-01",
            "date_joined_1": "00:00:00",
            "memberships-TOTAL_FORMS": "0",
            "memberships-INITIAL_FORMS": "0",
        },
    )
    assert _refused(response)
    intruder.refresh_from_db()
    assert not intruder.is_superuser
    assert not intruder.is_staff


def test_a_network_admin_cannot_set_another_users_password(client, world, intruder):
    victim = world.manager_a
    response = client.post(
        f"/admin/accounts/user/{victim.pk}/password/",
        {"password1": "Pirate-Passe-42", "password2": "Pirate-Passe-42"},
    )
    assert _refused(response)
    victim.refresh_from_db()
    assert victim.check_password(DEFAULT_PASSWORD)
    assert not victim.check_password("Pirate-Passe-42")


def test_a_network_admin_opens_no_admin_page_of_another_network(client, world, intruder):
    agreement = Agreement.objects.create(
        partner=PartnerFactory(), organisation=world.org_a, start_date=datetime.date(2025, 1, 1)
    )
    membership = world.manager_a.memberships.get()
    pages = [
        "/admin/",
        f"/admin/network/organisation/{world.org_a.pk}/change/",
        f"/admin/network/site/{world.site_a.pk}/change/",
        f"/admin/accounts/user/{world.manager_a.pk}/change/",
        f"/admin/accounts/membership/{membership.pk}/change/",
        f"/admin/network/agreement/{agreement.pk}/change/",
        "/admin/network/site/",
        "/admin/accounts/user/",
    ]
    for url in pages:
        assert _refused(client.get(url)), url
    name = world.org_a.name
    response = client.post(
        f"/admin/network/organisation/{world.org_a.pk}/change/", {"name": "Pirate"}
    )
    assert _refused(response)
    world.org_a.refresh_from_db()
    assert world.org_a.name == name
    response = client.post(
        f"/admin/accounts/membership/{membership.pk}/change/",
        {"user": intruder.pk, "role": Role.ORGANISATION_MANAGER, "organisation": world.org_a.pk},
    )
    assert _refused(response)
    membership.refresh_from_db()
    assert membership.user == world.manager_a


def test_even_the_own_network_admin_is_sent_to_the_app_pages(client, world):
    client.force_login(world.head)
    assert _refused(client.get("/admin/"))
    assert client.get(f"/reseau/structures/{world.org_a.pk}/modifier/").status_code == 200
    assert "Administration" not in client.get("/compte/").content.decode()


def test_a_superuser_still_administers_and_is_journalled(client, world):
    root = get_user_model().objects.create_superuser("racine", "racine@example.org", "x-Secret-1")
    client.force_login(root)
    assert client.get("/admin/").status_code == 200
    assert "Administration" in client.get("/compte/").content.decode()
    url = f"/admin/network/organisation/{world.org_a.pk}/change/"
    form = client.get(url).context["adminform"].form
    data = {name: form[name].value() or "" for name in form.fields}
    data["name"] = "PIMMS Lyon Métropole"
    for prefix in ("names", "network_memberships"):
        data |= {f"{prefix}-TOTAL_FORMS": "0", f"{prefix}-INITIAL_FORMS": "0"}
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    world.org_a.refresh_from_db()
    assert world.org_a.name == "PIMMS Lyon Métropole"
    entry = JournalEntry.objects.for_object(world.org_a).latest("pk")
    assert entry.actor == root


def test_a_label_decision_changed_in_the_admin_is_journalled(client, world):
    from maillon.labels.models import LabelProgramme

    root = get_user_model().objects.create_superuser("racine", "racine@example.org", "x-Secret-1")
    client.force_login(root)
    programme = LabelProgramme.objects.first()
    url = f"/admin/labels/labelprogramme/{programme.pk}/change/"
    form = client.get(url).context["adminform"].form
    data = {name: form[name].value() or "" for name in form.fields}
    data["name"] = "France Services (renommé)"
    assert client.post(url, data).status_code == 302
    entry = JournalEntry.objects.for_object(programme).get()
    assert entry.changes["name"][1] == "France Services (renommé)"
