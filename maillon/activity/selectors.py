"""Reads of activity, scoped by membership: what is not visible is "not found"."""

import datetime
import functools
from dataclasses import dataclass
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

from django.db.models import QuerySet
from django.utils import timezone

from maillon.access.rules import sites_visible_to, sites_writable_by
from maillon.access.sql import writable_site_ids_sql
from maillon.accounts.models import User
from maillon.activity.models import ActivityPolicy, OutreachAct, Visit, VisitQuerySet, Workshop
from maillon.core.cursors import hot_cursor
from maillon.core.errors import NotFound
from maillon.core.ids import id_in_range
from maillon.geo.models import Commune, Region
from maillon.network import hours
from maillon.network.models import NetworkMembership, Site

# the follow-up delay of the fallback policy (a network that saved no policy): the model's default
FALLBACK_FOLLOW_UP_DAYS: int = ActivityPolicy._meta.get_field("follow_up_days").get_default()


@dataclass(frozen=True)
class WritableSite:
    """A site the user may record on, with the time zone that makes its local day, and the
    default help and outcome and the follow-up delay of its network's activity policy on
    `policy_day` (`policy_id` None: the network saved none, the fallback policy applies)."""

    id: int
    zone: ZoneInfo
    policy_id: int | None = None
    default_help_kind_id: int | None = None
    default_outcome_id: int | None = None
    follow_up_days: int = FALLBACK_FOLLOW_UP_DAYS
    policy_day: datetime.date | None = None


def _policy_sql(column: str) -> str:
    """A column of the site's policy, as `activity.policy.policy_for_site` picks it: the first
    network (by membership start) of the site's organisation on the day that has a policy."""
    membership, policy = NetworkMembership._meta.db_table, ActivityPolicy._meta.db_table
    return (
        f"(SELECT p.{column} FROM {membership} nm JOIN {policy} p ON p.network_id = nm.network_id"  # noqa: S608
        " WHERE nm.organisation_id = s.organisation_id"
        " AND (nm.start_date IS NULL OR nm.start_date <= %s)"
        " AND (nm.end_date IS NULL OR nm.end_date >= %s)"
        " ORDER BY nm.start_date, nm.id LIMIT 1)"
    )


_POLICY_COLUMNS = ("id", "default_help_kind_id", "default_outcome_id", "follow_up_days")


@functools.cache
def _writable_site_sql() -> str:
    """The site, its time zones and its policy's columns, before the scope (built once)."""
    site, commune, region = Site._meta.db_table, Commune._meta.db_table, Region._meta.db_table
    region_pk = Region._meta.pk.column
    return (
        f"SELECT s.id, r.timezone, c.timezone,"  # noqa: S608 - table names, no input
        f" {', '.join(_policy_sql(c) for c in _POLICY_COLUMNS)}"
        f" FROM {site} s"
        f" LEFT JOIN {commune} c ON c.id = s.commune_id"
        f" LEFT JOIN {region} r ON r.{region_pk} = c.region_id WHERE s.id = %s"
    )


def writable_site(*, user: User, site_id: int) -> WritableSite | None:
    """The site `site_id` if the user may record on it, with its policy's defaults, in one
    flat query (the write path)."""
    if not id_in_range(site_id):
        return None
    sql = _writable_site_sql()
    today = timezone.localdate()
    params: list = [today, today] * len(_POLICY_COLUMNS) + [site_id]
    scope = writable_site_ids_sql(user)
    if scope is not None:
        sql += f" AND s.id IN ({scope[0]})"
        params += scope[1]
    with hot_cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    if row is None:
        return None
    policy_id, help_kind_id, outcome_id, follow_up_days = row[3:7]
    return WritableSite(
        row[0],
        hours.site_zone(row[1], row[2]),
        policy_id,
        help_kind_id,
        outcome_id,
        FALLBACK_FOLLOW_UP_DAYS if policy_id is None else follow_up_days,
        today,
    )


_Q = TypeVar("_Q", bound=QuerySet)


def _of_site(queryset: _Q, site_id: int | None) -> _Q:
    """Filter on a site id given by a caller (None: every site); an id beyond any key → none."""
    if site_id is None:
        return queryset
    return queryset.filter(site_id=site_id) if id_in_range(site_id) else queryset.none()


def visits_visible_to(user: User) -> VisitQuerySet:
    return Visit.objects.filter(site__in=sites_visible_to(user))


def visit_list(
    *,
    user: User,
    site_id: int | None = None,
    start: datetime.date | None = None,
    end: datetime.date | None = None,
    partner_id: int | None = None,
    theme_id: int | None = None,
    before_id: int | None = None,
) -> QuerySet[Visit]:
    """Visits the user may see, newest first (by id, for cursor pagination)."""
    visits = _of_site(visits_visible_to(user).between(start, end), site_id)
    if partner_id is not None:
        visits = visits.with_partner(partner_id)
    if theme_id is not None:
        visits = visits.with_theme(theme_id)
    if before_id is not None:
        visits = visits.filter(pk__lt=before_id)
    return visits.with_requests().order_by("-pk")


def visit_get(*, user: User, pk: int) -> Visit:
    visit = (
        visits_visible_to(user)
        .with_requests()
        .select_related("site__commune__region")
        .filter(pk=pk)
        .first()
    )
    if visit is None:
        raise NotFound
    return visit


def desk_sites(*, user: User) -> QuerySet[Site]:
    """Sites the user may record on, the user's own site(s) first."""
    return sites_writable_by(user).select_related("commune__region").order_by("name")


def desk_log(*, user: User, site: Site, day: datetime.date | None = None) -> QuerySet[Visit]:
    """Today's visits at the site (the desk's log), newest first."""
    day = day or timezone.localdate()
    return (
        visits_visible_to(user)
        .filter(site=site, day=day)
        .with_requests()
        .order_by("-occurred_at", "-pk")
    )


def _counted_list(
    model: type[OutreachAct] | type[Workshop],
    related: tuple[str, ...],
    *,
    user: User,
    site_id: int | None = None,
    start: datetime.date | None = None,
    end: datetime.date | None = None,
    before_id: int | None = None,
) -> QuerySet:
    """Outreach acts or workshops the user may see, newest first (by id, for the cursor)."""
    rows = model.objects.filter(site__in=sites_visible_to(user)).between(start, end)
    rows = _of_site(rows, site_id)
    if before_id is not None:
        rows = rows.filter(pk__lt=before_id)
    return rows.select_related(*related).order_by("-pk")


def outreach_list(*, user: User, **filters: Any) -> QuerySet[OutreachAct]:
    """Outreach acts the user may see (filters: site_id, start, end, before_id)."""
    return _counted_list(OutreachAct, ("place", "partner", "site"), user=user, **filters)


def workshop_list(*, user: User, **filters: Any) -> QuerySet[Workshop]:
    """Workshops the user may see (filters: site_id, start, end, before_id)."""
    return _counted_list(Workshop, ("theme", "site"), user=user, **filters)
