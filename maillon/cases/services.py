"""Writes of cases: open one from a desk request, exchange messages, answer, re-route, close,
join files.

Every service is atomic, checks who acts (the site's side: a user who may write on the case's
site; the partner's side: an active referent of the case's partner and territory — else
NotFound, as for a case he cannot see), journals the change (never a personal value: the
identifiers, the description and the messages stay out of the journal, retention erases them)
and sends its signal once the transaction has committed (`cases.signals`)."""

import datetime
from collections.abc import Mapping, Sequence
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from maillon.accounts.models import User
from maillon.activity import taxonomy
from maillon.activity.models import FollowUp, Request
from maillon.activity.rollups import Delta
from maillon.activity.selectors import writable_site
from maillon.cases import deadlines, signals
from maillon.cases.attachments import attachment_copy, attachment_store
from maillon.cases.enums import CaseAnswer, CaseStatus, ConsentKind, Side, Usefulness
from maillon.cases.models import SUBJECT_MAX_LENGTH, Case, CaseAttachment, CaseMessage
from maillon.cases.selectors import cases_visible_to, side_of
from maillon.cases.validators import IDENTIFIER_FIELDS, clean_identifiers
from maillon.core.errors import NotFound
from maillon.journal.enums import JournalAction
from maillon.journal.services import diff, journal_record, snapshot
from maillon.network.models import Partner
from maillon.network.selectors import site_timezone

__all__ = [
    "TRANSMITTED",
    "attachment_add",
    "case_answer",
    "case_close",
    "case_open",
    "case_reroute",
    "internal_note_post",
    "message_post",
]

# The request's outcome once its case is sent (its code in the taxonomy, `0011_followup_outcomes`)
TRANSMITTED = "dossier-transmis"
MESSAGE_MAX_LENGTH = 5000
# What the journal keeps of a case: no personal value (see `models.PERSONAL_FIELDS`)
JOURNAL_FIELDS = (
    "partner",
    "subject",
    "consent_kind",
    "consent_on",
    "status",
    "answer",
    "useful",
    "due_on",
)


def _send(signal, **kwargs: Any) -> None:
    transaction.on_commit(lambda: signal.send(sender=Case, **kwargs))


def _locked(case: Case) -> Case:
    return (
        Case.objects.select_for_update(of=("self",))
        .select_related("site__commune__region", "partner")
        .get(pk=case.pk)
    )


def _require_side(user: User, case: Case, side: str) -> None:
    """The user speaks for `side` on the case: NotFound if he cannot see it at all,
    PermissionDenied if he sees it from the other side (or only reads it)."""
    if not cases_visible_to(user).filter(pk=case.pk).exists():
        raise NotFound
    if side_of(user, case) != side:
        if side == Side.PARTNER:
            raise PermissionDenied(_("Seuls les référents du partenaire font cela."))
        raise PermissionDenied(_("Seuls les agents du point d'accueil font cela."))


def _require_open(case: Case, field: str = "body") -> None:
    if case.status == CaseStatus.CLOSED:
        raise ValidationError({field: [_("Ce dossier est clos.")]})


def _clean_body(body: str, *, required: bool = True) -> str:
    body = (body or "").strip()
    if required and not body:
        raise ValidationError({"body": [_("Écrivez le message.")]})
    if len(body) > MESSAGE_MAX_LENGTH:
        raise ValidationError(
            {"body": [_("Le message dépasse %(max)d caractères.") % {"max": MESSAGE_MAX_LENGTH}]}
        )
    return body


def _journal_update(actor: User, case: Case, before: dict, note: str) -> None:
    journal_record(
        actor=actor,
        action=JournalAction.UPDATE,
        obj=case,
        changes=diff(before, snapshot(case, JOURNAL_FIELDS)),
        note=note,
    )


def _recompute_due(case: Case) -> None:
    case.due_on = deadlines.due_on(case)


