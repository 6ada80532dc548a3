import datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from maillon.geo.models import Commune
from maillon.labels.enums import (
    ApplicationKind,
    ApplicationStatus,
    CriterionStatus,
    DatePrecision,
    DecisionOutcome,
)
from maillon.labels.models import LabelApplication, LabelDecision, LabelProgramme, Wave
from maillon.labels.selectors import (
    label_history,
    label_status_on,
    sites_decided_in_wave,
    sites_labelled_on,
    sites_new_between,
)
from maillon.labels.services import (
    LabelError,
    application_create,
    application_submit,
    audit_record,
    audit_start,
    date_bounds,
    label_decide,
    label_reinstate,
    label_suspend,
    label_withdraw,
)
from tests.factories import SiteFactory

D = datetime.date
MET = (CriterionStatus.MET, "")


@pytest.fixture
def site(db):
    return SiteFactory(commune=Commune.objects.get(code="42218", kind="COM"))


@pytest.fixture
def wave(db):
    programme = LabelProgramme.objects.get(slug="france-services")
    return Wave.objects.create(
        programme=programme,
        name="Comité de test",
        date=D(2020, 9, 30),
        effective_date=D(2020, 9, 1),
    )


JUNE_2020 = D(2020, 6, 1)


def _audited(site, submitted=JUNE_2020):
    application = application_create(actor=None, site=site)
    application_submit(actor=None, application=application, submitted_on=submitted)
    audit_start(actor=None, application=application)
    audit_record(
        actor=None,
        application=application,
        auditor="Cabinet d'audit",
        date=D(2020, 7, 1),
        results={"horaires": MET, "confidentialite": MET},
    )
    return application


def test_full_lifecycle_grants_in_a_wave(site, wave):
    application = _audited(site)
    decision = label_decide(
        actor=None,
        application=application,
        outcome=DecisionOutcome.GRANTED,
        wave=wave,
        source="comité",
    )
    application.refresh_from_db()
    assert application.status == ApplicationStatus.DECIDED
    assert (decision.effective_date, decision.effective_latest) == (D(2020, 9, 1), D(2020, 9, 1))
    assert list(sites_decided_in_wave(wave=wave)) == [site]
    assert site in sites_labelled_on(programme="france-services", day=D(2020, 9, 30))
    assert site not in sites_labelled_on(programme="france-services", day=D(2020, 8, 31))
    assert site in sites_new_between(
        programme="france-services", start=D(2020, 2, 1), end=D(2020, 9, 30)
    )
    assert [d.outcome for d in label_history(site=site)] == ["granted"]


def test_deciding_an_application_never_audited_is_refused_and_changes_nothing(site, wave):
    application = application_create(actor=None, site=site)
    application_submit(actor=None, application=application, submitted_on=D(2020, 6, 1))
    with pytest.raises(LabelError, match="n'a pas été auditée"):
        label_decide(
            actor=None,
            application=application,
            outcome=DecisionOutcome.GRANTED,
            wave=wave,
            source="x",
        )
    application.refresh_from_db()
    assert application.status == ApplicationStatus.SUBMITTED
    assert not LabelDecision.objects.filter(site=site).exists()


def test_withdrawing_a_label_never_granted_is_refused(site):
    with pytest.raises(LabelError, match="Impossible de retirer le label"):
        label_withdraw(actor=None, site=site, effective_date=D(2021, 1, 1), source="x", reason="x")
    assert not LabelDecision.objects.filter(site=site).exists()


def test_a_decision_dated_before_its_application_is_refused(site):
    application = _audited(site, submitted=D(2020, 6, 1))
    with pytest.raises(LabelError, match="précède le dépôt de la candidature"):
        label_decide(
            actor=None,
            application=application,
            outcome=DecisionOutcome.GRANTED,
            effective_date=D(2020, 5, 15),
            source="x",
        )
    application.refresh_from_db()
    assert application.status == ApplicationStatus.AUDITED
    assert not LabelDecision.objects.filter(site=site).exists()


def test_audit_before_submission_is_refused(site):
    application = application_create(actor=None, site=site)
    application_submit(actor=None, application=application, submitted_on=D(2020, 6, 1))
    with pytest.raises(LabelError, match="précède le dépôt"):
        audit_record(
            actor=None,
            application=application,
            auditor="A",
            date=D(2020, 5, 1),
            results={"horaires": MET},
        )
    assert not application.audits.exists()


