"""Cases API (`/api/v1/cases`): cases sent to partners' referents, their threads and files.

The same selectors and services as the pages (`maillon.cases.selectors`, `.services`): a case
is read by the site's side (whoever sees its site) and by the referents of its partner whose
territory holds the site; anybody else gets 404, as for a missing case. An action of the other
side (a site's agent marking a case « traité », a referent closing it) answers 403; a refused
input 422 with the fields in cause. Internal notes, and files joined to them, are the
referents' only. Files are downloaded through the same access check, never from a public
address.
"""

import datetime
from typing import Literal

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils import timezone
from ninja import Field, Query, Router, Schema
from ninja.errors import HttpError
from ninja.errors import ValidationError as NinjaValidationError
from pydantic import BaseModel

from maillon.api.activity import _unprocessable
from maillon.api.pagination import MAX_LIMIT, MAX_OFFSET
from maillon.api.schemas import Id
from maillon.cases import selectors, services
from maillon.cases.deadlines import is_late
from maillon.cases.enums import Side
from maillon.cases.models import SUBJECT_MAX_LENGTH, Case, CaseAttachment, CaseMessage
from maillon.cases.validators import IDENTIFIER_FIELDS
from maillon.core.http import private_download
from maillon.network.models import Partner

router = Router(tags=["dossiers transmis"])

SideName = Literal["site", "partner"]
QueueName = Literal["late", "soon", "waiting", "all"]
StatusName = Literal["new", "in_progress", "answered", "closed"]
AnswerName = Literal["solved", "not_solvable", "wrong_partner"]
UsefulName = Literal["yes", "unknown", "no"]
ConsentName = Literal["oral", "signed", "aidants_connect"]


def _name(user) -> str:
    return (user.get_full_name() or user.username) if user is not None else ""


class AttachmentOut(Schema):
    id: int
    name: str
    content_type: str
    size: int = Field(description="Taille en octets.")
    message_id: int | None = Field(description="Le message qui l'a joint (aucun : l'envoi).")
    created_at: datetime.datetime
    url: str = Field(description="Téléchargement, après le contrôle d'accès au dossier.")

    @staticmethod
    def resolve_url(obj: CaseAttachment) -> str:
        return f"/api/v1/cases/{obj.case_id}/attachments/{obj.pk}"


class CaseOut(Schema):
    id: int
    site_id: int
    site_name: str
    partner: str = Field(description="Code du partenaire (caf, cpam, dgfip…).")
    partner_name: str
    subject: str
    status: str = Field(description="new, in_progress, answered ou closed.")
    answer: str = Field(description="solved, not_solvable, wrong_partner ou vide.")
    useful: str = Field(description="« Utile pour l'usager ? » : yes, unknown, no ou vide.")
    sent_at: datetime.datetime
    first_answer_at: datetime.datetime | None
    last_answer_at: datetime.datetime | None
    answered_at: datetime.datetime | None
    closed_at: datetime.datetime | None
    due_on: datetime.date | None = Field(description="Échéance de la prochaine étape.")
    late: bool = Field(description="Échéance dépassée.")
    rerouted_from_id: int | None


class CaseDetailOut(CaseOut):
    request_id: int | None
    side: str | None = Field(
        description="Le côté de l'appelant : site, partner, ou aucun (lecture seule)."
    )
    opened_by: str
    description: str
    allocataire_number: str
    tax_number: str
    nir: str
    file_number: str
    consent_kind: str
    consent_on: datetime.date
    erased_at: datetime.datetime | None = Field(
        description="Données personnelles effacées (conservation) le."
    )
    rerouted_to_id: int | None
    attachments: list[AttachmentOut]


class CasePage(Schema):
    items: list[CaseOut]
    next_offset: int | None


class CaseFilters(Schema):
    side: SideName | None = Field(
        None, description="site (dossiers de vos points d'accueil) ou partner (référent)."
    )
    queue: QueueName = Field(
        "all", description="late, soon (sous 24 h), waiting (en attente de moi) ou all."
    )
    partner: str | None = Field(None, description="Code du partenaire.")
    site: Id | None = None
    status: StatusName | None = None
    limit: int = Field(50, ge=1, le=MAX_LIMIT)
    offset: int = Field(0, ge=0, le=MAX_OFFSET)


class MessageOut(Schema):
    id: int
    side: str = Field(description="site ou partner.")
    internal: bool = Field(description="Note interne aux référents.")
    author: str
    body: str
    created_at: datetime.datetime
    attachments: list[AttachmentOut]

    @staticmethod
    def resolve_author(obj: CaseMessage) -> str:
        return _name(obj.author)

    @staticmethod
    def resolve_attachments(obj: CaseMessage) -> list[CaseAttachment]:
        return list(obj.attachments.all())


