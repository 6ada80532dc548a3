"""What became of the follow-ups (suites à donner) of a scope over a period: the final outcomes
of those closed in the period, the share of the period's follow-ups still open, and the median
number of days from the visit to the closing. Shown by the key figures and the partner report
beside the share of defaulted outcomes: an outcome « à revoir » is not the end of a request.

Read from the follow-up table (one row per request « à revoir », a few percent of requests),
grouped by the database: the median comes from a histogram of (visit day, closing day) pairs,
never from one row per follow-up."""

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Q
from django.utils.translation import gettext as _

from maillon.activity.models import FollowUp
from maillon.network.models import Partner
from maillon.reports import indicators
from maillon.reports.periods import Period
from maillon.reports.scopes import Scope


@dataclass(frozen=True)
class FollowUpOutcomes:
    closed: list[tuple[str, int]]  # (final outcome, follow-ups closed in the period), by count
    opened: int  # follow-ups of the requests of the period
    still_open: int  # of those, not closed today
    median_days: Decimal | None  # visit → closing, over the follow-ups closed in the period

    @property
    def closed_total(self) -> int:
        return sum(n for _label, n in self.closed)

    @property
    def open_rate(self) -> Decimal | None:
        """The share of the period's follow-ups still open, in percent."""
        return indicators.share_percent(self.still_open, self.opened)

    def facts(self) -> list[tuple[str, object]]:
        """(label, value) lines: the same on the page, in the XLSX and in the PDF."""
        lines: list[tuple[str, object]] = [
            (_("Suites à donner ouvertes sur la période"), self.opened),
            (_("Part de ces suites encore ouvertes (%)"), self.open_rate),
            (_("Suites closes sur la période"), self.closed_total),
            (_("Délai médian entre le passage et la clôture (jours)"), self.median_days),
        ]
        lines += [(_("Issue finale : %(label)s") % {"label": lbl}, n) for lbl, n in self.closed]
        return lines

    def as_dict(self) -> dict:
        return {
            "opened": self.opened,
            "still_open": self.still_open,
            "open_rate": None if self.open_rate is None else float(self.open_rate),
            "closed": self.closed_total,
            "median_days_to_close": None if self.median_days is None else float(self.median_days),
            "final_outcomes": [{"label": label, "count": n} for label, n in self.closed],
        }


def followup_outcomes(
    *, scope: Scope, period: Period, partner: Partner | None = None
) -> FollowUpOutcomes:
    """The follow-ups of the sites of `scope` (of the requests of `partner` when given): four
    grouped queries whatever their number."""
    items = FollowUp.objects.all()
    if not scope.unrestricted:
        items = items.filter(site__in=scope.sites.values("pk"))
    if partner is not None:
        items = items.filter(request__partner=partner)
    closed = items.filter(closed_on__gte=period.start, closed_on__lte=period.end)
    by_outcome = [
        (row["final_outcome__label"], row["n"])
        for row in closed.values("final_outcome__label")
        .annotate(n=Count("pk"))
        .order_by("-n", "final_outcome__label")
    ]
    of_period = items.filter(
        request__visit__day__gte=period.start, request__visit__day__lte=period.end
    ).aggregate(opened=Count("pk"), still_open=Count("pk", filter=Q(closed_on__isnull=True)))
    pairs = (
        closed.order_by().values_list("request__visit__day", "closed_on").annotate(n=Count("pk"))
    )
    return FollowUpOutcomes(
        closed=by_outcome,
        opened=of_period["opened"],
        still_open=of_period["still_open"],
        median_days=_median(_days(pairs)),
    )


def _days(pairs) -> dict[int, int]:
    """Days from the visit to the closing → number of follow-ups."""
    histogram: dict[int, int] = {}
    for day, closed_on, n in pairs:
        days = (closed_on - day).days
        histogram[days] = histogram.get(days, 0) + n
    return histogram


def _median(histogram: dict[int, int]) -> Decimal | None:
    """The median of a histogram {value: count} (the mean of the two middle values when the
    count is even), None when empty."""
    total = sum(histogram.values())
    if not total:
        return None
    middle = [(total - 1) // 2, total // 2]  # 0-based ranks of the middle value(s)
    found: list[int] = []
    seen = 0
    for value in sorted(histogram):
        seen += histogram[value]
        while middle and middle[0] < seen:
            found.append(value)
            middle.pop(0)
    return (Decimal(sum(found)) / len(found)).quantize(Decimal("0.1"))
