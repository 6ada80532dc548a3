import datetime

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from maillon.accounts.models import User
from maillon.activity.models import (
    OutreachMonthlyRollup,
    Request,
    RequestDailyRollup,
    Visit,
    VisitDailyRollup,
)
from maillon.activity.rollups_verify import rollups_compare
from maillon.activity.services import (
    RequestInput,
    outreach_record,
    visit_can_change,
    visit_delete,
    visit_locked_reason,
    visit_record,
    visit_repeat_last,
    visit_update,
    workshop_record,
)
from maillon.journal.enums import JournalAction
from maillon.journal.models import JournalEntry
from maillon.network.models import Site
from tests.activity.factories import record_visit, two_requests
from tests.factories import PartnerFactory, SiteFactory, agent_of, manager_of

pytestmark = pytest.mark.django_db

NOON = datetime.datetime(2026, 3, 10, 11, 0, tzinfo=datetime.UTC)


@time_machine.travel(NOON, tick=False)
def test_a_visit_with_two_requests_is_stored_with_its_rollups():
    site = SiteFactory()
    agent = agent_of(site)
    visit = record_visit(agent, site)
    assert visit.day == datetime.date(2026, 3, 10)
    assert visit.channel.code == "sur-site"
    assert Request.objects.filter(visit=visit).count() == 2
    assert VisitDailyRollup.objects.get(site_id=site.pk).visits == 1
    assert sum(RequestDailyRollup.objects.values_list("requests", flat=True)) == 2
    _, differences, total = rollups_compare()
    assert total == 0, differences


@time_machine.travel(NOON, tick=False)
def test_the_same_idempotency_key_stores_once_and_returns_the_first_visit():
    site = SiteFactory()
    agent = agent_of(site)
    first = visit_record(
        agent=agent, site_id=site.pk, requests=two_requests(), idempotency_key="k1"
    )
    again = visit_record(
        agent=agent, site_id=site.pk, requests=two_requests(), idempotency_key="k1"
    )
    assert first.created and not again.created
    assert again.object.pk == first.object.pk
    assert Visit.objects.count() == 1
    assert VisitDailyRollup.objects.get().visits == 1
    with pytest.raises(ValidationError) as error:
        visit_record(
            agent=agent,
            site_id=site.pk,
            requests=[RequestInput(theme="logement")],
            idempotency_key="k1",
        )
    assert "idempotency_key" in error.value.message_dict


@time_machine.travel(NOON, tick=False)
@pytest.mark.parametrize(
    ("kwargs", "path", "fragment"),
    [
        ({"requests": [RequestInput(theme="inconnu")]}, "requests.0.theme", "inconnu"),
        (
            {"requests": [RequestInput(theme="logement", partner="nope")]},
            "requests.0.partner",
            "inconnu",
        ),
        ({"requests": []}, "requests", "au moins une demande"),
        ({"channel": "pigeon"}, "channel", "inconnu"),
        ({"occurred_at": NOON + datetime.timedelta(hours=2)}, "occurred_at", "futur"),
        (
            {"occurred_at": datetime.datetime(1999, 5, 1, tzinfo=datetime.UTC)},
            "occurred_at",
            "ouverture",
        ),
        (
            {
                "requests": [RequestInput(theme="logement", partner="maprimeadapt")],
                "occurred_at": datetime.datetime(2023, 5, 1, 9, tzinfo=datetime.UTC),
            },
            "requests.0.partner",
            "pas valable",
        ),
    ],
    ids=[
        "unknown-theme",
        "unknown-partner",
        "no-request",
        "unknown-channel",
        "future",
        "too-old",
        "partner-not-yet-valid",
    ],
)
def test_bad_input_is_refused_with_a_french_message_naming_the_field(kwargs, path, fragment):
    site = SiteFactory()
    agent = agent_of(site)
    kwargs.setdefault("requests", two_requests())
    with pytest.raises(ValidationError) as error:
        visit_record(agent=agent, site_id=site.pk, **kwargs)
    assert fragment in " ".join(error.value.message_dict[path])
    assert Visit.objects.count() == 0
    assert VisitDailyRollup.objects.count() == 0


