"""Data quality of the label data: each finding says what, where, why, and a suggested fix.

Checked: printed lists against the data and the official geography (département, spelling,
duplicates, order, counts), published counts that contradict each other across documents,
declared totals whose parts don't add up, declared figures that contradict each other or the
data, sites with an unknown or former INSEE code, duplicate sites, and labelled sites whose
opening hours break the programme's criteria; and the live checks of the public data
(`live`: hours, holiday rule, freshness, geography, the last imports' rejected rows, stops
outside their territory), each with a link to the page that fixes it.
"""

import datetime

from django.utils import timezone

from maillon.labels.models import Publication
from maillon.network.models import Network, Site
from maillon.orchestration.quality.figures import (
    figure_contradiction_findings,
    figure_sum_findings,
    figure_vs_data_findings,
    programme_findings,
)
from maillon.orchestration.quality.finding import SEVERITY_ORDER, Finding
from maillon.orchestration.quality.live import live_findings
from maillon.orchestration.quality.publications import (
    cross_publication_findings,
    publication_findings,
)
from maillon.orchestration.quality.sites import site_findings
from maillon.reports.models import DeclaredFigure

__all__ = ["Finding", "data_quality_findings"]


def data_quality_findings(
    *, network: Network | None = None, on: datetime.date | None = None
) -> list[Finding]:
    """Every finding on the label data of `network` (all networks by default)."""
    day = on or timezone.localdate()
    publications = Publication.objects.select_related("network", "programme")
    figures = DeclaredFigure.objects.all()
    sites = Site.objects.filter(organisation__network_memberships__isnull=False).distinct()
    live_sites = Site.objects.all()  # every site of the installation: the public directory's
    if network is not None:
        publications = publications.filter(network=network)
        figures = figures.filter(network=network) | figures.filter(network__isnull=True)
        sites = live_sites = Site.objects.in_network(network)
    findings: list[Finding] = []
    publication_list = list(publications)
    for publication in publication_list:
        findings.extend(publication_findings(publication))
    findings.extend(cross_publication_findings(publication_list))
    findings.extend(figure_sum_findings(figures))
    findings.extend(figure_contradiction_findings(figures))
    findings.extend(figure_vs_data_findings(figures))
    findings.extend(programme_findings(figures))
    findings.extend(site_findings(sites, day=day))
    findings.extend(live_findings(live_sites, network=network, day=day))
    return sorted(findings, key=lambda f: SEVERITY_ORDER[f.severity])
