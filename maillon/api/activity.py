"""Activity API: visits with their requests, outreach acts, workshops (`/api/v1/`).

Taxonomy values are exchanged as codes (`GET /api/v1/activity/taxonomies`). Every create accepts
an `Idempotency-Key` header: a retry stores nothing and answers the first result (200 instead of
201). A foreign id answers 404 like a missing one; bad input answers 422 with the field path.
"""

import base64
import datetime
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.shortcuts import get_object_or_404
from ninja import Field, Header, Query, Router, Schema, Status
from ninja.errors import HttpError
from ninja.errors import ValidationError as NinjaValidationError
from pydantic import BaseModel

from maillon.activity import bounds, counted, selectors, services, taxonomy
from maillon.activity.inputs import RequestInput, VisitInput
from maillon.activity.referrals import referral_of
from maillon.api.activity_schemas import (
    OutreachIn,
    OutreachOut,
    OutreachPage,
    TermOut,
    WorkshopIn,
    WorkshopOut,
    WorkshopPage,
    _code,
    _documented,
    _required_code,
)
from maillon.api.schemas import MAX_ID, Id

router = Router(tags=["activité"])

MAX_LIMIT = 200


# The visit's input and output are plain pydantic models, not ninja `Schema`s: a `Schema`
# wraps every object it validates in a `DjangoGetter` (attribute access through Python), which
# was a tenth of the CPU of `POST /api/v1/visits`. Same fields, same validation, same JSON.
class Referral(BaseModel):
    """« Réorienté vers »: a partner's code and/or a structure's name (80 characters at most,
    never a person's name); only with the outcome `reoriente`."""

    partner: str | None = None
    structure: str = ""


class RequestIn(BaseModel):
    theme: str
    partner: str | None = None
    # omitted: the site's policy default applies (`help_defaulted`/`outcome_defaulted` in the
    # answer), or 422 when the network chose none
    help_kind: str | None = None
    outcome: str | None = None
    follow_up: bool = False
    referral: Referral | None = None

    def to_input(self) -> RequestInput:
        target = self.referral or Referral()
        return RequestInput(
            theme=self.theme,
            partner=self.partner,
            help_kind=self.help_kind,
            outcome=self.outcome,
            follow_up=self.follow_up,
            referral_partner=target.partner,
            referral_structure=target.structure,
        )


class VisitIn(BaseModel):
    site_id: Id
    occurred_at: datetime.datetime | None = None
    channel: str = "sur-site"
    age_band: str | None = None
    qpv_resident: bool | None = None
    first_visit: bool | None = None
    duration_minutes: int | None = _documented(bounds.VISIT_MINUTES, None)
    requests: list[RequestIn] = Field(
        ..., json_schema_extra={"minItems": bounds.REQUESTS.low, "maxItems": bounds.REQUESTS.high}
    )
    # an update by a manager after its author's window (a correction) says why: kept in the journal
    reason: str | None = Field(None, max_length=services.MAX_REASON)

    def to_input(self) -> VisitInput:
        """The visit as the validator takes it (the same as the desk's form and the import)."""
        return VisitInput(
            requests=[r.to_input() for r in self.requests],
            occurred_at=self.occurred_at,
            channel=self.channel,
            age_band=self.age_band,
            qpv_resident=self.qpv_resident,
            first_visit=self.first_visit,
            duration_minutes=self.duration_minutes,
        )


class RequestOut(BaseModel):
    partner: str | None
    theme: str
    help_kind: str
    outcome: str
    follow_up: bool
    help_defaulted: bool
    outcome_defaulted: bool
    referral: Referral | None


