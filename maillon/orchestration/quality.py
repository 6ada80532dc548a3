"""Data quality of the label data: each finding says what, where, why, and a suggested fix.

Checked: printed lists against the data and the official geography (département, spelling,
duplicates, order, counts), published counts that contradict each other across documents,
declared totals whose parts don't add up, declared figures that contradict each other or the
data, sites with an unknown or former INSEE code, duplicate sites, and labelled sites whose
opening hours break the programme's criteria.
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from maillon.core.text import search_key
from maillon.geo.enums import CURRENT_KINDS
from maillon.labels.criteria import check_opening_hours
from maillon.labels.differences import DifferenceKind, publication_differences
from maillon.labels.enums import FRANCE_SERVICES, CriterionCheck, CriterionStatus, Severity
from maillon.labels.models import Criterion, Publication
from maillon.labels.selectors import coverage_on, sites_labelled_on, sites_new_between
from maillon.network.enums import SiteKind
from maillon.network.models import Network, Site
from maillon.reports.declared import figures_compatible
from maillon.reports.models import DeclaredFigure, DeclaredFigureQuerySet, FigureScope


@dataclass(frozen=True)
class Finding:
    code: str
    severity: str
    what: str
    where: str
    why: str
    fix: str

    @property
    def severity_label(self) -> str:
        return str(Severity(self.severity).label)


DIFFERENCE_SEVERITY = {
    DifferenceKind.DEPARTMENT: Severity.ERROR,
    DifferenceKind.REGION: Severity.ERROR,
    DifferenceKind.NEW_MARK: Severity.ERROR,
    DifferenceKind.MISSING: Severity.ERROR,
    DifferenceKind.NOT_LABELLED: Severity.ERROR,
    DifferenceKind.UNMATCHED: Severity.ERROR,
    DifferenceKind.COUNT: Severity.ERROR,
    DifferenceKind.DUPLICATE_ROW: Severity.WARNING,
    DifferenceKind.DEPARTMENT_SPELLING: Severity.WARNING,
    DifferenceKind.COMMUNE: Severity.WARNING,
    DifferenceKind.ORDER: Severity.INFO,
    DifferenceKind.MOBILE_COMMUNE: Severity.INFO,
    DifferenceKind.MATCH_NOTE: Severity.INFO,
}

DIFFERENCE_TITLE = {
    DifferenceKind.DEPARTMENT: gettext_lazy("point d'accueil classé dans un autre département"),
    DifferenceKind.REGION: gettext_lazy("point d'accueil classé dans une autre région"),
    DifferenceKind.NEW_MARK: gettext_lazy("marque « nouveau » erronée"),
    DifferenceKind.MISSING: gettext_lazy("point d'accueil labellisé absent de la liste"),
    DifferenceKind.NOT_LABELLED: gettext_lazy("point d'accueil listé mais non labellisé"),
    DifferenceKind.UNMATCHED: gettext_lazy("ligne sans point d'accueil correspondant"),
    DifferenceKind.COUNT: gettext_lazy("total annoncé différent du compte"),
    DifferenceKind.DUPLICATE_ROW: gettext_lazy("ligne en double"),
    DifferenceKind.DEPARTMENT_SPELLING: gettext_lazy("nom de département mal orthographié"),
    DifferenceKind.COMMUNE: gettext_lazy("nom de commune non officiel"),
    DifferenceKind.ORDER: gettext_lazy("lignes d'un département non regroupées"),
    DifferenceKind.MOBILE_COMMUNE: gettext_lazy("point d'accueil itinérant sans commune"),
    DifferenceKind.MATCH_NOTE: gettext_lazy("rapprochement à confirmer"),
}

DIFFERENCE_FIX = {
    DifferenceKind.DEPARTMENT: gettext_lazy("Classer le point d'accueil sous %(corrected)s."),
    DifferenceKind.REGION: gettext_lazy("Classer le point d'accueil en région %(corrected)s."),
    DifferenceKind.NEW_MARK: gettext_lazy("Reprendre la marque « nouveau » calculée par Maillon."),
    DifferenceKind.MISSING: gettext_lazy(
        "Ajouter %(corrected)s à la liste, ou enregistrer la décision."
    ),
    DifferenceKind.NOT_LABELLED: gettext_lazy(
        "Retirer la ligne, ou enregistrer la décision de label."
    ),
    DifferenceKind.UNMATCHED: gettext_lazy(
        "Rattacher la ligne à un point d'accueil du jeu de données."
    ),
    DifferenceKind.COUNT: gettext_lazy("Annoncer %(corrected)s, le compte tiré des données."),
    DifferenceKind.DUPLICATE_ROW: gettext_lazy("Nommer chaque point d'accueil : %(corrected)s."),
    DifferenceKind.DEPARTMENT_SPELLING: gettext_lazy("Écrire « %(corrected)s »."),
    DifferenceKind.COMMUNE: gettext_lazy("Écrire le nom officiel : %(corrected)s."),
    DifferenceKind.ORDER: gettext_lazy(
        "Publier la liste générée par Maillon, triée par département."
    ),
    DifferenceKind.MOBILE_COMMUNE: gettext_lazy("Indiquer la commune d'attache : %(corrected)s."),
    DifferenceKind.MATCH_NOTE: gettext_lazy("Faire confirmer le rapprochement par la structure."),
}


def _publication_findings(publication: Publication) -> list[Finding]:
    return [
        Finding(
            code=f"publication.{difference.kind}",
            severity=DIFFERENCE_SEVERITY[difference.kind],
            what=f"{DIFFERENCE_TITLE[difference.kind]} : « {difference.printed} »"
            if difference.printed
            else str(DIFFERENCE_TITLE[difference.kind]),
            where=f"{publication.source}, {difference.where}",
            why=difference.explanation,
            fix=str(DIFFERENCE_FIX[difference.kind]) % {"corrected": difference.corrected},
        )
        for difference in publication_differences(publication)
    ]


def _cross_publication_findings(publications: list[Publication]) -> list[Finding]:
    """A list announcing N new sites after a list of M must total M + N, or say why not."""
    findings = []
    by_series: dict[tuple[int, int], list[Publication]] = defaultdict(list)
    for publication in publications:
        by_series[(publication.network_id, publication.programme_id)].append(publication)
    for series in by_series.values():
        series.sort(key=lambda p: p.labelled_on)
        for previous, current in zip(series, series[1:], strict=False):
            before, new, total = (
                previous.declared_total,
                current.declared_new,
                current.declared_total,
            )
            if before is None or new is None or total is None:
                continue
            expected = before + new
            if expected == total:
                continue
            network_sites = Site.objects.in_network(current.network)
            start = current.new_since or previous.labelled_on
            unannounced = list(
                sites_new_between(
                    programme=current.programme.slug,
                    start=previous.labelled_on,
                    end=start,
                    sites=network_sites,
                ).order_by("name")
            )
            why = _(
                "%(previous)s sites au %(prev_date)s + %(new)s nouveaux = %(expected)s, mais le "
                "communiqué du %(cur_date)s annonce %(total)s au total."
            ) % {
                "previous": before,
                "prev_date": f"{previous.labelled_on:%d/%m/%Y}",
                "new": new,
                "expected": expected,
                "cur_date": f"{current.published_on:%d/%m/%Y}",
                "total": total,
            }
            if unannounced:
                why += " " + _(
                    "Les données expliquent l'écart : %(count)s points d'accueil labellisés "
                    "entre les deux listes sans être annoncés comme nouveaux (%(names)s)."
                ) % {
                    "count": len(unannounced),
                    "names": ", ".join(s.name for s in unannounced),
                }
            findings.append(
                Finding(
                    code="figures.publications_contradict",
                    severity=Severity.ERROR
                    if len(unannounced) != total - expected
                    else Severity.WARNING,
                    what=_("totaux contradictoires entre deux listes publiées"),
                    where=f"{previous.source} ; {current.source}",
                    why=why,
                    fix=_(
                        "Annoncer %(count)s nouveaux depuis le %(date)s, ou dater les "
                        "nouveautés depuis la vague précédente et le dire dans la légende."
                    )
                    % {
                        "count": total - before,
                        "date": f"{previous.labelled_on:%d/%m/%Y}",
                    },
                )
            )
    return findings


def _fmt(value: Decimal) -> str:
    return f"{value.normalize():,f}".replace(",", "\u202f")


def _figure_where(figure: DeclaredFigure) -> str:
    return f"{figure.source} — « {figure.quote or figure.label} »"


def _figure_sum_findings(figures: DeclaredFigureQuerySet) -> list[Finding]:
    findings = []
    for total in figures.totals().prefetch_related("parts"):
        parts = list(total.parts.all())
        parts_sum = sum((p.value for p in parts), Decimal(0))
        if parts_sum == total.value:
            continue
        detail = " + ".join(f"{_fmt(p.value)} ({p.breakdown})" for p in parts)
        findings.append(
            Finding(
                code="figures.parts_dont_add_up",
                severity=Severity.ERROR,
                what=_("total déclaré dont les parties ne font pas la somme : %(label)s")
                % {"label": total.label},
                where=_figure_where(total),
                why=_("%(detail)s = %(sum)s, et non %(total)s (écart de %(gap)s).")
                % {
                    "detail": detail,
                    "sum": _fmt(parts_sum),
                    "total": _fmt(total.value),
                    "gap": _fmt(parts_sum - total.value),
                },
                fix=_(
                    "Vérifier la ventilation auprès de la source (ANCT) : l'un des chiffres "
                    "est faux ; ne pas publier la ventilation telle quelle."
                ),
            )
        )
    return findings


def _figure_contradiction_findings(figures: QuerySet[DeclaredFigure]) -> list[Finding]:
    findings = []
    groups: dict[tuple, list[DeclaredFigure]] = defaultdict(list)
    for figure in figures.filter(total__isnull=True):
        groups[(figure.indicator, figure.scope_type, figure.scope_code, figure.breakdown)].append(
            figure
        )
    for group in groups.values():
        for index, first in enumerate(group):
            for second in group[index + 1 :]:
                same_period = (
                    first.period_start == second.period_start
                    and first.period_end == second.period_end
                )
                if not same_period or figures_compatible(first, second):
                    continue
                findings.append(
                    Finding(
                        code="figures.contradict",
                        severity=Severity.ERROR,
                        what=_("chiffres contradictoires : %(a)s / %(b)s")
                        % {"a": first.label, "b": second.label},
                        where=f"{_figure_where(first)} ; {_figure_where(second)}",
                        why=_(
                            "%(a)s (%(qa)s) et %(b)s (%(qb)s) pour le même indicateur, le même "
                            "périmètre et la même période ne peuvent pas être vrais ensemble."
                        )
                        % {
                            "a": _fmt(first.value),
                            "qa": first.get_qualifier_display(),
                            "b": _fmt(second.value),
                            "qb": second.get_qualifier_display(),
                        },
                        fix=_("Retenir le chiffre détaillé et corriger la formule arrondie."),
                    )
                )
    return findings


def _measured(figure: DeclaredFigure) -> int | None:
    """The same figure measured on Maillon's data, when the data can give it exactly."""
    if figure.scope_type != FigureScope.NETWORK or figure.network is None:
        return None
    if figure.period_start != figure.period_end:
        return _measured_flow(figure)
    sites = Site.objects.in_network(figure.network)
    day = figure.period_end
    if figure.indicator == "fs_sites":
        return sites_labelled_on(programme=FRANCE_SERVICES, day=day, sites=sites).count()
    if figure.indicator == "fs_departments":
        return coverage_on(programme=FRANCE_SERVICES, day=day, sites=sites).departments
    if figure.indicator == "fs_mobile_sites":
        labelled = sites_labelled_on(programme=FRANCE_SERVICES, day=day, sites=sites)
        return labelled.filter(kind__in=("mobile", "itinerant")).count()
    return None


