"""Follow-ups API (`/api/v1/follow-ups`): the follow-up list of the sites a user sees, and
closing one with its final outcome. The same selectors and service as the pages: a foreign id
answers 404 like a missing one; a user who may see but not record on the site, 403."""

import datetime

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Q, QuerySet
from ninja import Field, Query, Router, Schema
from ninja.errors import HttpError

from maillon.activity import followups, history
from maillon.activity.models import MAX_REFERENCE_LENGTH, FollowUp
from maillon.api.activity import MAX_LIMIT, _decode_cursor, _page, _unprocessable
from maillon.api.schemas import Id

router = Router(tags=["activité"])


class FollowUpOut(Schema):
    id: int = Field(description="Identifiant de la suite (celui de sa demande).")
    site_id: int
    visit_id: int
    day: datetime.date = Field(description="Jour du passage.")
    partner: str | None
    theme: str
    due_on: datetime.date
    reference: str
    closed_on: datetime.date | None
    final_outcome: str | None

    @staticmethod
    def resolve_id(obj: FollowUp) -> int:
        return obj.pk

    @staticmethod
    def resolve_visit_id(obj: FollowUp) -> int:
        return obj.request.visit_id

    @staticmethod
    def resolve_day(obj: FollowUp) -> datetime.date:
        return obj.request.visit.day

    @staticmethod
    def resolve_partner(obj: FollowUp) -> str | None:
        partner = obj.request.partner
        return partner.code if partner else None

    @staticmethod
    def resolve_theme(obj: FollowUp) -> str:
        return obj.request.theme.code

    @staticmethod
    def resolve_final_outcome(obj: FollowUp) -> str | None:
        return obj.final_outcome.code if obj.final_outcome else None


class FollowUpPage(Schema):
    items: list[FollowUpOut]
    next_cursor: str | None


class FollowUpFilters(Schema):
    site: Id | None = None
    closed: bool = Field(False, description="Les suites closes (dernières closes d'abord).")
    cursor: str | None = None
    limit: int = Field(50, ge=1, le=MAX_LIMIT)


class CloseIn(Schema):
    outcome: str = Field(description="Code de l'issue finale (pas « a-revoir »).")
    closed_on: datetime.date | None = Field(None, description="Par défaut : aujourd'hui.")
    reference: str | None = Field(
        None,
        max_length=MAX_REFERENCE_LENGTH,
        description="Numéro de dossier ou de ticket ; jamais un nom.",
    )


def _after(items: QuerySet[FollowUp], pk: int, *, closed: bool) -> QuerySet[FollowUp]:
    """The rows after the follow-up `pk` in the list's order (keyset: due date then id, or
    closing date then id, newest first); an unknown cursor gives an empty page."""
    last = items.filter(pk=pk).values("due_on", "closed_on").first()
    if last is None:
        return items.none()
    if closed:
        day = last["closed_on"]
        return items.filter(Q(closed_on__lt=day) | Q(closed_on=day, pk__lt=pk))
    day = last["due_on"]
    return items.filter(Q(due_on__gt=day) | Q(due_on=day, pk__gt=pk))


@router.get("/follow-ups", response=FollowUpPage)
def list_follow_ups(request, filters: Query[FollowUpFilters]):
    """Open follow-ups by due date (or closed ones, last closed first, with `closed=true`)."""
    items = history.followup_list(user=request.auth, site_id=filters.site, closed=filters.closed)
    before = _decode_cursor(filters.cursor)
    if before is not None:
        items = _after(items, before, closed=filters.closed)
    page, next_cursor = _page(items, filters.limit)
    return {"items": page, "next_cursor": next_cursor}


@router.post("/follow-ups/{follow_up_id}/close", response=FollowUpOut)
def close_follow_up(request, follow_up_id: Id, payload: CloseIn):
    """Close a follow-up with its final outcome; journaled."""
    item = history.followup_get(user=request.auth, pk=follow_up_id)
    try:
        followups.followup_close(
            actor=request.auth,
            followup=item,
            outcome=payload.outcome,
            closed_on=payload.closed_on,
            reference=payload.reference,
        )
    except DjangoValidationError as error:
        raise _unprocessable(error, sent=CloseIn) from error
    except PermissionDenied as error:
        raise HttpError(403, str(error)) from error
    return history.followup_get(user=request.auth, pk=follow_up_id)
