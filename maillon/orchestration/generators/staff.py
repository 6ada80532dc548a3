"""Deterministic demo staff for a network: employees, contracts, trainings and exits.

Calibrated on the press release's 2018 key figures: ~450 employees for 66 reception points
(≈ 7 per site), ~201 mediators leaving a year (≈ 45 % of the staff: adult-relay, PEC and civic
service contracts are fixed-term pathways), 64 % of the exits with a known outcome positive.
The people are fictitious (invented first and last names); re-running adds nothing.
"""

import datetime
import random
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import transaction

from maillon.network.models import Organisation
from maillon.people.enums import ContractType, EmployeeRole, ExitOutcome
from maillon.people.models import Contract, Employee, Exit, Training

FIRST_NAMES = (
    "Amina", "Bastien", "Camille", "Djamel", "Élodie", "Fatou", "Grégoire", "Hawa", "Inès",
    "Jordan", "Karima", "Léa", "Mathis", "Nadia", "Océane", "Pierre", "Rachid", "Sarah",
    "Thomas", "Yasmine", "Zoé", "Moussa", "Chloé", "Kevin", "Aïcha", "Julien", "Manon",
)  # fmt: skip
LAST_NAMES = (
    "Bernard", "Diallo", "Dubois", "Durand", "Fontaine", "Garcia", "Girard", "Haddad",
    "Lambert", "Leroy", "Martin", "Mercier", "Moreau", "N'Diaye", "Petit", "Robert", "Roux",
    "Benali", "Traoré", "Vincent", "Lefèvre", "Nguyen", "Morel", "Faure", "Chevalier",
)  # fmt: skip
# (role, contract, weight): mediators on pathway contracts, France Services advisers, managers
POSITIONS = (
    (EmployeeRole.MEDIATOR, ContractType.ADULT_RELAY, 30),
    (EmployeeRole.MEDIATOR, ContractType.PEC, 20),
    (EmployeeRole.MEDIATOR, ContractType.CIVIC_SERVICE, 10),
    (EmployeeRole.MEDIATOR, ContractType.WORK_STUDY, 5),
    (EmployeeRole.FS_ADVISER, ContractType.CDI, 20),
    (EmployeeRole.FS_ADVISER, ContractType.CDD, 5),
    (EmployeeRole.COORDINATOR, ContractType.CDI, 6),
    (EmployeeRole.MANAGER, ContractType.CDI, 4),
)
# 55 % positive, 31 % other, 14 % unknown → 64 % of the known outcomes are positive
OUTCOMES = (
    (ExitOutcome.DURABLE_EMPLOYMENT, 25),
    (ExitOutcome.TRANSITION_EMPLOYMENT, 20),
    (ExitOutcome.QUALIFYING_TRAINING, 10),
    (ExitOutcome.OTHER, 31),
    (ExitOutcome.UNKNOWN, 14),
)
PATHWAY_CONTRACTS = {ContractType.ADULT_RELAY, ContractType.PEC, ContractType.CIVIC_SERVICE,
                     ContractType.WORK_STUDY}  # fmt: skip
EMPLOYEES_PER_SITE = 7
EXIT_RATE_OF_PATHWAYS = 0.9  # in a year: most pathway contracts (1–2 years) end


@dataclass
class StaffReport:
    organisations: int = 0
    employees: int = 0
    exits: int = 0
    skipped: int = 0


def _pick(rng: random.Random, weighted):
    return rng.choices([w[:-1] for w in weighted], weights=[w[-1] for w in weighted])[0]


def staff_generate(
    *,
    organisations: Iterable[Organisation],
    start: datetime.date,
    end: datetime.date,
    seed: int = 2020,
) -> StaffReport:
    """Staff of each organisation (skipped if it already has employees) over start … end."""
    report = StaffReport()
    days = (end - start).days
    for organisation in organisations:
        if organisation.employees.exists():
            report.skipped += 1
            continue
        rng = random.Random(f"{seed}:staff:{organisation.pk}")  # noqa: S311 — demo data
        sites = list(organisation.sites.order_by("pk"))
        if not sites:
            continue
        with transaction.atomic():
            for site in sites:
                for index in range(EMPLOYEES_PER_SITE):
                    role, kind = _pick(rng, POSITIONS)
                    if index < 2:  # two France Services advisers per site (label criterion)
                        role, kind = EmployeeRole.FS_ADVISER, ContractType.CDI
                    employee = Employee.objects.create(
                        organisation=organisation,
                        first_name=rng.choice(FIRST_NAMES),
                        last_name=rng.choice(LAST_NAMES),
                        role=role,
                    )
                    employee.sites.add(site)
                    hired = start - datetime.timedelta(days=rng.randrange(30, 3 * 365))
                    leaves = kind in PATHWAY_CONTRACTS and rng.random() < EXIT_RATE_OF_PATHWAYS
                    left = (
                        start + datetime.timedelta(days=rng.randrange(1, days)) if leaves else None
                    )
                    Contract.objects.create(
                        employee=employee, kind=kind, start_date=hired, end_date=left
                    )
                    if role == EmployeeRole.FS_ADVISER:
                        trained = hired + datetime.timedelta(days=rng.randrange(14, 120))
                        Training.objects.create(
                            employee=employee,
                            start_date=trained,
                            end_date=trained + datetime.timedelta(days=4),
                            completed=True,
                        )
                    if left:
                        (outcome,) = _pick(rng, OUTCOMES)
                        Exit.objects.create(employee=employee, date=left, outcome=outcome)
                        report.exits += 1
                    report.employees += 1
        report.organisations += 1
    return report
