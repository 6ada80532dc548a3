"""Reads of staff pathways, scoped by what the user manages."""

import datetime
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.contrib.contenttypes.models import ContentType
from django.db.models import Prefetch, Q, QuerySet

from maillon.access.rules import organisations_managed_by
from maillon.accounts.models import User
from maillon.core.errors import NotFound
from maillon.journal.models import JournalEntry
from maillon.people.models import Contract, Employee, Exit, ExitQuerySet, Training


def employees_visible_to(user: User) -> QuerySet[Employee]:
    """Staff is reference data of an organisation: its managers and the network head only."""
    return Employee.objects.filter(organisation__in=organisations_managed_by(user))


def employee_list(*, user: User, organisation_id: int) -> QuerySet[Employee]:
    return (
        employees_visible_to(user)
        .filter(organisation_id=organisation_id)
        .prefetch_related(
            "sites",
            Prefetch("contracts", queryset=Contract.objects.order_by("-start_date")),
            "trainings",
            "exits",
        )
        .order_by("last_name", "first_name")
    )


def employee_get(*, user: User, pk: int) -> Employee:
    employee = employees_visible_to(user).select_related("organisation").filter(pk=pk).first()
    if employee is None:
        raise NotFound
    return employee


@dataclass(frozen=True)
class ExitRate:
    exits: int
    known: int
    positive: int

    @property
    def rate(self) -> Decimal | None:
        """Positive outcomes / exits with a known outcome, in percent (None if none known)."""
        if not self.known:
            return None
        return (Decimal(100) * self.positive / self.known).quantize(
            Decimal("0.1"), rounding=ROUND_HALF_UP
        )


def employees_in_scope(
    *,
    network=None,
    region: str | None = None,
    department: str | None = None,
    organisation=None,
    site=None,
) -> QuerySet[Employee]:
    """Employees of a reporting scope (all arguments optional, combined). Région and
    département are those of the sites an employee works on."""
    employees = Employee.objects.all()
    if network is not None:
        from maillon.network.models import Organisation

        employees = employees.filter(organisation__in=Organisation.objects.in_network(network))
    if organisation is not None:
        employees = employees.filter(organisation=organisation)
    if site is not None:
        employees = employees.filter(sites=site)
    if department:
        employees = employees.filter(sites__commune__department_id=department)
    if region:
        employees = employees.filter(sites__commune__region_id=region)
    return employees.distinct()


def positive_exit_rate(
    *,
    exits: ExitQuerySet | None = None,
    year: int | None = None,
    organisations=None,
    employees: QuerySet[Employee] | None = None,
) -> ExitRate:
    """Positive exit rate (positive outcomes / exits with a known outcome) of a scope and year.

    The scope is a queryset of exits, organisations, or employees (`employees_in_scope(...)`).
    """
    exits = exits if exits is not None else Exit.objects.all()
    if organisations is not None:
        exits = exits.filter(employee__organisation__in=organisations)
    if employees is not None:
        exits = exits.filter(employee__in=employees.values("pk"))
    if year is not None:
        exits = exits.in_year(year)
    return ExitRate(
        exits=exits.count(), known=exits.known().count(), positive=exits.positive().count()
    )


def trained_agents_count(*, site, on: datetime.date) -> int:
    """Agents of a site employed on `on` who completed the France Services initial training
    (label criterion: at least 2)."""
    return Employee.objects.filter(sites=site).employed_on(on).trained(on=on).distinct().count()


def employee_history(*, employee: Employee) -> QuerySet[JournalEntry]:
    """Journal entries of an employee and of his contracts, trainings and exits."""
    condition = Q(
        content_type=ContentType.objects.get_for_model(Employee), object_id=str(employee.pk)
    )
    for model, related in ((Contract, "contracts"), (Training, "trainings"), (Exit, "exits")):
        ids = [str(pk) for pk in getattr(employee, related).values_list("pk", flat=True)]
        if ids:
            condition |= Q(content_type=ContentType.objects.get_for_model(model), object_id__in=ids)
    return JournalEntry.objects.filter(condition).with_related()