def _measured_flow(figure: DeclaredFigure) -> int | None:
    """A flow over whole months (requests in 2025…) that Maillon holds detailed data for."""
    from maillon.reports.keyfigures import COMPUTED, key_figures
    from maillon.reports.periods import Period
    from maillon.reports.scopes import Scope

    network = figure.network
    if network is None:  # the caller passes network figures only
        return None
    period = Period.between(figure.period_start, figure.period_end)
    if (period.start, period.end) != (figure.period_start, figure.period_end):
        return None
    sites = Site.objects.in_network(network)
    scope = Scope("network", network.slug, network.name, sites, network=network)
    computed = key_figures(scope=scope, period=period).figures.get(figure.indicator)
    if computed is None or computed.origin != COMPUTED or computed.value is None:
        return None
    return int(computed.value)


def _figure_vs_data_findings(figures: QuerySet[DeclaredFigure]) -> list[Finding]:
    findings = []
    for figure in figures.select_related("network"):
        measured = _measured(figure)
        if measured is None:
            continue
        agrees = Decimal(measured) == figure.value
        findings.append(
            Finding(
                code="figures.checked" if agrees else "figures.differ_from_data",
                severity=Severity.INFO if agrees else Severity.ERROR,
                what=(
                    _("chiffre confirmé par les données : %(label)s")
                    if agrees
                    else _("chiffre démenti par les données : %(label)s")
                )
                % {"label": figure.label},
                where=_figure_where(figure),
                why=_("annoncé %(declared)s, compté %(measured)s au %(date)s")
                % {
                    "declared": _fmt(figure.value),
                    "measured": measured,
                    "date": f"{figure.period_end:%d/%m/%Y}",
                },
                fix="" if agrees else _("Corriger le chiffre publié ou les données."),
            )
        )
    return findings