class VisitOut(BaseModel):
    id: int
    site_id: int
    agent_id: int
    occurred_at: datetime.datetime
    day: datetime.date
    channel: str
    age_band: str | None
    qpv_resident: bool | None
    first_visit: bool | None
    duration_minutes: int | None
    corrected: bool
    requests: list[RequestOut]

    @classmethod
    def of(cls, visit) -> "VisitOut":
        """The visit as the API shows it (taxonomies as codes; requests prefetched)."""
        return cls(
            id=visit.pk,
            site_id=visit.site_id,
            agent_id=visit.agent_id,
            occurred_at=visit.occurred_at,
            day=visit.day,
            channel=_required_code("channel", visit.channel_id),
            age_band=_code("age_band", visit.age_band_id),
            qpv_resident=visit.qpv_resident,
            first_visit=visit.first_visit,
            duration_minutes=visit.duration_minutes,
            corrected=visit.corrected_by_id is not None,
            requests=[
                RequestOut(
                    partner=_code("partner", r.partner_id),
                    theme=_required_code("theme", r.theme_id),
                    help_kind=_required_code("help_kind", r.help_kind_id),
                    outcome=_required_code("outcome", r.outcome_id),
                    follow_up=r.follow_up,
                    help_defaulted=r.help_defaulted,
                    outcome_defaulted=r.outcome_defaulted,
                    referral=_referral_out(r),
                )
                for r in visit.requests.all()
            ],
        )


def _referral_out(row) -> Referral | None:
    target = referral_of(row)
    if target is None:
        return None
    return Referral(partner=_code("partner", target.partner_id), structure=target.structure)


class VisitPage(Schema):
    items: list[VisitOut]
    next_cursor: str | None = Field(None, description="À passer en `cursor` pour la page suivante.")


class ActivityFilters(Schema):
    site: Id | None = None
    start: datetime.date | None = Field(None, description="Premier jour inclus.")
    end: datetime.date | None = Field(None, description="Dernier jour inclus.")
    partner: str | None = Field(None, description="Code du partenaire.")
    theme: str | None = Field(None, description="Code du thème.")
    cursor: str | None = None
    limit: int = Field(50, ge=1, le=MAX_LIMIT)


def _unprocessable(
    error: DjangoValidationError, *, where: str = "body", sent: type[BaseModel] | None = None
) -> NinjaValidationError:
    """Django's {"requests.1.theme": [msg]} → ninja's 422 with `loc` as a path, named as the
    client sent it: the service's `site` is the payload's `site_id` (fields of `sent`)."""
    fields = sent.model_fields if sent is not None else {}
    details: list[dict[str, Any]] = []
    for path, messages in error.message_dict.items():
        loc: list = [where, "payload"] if where == "body" else [where]
        parts = path.split(".")
        if parts[0] not in fields and f"{parts[0]}_id" in fields:
            parts[0] = f"{parts[0]}_id"
        loc.extend(int(part) if part.isdigit() else part for part in parts)
        if path == "idempotency_key":
            loc = ["header", "Idempotency-Key"]
        details.extend({"loc": loc, "msg": message, "type": "value_error"} for message in messages)
    return NinjaValidationError(details)


def _idempotency_key():
    """The `Idempotency-Key` header of a create, its length declared in the document."""
    return Header(
        None,
        alias="Idempotency-Key",
        max_length=services.IDEMPOTENCY_KEY_MAX,
        description="Clé choisie par le client : un nouvel envoi avec la même clé ne crée rien.",
    )


def _encode_cursor(pk: int) -> str:
    return base64.urlsafe_b64encode(f"id:{pk}".encode()).decode().rstrip("=")


def _decode_cursor(cursor: str | None) -> int | None:
    if not cursor:
        return None
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        kind, value = raw.split(":", 1)
        pk = int(value)
        if kind != "id" or not 0 < pk <= MAX_ID:
            raise ValueError
        return pk
    except (ValueError, UnicodeDecodeError) as exc:
        raise NinjaValidationError(
            [{"loc": ["query", "cursor"], "msg": "Curseur invalide.", "type": "value_error"}]
        ) from exc


def _filter_id(name: str, code: str | None) -> int | None:
    if code is None:
        return None
    term = taxonomy.term_by_code(name, code)
    if term is None:
        raise NinjaValidationError(
            [{"loc": ["query", name], "msg": f"Code inconnu : « {code} ».", "type": "value_error"}]
        )
    return term.id


def _page(queryset, limit: int) -> tuple[list, str | None]:
    items = list(queryset[: limit + 1])
    next_cursor = _encode_cursor(items[limit - 1].pk) if len(items) > limit else None
    return items[:limit], next_cursor


