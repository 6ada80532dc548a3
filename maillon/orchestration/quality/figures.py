"""Declared figures: totals whose parts do not add up, figures that contradict each other or
the data, and the programme's criteria over the declared figures."""

from collections import defaultdict
from decimal import Decimal

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from maillon.labels.enums import FRANCE_SERVICES, Severity
from maillon.labels.selectors import coverage_on, sites_labelled_on
from maillon.network.enums import SiteKind
from maillon.network.models import Site
from maillon.orchestration.quality.finding import Finding
from maillon.reports.declared import figures_compatible
from maillon.reports.models import DeclaredFigure, DeclaredFigureQuerySet, FigureScope


def _fmt(value: Decimal) -> str:
    return f"{value.normalize():,f}".replace(",", "\u202f")


def _figure_where(figure: DeclaredFigure) -> str:
    return f"{figure.source} — « {figure.quote or figure.label} »"


def figure_sum_findings(figures: DeclaredFigureQuerySet) -> list[Finding]:
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


def figure_contradiction_findings(figures: QuerySet[DeclaredFigure]) -> list[Finding]:
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


def figure_vs_data_findings(figures: QuerySet[DeclaredFigure]) -> list[Finding]:
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


def programme_findings(figures: QuerySet[DeclaredFigure]) -> list[Finding]:
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