def _site_findings(sites: QuerySet[Site], *, day: datetime.date) -> list[Finding]:
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


def _programme_findings(figures: QuerySet[DeclaredFigure]) -> list[Finding]:
    """National figures set against the ANCT list loaded in Maillon.

    The programme counts principal sites (antennas are not counted, as the 2020 figures show);
    the ANCT list of a later date only holds the sites still open then, so what it gives for a
    past date is a lower bound: a higher count is a contradiction, a lower one is expected.
    """
    findings = []
    principal = Site.objects.exclude(kind=SiteKind.ANTENNA)
    for figure in figures.filter(scope_type=FigureScope.PROGRAMME, total__isnull=True):
        if figure.indicator not in ("fs_sites", "fs_cantons"):
            continue
        coverage = coverage_on(programme=figure.scope_code, day=figure.period_end, sites=principal)
        measured = coverage.sites if figure.indicator == "fs_sites" else coverage.cantons
        if not measured:
            continue
        values = {
            "declared": _fmt(figure.value),
            "measured": measured,
            "date": f"{figure.period_end:%d/%m/%Y}",
        }
        if measured <= figure.value:
            findings.append(
                Finding(
                    "figures.programme_lower_bound",
                    Severity.INFO,
                    _("chiffre national compatible avec les données : %(label)s")
                    % {"label": figure.label},
                    _figure_where(figure),
                    _(
                        "annoncé %(declared)s ; la liste ANCT chargée compte %(measured)s lieux "
                        "principaux (hors antennes) labellisés au %(date)s et encore ouverts à "
                        "sa date : un minorant, l'écart correspond aux lieux fermés depuis"
                    )
                    % values,
                    _("Importer la liste ANCT de la date pour vérifier le chiffre exact."),
                )
            )
        else:
            findings.append(
                Finding(
                    "figures.programme_exceeded",
                    Severity.WARNING,
                    _("chiffre national inférieur aux données : %(label)s")
                    % {"label": figure.label},
                    _figure_where(figure),
                    _(
                        "annoncé %(declared)s, mais la liste ANCT chargée compte déjà "
                        "%(measured)s lieux principaux (hors antennes) labellisés au %(date)s"
                    )
                    % values,
                    _("Vérifier la date de labellisation des lieux dans la liste ANCT."),
                )
            )
    return findings


SEVERITY_ORDER: dict[str, int] = {Severity.ERROR: 0, Severity.WARNING: 1, Severity.INFO: 2}


def data_quality_findings(
    *, network: Network | None = None, on: datetime.date | None = None
) -> list[Finding]:
    """Every finding on the label data of `network` (all networks by default)."""
    day = on or timezone.localdate()
    publications = Publication.objects.select_related("network", "programme")
    figures = DeclaredFigure.objects.all()
    sites = Site.objects.filter(organisation__network_memberships__isnull=False).distinct()
    if network is not None:
        publications = publications.filter(network=network)
        figures = figures.filter(network=network) | figures.filter(network__isnull=True)
        sites = Site.objects.in_network(network)
    findings: list[Finding] = []
    publication_list = list(publications)
    for publication in publication_list:
        findings.extend(_publication_findings(publication))
    findings.extend(_cross_publication_findings(publication_list))
    findings.extend(_figure_sum_findings(figures))
    findings.extend(_figure_contradiction_findings(figures))
    findings.extend(_figure_vs_data_findings(figures))
    findings.extend(_programme_findings(figures))
    findings.extend(_site_findings(sites, day=day))
    return sorted(findings, key=lambda f: SEVERITY_ORDER[f.severity])
