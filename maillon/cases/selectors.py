"""Who sees which case, and the queues of both sides. What is not visible is "not found".

- The site's side: whoever sees the case's site through the one access layer (its agents, the
  managers of its organisation, the admins of its network, a superuser) — `sites_visible_to`.
- The partner's side: an active referent of the case's partner whose territory holds the site
  (one of his départements, or one of his named sites).
- Nobody else: a partner viewer reads aggregates only, never a case.

Internal notes are read by referents only. The queues: late (past `due_on`), due within 24 h
(due today or on the next business day), and waiting on me — for the site, answered cases to
close and open cases whose last referent answer is newer than the site's last word; for the
referent, new and in-progress cases with no referent answer since the site's last word (the
sending counts as one)."""

import datetime
from dataclasses import dataclass

from django.db.models import F, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from maillon.access.rules import is_active_user, sites_visible_to, sites_writable_by
from maillon.accounts.models import User
from maillon.cases.deadlines import is_due_soon
from maillon.cases.enums import CaseStatus, Side
from maillon.cases.models import Case, CaseAttachment, CaseMessage, Referent
from maillon.core.errors import NotFound
from maillon.core.ids import id_in_range

QUEUES = ("late", "soon", "waiting", "all")
OPEN_STATUSES = (CaseStatus.NEW, CaseStatus.IN_PROGRESS)


@dataclass(frozen=True)
class Territory:
    """One active referent role: a partner and the départements and sites he answers for."""

    partner_id: int
    department_ids: frozenset[str]
    site_ids: frozenset[int]

    def q(self) -> Q:
        where = Q(site__commune__department_id__in=self.department_ids) | Q(
            site_id__in=self.site_ids
        )
        return Q(partner_id=self.partner_id) & where


def referent_territories(user: User) -> list[Territory]:
    """The user's active referent roles (none for a visitor or a deactivated account)."""
    if not is_active_user(user):
        return []
    roles = Referent.objects.active().filter(user_id=user.pk).prefetch_related("departments")
    return [
        Territory(
            partner_id=role.partner_id,
            department_ids=frozenset(d.pk for d in role.departments.all()),
            site_ids=frozenset(role.sites.values_list("pk", flat=True)),
        )
        for role in roles
    ]


def is_referent(user: User) -> bool:
    return is_active_user(user) and Referent.objects.active().filter(user_id=user.pk).exists()


def _referent_q(user: User) -> Q | None:
    terms = [territory.q() for territory in referent_territories(user)]
    if not terms:
        return None
    q = terms[0]
    for term in terms[1:]:
        q |= term
    return q


def cases_answered_by(user: User) -> QuerySet[Case]:
    """Cases the user answers as a referent (his partners, his territories)."""
    q = _referent_q(user)
    return Case.objects.none() if q is None else Case.objects.filter(q)


def cases_of_sites(user: User) -> QuerySet[Case]:
    """Cases of the sites the user sees (the site's side)."""
    if not is_active_user(user):
        return Case.objects.none()
    return Case.objects.filter(site__in=sites_visible_to(user))


def cases_visible_to(user: User) -> QuerySet[Case]:
    if not is_active_user(user):
        return Case.objects.none()
    q = Q(site__in=sites_visible_to(user))
    referent = _referent_q(user)
    if referent is not None:
        q |= referent
    return Case.objects.filter(q)


def side_of(user: User, case: Case) -> str | None:
    """Which side the user speaks for on `case`: Side.PARTNER (a referent of it), Side.SITE
    (he may write on its site), or None (he may only read, or nothing at all)."""
    if cases_answered_by(user).filter(pk=case.pk).exists():
        return Side.PARTNER
    if is_active_user(user) and sites_writable_by(user).filter(pk=case.site_id).exists():
        return Side.SITE
    return None


def case_get(*, user: User, pk: int) -> Case:
    if not id_in_range(pk):
        raise NotFound
    case = (
        cases_visible_to(user)
        .select_related("site__commune__region", "partner", "opened_by", "request__visit")
        .filter(pk=pk)
        .first()
    )
    if case is None:
        raise NotFound
    return case


def case_messages(*, case: Case, side: str | None) -> QuerySet[CaseMessage]:
    """The thread as `side` reads it: internal notes for the partner's side only."""
    messages = case.messages.select_related("author").prefetch_related("attachments")
    return messages if side == Side.PARTNER else messages.filter(internal=False)


