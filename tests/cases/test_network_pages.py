"""The network head's pages of cases: the case rules, and referent invitations (network head
or an active referent of the same partner, within his territory), accepted through the
existing invitation flow."""

import html
import re

import pytest
from django.core import mail
from django.urls import reverse

from maillon.accounts import invitations
from maillon.accounts.enums import PARTNER_REFERENT
from maillon.accounts.models import Invitation
from maillon.cases.models import CasePolicy, Referent
from maillon.geo.models import Department
from maillon.journal.models import JournalEntry
from tests.cases.factories import referent_of, site_in
from tests.factories import MembershipFactory, agent_of

pytestmark = pytest.mark.django_db

POLICY = reverse("cases_admin:policy")
REFERENTS = reverse("cases_admin:referents")


@pytest.fixture
def head():
    return MembershipFactory(network_admin=True, user__email="tete@example.org")


def text(response) -> str:
    return html.unescape(response.content.decode())


def link_from_mail() -> str:
    return re.search(r"http://testserver(/compte/invitation/[^\s]+/)", mail.outbox[-1].body)[1]


def test_the_network_head_sets_the_case_rules_journaled(client, head):
    client.force_login(head.user)
    page = client.get(f"{POLICY}?reseau={head.network.slug}")
    assert "valeurs ci-dessous sont celles par défaut" in text(page)
    response = client.post(
        f"{POLICY}?reseau={head.network.slug}",
        {"first_answer_days": 5, "closure_days": 10, "retention_months": 12},
    )
    assert response.status_code == 302
    policy = CasePolicy.objects.get(network=head.network)
    assert (policy.first_answer_days, policy.closure_days, policy.retention_months) == (5, 10, 12)
    entry = JournalEntry.objects.get(object_id=str(policy.pk), actor=head.user)
    assert entry.changes["retention_months"] == [None, 12]


def test_case_rules_out_of_bounds_are_refused_in_french(client, head):
    client.force_login(head.user)
    response = client.post(
        f"{POLICY}?reseau={head.network.slug}",
        {"first_answer_days": 0, "closure_days": 10, "retention_months": 99},
    )
    assert response.status_code == 200
    page = text(response)
    assert "supérieure ou égale à 1" in page
    assert "inférieure ou égale à 60" in page
    assert not CasePolicy.objects.exists()


def test_a_site_agent_gets_404_on_the_network_pages(client):
    client.force_login(agent_of(site_in("11")))
    assert client.get(POLICY).status_code == 404
    assert client.get(REFERENTS).status_code == 404


def invite(client, user, *, email="referente@example.org", departments=("11",), sites=()):
    client.force_login(user)
    return client.post(
        f"{REFERENTS}?partenaire=caf",
        {"email": email, "departments": list(departments), "sites": [s.pk for s in sites]},
    )


def test_the_head_invites_a_referent_who_signs_up_and_answers_for_his_territory(
    client, head, django_capture_on_commit_callbacks
):
    site = site_in("34")  # a site of his network: he may name it
    site.organisation.network_memberships.create(network=head.network, start_date="2020-01-01")
    with django_capture_on_commit_callbacks(execute=True):
        response = invite(client, head.user, departments=("11",), sites=[site])
    assert response.status_code == 302
    invitation = Invitation.objects.get(role=PARTNER_REFERENT)
    assert (invitation.partner.code, invitation.organisation) == ("caf", None)
    assert mail.outbox[-1].to == ["referente@example.org"]
    assert "Caisse d'allocations familiales" in mail.outbox[-1].subject + mail.outbox[-1].body

    client.logout()
    link = link_from_mail()
    response = client.post(
        link,
        {
            "username": "referente",
            "first_name": "Inès",
            "last_name": "Morel",
            "password1": "un-mot-de-passe-solide-42",
            "password2": "un-mot-de-passe-solide-42",
        },
    )
    assert response.status_code == 302
    referent = Referent.objects.get(user__username="referente")
    assert (referent.partner.code, referent.is_active, referent.invited_by) == (
        "caf",
        True,
        head.user,
    )
    assert list(referent.departments.values_list("pk", flat=True)) == ["11"]
    assert list(referent.sites.all()) == [site]
    assert client.get(link).status_code == 410  # used once
    assert JournalEntry.objects.filter(object_id=str(referent.pk), action="create").exists()


def test_a_referent_invites_a_colleague_within_his_own_territory_only(
    client, django_capture_on_commit_callbacks
):
    referent = referent_of("caf", "11", email="caf11@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        assert invite(client, referent.user, departments=("11",)).status_code == 302
    response = invite(client, referent.user, email="autre@example.org", departments=("34",))
    assert response.status_code == 200  # 34 is not offered to him: refused at the field
    assert Invitation.objects.filter(email="autre@example.org").count() == 0
    # another partner's page does not exist for him
    assert client.get(f"{REFERENTS}?partenaire=cpam").status_code == 404


def test_an_existing_user_accepts_and_his_territory_is_widened(client, head):
    referent = referent_of("caf", "11", email="caf@example.org")
    client.force_login(head.user)
    invitation = Invitation.objects.create(
        email="caf@example.org",
        role=PARTNER_REFERENT,
        partner=referent.partner,
        key="k",
        invited_by=head.user,
        expires_at="2100-01-01T00:00:00Z",
    )
    invitation.departments.set([Department.objects.get(pk="34")])
    invitations.invitation_accept(
        token=invitations.invitation_token(invitation), user=referent.user
    )
    assert sorted(referent.departments.values_list("pk", flat=True)) == ["11", "34"]
    assert Referent.objects.filter(user=referent.user).count() == 1


def test_an_invitation_without_territory_or_for_an_active_referent_is_refused(client, head):
    referent_of("caf", "11", email="deja@example.org")
    response = invite(client, head.user, email="nouveau@example.org", departments=())
    assert "Choisissez au moins un département" in text(response)
    response = invite(client, head.user, email="deja@example.org")
    assert "déjà référente de ce partenaire" in text(response)
    assert not Invitation.objects.filter(role=PARTNER_REFERENT).exists()