class CaseOpenIn(Schema):
    request_id: Id = Field(description="La demande du guichet transmise.")
    partner: str | None = Field(
        None, description="Code du partenaire (défaut : celui de la demande)."
    )
    subject: str = Field(max_length=SUBJECT_MAX_LENGTH)
    description: str = Field("", max_length=5000)
    consent_kind: ConsentName
    consent_on: datetime.date
    allocataire_number: str = Field("", max_length=20)
    tax_number: str = Field("", max_length=20)
    nir: str = Field("", max_length=21)
    file_number: str = Field("", max_length=40)


class MessageIn(Schema):
    body: str = Field(max_length=5000)
    internal: bool = Field(False, description="Note interne (référents seulement).")


class AnswerIn(Schema):
    answer: AnswerName
    body: str = Field("", max_length=5000)


class CloseIn(Schema):
    useful: UsefulName


class RerouteIn(Schema):
    partner: str = Field(description="Code du nouveau partenaire.")
    subject: str = Field("", max_length=SUBJECT_MAX_LENGTH)


def _partner_id(code: str | None, field: str, *, where: str = "body") -> int | None:
    if code is None:
        return None
    partner = Partner.objects.filter(code=code.strip()).values_list("pk", flat=True).first()
    if partner is None:
        loc = [where, "payload", field] if where == "body" else [where, field]
        raise NinjaValidationError(
            [{"loc": loc, "msg": f"Partenaire inconnu : « {code} ».", "type": "value_error"}]
        )
    return partner


# what the list and the detail read straight from the case
SUMMARY_FIELDS = (
    "id",
    "site_id",
    "subject",
    "status",
    "answer",
    "useful",
    "sent_at",
    "first_answer_at",
    "last_answer_at",
    "answered_at",
    "closed_at",
    "due_on",
    "rerouted_from_id",
)
DETAIL_FIELDS = (
    "request_id",
    "description",
    *IDENTIFIER_FIELDS,
    "consent_kind",
    "consent_on",
    "erased_at",
)


def _summary(case: Case, today: datetime.date) -> dict:
    return {
        **{name: getattr(case, name) for name in SUMMARY_FIELDS},
        "site_name": case.site.name,
        "partner": case.partner.code,
        "partner_name": case.partner.name,
        "late": is_late(case, today),
    }


def _detail(request, case: Case) -> dict:
    """The case as the caller reads it (files of internal notes for referents only)."""
    case = selectors.case_get(user=request.auth, pk=case.pk)
    side = selectors.side_of(request.auth, case)
    attachments = case.attachments.select_related("message")
    if side != Side.PARTNER:
        attachments = attachments.exclude(message__internal=True)
    rerouted_to = Case.objects.filter(rerouted_from=case).values_list("pk", flat=True).first()
    return {
        **_summary(case, timezone.localdate()),
        **{name: getattr(case, name) for name in DETAIL_FIELDS},
        "side": side,
        "opened_by": _name(case.opened_by),
        "rerouted_to_id": rerouted_to,
        "attachments": list(attachments),
    }


def _acted(error: DjangoValidationError | PermissionDenied, sent: type[BaseModel]) -> Exception:
    if isinstance(error, PermissionDenied):
        return HttpError(403, str(error))
    return _unprocessable(error, sent=sent)


@router.get("/cases", response=CasePage, summary="Dossiers transmis (files d'attente)")
def list_cases(request, filters: Query[CaseFilters]):
    """The cases of one side of the caller, most urgent first (`queue=all`: newest first)."""
    user = request.auth
    side = filters.side or (selectors.sides_of(user) or [Side.SITE])[0]
    partner_id = _partner_id(filters.partner, "partner", where="query")
    cases = selectors.queue(
        user=user,
        side=side,
        name=filters.queue,
        filters=selectors.Filters(
            partner_id=partner_id, site_id=filters.site, status=filters.status
        ),
    )
    window = list(cases[filters.offset : filters.offset + filters.limit + 1])
    more = len(window) > filters.limit
    today = timezone.localdate()
    return {
        "items": [_summary(case, today) for case in window[: filters.limit]],
        "next_offset": filters.offset + filters.limit if more else None,
    }


