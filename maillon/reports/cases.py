"""The partner scorecard: how the cases sent to partners' referents fared, over a period.

For the cases *sent* during the period (their `sent_at`, on the site's local calendar), by
partner, by territory (the site's département) and by site, against the period before and the
network:

- **sent**: the cases sent;
- **answered within deadline**: the cases whose first referent answer came by their first-answer
  due day (`first_answer_days` business days after the day they were sent, the network's case
  rules), out of the cases whose first answer is owed: those answered, and those unanswered
  whose due day has passed (a case closed by the site before its due day without an answer
  owes none);
- **median time to first answer** and **to resolution** (the referent's « traité »), in
  business days of the site's département (`cases.deadlines.business_days_between`);
- **share « utile »**: the closed cases the agent found useful, out of those he rated (a
  re-routed case, closed by the re-routing, is not rated);
- **re-routed**: the cases the referent answered « mauvais partenaire ».

Only what retention keeps is read (partner, site, dates, status, answer, usefulness): the
figures are the same before and after personal data is erased.
"""

import datetime
import statistics
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from maillon.cases.deadlines import (
    add_business_days,
    business_days_between,
    case_policies_for_organisations,
    fallback_case_policy,
    local_day,
    site_department,
)
from maillon.cases.enums import CaseAnswer, CaseStatus, Usefulness
from maillon.cases.models import Case
from maillon.geo.models import Department
from maillon.network.models import Partner, Site
from maillon.reports.indicators import share_percent
from maillon.reports.periods import Period

CASE_FIELDS = (
    "pk",
    "site_id",
    "partner_id",
    "status",
    "answer",
    "useful",
    "sent_at",
    "first_answer_at",
    "answered_at",
    "closed_at",
)


@dataclass(frozen=True)
class CaseFacts:
    """What the scorecard needs of one case, on its site's calendar."""

    partner_id: int
    site_id: int
    department: str
    # days after sending, in business days (None: not yet)
    first_answer_days: int | None
    resolution_days: int | None
    # None: no first answer is owed yet (or the site closed the case before any was due)
    on_time: bool | None
    closed: bool
    useful: str
    rerouted: bool


@dataclass(frozen=True)
class CaseFigures:
    """The scorecard's figures over a set of cases."""

    sent: int = 0
    answer_owed: int = 0
    on_time: int = 0
    median_first_answer_days: float | None = None
    median_resolution_days: float | None = None
    rated: int = 0
    useful: int = 0
    rerouted: int = 0

    @property
    def on_time_rate(self) -> Decimal | None:
        """Answered within deadline, in percent of the cases owing a first answer."""
        return share_percent(self.on_time, self.answer_owed)

    @property
    def useful_rate(self) -> Decimal | None:
        """« Utile », in percent of the closed cases whose usefulness the agent gave."""
        return share_percent(self.useful, self.rated)

    def as_dict(self) -> dict:
        return {
            "sent": self.sent,
            "answer_owed": self.answer_owed,
            "answered_on_time": self.on_time,
            "answered_on_time_rate": _number(self.on_time_rate),
            "median_first_answer_days": self.median_first_answer_days,
            "median_resolution_days": self.median_resolution_days,
            "rated": self.rated,
            "useful": self.useful,
            "useful_rate": _number(self.useful_rate),
            "rerouted": self.rerouted,
        }