def _open_errors(
    *, subject: str, consent_kind: str, consent_on: datetime.date | None, today: datetime.date
) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if not subject:
        errors["subject"] = [_("Indiquez l'objet du dossier.")]
    elif len(subject) > SUBJECT_MAX_LENGTH:
        errors["subject"] = [
            _("L'objet compte %(max)d caractères au plus.") % {"max": SUBJECT_MAX_LENGTH}
        ]
    if consent_kind not in ConsentKind.values:
        errors["consent_kind"] = [_("Indiquez comment la personne a donné son consentement.")]
    if consent_on is None:
        errors["consent_on"] = [_("Indiquez la date du consentement.")]
    elif consent_on > today:
        errors["consent_on"] = [_("La date du consentement ne peut pas être dans le futur.")]
    return errors


def _request_to_send(actor: User, request_id: int) -> Request:
    """The request, locked, if the actor may write on its visit's site; NotFound otherwise."""
    request = (
        Request.objects.select_for_update(of=("self",))
        .select_related("visit__site__commune__region", "visit__site__organisation")
        .filter(pk=request_id)
        .first()
    )
    if request is None or writable_site(user=actor, site_id=request.visit.site_id) is None:
        raise NotFound
    if Case.objects.filter(request=request).exists():
        raise ValidationError({"request": [_("Cette demande a déjà été transmise.")]})
    return request


def _mark_transmitted(actor: User, request: Request, today: datetime.date) -> None:
    """The request's outcome becomes « dossier transmis au partenaire » (its rollups move
    with it), and its open follow-up is closed with that final outcome."""
    term = taxonomy.term_by_code("outcome", TRANSMITTED)
    if term is None:
        raise ValidationError({"request": [_("L'issue « dossier transmis » est introuvable.")]})
    visit = request.visit
    if request.outcome_id != term.id or request.outcome_defaulted:
        delta = Delta()
        delta.visit(visit, [request], sign=-1)
        before = request.outcome_id
        request.outcome_id, request.outcome_defaulted = term.id, False
        request.save(update_fields=["outcome", "outcome_defaulted"])
        delta.visit(visit, [request])
        delta.apply()
        journal_record(
            actor=actor,
            action=JournalAction.UPDATE,
            obj=request,
            changes={"outcome": [str(taxonomy.term_by_id("outcome", before)), term.label]},
            site_id=visit.site_id,
            organisation_id=visit.site.organisation_id,
            note=_("Dossier transmis au partenaire"),
        )
    item = FollowUp.objects.select_for_update().filter(request=request, closed_on=None).first()
    if item is not None:
        item.closed_on = max(today, visit.day)
        item.final_outcome_id, item.closed_by = term.id, actor
        item.save(update_fields=["closed_on", "final_outcome", "closed_by"])
        journal_record(
            actor=actor,
            action=JournalAction.UPDATE,
            obj=item,
            changes={"closed_on": [None, item.closed_on], "final_outcome": [None, term.label]},
            note=_("Suite close : dossier transmis au partenaire"),
        )


def _partner_for(request: Request, partner_id: int | None) -> Partner:
    wanted = partner_id or request.partner_id
    partner = Partner.objects.filter(pk=wanted).first() if wanted else None
    if partner is None:
        raise ValidationError({"partner": [_("Choisissez le partenaire.")]})
    return partner


def _journal_created(actor: User, case: Case, note: str = "") -> None:
    journal_record(
        actor=actor,
        action=JournalAction.CREATE,
        obj=case,
        changes={
            name: [None, value]
            for name, value in snapshot(case, JOURNAL_FIELDS).items()
            if value not in (None, "")
        },
        note=note,
    )


