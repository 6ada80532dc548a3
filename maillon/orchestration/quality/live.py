"""Live checks of the public data, each finding with a link to the page that fixes it: sites
without opening hours or without a public-holiday rule (`PH` in the OSM expression), sites whose
public information is stale, geography that contradicts itself (postal code, coordinates), the
rows the last imports rejected, stops outside their site's département.

A check that finds many sites lists the first `PER_CHECK` of them (worst first) and says how
many more there are, so that a list of 2,845 sites stays readable.
"""

import datetime
from collections import defaultdict
from collections.abc import Callable, Iterable

from django.db.models import QuerySet
from django.urls import reverse
from django.utils.translation import gettext as _

from maillon.directory.corrections import site_is_stale, stale_after_months
from maillon.directory.enums import ImportKind
from maillon.directory.geometry import haversine_km
from maillon.directory.import_records import last_imports
from maillon.geo.models import PostalCode
from maillon.labels.enums import Severity
from maillon.network.models import Network, Site, Stop
from maillon.orchestration.quality.finding import Finding

PER_CHECK = 50
FAR_FROM_COMMUNE_KM = 30


def _where(site: Site) -> str:
    return f"{site.name}" + (f" (id_fs {site.fs_id})" if site.fs_id else f" (id {site.pk})")


def _capped(code: str, findings: list[Finding], what: str) -> list[Finding]:
    if len(findings) <= PER_CHECK:
        return findings
    more = len(findings) - PER_CHECK
    return [
        *findings[:PER_CHECK],
        Finding(
            code,
            findings[0].severity,
            what,
            _("%(count)s autres points d'accueil") % {"count": more},
            _("liste limitée aux %(shown)s premiers") % {"shown": PER_CHECK},
            _("Corriger les premiers, puis relancer le contrôle."),
        ),
    ]


def _per_site(
    sites: Iterable[Site],
    code: str,
    severity: str,
    what: str,
    why: Callable[[Site], str | None],
    fix: str,
    url_name: str,
) -> list[Finding]:
    findings = []
    for site in sites:
        reason = why(site)
        if reason is not None:
            link = reverse(url_name, args=[site.pk])
            findings.append(Finding(code, severity, what, _where(site), reason, fix, link))
    return _capped(code, findings, what)


def hours_findings(sites: list[Site]) -> list[Finding]:
    without = _per_site(
        sites,
        "site.no_hours",
        Severity.WARNING,
        _("point d'accueil sans horaires"),
        lambda s: None if s.opening_hours else _("l'annuaire ne peut pas dire s'il est ouvert"),
        _("Saisir les horaires d'ouverture."),
        "network:site_hours",
    )
    no_holiday_rule = _per_site(
        sites,
        "site.no_holiday_rule",
        Severity.WARNING,
        _("horaires sans règle pour les jours fériés"),
        lambda s: (
            _("aucun « PH » dans « %(hours)s » : ouvert ou fermé les jours fériés ?")
            % {"hours": s.opening_hours}
            if s.opening_hours and "PH" not in s.opening_hours
            else None
        ),
        _("Ajouter « PH off » (fermé les jours fériés) ou les horaires de ces jours-là."),
        "network:site_hours",
    )
    return without + no_holiday_rule


def stale_findings(
    sites: list[Site], *, network: Network | None, day: datetime.date
) -> list[Finding]:
    months = stale_after_months(network)
    oldest_first = sorted(sites, key=lambda s: (s.info_confirmed_on or datetime.date.min, s.name))
    return _per_site(
        (s for s in oldest_first if s.is_public),
        "site.stale",
        Severity.INFO,
        _("informations publiques à reconfirmer"),
        lambda s: (
            (
                _("jamais confirmées")
                if s.info_confirmed_on is None
                else _("confirmées le %(day)s, il y a plus de %(months)s mois")
                % {"day": f"{s.info_confirmed_on:%d/%m/%Y}", "months": months}
            )
            if site_is_stale(s, day=day, months=months)
            else None
        ),
        _("Vérifier la fiche puis cliquer sur « Confirmer les informations publiques »."),
        "network:site_detail",
    )


