import datetime

import pytest

from maillon.labels.criteria import site_self_check
from maillon.labels.enums import CriterionStatus
from maillon.labels.services import (
    application_create,
    application_submit,
    audit_record,
)
from maillon.network.enums import SiteKind
from maillon.network.models import Agreement, Partner
from tests.factories import SiteFactory

DAY = datetime.date(2024, 6, 1)


def _result(site, code):
    return next(r for r in site_self_check(site=site, on=DAY) if r.criterion.code == code)


@pytest.mark.django_db
def test_twenty_hours_over_four_days_fails_the_hours_criterion_and_says_why():
    site = SiteFactory(opening_hours="Mo-Th 09:00-12:00,14:00-16:00")
    result = _result(site, "horaires")
    assert result.status == CriterionStatus.NOT_MET
    assert result.why == (
        "ouvert 20 h par semaine sur 4 jours : il manque 4 h et il manque 1 jour(s) "
        "d'ouverture (exigé : au moins 24 h par semaine sur au moins 5 jours)"
    )


@pytest.mark.django_db
def test_hours_criterion_met_not_applicable_and_unknown():
    assert _result(
        SiteFactory(opening_hours="Mo-Fr 09:00-12:00,13:30-17:00"), "horaires"
    ).status == (CriterionStatus.MET)
    bus = SiteFactory(kind=SiteKind.MOBILE, opening_hours="Mo 09:00-12:00")
    assert _result(bus, "horaires").status == CriterionStatus.NOT_APPLICABLE
    unknown = _result(SiteFactory(opening_hours=""), "horaires")
    assert (unknown.status, unknown.why) == (
        CriterionStatus.UNKNOWN,
        "horaires d'ouverture non renseignés",
    )


@pytest.mark.django_db
def test_self_check_lists_every_criterion_in_order():
    results = site_self_check(site=SiteFactory(), on=DAY)
    assert [r.criterion.code for r in results] == [
        "horaires",
        "agents",
        "operateurs",
        "numerique",
        "confidentialite",
    ]
    assert results[3].status == CriterionStatus.UNKNOWN


@pytest.mark.django_db
def test_operators_criterion_names_the_missing_operators():
    site = SiteFactory()
    operators = list(Partner.objects.national_operators().valid_on(DAY))
    for partner in operators[1:]:
        Agreement.objects.create(
            partner=partner, organisation=site.organisation, start_date=datetime.date(2020, 1, 1)
        )
    result = _result(site, "operateurs")
    assert result.status == CriterionStatus.NOT_MET
    assert str(operators[0]) in result.why
    Agreement.objects.create(partner=operators[0], site=site, start_date=datetime.date(2020, 1, 1))
    assert _result(site, "operateurs").status == CriterionStatus.MET


@pytest.mark.django_db
def test_manual_criterion_takes_the_latest_audit_result():
    site = SiteFactory()
    application = application_create(actor=None, site=site)
    application_submit(actor=None, application=application, submitted_on=datetime.date(2024, 1, 1))
    audit_record(
        actor=None,
        application=application,
        auditor="Cabinet",
        date=datetime.date(2024, 2, 1),
        results={"confidentialite": (CriterionStatus.NOT_MET, "pas de bureau fermé")},
    )
    result = _result(site, "confidentialite")
    assert result.status == CriterionStatus.NOT_MET
    assert "1er février 2024 par Cabinet : pas de bureau fermé" in result.why


@pytest.mark.django_db
def test_staff_criterion_counts_trained_agents_under_contract():
    from maillon.people.models import Contract, Employee, Training

    site = SiteFactory()
    assert _result(site, "agents").status == CriterionStatus.UNKNOWN
    for index, trained in enumerate((True, False)):
        employee = Employee.objects.create(
            organisation=site.organisation,
            first_name="Agent",
            last_name=str(index),
            role="fs_adviser",
        )
        employee.sites.add(site)
        Contract.objects.create(employee=employee, kind="cdi", start_date=datetime.date(2020, 1, 1))
        Training.objects.create(
            employee=employee, start_date=datetime.date(2020, 2, 1), completed=trained
        )
    result = _result(site, "agents")
    assert result.status == CriterionStatus.NOT_MET
    assert result.why == (
        "2 agent(s) sous contrat, dont 1 formé(s) (exigé : au moins 2 agents formés)"
    )