def test_a_site_the_agent_does_not_belong_to_is_refused():
    mine, other = SiteFactory(), SiteFactory()
    with pytest.raises(ValidationError) as error:
        record_visit(agent_of(mine), other)
    assert "site" in error.value.message_dict
    assert Visit.objects.count() == 0


def test_author_edits_the_same_day_then_only_a_manager_corrects():
    site = SiteFactory()
    agent = agent_of(site)
    with time_machine.travel(NOON, tick=False):
        visit = record_visit(agent, site)
        visit = visit_update(
            actor=agent, visit=visit, requests=[RequestInput(theme="logement", partner="caf")]
        )
        assert [r.theme.code for r in visit.requests.all()] == ["logement"]
    with time_machine.travel(NOON + datetime.timedelta(days=1), tick=False):
        with pytest.raises(PermissionDenied):
            visit_update(actor=agent, visit=visit, requests=two_requests())
        manager = manager_of(site.organisation)
        with pytest.raises(ValidationError) as missing:
            visit_update(actor=manager, visit=visit, requests=two_requests())
        assert "motif" in missing.value.message_dict["reason"][0]
        corrected = visit_update(
            actor=manager, visit=visit, requests=two_requests(), reason="CAF, pas CPAM"
        )
        assert corrected.corrected_by == manager
    entry = JournalEntry.objects.for_object(visit).get(action=JournalAction.UPDATE, actor=manager)
    assert entry.note == "CAF, pas CPAM"
    assert entry.changes["requests"][1] == [
        "caf famille accompagnement resolu*",
        "cpam social-sante information* a-revoir suite",
    ]
    _, differences, total = rollups_compare()
    assert total == 0, differences


@time_machine.travel(NOON, tick=False)
def test_delete_removes_the_visit_from_the_rollups():
    site = SiteFactory()
    agent = agent_of(site)
    keep = record_visit(agent, site)
    gone = record_visit(agent, site)
    visit_delete(actor=agent, visit=gone)
    assert list(Visit.objects.values_list("pk", flat=True)) == [keep.pk]
    assert VisitDailyRollup.objects.get().visits == 1
    assert rollups_compare()[2] == 0


@time_machine.travel(NOON, tick=False)
def test_same_as_last_repeats_the_requests_of_the_previous_visit():
    site = SiteFactory()
    agent = agent_of(site)
    record_visit(agent, site, channel="telephone")
    repeated = visit_repeat_last(agent=agent, site_id=site.pk).object
    assert repeated.channel_id == Visit.objects.order_by("pk").first().channel_id
    assert [(r.partner.code, r.theme.code) for r in repeated.requests.order_by("position")] == [
        ("caf", "famille"),
        ("cpam", "social-sante"),
    ]


@time_machine.travel(NOON, tick=False)
def test_outreach_and_workshops_are_recorded_with_rollups():
    site = SiteFactory()
    agent = agent_of(site)
    PartnerFactory(code="tram-local", name="Tram local")
    day = timezone.localdate()
    act = outreach_record(
        agent=agent,
        site_id=site.pk,
        day=day,
        place="transports",
        partner="tram-local",
        people_reached=4,
    )
    assert act.created and act.object.people_reached == 4
    monthly = OutreachMonthlyRollup.objects.get()  # what key figures read
    assert (monthly.month, monthly.acts, monthly.people_reached) == (day.replace(day=1), 1, 4)
    workshop = workshop_record(
        agent=agent,
        site_id=site.pk,
        day=day,
        theme="numerique",
        title="Créer sa boîte mail",
        participants=8,
    )
    assert workshop.created
    with pytest.raises(ValidationError) as error:
        workshop_record(
            agent=agent, site_id=site.pk, day=day, theme="numerique", title="", participants=0
        )
    assert {"title", "participants"} <= set(error.value.message_dict)
    counts, differences, total = rollups_compare()
    assert total == 0, differences


def test_a_visit_of_a_site_without_organisation_sends_the_agent_to_the_network():
    """No organisation: no manager may correct the visit, and the reason names the network's
    head office (mypy made the missing organisation explicit; it used to raise)."""
    visit = Visit(
        site=Site(name="Bus France Services"), agent_id=999, day=datetime.date(2024, 1, 2)
    )
    assert not visit_can_change(user=User(pk=1), visit=visit)
    assert "adressez-vous à la tête de réseau" in visit_locked_reason(visit=visit)
