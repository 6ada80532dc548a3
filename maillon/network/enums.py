from django.db import models
from django.utils.translation import gettext_lazy as _


class OrganisationKind(models.TextChoices):
    ASSOCIATION = "association", _("association")
    MUNICIPALITY = "municipality", _("commune ou EPCI")
    DEPARTMENT = "department", _("département")
    LA_POSTE = "la_poste", _("La Poste")
    MSA = "msa", _("MSA")
    STATE = "state", _("État")
    OTHER = "other", _("autre")


class SiteKind(models.TextChoices):
    FIXED = "fixed", _("point d'accueil fixe")
    ANTENNA = "antenna", _("antenne")
    MOBILE = "mobile", _("bus (itinérant)")
    ITINERANT = "itinerant", _("service itinérant")
    MULTI_SITE = "multi_site", _("multisite")


class PartnerKind(models.TextChoices):
    NATIONAL_OPERATOR = "national", _("opérateur national France Services")
    LOCAL = "local", _("partenaire local ou privé")


# The network's own curated dataset (maillon/orchestration/importers/pimms/) keys its sites with
# `external_source` = this name and `external_id` = the dataset's key. Those are the network's
# own sites, not places imported from another producer's open data.
PIMMS_DATASET_SOURCE = "Jeu de données PIMMS (Maillon)"
OWN_DATASET_SOURCES = (PIMMS_DATASET_SOURCE,)


# The Union nationale des PIMMS (DESIGN: a network's slug): its sites carry a PIMMS badge in the
# public directory.
PIMMS_NETWORK_SLUG = "pimms"
