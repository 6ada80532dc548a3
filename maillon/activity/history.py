"""Reads of a mediator's day beyond the desk: the history of visits (« Mes passages »), the
follow-up list of a site, the lists of outreach acts and workshops by day or week, and the
figures of the agent's home. Every read is scoped by membership like `activity.selectors`:
what a user may not see is absent, and one id of it is "not found"."""

import datetime
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Sum

from maillon.access.rules import organisations_managed_by, sites_visible_to
from maillon.accounts.models import User
from maillon.activity import taxonomy
from maillon.activity.models import (
    FollowUp,
    FollowUpQuerySet,
    OutreachAct,
    Request,
    RequestDailyRollup,
    Visit,
    VisitDailyRollup,
    VisitQuerySet,
    Workshop,
)
from maillon.activity.selectors import visits_visible_to
from maillon.core.errors import NotFound
from maillon.core.ids import id_in_range

# A page of the history lists this many visits at most (a busy site's week); the counts at the
# top are always complete.
HISTORY_LIMIT = 300


@dataclass(frozen=True)
class Span:
    """A day, or the week (Monday to Sunday) that contains it."""

    day: datetime.date
    week: bool = False

    @property
    def start(self) -> datetime.date:
        return self.day - datetime.timedelta(days=self.day.weekday()) if self.week else self.day

    @property
    def end(self) -> datetime.date:
        return self.start + datetime.timedelta(days=6) if self.week else self.day

    @property
    def previous(self) -> datetime.date:
        return self.day - datetime.timedelta(days=7 if self.week else 1)

    @property
    def next(self) -> datetime.date:
        return self.day + datetime.timedelta(days=7 if self.week else 1)


@dataclass(frozen=True)
class HistoryFilters:
    span: Span
    site_id: int | None = None
    agent_id: int | None = None
    partner_id: int | None = None
    theme_id: int | None = None
    outcome_id: int | None = None


def _id(value: int) -> int:
    """An id given by a caller; one beyond any key matches nothing (-1)."""
    return value if id_in_range(value) else -1


def history_visits(*, user: User) -> VisitQuerySet:
    """The visits a user's history shows: his own, and every visit of the sites whose
    organisation he manages (a manager, a network head)."""
    managed = Q(site__organisation__in=organisations_managed_by(user))
    return visits_visible_to(user).filter(Q(agent=user) | managed)


def history_agents(*, user: User) -> QuerySet[User]:
    """Who a manager may filter the history by: the agents of the visits he may see, beyond
    himself (none for an agent)."""
    managed = organisations_managed_by(user)
    return (
        User.objects.filter(
            Exists(
                Visit.objects.filter(
                    agent=OuterRef("pk"),
                    site__organisation__in=managed,
                    site__in=sites_visible_to(user),
                )
            )
        )
        .exclude(pk=user.pk)
        .order_by("last_name", "first_name", "username")
    )


def history_list(*, user: User, filters: HistoryFilters) -> tuple[QuerySet[Visit], dict]:
    """The visits of the span that match the filters (newest first, with their requests) and
    the counts of all of them: {"visits", "requests", "follow_ups"}."""
    visits = history_visits(user=user).filter(
        day__gte=filters.span.start, day__lte=filters.span.end
    )
    if filters.site_id is not None:
        visits = visits.filter(site_id=_id(filters.site_id))
    if filters.agent_id is not None:
        visits = visits.filter(agent_id=_id(filters.agent_id))
    request_terms = {
        name: _id(value)
        for name, value in (
            ("partner_id", filters.partner_id),
            ("theme_id", filters.theme_id),
            ("outcome_id", filters.outcome_id),
        )
        if value is not None
    }
    if request_terms:
        visits = visits.filter(
            Exists(Request.objects.filter(visit=OuterRef("pk"), **request_terms))
        )
    counts = Request.objects.filter(visit__in=visits.values("pk")).aggregate(
        requests=Count("pk"),
        visits=Count("visit_id", distinct=True),
        follow_ups=Count("follow_up_item"),
    )
    rows = visits.with_requests().order_by("-occurred_at", "-pk")
    return rows, counts


# --- follow-ups ---------------------------------------------------------------------------


def followups_visible_to(user: User) -> FollowUpQuerySet:
    return FollowUp.objects.filter(site__in=sites_visible_to(user))


def _with_context(followups: QuerySet[FollowUp]) -> QuerySet[FollowUp]:
    return followups.select_related(
        "site__commune__region",
        "request__visit__agent",
        "request__visit__channel",
        "request__partner",
        "request__theme",
        "request__help_kind",
        "final_outcome",
        "closed_by",
    )


