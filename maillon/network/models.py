"""Networks, organisations (structures porteuses), sites, stops, partners and agreements."""

import datetime
from typing import Self

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from maillon.core.periods import PeriodQuerySet, ordered_period_constraint
from maillon.network import recurrence
from maillon.network.enums import OWN_DATASET_SOURCES, OrganisationKind, PartnerKind, SiteKind
from maillon.network.validators import validate_siret


class Network(models.Model):
    """A set of organisations under one head (e.g. the Union nationale des PIMMS)."""

    slug = models.SlugField(_("identifiant"), unique=True)
    name = models.CharField(_("nom"), max_length=200)
    head = models.ForeignKey(
        "Organisation",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="headed_networks",
        verbose_name=_("tête de réseau"),
    )

    class Meta:
        verbose_name = _("réseau")
        verbose_name_plural = _("réseaux")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class NetworkMembershipQuerySet(PeriodQuerySet):
    period_fields = ("start_date", "end_date")


class NetworkMembership(models.Model):
    """An organisation's membership of a network over time (e.g. a franchise contract)."""

    network = models.ForeignKey(
        Network, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("réseau")
    )
    organisation = models.ForeignKey(
        "Organisation",
        on_delete=models.CASCADE,
        related_name="network_memberships",
        verbose_name=_("structure"),
    )
    start_date = models.DateField(_("début"), null=True, blank=True)
    end_date = models.DateField(_("fin"), null=True, blank=True)
    contract = models.CharField(_("contrat"), max_length=200, blank=True)

    objects = NetworkMembershipQuerySet.as_manager()

    class Meta:
        verbose_name = _("adhésion à un réseau")
        verbose_name_plural = _("adhésions à un réseau")
        constraints = [
            ordered_period_constraint(
                "network_membership_dates_ordered", start="start_date", end="end_date"
            )
        ]

    def __str__(self) -> str:
        return f"{self.organisation} ∈ {self.network}"


class OrganisationQuerySet(models.QuerySet["Organisation"]):
    def in_network(self, network: Network, *, on: datetime.date | None = None) -> Self:
        memberships = NetworkMembership.objects.filter(network=network)
        if on is not None:
            memberships = memberships.valid_on(on)
        return self.filter(pk__in=memberships.values("organisation_id"))


