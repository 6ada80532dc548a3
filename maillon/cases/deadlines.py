"""Deadlines of cases, in business days of the site's département.

A business day is a weekday that is not a public holiday there (`network.holidays`, from the
maintained `holidays` library: Alsace-Moselle's Good Friday and 26 December included). A case
owes its first answer `first_answer_days` business days after the day it was sent, then its
closure `closure_days` business days after the last referent answer (the network's
`CasePolicy`). It is late the day after its `due_on`; « due within 24 h » means due today or on
the next business day.
"""

import datetime
from collections.abc import Iterable

from django.utils import timezone

from maillon.cases.enums import CaseStatus
from maillon.cases.models import Case, CasePolicy
from maillon.network.holidays import holiday_name
from maillon.network.models import NetworkMembership, Site
from maillon.network.selectors import site_timezone


def is_business_day(department: str, day: datetime.date) -> bool:
    return day.weekday() < 5 and not holiday_name(department, day)


def add_business_days(department: str, start: datetime.date, days: int) -> datetime.date:
    """The `days`-th business day after `start` (`start` itself never counts)."""
    day = start
    remaining = days
    while remaining > 0:
        day += datetime.timedelta(days=1)
        if is_business_day(department, day):
            remaining -= 1
    return day


def business_days_between(department: str, start: datetime.date, end: datetime.date) -> int:
    """Business days after `start` up to `end` included (0 when `end` ≤ `start`): the figure
    of the scorecard's « délai de première réponse »."""
    count, day = 0, start
    while day < end:
        day += datetime.timedelta(days=1)
        count += is_business_day(department, day)
    return count


def next_business_day(department: str, day: datetime.date) -> datetime.date:
    return add_business_days(department, day, 1)


def fallback_case_policy() -> CasePolicy:
    """The rules of a site whose network set none: the defaults of the model (3, 15, 6)."""
    return CasePolicy()


def case_policy_for_site(site: Site, *, on: datetime.date | None = None) -> CasePolicy:
    """The case rules of the network the site's organisation joined first (as the activity
    policy picks its network), else the fallback."""
    if site.organisation_id is None:
        return fallback_case_policy()
    return case_policies_for_organisations([site.organisation_id], on=on)[site.organisation_id]


def case_policies_for_organisations(
    organisation_ids: Iterable[int], *, on: datetime.date | None = None
) -> dict[int, CasePolicy]:
    """{organisation id: the case rules of its sites} in two queries, whatever the number of
    organisations (the scorecard's): the rules of the network each joined first, else the
    fallback."""
    day = on or timezone.localdate()
    organisation_ids = set(organisation_ids)
    memberships = list(
        NetworkMembership.objects.valid_on(day)
        .filter(organisation_id__in=organisation_ids)
        .order_by("start_date", "pk")
        .values_list("organisation_id", "network_id")
    )
    networks = {network_id for _organisation, network_id in memberships}
    policies = {p.network_id: p for p in CasePolicy.objects.filter(network_id__in=networks)}
    result: dict[int, CasePolicy] = {}
    for organisation_id, network_id in memberships:
        if organisation_id not in result and network_id in policies:
            result[organisation_id] = policies[network_id]
    fallback = fallback_case_policy()
    return {pk: result.get(pk, fallback) for pk in organisation_ids}


def site_department(site: Site) -> str:
    commune = site.commune
    return commune.department_id if commune is not None else ""


def local_day(site: Site, moment: datetime.datetime) -> datetime.date:
    return timezone.localtime(moment, site_timezone(site)).date()


def due_on(case: Case, policy: CasePolicy | None = None) -> datetime.date | None:
    """The day the case's next step is owed: its first answer, else its closure after the
    last answer; None once closed. Store it in `Case.due_on` at every transition."""
    if case.status == CaseStatus.CLOSED:
        return None
    site = case.site
    policy = policy or case_policy_for_site(site)
    department = site_department(site)
    if case.last_answer_at is None:
        return add_business_days(
            department, local_day(site, case.sent_at), policy.first_answer_days
        )
    return add_business_days(department, local_day(site, case.last_answer_at), policy.closure_days)


def is_late(case: Case, today: datetime.date) -> bool:
    return case.due_on is not None and today > case.due_on


def is_due_soon(case: Case, today: datetime.date) -> bool:
    """Due today or on the next business day (« à traiter sous 24 h »), not yet late."""
    if case.due_on is None or today > case.due_on:
        return False
    return case.due_on <= next_business_day(site_department(case.site), today)
