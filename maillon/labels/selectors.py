"""Reads of label history: which sites held a label on a date."""

import datetime

from django.db.models import OuterRef, QuerySet, Subquery

from maillon.labels.enums import LABEL_HOLDING_OUTCOMES
from maillon.labels.models import LabelDecision
from maillon.network.models import Site


def sites_labelled_on(
    *, programme: str, day: datetime.date, sites: QuerySet[Site] | None = None
) -> QuerySet[Site]:
    """Sites whose latest decision surely in force on `day` grants (or renews) the label."""
    latest = (
        LabelDecision.objects.of_programme(programme)
        .effective_by(day)
        .filter(site=OuterRef("pk"))
        .order_by("-effective_latest", "-id")
        .values("outcome")[:1]
    )
    base = Site.objects.all() if sites is None else sites
    return base.annotate(label_outcome=Subquery(latest)).filter(
        label_outcome__in=LABEL_HOLDING_OUTCOMES
    )


def label_history(*, site: Site, programme: str | None = None) -> QuerySet[LabelDecision]:
    decisions = LabelDecision.objects.filter(site=site).select_related("programme", "wave")
    if programme:
        decisions = decisions.of_programme(programme)
    return decisions.order_by("effective_date", "id")