class Organisation(models.Model):
    """The legal entity (structure porteuse) that carries sites."""

    name = models.CharField(_("nom"), max_length=200)
    siret = models.CharField(
        _("SIRET"), max_length=14, blank=True, validators=[validate_siret], db_index=True
    )
    kind = models.CharField(
        _("nature"), max_length=20, choices=OrganisationKind.choices, default=OrganisationKind.OTHER
    )
    address = models.CharField(_("adresse"), max_length=300, blank=True)
    commune = models.ForeignKey(
        "geo.Commune",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("commune"),
    )
    website = models.URLField(_("site web"), blank=True)
    email = models.EmailField(_("courriel"), blank=True)
    phone = models.CharField(_("téléphone"), max_length=30, blank=True)
    created_at = models.DateTimeField(_("créée le"), auto_now_add=True)
    updated_at = models.DateTimeField(_("modifiée le"), auto_now=True)

    objects = OrganisationQuerySet.as_manager()

    class Meta:
        verbose_name = _("structure porteuse")
        verbose_name_plural = _("structures porteuses")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["siret"], condition=~Q(siret=""), name="network_organisation_siret_unique"
            ),
            models.CheckConstraint(
                condition=Q(kind__in=OrganisationKind.values), name="network_organisation_kind"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def journal_scope(self) -> tuple[int, None]:
        """Where the journal files changes to this organisation (see journal.services)."""
        return self.pk, None


class OrganisationName(models.Model):
    """A name an organisation bore over a period ("PIMMS Canton de Chauffailles", then
    "PIMMS Bourgogne du Sud"), with the document that shows it."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="names", verbose_name=_("structure")
    )
    name = models.CharField(_("nom"), max_length=200)
    valid_from = models.DateField(_("du"), null=True, blank=True)
    valid_until = models.DateField(_("au"), null=True, blank=True)
    source = models.CharField(_("source"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("nom d'une structure")
        verbose_name_plural = _("noms d'une structure")
        ordering = ["organisation", "valid_from"]

    def __str__(self) -> str:
        return self.name


class SiteQuerySet(models.QuerySet["Site"]):
    def public(self) -> Self:
        return self.filter(is_public=True)

    def in_department(self, code: str) -> Self:
        return self.filter(commune__department_id=code)

    def in_network(self, network: Network, *, on: datetime.date | None = None) -> Self:
        return self.filter(organisation__in=Organisation.objects.in_network(network, on=on))

    def with_geography(self) -> Self:
        return self.select_related("commune__department__region", "organisation")


class Site(models.Model):
    """A place where the public is received: fixed, antenna, mobile (bus), itinerant, multi-site."""

    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="sites",
        verbose_name=_("structure porteuse"),
    )
    name = models.CharField(_("nom"), max_length=200)
    kind = models.CharField(
        _("type"), max_length=20, choices=SiteKind.choices, default=SiteKind.FIXED
    )
    address = models.CharField(_("adresse"), max_length=300, blank=True)
    address_complement = models.CharField(_("complément d'adresse"), max_length=300, blank=True)
    postal_code = models.CharField(_("code postal"), max_length=5, blank=True)
    commune = models.ForeignKey(
        "geo.Commune",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="sites",
        verbose_name=_("commune"),
    )
    latitude = models.FloatField(_("latitude"), null=True, blank=True)
    longitude = models.FloatField(_("longitude"), null=True, blank=True)
    phone = models.CharField(_("téléphone"), max_length=50, blank=True)
    email = models.EmailField(_("courriel"), blank=True)
    appointment_url = models.URLField(_("prise de rendez-vous en ligne"), blank=True)
    appointment_required = models.BooleanField(_("sur rendez-vous"), null=True, blank=True)
    opening_hours = models.CharField(
        _("horaires (syntaxe OpenStreetMap)"), max_length=500, blank=True
    )
    opening_hours_source = models.TextField(_("horaires d'origine"), blank=True)
    public_note = models.TextField(_("informations pratiques"), blank=True)
    wheelchair_accessible = models.BooleanField(
        _("accessible en fauteuil roulant"), null=True, blank=True
    )
    is_public = models.BooleanField(_("visible dans l'annuaire public"), default=True)
    services = models.CharField(
        _("services (standard des lieux de médiation numérique)"),
        max_length=1000,
        blank=True,
        help_text=_("Valeurs du standard national séparées par « | »."),
    )
    info_confirmed_on = models.DateField(
        _("informations publiques confirmées le"),
        null=True,
        blank=True,
        help_text=_("Date à laquelle un gestionnaire a confirmé les informations publiques."),
    )
    fs_id = models.CharField(
        _("identifiant France Services (ANCT)"), max_length=20, null=True, blank=True, unique=True
    )
    external_source = models.CharField(
        _("source externe"),
        max_length=100,
        blank=True,
        help_text=_("Producteur d'un lieu importé d'un autre réseau (open data)."),
    )
    external_id = models.CharField(_("identifiant externe"), max_length=200, blank=True)
    version = models.PositiveIntegerField(
        _("version"),
        default=1,
        help_text=_("Incrémentée à chaque modification (verrou optimiste)."),
    )
    created_at = models.DateTimeField(_("créé le"), auto_now_add=True)
    updated_at = models.DateTimeField(_("modifié le"), auto_now=True)

    objects = SiteQuerySet.as_manager()

    class Meta:
        verbose_name = _("point d'accueil")
        verbose_name_plural = _("points d'accueil")
        ordering = ["name"]
        indexes = [
            # the directory's stamp of the public sites (count, last change) reads this alone
            models.Index(fields=["is_public", "updated_at"], name="network_site_public_updated"),
            # the search's bounding box (the candidates around a centre)
            models.Index(fields=["latitude"], name="network_site_latitude"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=SiteKind.values), name="network_site_kind"),
            models.UniqueConstraint(
                fields=["external_source", "external_id"],
                condition=~Q(external_id=""),
                name="network_site_external_id_unique",
            ),
            models.CheckConstraint(
                condition=Q(latitude__isnull=True) | Q(latitude__gte=-90, latitude__lte=90),
                name="network_site_latitude_range",
            ),
            models.CheckConstraint(
                condition=Q(longitude__isnull=True) | Q(longitude__gte=-180, longitude__lte=180),
                name="network_site_longitude_range",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def journal_scope(self) -> tuple[int | None, int]:
        """Where the journal files changes to this site (see journal.services)."""
        return self.organisation_id, self.pk

    @property
    def is_mobile(self) -> bool:
        return self.kind in (SiteKind.MOBILE, SiteKind.ITINERANT)

    @property
    def is_from_other_producer(self) -> bool:
        """A place imported from another producer's open data (key: external source + id), as
        opposed to the network's own sites: entered here, from the ANCT list or the network's
        own dataset."""
        return bool(self.external_id) and self.external_source not in OWN_DATASET_SOURCES


class Stop(models.Model):
    """Where and when a mobile site or a permanence is held."""

    site = models.ForeignKey(
        Site, on_delete=models.CASCADE, related_name="stops", verbose_name=_("point d'accueil")
    )
    commune = models.ForeignKey(
        "geo.Commune", on_delete=models.PROTECT, related_name="+", verbose_name=_("commune")
    )
    place = models.CharField(_("lieu"), max_length=300)
    latitude = models.FloatField(_("latitude"), null=True, blank=True)
    longitude = models.FloatField(_("longitude"), null=True, blank=True)
    schedule = models.CharField(
        _("horaires (syntaxe OpenStreetMap)"),
        max_length=500,
        help_text=_("Par exemple « Mo[2,4] 09:00-12:00 » pour les 2e et 4e lundis du mois."),
    )

    class Meta:
        verbose_name = _("arrêt ou permanence")
        verbose_name_plural = _("arrêts et permanences")
        ordering = ["site", "commune__name", "place"]

    def __str__(self) -> str:
        return f"{self.place} ({self.commune.name})"

    @property
    def schedule_text(self) -> str:
        """The recurrence in French ("le mardi, semaines paires, 9h-12h") for the back office."""
        return recurrence.schedule_french(self.schedule)


class PartnerQuerySet(PeriodQuerySet):
    def national_operators(self) -> Self:
        return self.filter(kind=PartnerKind.NATIONAL_OPERATOR)


class Partner(models.Model):
    """A national France Services operator (CAF, CPAM…) or a local/private partner (EDF…)."""

    code = models.SlugField(_("code"), max_length=50, unique=True)
    name = models.CharField(_("nom"), max_length=200)
    short_name = models.CharField(_("nom court"), max_length=50, blank=True)
    kind = models.CharField(_("nature"), max_length=20, choices=PartnerKind.choices)
    valid_from = models.DateField(_("valable du"), null=True, blank=True)
    valid_until = models.DateField(_("valable jusqu'au"), null=True, blank=True)
    website = models.URLField(_("site web"), blank=True)
    # Empty: shared by every network (the national operators, CAF…), edited by a superuser only.
    owner = models.ForeignKey(
        "Network",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="owned_partners",
        verbose_name=_("réseau propriétaire"),
        help_text=_(
            "Vide : partenaire partagé par tous les réseaux (modifiable par un superutilisateur)."
        ),
    )

    objects = PartnerQuerySet.as_manager()

    class Meta:
        verbose_name = _("partenaire")
        verbose_name_plural = _("partenaires")
        ordering = ["kind", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=PartnerKind.values), name="network_partner_kind"
            ),
            ordered_period_constraint("network_partner_validity_ordered"),
        ]

    def __str__(self) -> str:
        return self.short_name or self.name


class AgreementQuerySet(PeriodQuerySet):
    period_fields = ("start_date", "end_date")


class Agreement(models.Model):
    """A convention between a partner and an organisation (all its sites) or one site."""

    partner = models.ForeignKey(
        Partner, on_delete=models.PROTECT, related_name="agreements", verbose_name=_("partenaire")
    )
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="agreements",
        verbose_name=_("structure porteuse"),
    )
    site = models.ForeignKey(
        Site,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="agreements",
        verbose_name=_("point d'accueil"),
    )
    start_date = models.DateField(_("début"))
    end_date = models.DateField(_("fin"), null=True, blank=True)
    scope = models.CharField(_("périmètre"), max_length=300, blank=True)

    objects = AgreementQuerySet.as_manager()

    class Meta:
        verbose_name = _("convention")
        verbose_name_plural = _("conventions")
        constraints = [
            models.CheckConstraint(
                condition=Q(organisation__isnull=False) | Q(site__isnull=False),
                name="network_agreement_has_party",
            ),
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=models.F("start_date")),
                name="network_agreement_dates_ordered",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.partner} ↔ {self.site or self.organisation}"