@transaction.atomic
def case_open(
    *,
    request_id: int,
    by: User,
    subject: str,
    consent_kind: str,
    consent_on: datetime.date | None,
    description: str = "",
    identifiers: Mapping[str, str | None] | None = None,
    partner_id: int | None = None,
    attachments: Sequence[Any] = (),
) -> Case:
    """Send the desk request `request_id` to its partner's referents (or to `partner_id`).

    The consent of the person (kind and date) is required; the identifiers are optional and
    checked (`cases.validators`); each attachment is checked by its content."""
    request = _request_to_send(by, request_id)
    site = request.visit.site
    today = timezone.localdate(timezone=site_timezone(site))
    subject = " ".join((subject or "").split())
    errors = _open_errors(
        subject=subject, consent_kind=consent_kind, consent_on=consent_on, today=today
    )
    cleaned: dict[str, str] = {}
    try:
        cleaned = clean_identifiers(identifiers or {})
    except ValidationError as error:
        errors.update(error.message_dict)
    try:
        partner = _partner_for(request, partner_id)
    except ValidationError as error:
        errors.update(error.message_dict)
    if errors:
        raise ValidationError(errors)
    assert consent_on is not None  # required above
    case = Case(
        request=request,
        site=site,
        partner=partner,
        opened_by=by,
        subject=subject,
        description=(description or "").strip(),
        consent_kind=consent_kind,
        consent_on=consent_on,
        status=CaseStatus.NEW,
        sent_at=timezone.now(),
        **cleaned,
    )
    _recompute_due(case)
    case.save()
    for upload in attachments:
        attachment_store(case=case, by=by, upload=upload)
    _mark_transmitted(by, request, today)
    _journal_created(by, case)
    _send(signals.case_sent, case=case)
    return case


def _post(case: Case, by: User, side: str, body: str, internal: bool) -> CaseMessage:
    message = CaseMessage.objects.create(
        case=case, author=by, side=side, body=body, internal=internal
    )
    journal_record(
        actor=by,
        action=JournalAction.CREATE,
        obj=message,
        changes={"side": [None, side], "internal": [None, internal]},
        site_id=case.site_id,
        organisation_id=case.site.organisation_id,
    )
    return message


def _partner_answered(case: Case, now: datetime.datetime) -> None:
    if case.first_answer_at is None:
        case.first_answer_at = now
    case.last_answer_at = now
    _recompute_due(case)


@transaction.atomic
def message_post(
    *, case: Case, by: User, body: str, attachments: Sequence[Any] = ()
) -> CaseMessage:
    """A message of the thread, from the site's side or the partner's (the author's side on
    the case). A referent's message is an answer: it dates the first and last answers, puts a
    new case « en cours » and moves the deadline."""
    case = _locked(case)
    side = side_of(by, case)
    if side is None:
        _require_side(by, case, Side.SITE)  # NotFound, or PermissionDenied for a reader
    _require_open(case)
    body = _clean_body(body)
    before = snapshot(case, JOURNAL_FIELDS)
    message = _post(case, by, str(side), body, internal=False)
    for upload in attachments:
        attachment_store(case=case, by=by, upload=upload, message=message)
    if side == Side.PARTNER:
        _partner_answered(case, message.created_at)
        if case.status == CaseStatus.NEW:
            case.status = CaseStatus.IN_PROGRESS
        case.save()
        _journal_update(by, case, before, _("Réponse du partenaire"))
    else:
        case.save(update_fields=["updated_at"])
    _send(signals.message_posted, case=case, message=message)
    return message


@transaction.atomic
def internal_note_post(*, case: Case, by: User, body: str) -> CaseMessage:
    """A note of a referent, read by the partner's referents only."""
    case = _locked(case)
    _require_side(by, case, Side.PARTNER)
    return _post(case, by, Side.PARTNER, _clean_body(body), internal=True)


