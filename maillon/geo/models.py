"""Official geography: INSEE Code officiel géographique (régions, départements, communes)."""

from typing import Self

from django.db import models
from django.db.models import Case, IntegerField, Value, When
from django.utils.translation import gettext_lazy as _

from maillon.core.text import search_key
from maillon.geo.enums import CURRENT_KINDS, CommuneKind


class Region(models.Model):
    # 2 characters for a région, 3 for an overseas collectivity (975, 988…), as the COG codes them
    code = models.CharField(_("code INSEE"), max_length=3, primary_key=True)
    name = models.CharField(_("nom"), max_length=100)
    timezone = models.CharField(_("fuseau horaire"), max_length=50, default="Europe/Paris")

    class Meta:
        verbose_name = _("région")
        verbose_name_plural = _("régions")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Department(models.Model):
    code = models.CharField(_("code INSEE"), max_length=3, primary_key=True)
    name = models.CharField(_("nom"), max_length=100)
    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="departments", verbose_name=_("région")
    )

    class Meta:
        verbose_name = _("département")
        verbose_name_plural = _("départements")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"


class CommuneQuerySet(models.QuerySet["Commune"]):
    def current(self) -> Self:
        """Communes and municipal arrondissements in force (not former/delegated ones)."""
        return self.filter(kind__in=CURRENT_KINDS, is_current=True)

    def with_code(self, code: str) -> Self:
        return self.filter(code=code.strip())

    def with_postal_code(self, postal_code: str) -> Self:
        return self.filter(postal_codes__code=postal_code.strip()).distinct()

    def in_department(self, code: str) -> Self:
        return self.filter(department_id=code)

    def matching(self, text: str) -> Self:
        """Name search, accent/case/hyphen-insensitive, "St" = "Saint"."""
        key = search_key(text)
        return self.filter(search_name__contains=key).annotate(
            match_rank=Case(
                When(search_name=key, then=Value(0)),
                When(search_name__startswith=key, then=Value(1)),
                default=Value(2),
                output_field=IntegerField(),
            )
        )

    def by_relevance(self) -> Self:
        """Current communes before former ones, then the most populated first."""
        return self.annotate(
            kind_rank=Case(
                When(kind=CommuneKind.MUNICIPAL_ARRONDISSEMENT, then=Value(0)),
                When(kind=CommuneKind.COMMUNE, then=Value(1)),
                default=Value(2),
                output_field=IntegerField(),
            )
        ).order_by("kind_rank", models.F("population").desc(nulls_last=True), "name")


class Commune(models.Model):
    """A row of the COG: a commune, a former (delegated/associated) commune or an arrondissement.

    A commune nouvelle often keeps the code of one of its former communes, so `code` alone is
    not unique: the pair (`code`, `kind`) is.
    """

    code = models.CharField(_("code INSEE"), max_length=5, db_index=True)
    kind = models.CharField(_("type"), max_length=4, choices=CommuneKind.choices)
    name = models.CharField(_("nom"), max_length=100)
    search_name = models.CharField(_("nom normalisé"), max_length=100, db_index=True)
    department = models.ForeignKey(
        Department, on_delete=models.PROTECT, related_name="communes", verbose_name=_("département")
    )
    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="communes", verbose_name=_("région")
    )
    canton_code = models.CharField(_("code canton"), max_length=5, blank=True)
    parent = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("commune de rattachement"),
    )
    latitude = models.FloatField(_("latitude"), null=True, blank=True)
    longitude = models.FloatField(_("longitude"), null=True, blank=True)
    population = models.PositiveIntegerField(_("population"), null=True, blank=True)
    is_current = models.BooleanField(_("en vigueur"), default=True)
    timezone = models.CharField(
        _("fuseau horaire"),
        max_length=50,
        blank=True,
        help_text=_("Vide : celui de la région (renseigné aux Marquises et aux Gambier)."),
    )

    objects = CommuneQuerySet.as_manager()

    class Meta:
        verbose_name = _("commune")
        verbose_name_plural = _("communes")
        ordering = ["code", "kind"]
        constraints = [
            models.UniqueConstraint(fields=["code", "kind"], name="geo_commune_code_kind_unique"),
            models.CheckConstraint(
                condition=models.Q(kind__in=CommuneKind.values), name="geo_commune_kind_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"

    @property
    def is_former(self) -> bool:
        return self.kind in (CommuneKind.DELEGATED, CommuneKind.ASSOCIATED)

    @property
    def canton(self) -> str:
        """Canton code qualified by département (a canton code alone is not unique)."""
        parent = self.parent
        return self.canton_code or (parent.canton_code if parent is not None else "")


class PostalCode(models.Model):
    """One postal code of one commune; a code may serve several communes and vice versa."""

    code = models.CharField(_("code postal"), max_length=5, db_index=True)
    commune = models.ForeignKey(
        Commune, on_delete=models.CASCADE, related_name="postal_codes", verbose_name=_("commune")
    )

    class Meta:
        verbose_name = _("code postal")
        verbose_name_plural = _("codes postaux")
        constraints = [
            models.UniqueConstraint(fields=["code", "commune"], name="geo_postalcode_unique")
        ]

    def __str__(self) -> str:
        return self.code
