"""Shared partners (CAF…) are edited only by a superuser or by the network that owns them.

Issue 12, C1: `/reseau/partenaires/<id>/` let the admin of any network close CAF for every
network."""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils.html import escape

from maillon.network.models import Partner
from tests.factories import MembershipFactory, NetworkFactory, PartnerFactory
from tests.journal.world import make_world

pytestmark = pytest.mark.django_db


def _form(partner: Partner, **changes) -> dict:
    data = {
        "name": partner.name,
        "short_name": partner.short_name,
        "code": partner.code,
        "kind": partner.kind,
        "valid_from": "",
        "valid_until": "",
        "website": "",
        "owner": partner.owner_id or "",
    }
    return data | changes


@pytest.fixture
def caf():
    return Partner.objects.get(code="caf")


def test_a_network_admin_cannot_close_a_shared_partner(client, caf):
    client.force_login(MembershipFactory(network_admin=True).user)  # of the PIMMS network
    url = reverse("network:partner_edit", args=[caf.pk])
    assert client.get(url).status_code == 404
    response = client.post(url, _form(caf, valid_until="2026-01-31"))
    assert response.status_code == 404
    caf.refresh_from_db()
    assert caf.valid_until is None
    partners = client.get(reverse("network:partner_list")).content.decode()
    assert escape(caf.name) in partners  # still listed, for reading
    assert url not in partners  # but not editable


def test_a_network_admin_cannot_edit_another_networks_partner(client):
    world = make_world()
    other = NetworkFactory(slug="fs-42", name="France Services Loire")
    theirs = PartnerFactory(owner=other, name="Régie de quartier")
    client.force_login(world.head)
    url = reverse("network:partner_edit", args=[theirs.pk])
    assert client.post(url, _form(theirs, name="Pirate")).status_code == 404
    theirs.refresh_from_db()
    assert theirs.name == "Régie de quartier"


def test_the_owner_network_edits_its_partner_and_creates_its_own(client):
    world = make_world()
    network = world.head.memberships.get().network
    mine = PartnerFactory(owner=network, name="Épicerie solidaire")
    client.force_login(world.head)
    url = reverse("network:partner_edit", args=[mine.pk])
    assert client.post(url, _form(mine, valid_until="2026-06-30")).status_code == 302
    mine.refresh_from_db()
    assert str(mine.valid_until) == "2026-06-30"
    created = client.post(
        reverse("network:partner_create"),
        _form(Partner(name="Enedis", code="enedis-local", kind="local", owner=network)),
    )
    assert created.status_code == 302
    assert Partner.objects.get(code="enedis-local").owner == network


def test_a_superuser_closes_a_shared_partner(client, caf):
    client.force_login(get_user_model().objects.create_superuser("racine", "r@example.org"))
    url = reverse("network:partner_edit", args=[caf.pk])
    assert client.post(url, _form(caf, valid_until="2026-01-31")).status_code == 302
    caf.refresh_from_db()
    assert str(caf.valid_until) == "2026-01-31"