@transaction.atomic
def case_answer(*, case: Case, by: User, answer: str, body: str = "") -> Case:
    """A referent marks the case « traité » with his answer (solved, not solvable, wrong
    partner), with an optional message; the site then has `closure_days` to close it."""
    case = _locked(case)
    _require_side(by, case, Side.PARTNER)
    _require_open(case, "answer")
    if answer not in CaseAnswer.values:
        raise ValidationError({"answer": [_("Choisissez la réponse.")]})
    body = _clean_body(body, required=False)
    before = snapshot(case, JOURNAL_FIELDS)
    message = _post(case, by, Side.PARTNER, body, internal=False) if body else None
    now = message.created_at if message else timezone.now()
    case.status, case.answer, case.answered_at = CaseStatus.ANSWERED, answer, now
    _partner_answered(case, now)
    case.save()
    _journal_update(by, case, before, _("Dossier traité"))
    _send(signals.case_answered, case=case, message=message)
    return case


def _close(case: Case, useful: str) -> None:
    case.status, case.useful, case.closed_at = CaseStatus.CLOSED, useful, timezone.now()
    case.due_on = None


@transaction.atomic
def case_close(*, case: Case, by: User, useful: str) -> Case:
    """The site closes the case with « utile pour l'usager ? » (yes / don't know / no)."""
    case = _locked(case)
    _require_side(by, case, Side.SITE)
    _require_open(case, "useful")
    if useful not in Usefulness.values:
        raise ValidationError({"useful": [_("Dites si la démarche a été utile pour l'usager.")]})
    before = snapshot(case, JOURNAL_FIELDS)
    _close(case, useful)
    case.save()
    _journal_update(by, case, before, _("Dossier clos"))
    _send(signals.case_closed, case=case)
    return case


@transaction.atomic
def case_reroute(*, case: Case, by: User, partner_id: int, subject: str = "") -> Case:
    """After a « wrong partner » answer, the site closes the case and sends a new one to
    `partner_id`, with the same person's data and copies of the attachments. The request
    follows the new case; the old one keeps the link (`rerouted_to`)."""
    old = _locked(case)
    _require_side(by, old, Side.SITE)
    if old.status != CaseStatus.ANSWERED or old.answer != CaseAnswer.WRONG_PARTNER:
        raise ValidationError(
            {"partner": [_("Seul un dossier signalé « mauvais partenaire » se réoriente.")]}
        )
    partner = Partner.objects.filter(pk=partner_id).first() if partner_id else None
    if partner is None or partner.pk == old.partner_id:
        raise ValidationError({"partner": [_("Choisissez un autre partenaire.")]})
    before = snapshot(old, JOURNAL_FIELDS)
    request_id = old.request_id
    _close(old, Usefulness.UNKNOWN)
    old.request = None
    old.save()
    _journal_update(by, old, before, _("Dossier réorienté vers %(p)s") % {"p": partner})
    new = Case(
        request_id=request_id,
        site=old.site,
        partner=partner,
        opened_by=by,
        subject=" ".join(subject.split())[:SUBJECT_MAX_LENGTH] or old.subject,
        description=old.description,
        consent_kind=old.consent_kind,
        consent_on=old.consent_on,
        status=CaseStatus.NEW,
        rerouted_from=old,
        sent_at=timezone.now(),
        **{name: getattr(old, name) for name in IDENTIFIER_FIELDS},
    )
    _recompute_due(new)
    new.save()
    for attachment in old.attachments.filter(Q(message=None) | Q(message__internal=False)):
        attachment_copy(attachment, new)
    _journal_created(by, new, note=_("Réorienté depuis le dossier %(pk)d") % {"pk": old.pk})
    _send(signals.case_sent, case=new)
    return new


@transaction.atomic
def attachment_add(
    *, case: Case, by: User, upload: Any, message: CaseMessage | None = None
) -> CaseAttachment:
    """Join a file to an open case, from either side (checked by content and size)."""
    case = _locked(case)
    if side_of(by, case) is None:
        _require_side(by, case, Side.SITE)
    _require_open(case, "file")
    attachment = attachment_store(case=case, by=by, upload=upload, message=message)
    journal_record(
        actor=by,
        action=JournalAction.CREATE,
        obj=attachment,
        changes={"content_type": [None, attachment.content_type], "size": [None, attachment.size]},
        site_id=case.site_id,
        organisation_id=case.site.organisation_id,
    )
    return attachment