def test_an_uncertain_date_keeps_its_precision(site):
    application = _audited(site)
    decision = label_decide(
        actor=None,
        application=application,
        outcome=DecisionOutcome.GRANTED,
        effective_date=D(2020, 9, 1),
        precision=DatePrecision.MONTH,
        source="« en septembre 2020 »",
    )
    assert (decision.effective_date, decision.effective_latest) == (D(2020, 9, 1), D(2020, 9, 30))
    assert decision.precision == DatePrecision.MONTH
    # Surely labelled only once the month is over.
    assert site not in sites_labelled_on(programme="france-services", day=D(2020, 9, 15))
    assert site in sites_labelled_on(programme="france-services", day=D(2020, 10, 1))


def test_a_range_needs_both_bounds(site):
    application = _audited(site)
    with pytest.raises(LabelError, match="deux bornes"):
        label_decide(
            actor=None,
            application=application,
            outcome=DecisionOutcome.GRANTED,
            effective_date=D(2020, 9, 1),
            precision=DatePrecision.RANGE,
            source="x",
        )


def test_suspend_reinstate_withdraw_and_renew(site, wave):
    label_decide(
        actor=None,
        application=_audited(site),
        outcome=DecisionOutcome.GRANTED,
        wave=wave,
        source="c",
    )
    label_suspend(actor=None, site=site, effective_date=D(2021, 1, 1), source="préfecture")
    assert label_status_on(site=site, programme="france-services", day=D(2021, 2, 1)) == "suspended"
    assert site not in sites_labelled_on(programme="france-services", day=D(2021, 2, 1))
    with pytest.raises(LabelError, match="Impossible de suspendre"):
        label_suspend(actor=None, site=site, effective_date=D(2021, 2, 1), source="x")
    label_reinstate(actor=None, site=site, effective_date=D(2021, 3, 1), source="préfecture")
    assert site in sites_labelled_on(programme="france-services", day=D(2021, 3, 1))

    renewal = application_create(actor=None, site=site, kind=ApplicationKind.RENEWAL)
    application_submit(actor=None, application=renewal, submitted_on=D(2022, 6, 1))
    audit_record(
        actor=None, application=renewal, auditor="A", date=D(2022, 7, 1), results={"horaires": MET}
    )
    with pytest.raises(LabelError, match="impossible pour une candidature"):
        label_decide(
            actor=None,
            application=renewal,
            outcome=DecisionOutcome.GRANTED,
            source="x",
            effective_date=D(2022, 9, 1),
        )
    label_decide(
        actor=None,
        application=renewal,
        outcome=DecisionOutcome.RENEWED,
        source="c",
        effective_date=D(2022, 9, 1),
    )
    label_withdraw(
        actor=None, site=site, effective_date=D(2023, 1, 1), source="comité", reason="fermeture"
    )
    assert site not in sites_labelled_on(programme="france-services", day=D(2023, 1, 2))
    assert [d.outcome for d in label_history(site=site)] == [
        "granted",
        "suspended",
        "reinstated",
        "renewed",
        "withdrawn",
    ]


def test_only_one_open_application_per_site(site):
    application_create(actor=None, site=site)
    with pytest.raises(LabelError, match="candidature en cours"):
        application_create(actor=None, site=site)
    assert LabelApplication.objects.filter(site=site).count() == 1


@given(
    day=st.dates(min_value=D(1990, 1, 1), max_value=D(2090, 12, 31)),
    precision=st.sampled_from([DatePrecision.DAY, DatePrecision.MONTH, DatePrecision.YEAR]),
)
def test_date_bounds_contain_the_date_and_never_invent_a_day(day, precision):
    start, end = date_bounds(precision=precision, day=day)
    assert start <= day <= end
    if precision == DatePrecision.DAY:
        assert start == end == day
    if precision == DatePrecision.MONTH:
        assert (start.day, (end + datetime.timedelta(days=1)).day) == (1, 1)
    if precision == DatePrecision.YEAR:
        assert (start.month, start.day, end.month, end.day) == (1, 1, 12, 31)
