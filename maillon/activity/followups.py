"""Follow-ups (suites à donner): created by the write paths of visits for every request whose
outcome is « à revoir », listed per site (due today, late, later), closed with a final outcome.

Every write path opens them with the due date of `due_on`: the desk's create on PostgreSQL in
its single statement (`pg_writes`), the portable create and the update with `followups_open`
(no query when no request is « à revoir »), the bulk writes with `followups_attach_many`.
Closing and editing are atomic, journaled services; the rollups count requests, which a
follow-up never changes, so they stay exact by construction."""

import datetime
from collections.abc import Sequence

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from maillon.accounts.models import User
from maillon.activity import taxonomy
from maillon.activity.models import MAX_REFERENCE_LENGTH, FollowUp, Request
from maillon.activity.policy import policy_for_site
from maillon.activity.selectors import WritableSite, writable_site
from maillon.journal.enums import JournalAction
from maillon.journal.services import diff, journal_record, snapshot
from maillon.network.models import Site
from maillon.network.selectors import site_timezone

# The outcome that opens a follow-up (its code in the taxonomy, `0002_taxonomies`).
TO_REVIEW = "a-revoir"
JOURNAL_FIELDS = ("due_on", "reference", "closed_on", "final_outcome")


def to_review_id() -> int | None:
    term = taxonomy.term_by_code("outcome", TO_REVIEW)
    return term.id if term else None


def to_review(rows: Sequence[Request]) -> bool:
    """Whether any of the request `rows` (saved or not) is « à revoir »: a follow-up to open."""
    outcome_id = to_review_id()
    return outcome_id is not None and any(row.outcome_id == outcome_id for row in rows)


def due_on(*, site_id: int, day: datetime.date, follow_up_days: int | None = None) -> datetime.date:
    """The due date of a follow-up opened by a visit of `day` at `site_id`: `follow_up_days`
    after the visit, the delay of the site's policy on `day` when not given (every write path
    computes it here)."""
    if follow_up_days is None:
        site = Site.objects.only("pk", "organisation_id").get(pk=site_id)
        follow_up_days = policy_for_site(site, on=day).follow_up_days
    return day + datetime.timedelta(days=follow_up_days)


def site_due_on(site: WritableSite, day: datetime.date) -> datetime.date:
    """`due_on` for a visit of `day` written on the writable `site`: its policy's delay, read
    with it (no query) when the visit is of the day that policy was read for."""
    days = site.follow_up_days if day == site.policy_day else None
    return due_on(site_id=site.id, day=day, follow_up_days=days)


def followups_open(
    *,
    rows: Sequence[Request],
    site_id: int,
    due: datetime.date,
    previous: Sequence[FollowUp] = (),
) -> list[FollowUp]:
    """Create the follow-ups of the « à revoir » request `rows` of a visit at `site_id`, just
    written (their ids set), due on `due`.

    `previous`: the follow-ups of the requests an update replaced; a request at the same
    position keeps its due date, reference and closure. Call inside the visit's transaction."""
    outcome_id = to_review_id()
    kept = {f.request.position: f for f in previous}
    items = []
    for row in rows:
        if outcome_id is None or row.outcome_id != outcome_id:
            continue
        assert row.pk is not None, "the requests are written first"
        before = kept.get(row.position)
        item = FollowUp(request=row, site_id=site_id, due_on=due)
        if before is not None:
            item.due_on, item.reference = before.due_on, before.reference
            item.closed_on, item.final_outcome_id = before.closed_on, before.final_outcome_id
            item.closed_by_id = before.closed_by_id
        items.append(item)
    return FollowUp.objects.bulk_create(items) if items else []