def _postal_communes() -> dict[str, set[int]]:
    """postal code → the communes it serves (and the parents of arrondissements)."""
    served: dict[str, set[int]] = defaultdict(set)
    for code, commune_id, parent_id in PostalCode.objects.values_list(
        "code", "commune_id", "commune__parent_id"
    ):
        served[code].add(commune_id)
        if parent_id:
            served[code].add(parent_id)
    return served


def _geography_problem(site: Site, served: dict[str, set[int]]) -> str | None:
    commune = site.commune
    if commune is None:
        return None  # reported by the label-data checks (site.no_commune)
    if site.postal_code and commune.pk not in served.get(site.postal_code, set()):
        return _("le code postal %(cp)s ne dessert pas %(commune)s (%(code)s)") % {
            "cp": site.postal_code,
            "commune": commune.name,
            "code": commune.code,
        }
    points = (site.latitude, site.longitude, commune.latitude, commune.longitude)
    if all(value is not None for value in points):
        gap = haversine_km(*(float(value) for value in points if value is not None))
        if gap > FAR_FROM_COMMUNE_KM:
            return _("coordonnées à %(km).0f km du centre de %(commune)s") % {
                "km": gap,
                "commune": commune.name,
            }
    return None


def geography_findings(sites: list[Site]) -> list[Finding]:
    served = _postal_communes()
    return _per_site(
        sites,
        "site.geography_mismatch",
        Severity.WARNING,
        _("géographie incohérente"),
        lambda s: _geography_problem(s, served),
        _("Corriger l'adresse, le code postal, la commune ou la position sur la carte."),
        "network:site_edit",
    )


def stop_findings(sites: QuerySet[Site]) -> list[Finding]:
    findings = []
    stops = (
        Stop.objects.filter(site__in=sites)
        .select_related("commune__department", "site__commune__department")
        .order_by("site__name", "place")
    )
    for stop in stops:
        home = stop.site.commune
        if home is None or stop.commune.department_id == home.department_id:
            continue
        findings.append(
            Finding(
                "stop.outside_territory",
                Severity.WARNING,
                _("arrêt hors du territoire du point d'accueil"),
                f"{_where(stop.site)} — {stop.place}, {stop.commune.name}",
                _("l'arrêt est dans le département %(stop)s, le point d'accueil dans le %(site)s")
                % {"stop": stop.commune.department_id, "site": home.department_id},
                _("Corriger la commune de l'arrêt, ou le rattacher au bon point d'accueil."),
                reverse("network:stop_edit", args=[stop.site_id, stop.pk]),
            )
        )
    return _capped("stop.outside_territory", findings, _("arrêt hors du territoire"))


def import_findings() -> list[Finding]:
    """The rows the last import of each kind rejected (kept by `directory.import_records`)."""
    findings = []
    for record in last_imports():
        kind = (
            str(ImportKind(record.kind).label) if record.kind in ImportKind.values else record.kind
        )
        rejects = []
        for reject in record.rejected:
            link = ""
            if record.kind == ImportKind.FRANCE_SERVICES and reject["column"] == "id_fs":
                link = reverse("network:site_list") + f"?q={reject['value']}"
            rejects.append(
                Finding(
                    "import.rejected_row",
                    Severity.WARNING,
                    _("ligne rejetée par le dernier import : %(kind)s") % {"kind": kind},
                    _("%(file)s du %(day)s, ligne %(line)s, colonne « %(column)s »")
                    % {
                        "file": record.file_name,
                        "day": f"{record.ran_at:%d/%m/%Y}",
                        "line": reject["line"],
                        "column": reject["column"],
                    },
                    f"« {reject['value']} » : {reject['reason']}",
                    _("Corriger la ligne dans le fichier source, ou saisir le lieu à la main."),
                    link,
                )
            )
        findings.extend(_capped("import.rejected_row", rejects, kind))
    return findings


def live_findings(
    sites: QuerySet[Site], *, network: Network | None, day: datetime.date
) -> list[Finding]:
    public = list(sites.filter(is_public=True).select_related("commune").order_by("name"))
    return [
        *hours_findings(public),
        *stale_findings(public, network=network, day=day),
        *geography_findings(public),
        *stop_findings(sites),
        *import_findings(),
    ]
