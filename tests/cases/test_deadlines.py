"""Deadlines in business days of the site's département (time-machine), and the daily digest
that sends exactly the late cases."""

import datetime

import pytest
import time_machine
from django.core import mail

from maillon.cases.deadlines import business_days_between, due_on, is_due_soon, is_late
from maillon.cases.enums import CaseStatus
from maillon.cases.models import CasePolicy
from maillon.cases.notifications import late_cases
from maillon.cases.tasks import deadlines_check
from maillon.geo.models import Department
from tests.cases.builders import caf, case_create, referent_of, site_in
from tests.cases.worker import run_worker
from tests.factories import NetworkFactory, PartnerFactory, manager_of

pytestmark = pytest.mark.django_db

PARIS = "75056"
METZ = "57463"
NARBONNE = "11262"


def at(day: str, hour: int = 10) -> datetime.datetime:
    """`hour` o'clock in Paris on `day` (ISO): winter or summer time alike."""
    from zoneinfo import ZoneInfo

    return datetime.datetime.fromisoformat(day).replace(hour=hour, tzinfo=ZoneInfo("Europe/Paris"))


def sent_case(commune: str, day: str, hour: int = 10):
    with time_machine.travel(at(day, hour), tick=False):
        return case_create(site=site_in(commune), partner=caf())


def test_a_case_sent_on_friday_is_due_on_wednesday_across_the_weekend():
    case = sent_case(PARIS, "2026-03-06")  # a Friday
    assert case.due_on == datetime.date(2026, 3, 11)  # Mon 9, Tue 10, Wed 11
    assert is_due_soon(case, datetime.date(2026, 3, 10))
    assert not is_late(case, datetime.date(2026, 3, 11))
    assert is_late(case, datetime.date(2026, 3, 12))


def test_a_friday_evening_in_paris_is_still_friday_though_utc_says_otherwise():
    case = sent_case(PARIS, "2026-03-06", hour=23)
    assert case.sent_at.astimezone(datetime.UTC).date() == datetime.date(2026, 3, 6)
    assert case.due_on == datetime.date(2026, 3, 11)


def test_the_14th_of_july_is_not_a_business_day():
    case = sent_case(PARIS, "2026-07-13")  # Monday; Tuesday 14 July is a holiday
    assert case.due_on == datetime.date(2026, 7, 17)  # Wed 15, Thu 16, Fri 17
    assert business_days_between("75", datetime.date(2026, 7, 13), datetime.date(2026, 7, 17)) == 3


def test_alsace_moselle_skips_the_26th_of_december_paris_does_not():
    # 2025: Thursday 25 December (Noël), Friday 26 December (Saint-Étienne in 57, 67, 68)
    metz = sent_case(METZ, "2025-12-24")
    paris = sent_case(PARIS, "2025-12-24")
    assert paris.due_on == datetime.date(2025, 12, 30)  # Fri 26, Mon 29, Tue 30
    assert metz.due_on == datetime.date(2025, 12, 31)  # Mon 29, Tue 30, Wed 31
    assert is_late(paris, datetime.date(2025, 12, 31))
    assert not is_late(metz, datetime.date(2025, 12, 31))


def test_after_the_referents_answer_the_closure_deadline_counts_from_it():
    case = sent_case(PARIS, "2026-07-06")
    with time_machine.travel(at("2026-07-08"), tick=False):
        case.status = CaseStatus.ANSWERED
        case.first_answer_at = case.last_answer_at = case.answered_at = at("2026-07-08")
        # 15 business days after Wed 8 July, 14 July skipped
        assert due_on(case) == datetime.date(2026, 7, 30)


def test_the_networks_rules_set_the_number_of_days():
    network = NetworkFactory()
    CasePolicy.objects.create(network=network, first_answer_days=1)
    site = site_in(PARIS)
    site.organisation.network_memberships.create(network=network, start_date="2020-01-01")
    with time_machine.travel(at("2026-03-06"), tick=False):
        case = case_create(site=site, partner=caf())
    assert case.due_on == datetime.date(2026, 3, 9)


def test_the_digest_sends_exactly_the_late_cases_to_referents_and_managers(settings):
    settings.MAILLON_BASE_URL = "https://maillon.example.org"
    partner = caf()
    aude = Department.objects.get(code="11")
    referent_of(partner, departments=[aude], email="caf11@example.org")
    referent_of(PartnerFactory(code="cpam"), departments=[aude], email="cpam11@example.org")
    site = site_in(NARBONNE)
    manager_of(site.organisation, user__email="responsable@example.org")
    with time_machine.travel(at("2026-07-13"), tick=False):  # Monday, due Friday 17
        late = case_create(site=site, partner=partner)
        closed = case_create(site=site, partner=partner)
    with time_machine.travel(at("2026-07-16"), tick=False):  # Thursday, due Tuesday 21
        on_time = case_create(site=site, partner=partner)
    closed.status, closed.closed_at, closed.due_on = CaseStatus.CLOSED, at("2026-07-15"), None
    closed.save()

    day = datetime.date(2026, 7, 20)  # Monday: 17 July is past, 21 July is not
    assert list(late_cases(day)) == [late]
    with time_machine.travel(at("2026-07-20", 7), tick=False):
        output = run_worker()
    assert "deadlines_check" in output
    by_address = {m.to[0]: m for m in mail.outbox}
    assert sorted(by_address) == ["caf11@example.org", "responsable@example.org"]
    for message in by_address.values():
        assert message.subject == "Dossiers transmis en retard : 1"
        assert f"https://maillon.example.org/dossiers/{late.pk}/" in message.body
        assert f"/dossiers/{on_time.pk}/" not in message.body
        assert f"/dossiers/{closed.pk}/" not in message.body
        assert "échéance du 17/07/2026" in message.body


def test_the_deadline_check_stores_due_days_that_moved():
    case = sent_case(PARIS, "2026-03-06")
    type(case).objects.filter(pk=case.pk).update(due_on=datetime.date(2026, 1, 1))
    result = deadlines_check.call(day="2026-03-09")
    case.refresh_from_db()
    assert (result["moved"], case.due_on) == (1, datetime.date(2026, 3, 11))