def _created(kind: counted.Kind, request, payload, idempotency_key: str | None):
    """Create an outreach act or a workshop; 201 with the new object, or 200 with the first one
    on a retry."""
    fields = payload.dict()
    site_id = fields.pop("site_id")
    try:
        result = counted.record(
            kind,
            agent=request.auth,
            site_id=site_id,
            data=kind.input(**fields),
            idempotency_key=idempotency_key,
        )
    except DjangoValidationError as error:
        raise _unprocessable(error, sent=type(payload)) from error
    return Status(201 if result.created else 200, result.object)


def _listing(selector, request, filters: "ActivityFilters") -> dict:
    rows = selector(
        user=request.auth,
        site_id=filters.site,
        start=filters.start,
        end=filters.end,
        before_id=_decode_cursor(filters.cursor),
    )
    items, next_cursor = _page(rows, filters.limit)
    return {"items": items, "next_cursor": next_cursor}


@router.get("/activity/taxonomies", response=dict[str, list[TermOut]])
def list_taxonomies(request):
    """Codes and labels of every activity taxonomy and of the partners, with validity dates."""
    return {name: vocab.terms for name, vocab in taxonomy.vocabularies().items()}


@router.post("/visits", response={200: VisitOut, 201: VisitOut})
def create_visit(request, payload: VisitIn, idempotency_key: str | None = _idempotency_key()):
    """Record a visit with its requests."""
    try:
        result = services.visit_input_record(
            agent=request.auth,
            site_id=payload.site_id,
            data=payload.to_input(),
            idempotency_key=idempotency_key,
        )
    except DjangoValidationError as error:
        raise _unprocessable(error, sent=type(payload)) from error
    return Status(201 if result.created else 200, VisitOut.of(result.object))


@router.get("/visits", response=VisitPage)
def list_visits(request, filters: Query[ActivityFilters]):
    """Visits the caller may see, newest first; follow `next_cursor`."""
    visits = selectors.visit_list(
        user=request.auth,
        site_id=filters.site,
        start=filters.start,
        end=filters.end,
        partner_id=_filter_id("partner", filters.partner),
        theme_id=_filter_id("theme", filters.theme),
        before_id=_decode_cursor(filters.cursor),
    )
    items, next_cursor = _page(visits, filters.limit)
    return {"items": [VisitOut.of(visit) for visit in items], "next_cursor": next_cursor}


@router.get("/visits/{visit_id}", response=VisitOut)
def get_visit(request, visit_id: Id):
    return VisitOut.of(selectors.visit_get(user=request.auth, pk=visit_id))


@router.put("/visits/{visit_id}", response=VisitOut)
def update_visit(request, visit_id: Id, payload: VisitIn):
    """Replace a visit and all its requests: its author within the network's window, or a
    manager (a correction, whose `reason` is required and journaled)."""
    visit = selectors.visit_get(user=request.auth, pk=visit_id)
    if payload.site_id != visit.site_id:
        raise _site_changed("Un passage ne change pas de point d'accueil.")
    try:
        services.visit_input_update(
            actor=request.auth, visit=visit, data=payload.to_input(), reason=payload.reason or ""
        )
    except DjangoValidationError as error:
        raise _unprocessable(error, sent=type(payload)) from error
    except PermissionDenied as error:
        raise HttpError(403, str(error)) from error
    return VisitOut.of(selectors.visit_get(user=request.auth, pk=visit_id))


@router.delete("/visits/{visit_id}", response={204: None})
def delete_visit(
    request, visit_id: Id, reason: str | None = Query(None, max_length=services.MAX_REASON)
):
    """Delete a visit; a manager's (a correction) gives its `reason`, kept in the journal."""
    visit = selectors.visit_get(user=request.auth, pk=visit_id)
    try:
        services.visit_delete(actor=request.auth, visit=visit, reason=reason or "")
    except DjangoValidationError as error:
        raise _unprocessable(error, where="query") from error
    except PermissionDenied as error:
        raise HttpError(403, str(error)) from error
    return Status(204, None)