def followup_get(*, user: User, pk: int) -> FollowUp:
    item = (
        _with_context(followups_visible_to(user)).filter(pk=pk).first() if id_in_range(pk) else None
    )
    if item is None:
        raise NotFound
    return item


def followup_list(
    *, user: User, site_id: int | None = None, closed: bool = False
) -> QuerySet[FollowUp]:
    """Open follow-ups by due date (or closed ones, last closed first), with their context."""
    items = followups_visible_to(user)
    if site_id is not None:
        items = items.filter(site_id=_id(site_id))
    if closed:
        items = items.filter(closed_on__isnull=False).order_by("-closed_on", "-pk")
    else:
        items = items.open().order_by("due_on", "pk")
    return _with_context(items)


@dataclass(frozen=True)
class FollowUpBoard:
    late: list[FollowUp]
    today: list[FollowUp]
    later: list[FollowUp]


def followup_board(items: QuerySet[FollowUp], *, today: datetime.date) -> FollowUpBoard:
    """Open follow-ups split by their due date: late, due today, later."""
    board = FollowUpBoard([], [], [])
    for item in items:
        if item.due_on < today:
            board.late.append(item)
        elif item.due_on == today:
            board.today.append(item)
        else:
            board.later.append(item)
    return board


def final_outcome_counts(
    *, user: User, site_id: int | None, start: datetime.date, end: datetime.date
) -> list[dict[str, Any]]:
    """Follow-ups closed between `start` and `end` counted by final outcome (what reports
    count): [{"final_outcome__label", "final_outcome__code", "n"}], most frequent first."""
    items = followups_visible_to(user).closed_between(start, end)
    if site_id is not None:
        items = items.filter(site_id=_id(site_id))
    return list(
        items.values("final_outcome__code", "final_outcome__label")
        .annotate(n=Count("pk"))
        .order_by("-n", "final_outcome__label")
    )


# --- outreach acts and workshops by day or week ------------------------------------------


def counted_span(
    model: type[OutreachAct] | type[Workshop], *, user: User, site_id: int, span: Span
) -> QuerySet:
    """Outreach acts or workshops of a site the user sees, in the span, newest first."""
    related = ("place", "partner", "agent") if model is OutreachAct else ("theme", "agent")
    return (
        model.objects.filter(site__in=sites_visible_to(user), site_id=_id(site_id))
        .between(span.start, span.end)
        .select_related(*related)
        .order_by("-day", "-pk")
    )


# --- the agent's home ---------------------------------------------------------------------


@dataclass(frozen=True)
class Figures:
    visits: int
    requests: int
    partners: list[tuple[str, int]]  # top partners: (label, requests)


def site_figures(*, site_id: int, start: datetime.date, end: datetime.date) -> Figures:
    """A site's visits, requests and top partners over a span, read from the daily rollups.
    (The caller has fetched the site through the access layer.)"""
    visits = VisitDailyRollup.objects.filter(site_id=site_id, day__gte=start, day__lte=end)
    requests = RequestDailyRollup.objects.filter(site_id=site_id, day__gte=start, day__lte=end)
    return Figures(
        visits=visits.aggregate(n=Sum("visits"))["n"] or 0,
        requests=requests.aggregate(n=Sum("requests"))["n"] or 0,
        partners=_top_partners(requests),
    )


def _top_partners(requests: QuerySet[RequestDailyRollup]) -> list[tuple[str, int]]:
    rows = (
        requests.exclude(partner_id=0)
        .values("partner_id")
        .annotate(n=Sum("requests"))
        .order_by("-n", "partner_id")[:3]
    )
    return _labelled(rows)


def _labelled(rows) -> list[tuple[str, int]]:
    """(label, n) of rows {"partner_id", "n"}, with the partners' short labels."""
    partners = taxonomy.vocabulary("partner")
    return [
        (partners.by_id[row["partner_id"]].label, row["n"])
        for row in rows
        if row["partner_id"] in partners.by_id
    ]


def agent_figures(*, user: User, start: datetime.date, end: datetime.date) -> Figures:
    """The user's own visits and requests over a span (the rollups have no agent: the facts,
    on the (agent, day) index)."""
    visits = Visit.objects.filter(agent=user, day__gte=start, day__lte=end)
    requests = Request.objects.filter(visit__in=visits.values("pk"))
    counts = requests.aggregate(requests=Count("pk"), visits=Count("visit_id", distinct=True))
    top = (
        requests.exclude(partner__isnull=True)
        .values("partner_id")
        .annotate(n=Count("pk"))
        .order_by("-n", "partner_id")[:3]
    )
    return Figures(visits=counts["visits"], requests=counts["requests"], partners=_labelled(top))
