"""Sites with an unknown or former INSEE code, duplicate sites, labelled sites whose opening
hours break the programme's criteria."""

import datetime

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from maillon.core.text import search_key
from maillon.geo.enums import CURRENT_KINDS
from maillon.labels.criteria import check_opening_hours
from maillon.labels.enums import FRANCE_SERVICES, CriterionCheck, CriterionStatus, Severity
from maillon.labels.models import Criterion
from maillon.labels.selectors import sites_labelled_on
from maillon.network.models import Site
from maillon.orchestration.quality.finding import Finding


def site_findings(sites: QuerySet[Site], *, day: datetime.date) -> list[Finding]:
    findings = []
    rows = list(sites.select_related("commune__department", "commune__parent"))
    for site in rows:
        where = f"{site.name}" + (f" (id_fs {site.fs_id})" if site.fs_id else "")
        commune = site.commune
        if commune is None:
            findings.append(
                Finding(
                    "site.no_commune",
                    Severity.ERROR,
                    _("point d'accueil sans commune"),
                    where,
                    _("aucun code INSEE : le point d'accueil ne peut être classé"),
                    _("Renseigner le code INSEE de la commune."),
                )
            )
        elif commune.kind not in CURRENT_KINDS or not commune.is_current:
            parent = commune.parent
            findings.append(
                Finding(
                    "site.former_commune",
                    Severity.ERROR,
                    _("code INSEE périmé : %(code)s") % {"code": commune.code},
                    where,
                    _("%(name)s n'est plus une commune en vigueur dans le COG")
                    % {"name": commune.name},
                    _("Rattacher à %(parent)s.") % {"parent": parent}
                    if parent
                    else _("Rattacher à la commune en vigueur."),
                )
            )
    seen: dict[tuple, Site] = {}
    for site in rows:
        keys = [(site.kind, site.commune_id, "name", search_key(site.name))]
        if site.address:
            keys.append((site.kind, site.commune_id, "address", search_key(site.address)))
        for key in keys:
            other = seen.get(key)
            if other is not None and other.pk != site.pk:
                findings.append(
                    Finding(
                        "site.duplicate",
                        Severity.WARNING,
                        _("point d'accueil en double probable"),
                        f"{other.name} (id {other.pk}) ; {site.name} (id {site.pk})",
                        _("même type, même commune et même %(field)s")
                        % {"field": _("nom") if key[2] == "name" else _("adresse")},
                        _("Fusionner les deux fiches ou les distinguer (nom, adresse)."),
                    )
                )
                break
            seen.setdefault(key, site)

    criterion = (
        Criterion.objects.filter(
            programme__slug=FRANCE_SERVICES, check_kind=CriterionCheck.OPENING_HOURS
        )
        .valid_on(day)
        .first()
    )
    if criterion is not None:
        labelled = sites_labelled_on(programme=FRANCE_SERVICES, day=day, sites=sites)
        for site in labelled.order_by("name"):
            result = check_opening_hours(site, criterion, day)
            if result.status == CriterionStatus.NOT_MET:
                findings.append(
                    Finding(
                        "site.hours_break_criteria",
                        Severity.WARNING,
                        _("horaires incompatibles avec le label : %(criterion)s")
                        % {"criterion": criterion.title},
                        f"{site.name}" + (f" (id_fs {site.fs_id})" if site.fs_id else ""),
                        result.why,
                        _(
                            "Corriger les horaires saisis, ou prévoir l'extension des horaires "
                            "avant l'audit."
                        ),
                    )
                )
    return findings
