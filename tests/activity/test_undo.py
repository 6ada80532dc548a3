"""Delete and undo: « Passage supprimé — Annuler » restores, for a few minutes, what a deletion
removed (the visit, its requests, follow-ups and targets; an outreach act; a workshop) with its
ids; the rollups verify after the delete and after the undo, and the journal records both."""

import datetime

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from maillon.activity.counted import OUTREACH, delete
from maillon.activity.models import FollowUp, OutreachAct, Referral, Request, Visit, Workshop
from maillon.activity.rollups_verify import rollups_compare
from maillon.activity.services import (
    RequestInput,
    outreach_record,
    visit_delete,
    visit_record,
    workshop_record,
)
from maillon.activity.undo import UNDO_MINUTES, deletion_undo
from maillon.core.errors import NotFound
from maillon.journal.enums import JournalAction
from maillon.journal.models import JournalEntry
from tests.factories import SiteFactory, agent_of, manager_of

pytestmark = pytest.mark.django_db

NOON = datetime.datetime(2026, 3, 10, 11, 0, tzinfo=datetime.UTC)
DESK = reverse("activity:desk")
UNDO = reverse("activity:undo")


def client_of(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _exact() -> None:
    _, differences, total = rollups_compare()
    assert total == 0, differences


def _rows() -> list[tuple]:
    return sorted(
        Request.objects.values_list(
            "pk", "visit_id", "position", "partner_id", "theme_id", "outcome_id", "help_defaulted"
        )
    )


@time_machine.travel(NOON, tick=False)
def test_a_deleted_visit_comes_back_whole_with_its_ids(client):
    site = SiteFactory()
    agent = agent_of(site)
    client.force_login(agent)
    client.post(
        DESK,
        {
            "site": site.pk,
            "channel": "sur-site",
            "quick": "caf2/av cpam3",
            "r0_partner": "caf",
            "r0_theme": "logement",
            "r0_help_kind": "orientation",
            "r0_outcome": "reoriente",
            "r0_referral_structure": "Mission locale",
        },
    )
    visit = Visit.objects.get()
    FollowUp.objects.update(reference="T-42")
    before = (_rows(), list(FollowUp.objects.values()), list(Referral.objects.values()))
    response = client.post(reverse("activity:visit_delete", args=[visit.pk]))
    assert response.status_code == 302
    assert not Visit.objects.exists() and not FollowUp.objects.exists()
    _exact()
    desk = client.get(response["Location"]).content.decode()
    assert "Passage supprimé —" in desk and "Annuler" in desk  # the offer
    journal = client_of(manager_of(site.organisation)).get(
        reverse("network:site_history", args=[site.pk])
    )
    assert "Mission locale" in journal.content.decode()  # the last values, as before
    assert "activity.visit" not in journal.content.decode()  # not the rows kept to restore
    entry = JournalEntry.objects.get(action=JournalAction.DELETE)
    response = client.post(UNDO, {"entry": entry.pk, "next": DESK})
    assert response.status_code == 302 and response["Location"] == DESK
    restored = Visit.objects.get()
    assert restored.pk == visit.pk and restored.created_at == visit.created_at
    assert (_rows(), list(FollowUp.objects.values()), list(Referral.objects.values())) == before
    _exact()
    assert JournalEntry.objects.filter(action=JournalAction.CREATE, object_id=str(visit.pk))
    page = client.get(DESK).content.decode()
    assert "Suppression annulée" in page and "Passage supprimé —" not in page
    again = client.post(UNDO, {"entry": entry.pk, "next": DESK})  # a second click
    assert "déjà été annulée" in client.get(again["Location"]).content.decode()
    assert Visit.objects.count() == 1


@time_machine.travel(NOON, tick=False)
@pytest.mark.parametrize("kind", ["outreach", "workshop"])
def test_an_outreach_act_or_a_workshop_is_restored_from_its_list(client, kind):
    site = SiteFactory()
    agent = agent_of(site)
    day = NOON.date()
    if kind == "outreach":
        obj = outreach_record(
            agent=agent, site_id=site.pk, day=day, place="domicile", people_reached=4
        ).object
    else:
        obj = workshop_record(
            agent=agent, site_id=site.pk, day=day, theme="numerique", title="Mails", participants=6
        ).object
    model = type(obj)
    client.force_login(agent)
    response = client.post(reverse(f"activity:{kind}_delete", args=[obj.pk]))
    assert not model.objects.exists()
    _exact()
    listing = client.get(response["Location"]).content.decode()
    label = "Médiation sortante supprimée —" if kind == "outreach" else "Atelier supprimé —"
    assert label in listing
    entry = JournalEntry.objects.get(action=JournalAction.DELETE)
    client.post(UNDO, {"entry": entry.pk, "next": response["Location"]})
    assert model.objects.get().pk == obj.pk
    _exact()


@time_machine.travel(NOON, tick=False)
def test_the_undo_expires_and_belongs_to_who_deleted(client):
    site = SiteFactory()
    agent = agent_of(site)
    act = outreach_record(
        agent=agent, site_id=site.pk, day=NOON.date(), place="domicile", people_reached=1
    ).object
    entry = JournalEntry.objects.get(pk=_delete_outreach(agent, act))
    colleague = agent_of(site)
    with pytest.raises(NotFound):  # another user's deletion
        deletion_undo(actor=colleague, entry_id=entry.pk)
    later = NOON + datetime.timedelta(minutes=UNDO_MINUTES, seconds=1)
    with time_machine.travel(later, tick=False), pytest.raises(Exception, match="est passé"):
        deletion_undo(actor=agent, entry_id=entry.pk)
    assert not OutreachAct.objects.exists() and not Workshop.objects.exists()
    client.force_login(agent)
    with time_machine.travel(later, tick=False):
        listing = client.get(reverse("activity:outreach_list"), {"site": site.pk})
    assert "supprimée —" not in listing.content.decode()  # no offer once it is over
    _exact()


def _delete_outreach(agent, act) -> int:
    entry = delete(OUTREACH, actor=agent, obj=act)
    assert entry is not None
    return entry.pk


@time_machine.travel(NOON, tick=False)
def test_a_visit_deleted_through_the_service_is_undone_by_its_author_only():
    site = SiteFactory()
    agent = agent_of(site)
    visit = visit_record(
        agent=agent, site_id=site.pk, requests=[RequestInput(theme="famille")]
    ).object
    entry = visit_delete(actor=agent, visit=visit)
    assert entry is not None
    with pytest.raises(NotFound):
        deletion_undo(actor=agent_of(SiteFactory()), entry_id=entry.pk)
    assert deletion_undo(actor=agent, entry_id=entry.pk).pk == visit.pk
    _exact()
