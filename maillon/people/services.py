"""Writes on staff pathways; every one is journalled under the employee's organisation."""

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from maillon.accounts.models import User
from maillon.journal.enums import JournalAction
from maillon.journal.services import diff, journal_created, journal_record, snapshot
from maillon.network.models import Organisation
from maillon.people.enums import ExitOutcome
from maillon.people.models import Contract, Employee, Exit, Training

EMPLOYEE_FIELDS = ("first_name", "last_name", "role", "sites")
CONTRACT_FIELDS = ("kind", "start_date", "end_date")
TRAINING_FIELDS = ("start_date", "end_date", "completed")
EXIT_FIELDS = ("date", "outcome")


def _check_sites(organisation_id: int, sites) -> None:
    foreign = [s for s in sites if s.organisation_id != organisation_id]
    if foreign:
        raise ValidationError({"sites": _("Ces points d'accueil ne relèvent pas de la structure.")})


@transaction.atomic
def employee_create(*, actor: User, organisation: Organisation, data: dict[str, Any]) -> Employee:
    sites = list(data.get("sites") or [])
    _check_sites(organisation.pk, sites)
    employee = Employee(
        organisation=organisation,
        first_name=data["first_name"],
        last_name=data["last_name"],
        role=data["role"],
    )
    employee.full_clean()
    employee.save()
    employee.sites.set(sites)
    journal_created(actor=actor, obj=employee, fields=EMPLOYEE_FIELDS)
    return employee


@transaction.atomic
def employee_update(*, actor: User, employee: Employee, data: dict[str, Any]) -> Employee:
    before = snapshot(employee, EMPLOYEE_FIELDS)
    sites = list(data.get("sites") or [])
    _check_sites(employee.organisation_id, sites)
    for name in ("first_name", "last_name", "role"):
        setattr(employee, name, data[name])
    employee.full_clean()
    employee.save()
    employee.sites.set(sites)
    journal_record(
        actor=actor,
        action=JournalAction.UPDATE,
        obj=employee,
        changes=diff(before, snapshot(employee, EMPLOYEE_FIELDS)),
    )
    return employee


def _check_dates(start: datetime.date, end: datetime.date | None) -> None:
    if end and end < start:
        raise ValidationError({"end_date": _("La date de fin doit suivre la date de début.")})


@transaction.atomic
def contract_add(*, actor: User, employee: Employee, data: dict[str, Any]) -> Contract:
    _check_dates(data["start_date"], data.get("end_date"))
    contract = Contract(employee=employee, **{k: data.get(k) for k in CONTRACT_FIELDS})
    contract.full_clean()
    contract.save()
    journal_created(
        actor=actor, obj=contract, fields=CONTRACT_FIELDS, organisation_id=employee.organisation_id
    )
    return contract


@transaction.atomic
def training_record(*, actor: User, employee: Employee, data: dict[str, Any]) -> Training:
    _check_dates(data["start_date"], data.get("end_date"))
    if data.get("completed") and not data.get("end_date"):
        raise ValidationError({"end_date": _("Indiquez la date de fin d'une formation achevée.")})
    training = Training(employee=employee, **{k: data.get(k) for k in TRAINING_FIELDS})
    training.completed = bool(training.completed)
    training.full_clean()
    training.save()
    journal_created(
        actor=actor, obj=training, fields=TRAINING_FIELDS, organisation_id=employee.organisation_id
    )
    return training


@transaction.atomic
def exit_record(
    *, actor: User, employee: Employee, date: datetime.date, outcome: ExitOutcome | str
) -> Exit:
    """Record a departure. The outcome is required (it feeds the positive exit rate); open
    contracts end on the exit date."""
    if outcome not in ExitOutcome.values:
        raise ValidationError(
            {"outcome": _("Indiquez la situation du salarié à sa sortie (sortie positive ou non).")}
        )
    if Exit.objects.filter(employee=employee, date=date).exists():
        raise ValidationError({"date": _("Une sortie est déjà enregistrée à cette date.")})
    first_start = (
        employee.contracts.order_by("start_date").values_list("start_date", flat=True).first()
    )
    if first_start and date < first_start:
        raise ValidationError({"date": _("La sortie ne peut précéder le premier contrat.")})
    exit_ = Exit.objects.create(employee=employee, date=date, outcome=outcome)
    for contract in employee.contracts.filter(end_date__isnull=True, start_date__lte=date):
        contract.end_date = date
        contract.save(update_fields=["end_date"])
        journal_record(
            actor=actor,
            action=JournalAction.UPDATE,
            obj=contract,
            changes={"end_date": [None, date]},
            organisation_id=employee.organisation_id,
        )
    journal_created(
        actor=actor, obj=exit_, fields=EXIT_FIELDS, organisation_id=employee.organisation_id
    )
    return exit_
