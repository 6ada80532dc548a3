"""Territorial coverage of labelled sites, per département and région, on a date and against an
earlier one: labelled sites, new ones, cantons covered and cantons without a labelled site.

A canton is the official canton of the site's commune (INSEE COG; a former commune counts in
its parent's canton), qualified by its département since a canton code alone is not unique.
Three queries: the sites labelled on each date, and the cantons of the départements shown.

Each département also gets a point for the coverage map: the mean of its labelled sites'
coordinates (a site without coordinates counts at its commune's).
"""

import datetime
from dataclasses import dataclass, field

from django.db.models import Count, QuerySet
from django.db.models.functions import Coalesce

from maillon.geo.enums import CommuneKind
from maillon.geo.models import Commune
from maillon.labels.publications import french_sort_key
from maillon.labels.selectors import sites_labelled_on
from maillon.network.models import Site

Canton = tuple[str, str]  # (département code, canton code)


@dataclass
class AreaCoverage:
    code: str
    name: str
    sites: int = 0
    new: int = 0
    cantons_total: int = 0
    covered: set[Canton] = field(default_factory=set)
    covered_before: set[Canton] = field(default_factory=set)
    coordinates: list[tuple[float, float]] = field(default_factory=list)

    @property
    def point(self) -> tuple[float, float] | None:
        """The mean of the labelled sites' coordinates, None when none is located."""
        if not self.coordinates:
            return None
        count = len(self.coordinates)
        return (
            sum(lat for lat, _ in self.coordinates) / count,
            sum(lon for _, lon in self.coordinates) / count,
        )

    @property
    def cantons_covered(self) -> int:
        return len(self.covered)

    @property
    def cantons_new(self) -> int:
        return len(self.covered - self.covered_before)

    @property
    def cantons_uncovered(self) -> int:
        return self.cantons_total - len(self.covered)

    def add(self, other: "AreaCoverage") -> None:
        self.sites += other.sites
        self.new += other.new
        self.cantons_total += other.cantons_total
        self.covered |= other.covered
        self.covered_before |= other.covered_before


@dataclass
class RegionCoverage(AreaCoverage):
    departments: list[AreaCoverage] = field(default_factory=list)


@dataclass
class CoverageTable:
    day: datetime.date
    since: datetime.date | None
    regions: list[RegionCoverage]
    total: AreaCoverage
    unlocated: int  # labelled sites with no commune

    @property
    def departments(self) -> list[AreaCoverage]:
        return [department for region in self.regions for department in region.departments]


def _labelled_rows(programme: str, day: datetime.date, sites: QuerySet[Site]) -> list[tuple]:
    return list(
        sites_labelled_on(programme=programme, day=day, sites=sites).values_list(
            "pk",
            "commune__department_id",
            "commune__department__name",
            "commune__region_id",
            "commune__region__name",
            "commune__canton_code",
            "commune__parent__canton_code",
            Coalesce("latitude", "commune__latitude"),
            Coalesce("longitude", "commune__longitude"),
        )
    )


def _canton(row: tuple) -> Canton | None:
    code = row[5] or row[6]
    return (row[1], code) if code else None


def coverage_table(
    *,
    programme: str,
    day: datetime.date,
    sites: QuerySet[Site],
    since: datetime.date | None = None,
) -> CoverageTable:
    """Coverage of `sites` labelled on `day`; with `since`, what is new since that date."""
    now = _labelled_rows(programme, day, sites)
    before = _labelled_rows(programme, since, sites) if since else []
    before_ids = {row[0] for row in before}
    departments: dict[str, AreaCoverage] = {}
    regions: dict[str, RegionCoverage] = {}
    for row in [*now, *before]:
        if row[1] is None:
            continue
        if row[1] not in departments:
            departments[row[1]] = AreaCoverage(row[1], row[2])
            region = regions.setdefault(row[3], RegionCoverage(row[3], row[4]))
            region.departments.append(departments[row[1]])
    for row in now:
        if row[1] is None:
            continue
        area = departments[row[1]]
        area.sites += 1
        area.new += bool(since) and row[0] not in before_ids
        if (canton := _canton(row)) is not None:
            area.covered.add(canton)
        if row[7] is not None and row[8] is not None:
            area.coordinates.append((row[7], row[8]))
    for row in before:
        if row[1] is not None and (canton := _canton(row)) is not None:
            departments[row[1]].covered_before.add(canton)
    totals = (
        Commune.objects.filter(kind=CommuneKind.COMMUNE, department_id__in=list(departments))
        .exclude(canton_code="")
        .values("department_id")
        .annotate(cantons=Count("canton_code", distinct=True))
        .order_by()
    )
    for entry in totals:
        departments[entry["department_id"]].cantons_total = entry["cantons"]
    total = AreaCoverage("", "")
    ordered = sorted(regions.values(), key=lambda r: french_sort_key(r.name))
    for region in ordered:
        region.departments.sort(key=lambda d: french_sort_key(d.name))
        for department in region.departments:
            region.add(department)
        total.add(region)
    if not since:
        total.covered_before = set(total.covered)
        for area in [*departments.values(), *ordered]:
            area.covered_before = set(area.covered)
    return CoverageTable(
        day=day,
        since=since,
        regions=ordered,
        total=total,
        unlocated=sum(row[1] is None for row in now),
    )