@router.post("/outreach-acts", response={200: OutreachOut, 201: OutreachOut})
def create_outreach_act(
    request,
    payload: OutreachIn,
    idempotency_key: str | None = _idempotency_key(),
):
    return _created(counted.OUTREACH, request, payload, idempotency_key)


@router.get("/outreach-acts", response=OutreachPage)
def list_outreach_acts(request, filters: Query[ActivityFilters]):
    return _listing(selectors.outreach_list, request, filters)


@router.get("/outreach-acts/{act_id}", response=OutreachOut)
def get_outreach_act(request, act_id: Id):
    return get_object_or_404(selectors.outreach_list(user=request.auth), pk=act_id)


@router.post("/workshops", response={200: WorkshopOut, 201: WorkshopOut})
def create_workshop(
    request,
    payload: WorkshopIn,
    idempotency_key: str | None = _idempotency_key(),
):
    return _created(counted.WORKSHOP, request, payload, idempotency_key)


@router.get("/workshops", response=WorkshopPage)
def list_workshops(request, filters: Query[ActivityFilters]):
    return _listing(selectors.workshop_list, request, filters)


@router.get("/workshops/{workshop_id}", response=WorkshopOut)
def get_workshop(request, workshop_id: Id):
    return get_object_or_404(selectors.workshop_list(user=request.auth), pk=workshop_id)


def _site_changed(message: str) -> NinjaValidationError:
    return NinjaValidationError(
        [{"loc": ["body", "payload", "site_id"], "msg": message, "type": "value_error"}]
    )


def _updated(kind: counted.Kind, request, obj, payload):
    """Replace an outreach act or a workshop (the create's fields; its site stays): the same
    window as a visit (403 with its French message), the rollups and the journal follow."""
    fields = payload.dict()
    if fields.pop("site_id") != obj.site_id:
        raise _site_changed("Un enregistrement ne change pas de point d'accueil.")
    try:
        return counted.update(kind, actor=request.auth, obj=obj, data=kind.input(**fields))
    except DjangoValidationError as error:
        raise _unprocessable(error, sent=type(payload)) from error
    except PermissionDenied as error:
        raise HttpError(403, str(error)) from error


@router.put("/outreach-acts/{act_id}", response=OutreachOut)
def update_outreach_act(request, act_id: Id, payload: OutreachIn):
    """Replace an outreach act: its author within the network's window, else a manager of its
    site; the rollups move and the journal records the change."""
    act = get_object_or_404(selectors.outreach_list(user=request.auth), pk=act_id)
    return _updated(counted.OUTREACH, request, act, payload)


@router.put("/workshops/{workshop_id}", response=WorkshopOut)
def update_workshop(request, workshop_id: Id, payload: WorkshopIn):
    """Replace a workshop: the same window, rollups and journal as an outreach act."""
    workshop = get_object_or_404(selectors.workshop_list(user=request.auth), pk=workshop_id)
    return _updated(counted.WORKSHOP, request, workshop, payload)


def _deleted(kind: counted.Kind, request, obj):
    """Delete an outreach act or a workshop: 204, or 403 with its French message when the
    caller may see the object but not record on its site."""
    try:
        counted.delete(kind, actor=request.auth, obj=obj)
    except PermissionDenied as error:
        raise HttpError(403, str(error)) from error
    return Status(204, None)


@router.delete("/outreach-acts/{act_id}", response={204: None})
def delete_outreach_act(request, act_id: Id):
    """Delete an outreach act (agents and managers of its site); the rollups follow."""
    act = get_object_or_404(selectors.outreach_list(user=request.auth), pk=act_id)
    return _deleted(counted.OUTREACH, request, act)


@router.delete("/workshops/{workshop_id}", response={204: None})
def delete_workshop(request, workshop_id: Id):
    """Delete a workshop (agents and managers of its site); the rollups follow."""
    workshop = get_object_or_404(selectors.workshop_list(user=request.auth), pk=workshop_id)
    return _deleted(counted.WORKSHOP, request, workshop)
