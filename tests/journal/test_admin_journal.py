"""What the network head changes in the Django admin is journalled too."""

import pytest
from django.contrib import admin
from django.test import RequestFactory

from maillon.journal.models import JournalEntry
from maillon.network.models import Partner, Site
from tests.factories import PartnerFactory
from tests.journal.world import make_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def request_as_head():
    world = make_world()
    request = RequestFactory().post("/admin/")
    request.user = world.head
    return world, request


def test_admin_change_of_a_site_is_journalled_and_bumps_its_version(request_as_head):
    world, request = request_as_head
    site_admin = admin.site._registry[Site]
    site = Site.objects.get(pk=world.site_a.pk)
    site.phone = "04 00 00 00 01"
    site_admin.save_model(request, site, form=None, change=True)
    stored = Site.objects.get(pk=site.pk)
    assert stored.version == 2
    entry = JournalEntry.objects.for_object(site).get()
    assert entry.actor == world.head
    assert entry.changes == {"phone": ["", "04 00 00 00 01"]}
    assert entry.note == "via l'administration"


def test_admin_creation_and_deletion_of_a_partner_are_journalled(request_as_head):
    _world, request = request_as_head
    partner_admin = admin.site._registry[Partner]
    partner = Partner(code="engie-test", name="Engie", kind="local")
    partner_admin.save_model(request, partner, form=None, change=False)
    partner_admin.delete_queryset(request, Partner.objects.filter(pk=partner.pk))
    assert not Partner.objects.filter(code="engie-test").exists()
    actions = list(
        JournalEntry.objects.filter(object_repr="Engie")
        .order_by("at", "pk")
        .values_list("action", flat=True)
    )
    assert actions == ["create", "delete"]


def test_unchanged_admin_save_writes_nothing(request_as_head):
    _world, request = request_as_head
    partner = PartnerFactory()
    admin.site._registry[Partner].save_model(request, partner, form=None, change=True)
    assert not JournalEntry.objects.exists()
