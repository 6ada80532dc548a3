"""Printed lists against the data and the official geography, and published counts that
contradict each other across documents."""

from collections import defaultdict

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from maillon.labels.differences import DifferenceKind, publication_differences
from maillon.labels.enums import Severity
from maillon.labels.models import Publication
from maillon.labels.selectors import sites_new_between
from maillon.network.models import Site
from maillon.orchestration.quality.finding import Finding

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


def publication_findings(publication: Publication) -> list[Finding]:
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


def cross_publication_findings(publications: list[Publication]) -> list[Finding]:
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