def attachment_get(*, user: User, case_pk: int, pk: int) -> CaseAttachment:
    """An attachment of a case the user sees; one joined to an internal note for referents
    only. NotFound otherwise (the same answer as a missing file)."""
    case = case_get(user=user, pk=case_pk)
    if not id_in_range(pk):
        raise NotFound
    attachment = CaseAttachment.objects.filter(case=case, pk=pk).select_related("message").first()
    if attachment is None or not attachment.file:
        raise NotFound
    internal = attachment.message is not None and attachment.message.internal
    if internal and side_of(user, case) != Side.PARTNER:
        raise NotFound
    return attachment


def with_last_site_word(cases: QuerySet[Case]) -> QuerySet[Case]:
    """Annotate `last_site_at`: the site's last message, or the sending when none."""
    last_site = (
        CaseMessage.objects.filter(case=OuterRef("pk"), side=Side.SITE)
        .order_by("-created_at")
        .values("created_at")[:1]
    )
    return cases.annotate(last_site_at=Coalesce(Subquery(last_site), F("sent_at")))


def waiting_on_site(cases: QuerySet[Case]) -> QuerySet[Case]:
    """Answered cases to close, and open cases with a referent answer newer than the site's
    last word."""
    return with_last_site_word(cases).filter(
        Q(status=CaseStatus.ANSWERED)
        | Q(status__in=OPEN_STATUSES, last_answer_at__gt=F("last_site_at"))
    )


def waiting_on_partner(cases: QuerySet[Case]) -> QuerySet[Case]:
    """New and in-progress cases with no referent answer since the site's last word."""
    return with_last_site_word(cases).filter(
        Q(last_answer_at__isnull=True) | Q(last_answer_at__lt=F("last_site_at")),
        status__in=OPEN_STATUSES,
    )


def _open(cases: QuerySet[Case]) -> QuerySet[Case]:
    return cases.exclude(status=CaseStatus.CLOSED)


def late(cases: QuerySet[Case], today: datetime.date) -> QuerySet[Case]:
    return _open(cases).filter(due_on__lt=today)


def due_soon(cases: QuerySet[Case], today: datetime.date) -> list[Case]:
    """Due today or on the next business day of the site's département (a week ahead at most
    is read: no holiday gap is longer)."""
    candidates = _open(cases).filter(
        due_on__gte=today, due_on__lte=today + datetime.timedelta(days=7)
    )
    return [case for case in candidates.select_related("site__commune") if is_due_soon(case, today)]


@dataclass(frozen=True)
class Filters:
    partner_id: int | None = None
    site_id: int | None = None
    status: str | None = None


def _filtered(cases: QuerySet[Case], filters: Filters) -> QuerySet[Case]:
    for name, value in (("partner_id", filters.partner_id), ("site_id", filters.site_id)):
        if value is not None:
            cases = cases.filter(**{name: value}) if id_in_range(value) else cases.none()
    if filters.status in CaseStatus.values:
        cases = cases.filter(status=filters.status)
    return cases


def queue_base(user: User, side: str) -> QuerySet[Case]:
    """The cases of one side of the user: the site's or the partner's."""
    return cases_answered_by(user) if side == Side.PARTNER else cases_of_sites(user)


def queue(
    *,
    user: User,
    side: str,
    name: str,
    filters: Filters | None = None,
    today: datetime.date | None = None,
) -> list[Case] | QuerySet[Case]:
    """One queue (`QUEUES`) of one side of the user, most urgent first."""
    today = today or timezone.localdate()
    cases = _filtered(queue_base(user, side), filters or Filters())
    cases = cases.select_related("site", "partner").order_by(
        F("due_on").asc(nulls_last=True), "sent_at", "pk"
    )
    if name == "late":
        return late(cases, today)
    if name == "soon":
        return due_soon(cases, today)
    if name == "waiting":
        waiting = waiting_on_partner if side == Side.PARTNER else waiting_on_site
        return waiting(cases)
    return cases.order_by("-sent_at", "-pk")


def queue_counts(*, user: User, side: str, today: datetime.date | None = None) -> dict[str, int]:
    """How many cases each queue of the side holds (for tabs and the home card): the counts of
    the lists `queue` returns, closed cases included in « all »."""
    today = today or timezone.localdate()
    cases = queue_base(user, side)
    waiting = waiting_on_partner if side == Side.PARTNER else waiting_on_site
    return {
        "late": late(cases, today).count(),
        "soon": len(due_soon(cases, today)),
        "waiting": waiting(cases).count(),
        "all": cases.count(),  # the « Tous » tab lists closed cases too
    }


def sides_of(user: User) -> list[str]:
    """The sides whose queues the user has: the partner's (a referent), the site's (he sees a
    site). Both for a rare user who is both."""
    sides: list[str] = []
    if is_referent(user):
        sides.append(Side.PARTNER)
    if is_active_user(user) and sites_visible_to(user).exists():
        sides.append(Side.SITE)
    return sides
