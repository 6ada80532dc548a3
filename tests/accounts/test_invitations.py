"""Members and invitations: invite by e-mail, accept with a signed expiring link, deactivate."""

import datetime
import html
import re

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from maillon.accounts import invitations
from maillon.accounts.enums import Role
from maillon.accounts.models import Invitation, Membership, User
from maillon.journal.models import JournalEntry
from tests.journal.world import make_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return make_world()


def text(response) -> str:
    return html.unescape(response.content.decode())


def invite(client, world, email="camille@example.org", role=Role.AGENT, site=True):
    client.force_login(world.manager_a)
    return client.post(
        reverse("accounts:member_list", args=[world.org_a.pk]),
        {"email": email, "role": role, "site": world.site_a.pk if site else ""},
    )


def link_from_mail() -> str:
    body = mail.outbox[-1].body
    return re.search(r"http://testserver(/compte/invitation/[^\s]+/)", body)[1]


def test_invitation_is_mailed_once_committed(client, world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = invite(client, world)
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["camille@example.org"]
    assert "PIMMS Lyon 8e" in mail.outbox[0].subject
    entry = JournalEntry.objects.get(action="invite")
    assert entry.site_id == world.site_a.pk and entry.actor == world.manager_a


def test_newcomer_accepts_and_lands_on_the_desk(client, world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        invite(client, world)
    client.logout()
    link = link_from_mail()
    assert "Créez votre compte" in text(client.get(link))
    response = client.post(
        link,
        {
            "first_name": "Camille",
            "last_name": "Martin",
            "username": "camille",
            "password1": "un-Mot-de-passe-solide-42",
            "password2": "un-Mot-de-passe-solide-42",
        },
    )
    assert response.status_code == 302
    assert response.url == invitations.desk_url(world.site_a)
    user = User.objects.get(username="camille")
    assert user.email == "camille@example.org"
    membership = Membership.objects.get(user=user)
    assert (membership.role, membership.site) == (Role.AGENT, world.site_a)
    assert int(client.session["_auth_user_id"]) == user.pk
    assert set(JournalEntry.objects.values_list("action", flat=True)) == {
        "invite",
        "accept",
        "create",
    }
    # reused link: refused, nothing created
    client.logout()
    again = client.get(link)
    assert again.status_code == 410
    assert "déjà été utilisée" in text(again)
    assert Membership.objects.filter(user=user).count() == 1


def test_logged_in_user_accepts_with_one_click(client, world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        invite(client, world, email="stranger@example.org")
    link = link_from_mail()
    world.stranger.email = "Stranger@example.org"  # the invited address, in any case
    world.stranger.save()
    client.force_login(world.stranger)
    response = client.post(link)
    assert response.status_code == 302
    assert Membership.objects.filter(user=world.stranger, site=world.site_a).exists()


def test_expired_link_is_refused(client, world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        invite(client, world)
    link = link_from_mail()
    Invitation.objects.update(expires_at=timezone.now() - datetime.timedelta(minutes=1))
    client.logout()
    response = client.get(link)
    assert response.status_code == 410
    assert "a expiré" in text(response)


def test_tampered_link_is_refused(client, world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        invite(client, world)
    link = link_from_mail()
    client.logout()
    response = client.get(link[:-3] + "xx/")
    assert response.status_code == 410
    assert "n'est pas valide" in text(response)


def test_revoked_invitation_is_refused(client, world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        invite(client, world)
    link = link_from_mail()
    client.post(reverse("accounts:invitation_revoke", args=[Invitation.objects.get().pk]))
    client.logout()
    assert "a été annulée" in text(client.get(link))


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"email": "pas-un-courriel"}, "email", "Saisissez une adresse de courriel valide"),
        (
            {"role": Role.ORGANISATION_MANAGER},
            "site",
            "invité sur toute la structure",
        ),
    ],
    ids=["bad-email", "manager-on-a-site"],
)
def test_bad_invitation_is_refused_at_the_field(client, world, data, field, message):
    client.force_login(world.manager_a)
    payload = {"email": "x@example.org", "role": Role.AGENT, "site": world.site_a.pk, **data}
    response = client.post(reverse("accounts:member_list", args=[world.org_a.pk]), payload)
    assert message in text(response)
    assert f'id="id_{field}_error"' in text(response)
    assert not Invitation.objects.exists()


def test_member_is_deactivated_never_deleted(client, world):
    membership = Membership.objects.get(user=world.agent_a)
    client.force_login(world.manager_a)
    response = client.post(reverse("accounts:membership_deactivate", args=[membership.pk]))
    assert response.status_code == 302
    membership.refresh_from_db()
    assert membership.is_active is False
    entry = JournalEntry.objects.get(action="deactivate")
    assert entry.changes == {"is_active": [True, False]}
    page = text(client.get(reverse("accounts:member_list", args=[world.org_a.pk])))
    assert "désactivée" in page


def test_invited_twice_is_refused(client, world):
    invite(client, world)
    response = invite(client, world)
    assert "déjà en attente" in text(response)
    assert Invitation.objects.count() == 1


def test_an_invitation_is_accepted_only_by_the_invited_address(
    client, world, django_capture_on_commit_callbacks
):
    """Issue 12: another logged-in user accepted an invitation meant for someone else."""
    with django_capture_on_commit_callbacks(execute=True):
        invite(client, world, email="camille@example.org")
    link = link_from_mail()
    world.stranger.email = "dominique@example.org"
    world.stranger.save()
    client.force_login(world.stranger)
    page = text(client.get(link))
    assert "destinée à une autre adresse" in page
    assert "Accepter l'invitation" not in page
    response = client.post(link)
    assert "destinée à une autre adresse" in text(response)
    assert not Membership.objects.filter(user=world.stranger).exists()
    assert Invitation.objects.get().accepted_at is None


def _deactivate(client, membership, **data):
    return client.post(reverse("accounts:membership_deactivate", args=[membership.pk]), data)


def test_the_last_manager_of_an_organisation_cannot_be_deactivated(client, world):
    """Issue 12: a manager deactivated his own and only manager membership in one click."""
    own = Membership.objects.get(user=world.manager_a)
    client.force_login(world.manager_a)
    for confirmed in ({}, {"confirm": "1"}):
        url = reverse("accounts:membership_deactivate", args=[own.pk])
        refused = text(client.post(url, confirmed, follow=True))
        assert "est le dernier responsable de la structure" in refused
        own.refresh_from_db()
        assert own.is_active
    client.force_login(world.head)  # nor by the network head
    _deactivate(client, own, confirm="1")
    own.refresh_from_db()
    assert own.is_active


def test_a_manager_leaves_after_confirming_when_another_remains(client, world):
    from tests.factories import manager_of

    manager_of(world.org_a)
    own = Membership.objects.get(user=world.manager_a)
    client.force_login(world.manager_a)
    assert _deactivate(client, own).status_code == 200
    own.refresh_from_db()
    assert own.is_active
    assert _deactivate(client, own, confirm="1").status_code == 302
    own.refresh_from_db()
    assert not own.is_active