def followups_attach_many(*, visit_ids: Sequence[int]) -> int:
    """The follow-ups of visits written in bulk (the import, the generator): every « à revoir »
    request of `visit_ids` without one gets one. Returns how many were created."""
    to_review = to_review_id()
    if to_review is None or not visit_ids:
        return 0
    rows = list(
        Request.objects.filter(
            visit_id__in=visit_ids, outcome_id=to_review, follow_up_item__isnull=True
        ).select_related("visit__site")
    )
    follow_up_days: dict[int, int] = {}
    items = []
    for row in rows:
        visit = row.visit
        if visit.site_id not in follow_up_days:
            policy = policy_for_site(visit.site, on=visit.day)
            follow_up_days[visit.site_id] = policy.follow_up_days
        days = follow_up_days[visit.site_id]
        due = due_on(site_id=visit.site_id, day=visit.day, follow_up_days=days)
        items.append(FollowUp(request=row, site_id=visit.site_id, due_on=due))
    return len(FollowUp.objects.bulk_create(items, batch_size=1000))


def _require_writable(actor: User, item: FollowUp) -> None:
    if writable_site(user=actor, site_id=item.site_id) is None:
        raise PermissionDenied(
            _("Seuls les agents et responsables de ce point d'accueil traitent ses suites.")
        )


def _clean_reference(reference: str) -> str:
    reference = " ".join(reference.split())
    if len(reference) > MAX_REFERENCE_LENGTH:
        raise ValidationError(
            {"reference": [_("40 caractères au plus : un numéro de dossier, jamais un nom.")]}
        )
    return reference


def _locked(pk: int) -> FollowUp:
    return FollowUp.objects.select_for_update().select_related("request__visit").get(pk=pk)


@transaction.atomic
def followup_update(
    *, actor: User, followup: FollowUp, due_on: datetime.date, reference: str = ""
) -> FollowUp:
    """Change the due date or the reference of an open follow-up (journaled)."""
    item = _locked(followup.pk)
    _require_writable(actor, item)
    if item.closed_on is not None:
        raise ValidationError({"due_on": [_("Cette suite est close.")]})
    if due_on < item.request.visit.day:
        raise ValidationError({"due_on": [_("L'échéance ne peut précéder le passage.")]})
    before = snapshot(item, JOURNAL_FIELDS)
    item.due_on, item.reference = due_on, _clean_reference(reference)
    item.save(update_fields=["due_on", "reference"])
    journal_record(
        actor=actor,
        action=JournalAction.UPDATE,
        obj=item,
        changes=diff(before, snapshot(item, JOURNAL_FIELDS)),
    )
    return item


@transaction.atomic
def followup_close(
    *,
    actor: User,
    followup: FollowUp,
    outcome: str,
    closed_on: datetime.date | None = None,
    reference: str | None = None,
) -> FollowUp:
    """Close a follow-up with its final outcome (a code other than « à revoir ») and the day
    it was settled (today at the site by default; neither in the future nor before the visit).
    """
    item = _locked(followup.pk)
    _require_writable(actor, item)
    site = Site.objects.select_related("commune__region").get(pk=item.site_id)
    today = timezone.localdate(timezone=site_timezone(site))
    closed_on = closed_on or today
    errors: dict[str, list[str]] = {}
    if item.closed_on is not None:
        errors["outcome"] = [_("Cette suite est déjà close.")]
    term = taxonomy.term_by_code("outcome", outcome)
    if term is None or term.code == TO_REVIEW or not term.is_valid_on(closed_on):
        errors["outcome"] = [_("Choisissez l'issue finale de la demande.")]
    if closed_on > today:
        errors["closed_on"] = [_("La date de clôture ne peut pas être dans le futur.")]
    elif closed_on < item.request.visit.day:
        errors["closed_on"] = [_("La date de clôture ne peut précéder le passage.")]
    if errors:
        raise ValidationError(errors)
    assert term is not None
    before = snapshot(item, JOURNAL_FIELDS)
    item.closed_on, item.final_outcome_id, item.closed_by = closed_on, term.id, actor
    if reference is not None:
        item.reference = _clean_reference(reference)
    item.save(update_fields=["closed_on", "final_outcome", "closed_by", "reference"])
    journal_record(
        actor=actor,
        action=JournalAction.UPDATE,
        obj=item,
        changes=diff(before, snapshot(item, JOURNAL_FIELDS)),
        note=_("Suite close"),
    )
    return item
