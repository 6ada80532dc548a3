"""Factories for staff pathways."""

import datetime

import factory

from maillon.people.enums import ContractType, EmployeeRole, ExitOutcome
from maillon.people.models import Contract, Employee, Exit, Training
from tests.factories import OrganisationFactory


class EmployeeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Employee

    organisation = factory.SubFactory(OrganisationFactory)
    first_name = factory.Sequence(lambda n: f"Prénom{n}")
    last_name = factory.Sequence(lambda n: f"Nom{n}")
    role = EmployeeRole.MEDIATOR


class ContractFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Contract

    employee = factory.SubFactory(EmployeeFactory)
    kind = ContractType.ADULT_RELAY
    start_date = datetime.date(2024, 1, 1)


class TrainingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Training

    employee = factory.SubFactory(EmployeeFactory)
    start_date = datetime.date(2024, 2, 1)
    end_date = datetime.date(2024, 2, 20)
    completed = True


class ExitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Exit

    employee = factory.SubFactory(EmployeeFactory)
    date = datetime.date(2025, 6, 30)
    outcome = ExitOutcome.DURABLE_EMPLOYMENT