def _number(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


def _median(values: list[int]) -> float | None:
    return float(statistics.median(values)) if values else None


def figures_of(cases: Iterable[CaseFacts]) -> CaseFigures:
    cases = list(cases)
    # a re-routed case is closed by the re-routing, not rated by the agent
    rated = [c for c in cases if c.closed and c.useful and not c.rerouted]
    return CaseFigures(
        sent=len(cases),
        answer_owed=sum(c.on_time is not None for c in cases),
        on_time=sum(c.on_time is True for c in cases),
        median_first_answer_days=_median(
            [c.first_answer_days for c in cases if c.first_answer_days is not None]
        ),
        median_resolution_days=_median(
            [c.resolution_days for c in cases if c.resolution_days is not None]
        ),
        rated=len(rated),
        useful=sum(c.useful == Usefulness.YES for c in rated),
        rerouted=sum(c.rerouted for c in cases),
    )


@dataclass(frozen=True)
class ScoreRow:
    """A partner, département or site: its figures over the period and the one before."""

    key: object
    label: str
    now: CaseFigures
    before: CaseFigures


@dataclass(frozen=True)
class CaseScorecard:
    period: Period
    # the one partner of a partner report (None: every partner, as on a dashboard)
    partner: Partner | None
    total: CaseFigures
    previous_total: CaseFigures
    # the same partner(s) over the sites of the network (None when not asked for)
    network: CaseFigures | None
    by_partner: list[ScoreRow]
    by_department: list[ScoreRow]
    by_site: list[ScoreRow]

    @property
    def previous_period(self) -> Period:
        return self.period.previous()

    @property
    def groupings(self) -> list[tuple[str, str, str, list[ScoreRow]]]:
        """(code, title, column, rows) of the tables, in display order: by partner (unless the
        scorecard is one partner's), by département, by site."""
        partners = (
            [("partners", _("Dossiers transmis par partenaire"), _("Partenaire"), self.by_partner)]
            if self.partner is None
            else []
        )
        return partners + [
            (
                "departments",
                _("Dossiers transmis par département"),
                _("Département"),
                self.by_department,
            ),
            (
                "sites",
                _("Dossiers transmis par point d'accueil"),
                _("Point d'accueil"),
                self.by_site,
            ),
        ]

    def as_dict(self) -> dict:
        """The numbers of the scorecard, for the API."""
        return {
            "period": self.period.code,
            "previous_period": self.previous_period.code,
            "total": self.total.as_dict(),
            "previous_total": self.previous_total.as_dict(),
            "network": self.network.as_dict() if self.network is not None else None,
            "groupings": [
                {
                    "code": code,
                    "title": title,
                    "rows": [
                        {
                            "key": str(row.key),
                            "label": row.label,
                            "figures": row.now.as_dict(),
                            "previous": row.before.as_dict(),
                        }
                        for row in rows
                    ],
                }
                for code, title, _column, rows in self.groupings
            ],
        }


# -- reading the cases ---------------------------------------------------------------------


def _bounds(period: Period) -> tuple[datetime.datetime, datetime.datetime]:
    """The period's first and (excluded) next instant: a day earlier and later than the
    calendar, so that every site's local calendar is covered; `local_day` then decides."""
    start = datetime.datetime.combine(period.start - datetime.timedelta(days=1), datetime.time())
    end = datetime.datetime.combine(period.end + datetime.timedelta(days=2), datetime.time())
    return timezone.make_aware(start), timezone.make_aware(end)


def _case_rows(sites: QuerySet[Site], period: Period, partner: Partner | None) -> list[dict]:
    start, end = _bounds(period)
    rows = Case.objects.filter(site__in=sites, sent_at__gte=start, sent_at__lt=end)
    if partner is not None:
        rows = rows.filter(partner=partner)
    return list(rows.order_by().values(*CASE_FIELDS))


def _resolved(
    batches: list[tuple[Period, list[dict]]], today: datetime.date
) -> list[list[CaseFacts]]:
    """The facts of each batch of case rows sent during its period, on their sites' calendars:
    one query for the sites of every batch, two for their case rules."""
    site_ids = {case["site_id"] for _period, cases in batches for case in cases}
    if not site_ids:
        return [[] for _batch in batches]
    by_site = {
        site.pk: site
        for site in Site.objects.filter(pk__in=site_ids).select_related("commune__region")
    }
    policies = case_policies_for_organisations(
        {site.organisation_id for site in by_site.values() if site.organisation_id is not None},
        on=today,
    )
    fallback = fallback_case_policy()
    result = []
    for period, cases in batches:
        facts = []
        for case in cases:
            site = by_site[case["site_id"]]
            sent_on = local_day(site, case["sent_at"])
            if period.start <= sent_on <= period.end:
                policy = policies.get(site.organisation_id or 0, fallback)
                facts.append(_facts(case, site, sent_on, policy.first_answer_days, today))
        result.append(facts)
    return result


def _facts(case: dict, site: Site, sent_on: datetime.date, days: int, today) -> CaseFacts:
    department = site_department(site)
    first_due = add_business_days(department, sent_on, days)

    def after_sending(moment: datetime.datetime | None) -> int | None:
        if moment is None:
            return None
        return business_days_between(department, sent_on, local_day(site, moment))

    first_answer_days = after_sending(case["first_answer_at"])
    if case["first_answer_at"] is not None:
        on_time: bool | None = local_day(site, case["first_answer_at"]) <= first_due
    else:
        # unanswered: owed once its due day has passed, unless the site closed it before
        closed_on = local_day(site, case["closed_at"]) if case["closed_at"] else None
        last_day = closed_on if closed_on is not None else today
        on_time = False if last_day > first_due else None
    return CaseFacts(
        partner_id=case["partner_id"],
        site_id=site.pk,
        department=department,
        first_answer_days=first_answer_days,
        resolution_days=after_sending(case["answered_at"]),
        on_time=on_time,
        closed=case["status"] == CaseStatus.CLOSED,
        useful=case["useful"],
        rerouted=case["answer"] == CaseAnswer.WRONG_PARTNER,
    )


# -- the scorecard -------------------------------------------------------------------------


def _grouped(
    now: list[CaseFacts],
    before: list[CaseFacts],
    key: Callable[[CaseFacts], object],
    labels: dict,
) -> list[ScoreRow]:
    groups_now: dict[object, list[CaseFacts]] = defaultdict(list)
    groups_before: dict[object, list[CaseFacts]] = defaultdict(list)
    for facts in now:
        groups_now[key(facts)].append(facts)
    for facts in before:
        groups_before[key(facts)].append(facts)
    rows = [
        ScoreRow(
            value,
            labels.get(value) or _("non renseigné"),
            figures_of(groups_now[value]),
            figures_of(groups_before[value]),
        )
        for value in set(groups_now) | set(groups_before)
    ]
    return sorted(rows, key=lambda row: (-row.now.sent, -row.before.sent, row.label))


def _labels(cases: list[CaseFacts]) -> tuple[dict, dict, dict]:
    """The names of the partners, départements and sites of `cases` (no query without any)."""
    if not cases:
        return {}, {}, {}
    partners = Partner.objects.filter(pk__in={c.partner_id for c in cases})
    departments = Department.objects.filter(code__in={c.department for c in cases})
    sites = Site.objects.filter(pk__in={c.site_id for c in cases})
    return (
        dict(partners.values_list("pk", "name")),
        {code: f"{name} ({code})" for code, name in departments.values_list("code", "name")},
        dict(sites.values_list("pk", "name")),
    )


def case_scorecard(
    *,
    sites: QuerySet[Site],
    period: Period,
    partner: Partner | None = None,
    network_sites: QuerySet[Site] | None = None,
    today: datetime.date | None = None,
) -> CaseScorecard:
    """The scorecard of the cases sent from `sites` (to `partner`, if given) during `period`,
    against the period before and, with `network_sites`, against the network."""
    today = today or timezone.localdate()
    previous = period.previous()
    batches = [
        (period, _case_rows(sites, period, partner)),
        (previous, _case_rows(sites, previous, partner)),
    ]
    if network_sites is not None:
        batches.append((period, _case_rows(network_sites, period, partner)))
    now, before, *others = _resolved(batches, today)
    network = figures_of(others[0]) if others else None
    partners, departments, site_labels = _labels(now + before)
    return CaseScorecard(
        period=period,
        partner=partner,
        total=figures_of(now),
        previous_total=figures_of(before),
        network=network,
        by_partner=_grouped(now, before, lambda c: c.partner_id, partners),
        by_department=_grouped(now, before, lambda c: c.department, departments),
        by_site=_grouped(now, before, lambda c: c.site_id, site_labels),
    )
