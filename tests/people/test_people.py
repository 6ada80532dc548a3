"""Staff pathways: employees, contracts, training, exits and the positive exit rate."""

import datetime
import html

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from maillon.journal.models import JournalEntry
from maillon.people import services
from maillon.people.enums import ExitOutcome
from maillon.people.models import Contract, Employee, Exit
from maillon.people.selectors import (
    employees_in_scope,
    positive_exit_rate,
    trained_agents_count,
)
from tests.journal.world import make_world
from tests.people.factories import ContractFactory, EmployeeFactory, ExitFactory, TrainingFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return make_world()


def text(response) -> str:
    return html.unescape(response.content.decode())


def test_positive_exit_rate_counts_known_outcomes_only(world):
    outcomes = [
        ExitOutcome.DURABLE_EMPLOYMENT,
        ExitOutcome.TRANSITION_EMPLOYMENT,
        ExitOutcome.QUALIFYING_TRAINING,
        ExitOutcome.OTHER,
        ExitOutcome.UNKNOWN,
    ]
    for outcome in outcomes:
        ExitFactory(employee=EmployeeFactory(organisation=world.org_a), outcome=outcome)
    ExitFactory(employee=EmployeeFactory(organisation=world.org_b), outcome=ExitOutcome.OTHER)
    ExitFactory(
        employee=EmployeeFactory(organisation=world.org_a),
        date=datetime.date(2024, 3, 1),
        outcome=ExitOutcome.OTHER,
    )
    rate = positive_exit_rate(organisations=[world.org_a.pk], year=2025)
    assert (rate.exits, rate.known, rate.positive) == (5, 4, 3)
    assert str(rate.rate) == "75.0"
    assert positive_exit_rate(organisations=[world.org_a.pk], year=2023).rate is None


def test_trained_agents_of_a_site(world):
    on = datetime.date(2025, 1, 1)
    for trained in (True, True, False):
        employee = EmployeeFactory(organisation=world.org_a)
        employee.sites.add(world.site_a)
        ContractFactory(employee=employee)
        TrainingFactory(employee=employee, completed=trained)
    gone = EmployeeFactory(organisation=world.org_a)
    gone.sites.add(world.site_a)
    ContractFactory(employee=gone, end_date=datetime.date(2024, 6, 30))
    TrainingFactory(employee=gone)
    assert trained_agents_count(site=world.site_a, on=on) == 2


def test_exit_requires_an_outcome_at_the_field(client, world):
    employee = EmployeeFactory(organisation=world.org_a)
    client.force_login(world.manager_a)
    response = client.post(
        reverse("people:employee_detail", args=[employee.pk]),
        {"_form": "exit", "date": "2025-06-30", "outcome": ""},
    )
    assert "Indiquez la situation du salarié à sa sortie." in text(response)
    assert 'aria-describedby="id_exit_outcome_helptext id_exit_outcome_error"' in text(response)
    assert not Exit.objects.exists()


def test_exit_service_refuses_a_missing_outcome(world):
    employee = EmployeeFactory(organisation=world.org_a)
    with pytest.raises(ValidationError):
        services.exit_record(
            actor=world.manager_a, employee=employee, date=datetime.date(2025, 1, 1), outcome=""
        )


def test_exit_ends_open_contracts_and_is_journalled(client, world):
    employee = EmployeeFactory(organisation=world.org_a)
    contract = ContractFactory(employee=employee)
    client.force_login(world.manager_a)
    response = client.post(
        reverse("people:employee_detail", args=[employee.pk]),
        {"_form": "exit", "date": "2025-06-30", "outcome": "qualifying_training"},
    )
    assert response.status_code == 302
    contract.refresh_from_db()
    assert contract.end_date == datetime.date(2025, 6, 30)
    exit_ = Exit.objects.get()
    assert exit_.is_positive
    entries = JournalEntry.objects.filter(organisation_id=world.org_a.pk)
    assert set(entries.values_list("action", flat=True)) == {"create", "update"}
    page = text(client.get(reverse("people:employee_detail", args=[employee.pk])))
    assert "sortie positive" in page
    assert "formation qualifiante" in page


def test_manager_adds_an_employee_with_contract_and_training(client, world):
    client.force_login(world.manager_a)
    response = client.post(
        reverse("people:employee_list", args=[world.org_a.pk]),
        {
            "first_name": "Awa",
            "last_name": "Diallo",
            "role": "fs_adviser",
            "sites": [world.site_a.pk],
        },
    )
    employee = Employee.objects.get(last_name="Diallo")
    assert response.status_code == 302
    assert list(employee.sites.all()) == [world.site_a]
    url = reverse("people:employee_detail", args=[employee.pk])
    client.post(url, {"_form": "contract", "kind": "adult_relay", "start_date": "2025-01-06"})
    client.post(
        url,
        {
            "_form": "training",
            "start_date": "2025-02-03",
            "end_date": "2025-02-14",
            "completed": "on",
        },
    )
    assert Contract.objects.get(employee=employee).kind == "adult_relay"
    assert trained_agents_count(site=world.site_a, on=datetime.date(2025, 3, 1)) == 1
    listing = text(client.get(reverse("people:employee_list", args=[world.org_a.pk])))
    assert "Diallo" in listing and "adulte-relais" in listing
    history = text(client.get(url))
    assert "Formation initiale France Services" in history


def test_contract_ending_before_it_starts_is_refused(client, world):
    employee = EmployeeFactory(organisation=world.org_a)
    client.force_login(world.manager_a)
    response = client.post(
        reverse("people:employee_detail", args=[employee.pk]),
        {"_form": "contract", "kind": "cdd", "start_date": "2025-06-01", "end_date": "2025-01-01"},
    )
    assert "La date de fin doit suivre la date de début." in text(response)
    assert not Contract.objects.exists()


def test_employee_cannot_be_attached_to_another_organisations_site(world):
    with pytest.raises(ValidationError):
        services.employee_create(
            actor=world.manager_a,
            organisation=world.org_a,
            data={"first_name": "A", "last_name": "B", "role": "mediator", "sites": [world.site_b]},
        )


def test_staff_list_in_constant_queries(client, world, django_assert_max_num_queries):
    for _n in range(6):
        employee = EmployeeFactory(organisation=world.org_a)
        employee.sites.add(world.site_a)
        ContractFactory(employee=employee)
        TrainingFactory(employee=employee)
    client.force_login(world.manager_a)
    with django_assert_max_num_queries(20):
        response = client.get(reverse("people:employee_list", args=[world.org_a.pk]))
    assert response.status_code == 200


def test_positive_exit_rate_by_departement_and_site(world):
    lyon = EmployeeFactory(organisation=world.org_a)
    lyon.sites.add(world.site_a)
    loire = EmployeeFactory(organisation=world.org_b)
    loire.sites.add(world.site_b)
    ExitFactory(employee=lyon, outcome=ExitOutcome.DURABLE_EMPLOYMENT)
    ExitFactory(employee=loire, outcome=ExitOutcome.OTHER)
    rhone = positive_exit_rate(employees=employees_in_scope(department="69"), year=2025)
    assert (rhone.known, rhone.positive) == (1, 1)
    region = positive_exit_rate(employees=employees_in_scope(region="84"), year=2025)
    assert (region.known, region.positive, str(region.rate)) == (2, 1, "50.0")
    site = positive_exit_rate(employees=employees_in_scope(site=world.site_b), year=2025)
    assert site.positive == 0 and site.known == 1
