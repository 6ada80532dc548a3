"""Staff pathways: employees of an organisation, their contracts, France Services initial
training and exits with their outcome (for the positive exit rate)."""

import datetime
from typing import Self

from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from maillon.core.periods import in_force_on
from maillon.people.enums import POSITIVE_OUTCOMES, ContractType, EmployeeRole, ExitOutcome


class EmployeeQuerySet(models.QuerySet["Employee"]):
    def employed_on(self, day: datetime.date) -> Self:
        """Employees with a contract covering `day`."""
        return self.filter(
            Exists(
                Contract.objects.filter(
                    in_force_on(day, start="start_date", end="end_date"), employee=OuterRef("pk")
                )
            )
        )

    def trained(self, *, on: datetime.date | None = None) -> Self:
        """Employees who completed the France Services initial training (by `on`)."""
        trainings = Training.objects.filter(employee=OuterRef("pk"), completed=True)
        if on is not None:
            trainings = trainings.filter(Q(end_date__isnull=True) | Q(end_date__lte=on))
        return self.filter(Exists(trainings))


class Employee(models.Model):
    """A salaried person of an organisation (médiateur, conseiller France Services…)."""

    organisation = models.ForeignKey(
        "network.Organisation",
        on_delete=models.PROTECT,
        related_name="employees",
        verbose_name=_("structure porteuse"),
    )
    sites = models.ManyToManyField(
        "network.Site", blank=True, related_name="employees", verbose_name=_("points d'accueil")
    )
    first_name = models.CharField(_("prénom"), max_length=100)
    last_name = models.CharField(_("nom"), max_length=100)
    role = models.CharField(_("fonction"), max_length=20, choices=EmployeeRole.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="employments",
        verbose_name=_("compte utilisateur"),
    )
    created_at = models.DateTimeField(_("créé le"), auto_now_add=True)

    objects = EmployeeQuerySet.as_manager()

    class Meta:
        verbose_name = _("salarié")
        verbose_name_plural = _("salariés")
        ordering = ["last_name", "first_name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(role__in=EmployeeRole.values), name="people_employee_role"
            )
        ]

    def __str__(self) -> str:
        return f"{self.first_name} {self.last_name}"


class Contract(models.Model):
    employee = models.ForeignKey(
        Employee, on_delete=models.CASCADE, related_name="contracts", verbose_name=_("salarié")
    )
    kind = models.CharField(_("type de contrat"), max_length=20, choices=ContractType.choices)
    start_date = models.DateField(_("début"))
    end_date = models.DateField(_("fin"), null=True, blank=True)

    class Meta:
        verbose_name = _("contrat")
        verbose_name_plural = _("contrats")
        ordering = ["employee", "start_date"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=ContractType.values), name="people_contract_kind"
            ),
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=models.F("start_date")),
                name="people_contract_dates_ordered",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} — {self.employee}"


class Training(models.Model):
    """The France Services initial training of an agent."""

    employee = models.ForeignKey(
        Employee, on_delete=models.CASCADE, related_name="trainings", verbose_name=_("salarié")
    )
    start_date = models.DateField(_("début"))
    end_date = models.DateField(_("fin"), null=True, blank=True)
    completed = models.BooleanField(_("achevée"), default=False)

    class Meta:
        verbose_name = _("formation initiale France Services")
        verbose_name_plural = _("formations initiales France Services")
        ordering = ["employee", "start_date"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=models.F("start_date")),
                name="people_training_dates_ordered",
            ),
        ]

    def __str__(self) -> str:
        return f"{_('Formation initiale')} — {self.employee}"


class ExitQuerySet(models.QuerySet["Exit"]):
    def in_year(self, year: int) -> Self:
        return self.filter(date__year=year)

    def known(self) -> Self:
        return self.exclude(outcome=ExitOutcome.UNKNOWN)

    def positive(self) -> Self:
        return self.filter(outcome__in=POSITIVE_OUTCOMES)


class Exit(models.Model):
    """An employee's departure and what became of him or her."""

    employee = models.ForeignKey(
        Employee, on_delete=models.CASCADE, related_name="exits", verbose_name=_("salarié")
    )
    date = models.DateField(_("date de sortie"))
    outcome = models.CharField(
        _("situation à la sortie"), max_length=30, choices=ExitOutcome.choices
    )

    objects = ExitQuerySet.as_manager()

    class Meta:
        verbose_name = _("sortie")
        verbose_name_plural = _("sorties")
        ordering = ["-date"]
        constraints = [
            models.CheckConstraint(
                condition=Q(outcome__in=ExitOutcome.values), name="people_exit_outcome"
            ),
            models.UniqueConstraint(fields=["employee", "date"], name="people_exit_once_a_day"),
        ]

    def __str__(self) -> str:
        return f"{self.employee} — {self.date:%d/%m/%Y}"

    @property
    def is_positive(self) -> bool:
        return self.outcome in POSITIVE_OUTCOMES