@router.post("/cases", response={201: CaseDetailOut}, summary="Transmettre une demande")
def open_case(request, payload: CaseOpenIn):
    """Send a desk request to its partner's referents, with the person's consent; the
    request's outcome becomes « dossier transmis au partenaire »."""
    partner_id = _partner_id(payload.partner, "partner")
    try:
        case = services.case_open(
            request_id=payload.request_id,
            by=request.auth,
            partner_id=partner_id,
            subject=payload.subject,
            description=payload.description,
            identifiers={name: getattr(payload, name) for name in IDENTIFIER_FIELDS},
            consent_kind=payload.consent_kind,
            consent_on=payload.consent_on,
        )
    except (DjangoValidationError, PermissionDenied) as error:
        raise _acted(error, CaseOpenIn) from error
    return 201, _detail(request, case)


@router.get("/cases/{case_id}", response=CaseDetailOut, summary="Un dossier transmis")
def get_case(request, case_id: Id):
    return _detail(request, selectors.case_get(user=request.auth, pk=case_id))


@router.get("/cases/{case_id}/messages", response=list[MessageOut], summary="Fil du dossier")
def list_messages(request, case_id: Id):
    """The thread, oldest first; internal notes for the partner's referents only."""
    case = selectors.case_get(user=request.auth, pk=case_id)
    side = selectors.side_of(request.auth, case)
    return list(selectors.case_messages(case=case, side=side))


@router.post("/cases/{case_id}/messages", response={201: MessageOut}, summary="Écrire dans le fil")
def post_message(request, case_id: Id, payload: MessageIn):
    """A message of the caller's side (a referent's message is an answer: it dates the first
    and last answers and moves the deadline), or a referent's internal note."""
    case = selectors.case_get(user=request.auth, pk=case_id)
    try:
        if payload.internal:
            message = services.internal_note_post(case=case, by=request.auth, body=payload.body)
        else:
            message = services.message_post(case=case, by=request.auth, body=payload.body)
    except (DjangoValidationError, PermissionDenied) as error:
        raise _acted(error, MessageIn) from error
    return 201, message


@router.post("/cases/{case_id}/answer", response=CaseDetailOut, summary="Marquer « traité »")
def answer_case(request, case_id: Id, payload: AnswerIn):
    """A referent's answer: solved, not solvable, or wrong partner (the site re-routes)."""
    case = selectors.case_get(user=request.auth, pk=case_id)
    try:
        services.case_answer(case=case, by=request.auth, answer=payload.answer, body=payload.body)
    except (DjangoValidationError, PermissionDenied) as error:
        raise _acted(error, AnswerIn) from error
    return _detail(request, case)


@router.post("/cases/{case_id}/close", response=CaseDetailOut, summary="Clore le dossier")
def close_case(request, case_id: Id, payload: CloseIn):
    """The site closes the case with « utile pour l'usager ? »."""
    case = selectors.case_get(user=request.auth, pk=case_id)
    try:
        services.case_close(case=case, by=request.auth, useful=payload.useful)
    except (DjangoValidationError, PermissionDenied) as error:
        raise _acted(error, CloseIn) from error
    return _detail(request, case)


@router.post(
    "/cases/{case_id}/reroute",
    response={201: CaseDetailOut},
    summary="Réorienter vers un autre partenaire",
)
def reroute_case(request, case_id: Id, payload: RerouteIn):
    """After a « wrong partner » answer: the case is closed and a new one sent to `partner`
    (the request follows it); answers the new case."""
    case = selectors.case_get(user=request.auth, pk=case_id)
    partner_id = _partner_id(payload.partner, "partner")
    assert partner_id is not None  # noqa: S101 (a required field)
    try:
        new = services.case_reroute(
            case=case, by=request.auth, partner_id=partner_id, subject=payload.subject
        )
    except (DjangoValidationError, PermissionDenied) as error:
        raise _acted(error, RerouteIn) from error
    return 201, _detail(request, new)


@router.get(
    "/cases/{case_id}/attachments/{attachment_id}",
    summary="Télécharger une pièce jointe",
    openapi_extra={
        "responses": {
            200: {
                "description": "Le fichier (PDF, JPEG ou PNG).",
                "content": {
                    "application/pdf": {"schema": {"type": "string", "format": "binary"}},
                    "image/jpeg": {"schema": {"type": "string", "format": "binary"}},
                    "image/png": {"schema": {"type": "string", "format": "binary"}},
                },
            }
        }
    },
)
def download_attachment(request, case_id: Id, attachment_id: Id):
    """The file, after the case's access check (a file of an internal note: referents only)."""
    attachment = selectors.attachment_get(user=request.auth, case_pk=case_id, pk=attachment_id)
    return private_download(
        attachment.file.open("rb"), filename=attachment.name, content_type=attachment.content_type
    )
