"""Reads of label history: which sites held a label on a date."""

import datetime
from dataclasses import dataclass

from django.db.models import OuterRef, QuerySet, Subquery

from maillon.labels.enums import LABEL_HOLDING_OUTCOMES
from maillon.labels.models import Certification, LabelDecision, Wave
from maillon.network.models import Site


def sites_labelled_on(
    *, programme: str, day: datetime.date, sites: QuerySet[Site] | None = None
) -> QuerySet[Site]:
    """Sites whose latest decision surely in force on `day` grants (or renews) the label."""
    latest = (
        LabelDecision.objects.of_programme(programme)
        .current()
        .effective_by(day)
        .filter(site=OuterRef("pk"))
        .order_by("-effective_latest", "-id")
        .values("outcome")[:1]
    )
    base = Site.objects.all() if sites is None else sites
    return base.annotate(label_outcome=Subquery(latest)).filter(
        label_outcome__in=LABEL_HOLDING_OUTCOMES
    )


def organisations_certified_on(
    *, standard: str, day: datetime.date, sites: QuerySet[Site] | None = None
) -> int:
    """Organisations (carrying `sites`, or all) holding a valid `standard` certification on
    `day` — « 68 PIMMS certifiés »."""
    certifications = Certification.objects.valid_on(day).filter(standard=standard)
    if sites is not None:
        certifications = certifications.filter(organisation__in=sites.values("organisation_id"))
    return certifications.values("organisation_id").distinct().count()


def label_history(*, site: Site, programme: str | None = None) -> QuerySet[LabelDecision]:
    """Every decision on `site`, corrected ones included (with what corrects them)."""
    decisions = LabelDecision.objects.filter(site=site).select_related(
        "programme", "wave", "supersedes", "superseded_by"
    )
    if programme:
        decisions = decisions.of_programme(programme)
    return decisions.order_by("effective_date", "id")


def sites_new_between(
    *,
    programme: str,
    start: datetime.date,
    end: datetime.date,
    sites: QuerySet[Site] | None = None,
) -> QuerySet[Site]:
    """Sites labelled on `end` that were not labelled on `start`."""
    before = sites_labelled_on(programme=programme, day=start, sites=sites).values("pk")
    return sites_labelled_on(programme=programme, day=end, sites=sites).exclude(pk__in=before)


def sites_decided_in_wave(*, wave: Wave, outcome: str | None = None) -> QuerySet[Site]:
    decisions = LabelDecision.objects.filter(wave=wave).current()
    if outcome:
        decisions = decisions.filter(outcome=outcome)
    return Site.objects.filter(pk__in=decisions.values("site_id"))


def label_status_on(*, site: Site, programme: str, day: datetime.date) -> str | None:
    """The outcome of the latest decision surely in force on `day`, None if none."""
    decision = (
        LabelDecision.objects.of_programme(programme)
        .current()
        .effective_by(day)
        .filter(site=site)
        .order_by("-effective_latest", "-id")
        .first()
    )
    return decision.outcome if decision else None


@dataclass(frozen=True)
class Coverage:
    day: datetime.date
    sites: int
    communes: int
    cantons: int
    departments: int
    regions: int
    priority_areas: int | None  # None: no QPV data in Maillon yet
    unlocated: int


def coverage_on(
    *, programme: str, day: datetime.date, sites: QuerySet[Site] | None = None
) -> Coverage:
    """Distinct territories covered by the sites labelled on `day`.

    A canton code is only unique within its département, so cantons are counted as
    (département, canton) pairs; a former commune counts in its parent's canton.
    """
    labelled = sites_labelled_on(programme=programme, day=day, sites=sites)
    rows = list(
        labelled.values_list(
            "commune_id",
            "commune__department_id",
            "commune__region_id",
            "commune__canton_code",
            "commune__parent__canton_code",
        )
    )
    located = [r for r in rows if r[0] is not None]
    cantons = {(r[1], r[3] or r[4]) for r in located if r[3] or r[4]}
    return Coverage(
        day=day,
        sites=len(rows),
        communes=len({r[0] for r in located}),
        cantons=len(cantons),
        departments=len({r[1] for r in located}),
        regions=len({r[2] for r in located}),
        priority_areas=None,
        unlocated=len(rows) - len(located),
    )
