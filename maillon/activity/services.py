"""Writes of the desk: visits with their requests (outreach acts and workshops: `counted`).

Every service is atomic, validates its input with the one validator (`activity.validation`:
French messages keyed by field path, e.g. `requests.1.theme`), writes the facts and their
rollups in the same transaction, and honours an idempotency key: a retried create with the
same key stores nothing and returns the first result.
"""

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from maillon.accounts.enums import Role
from maillon.accounts.models import Membership, User
from maillon.activity import followups, taxonomy, writes
from maillon.activity.counted import (
    OUTREACH_FIELDS,
    WORKSHOP_FIELDS,
    outreach_delete,
    outreach_record,
    workshop_delete,
    workshop_record,
)
from maillon.activity.idempotency import (
    IDEMPOTENCY_KEY_MAX,
    Claim,
    Recorded,
    check_key,
    claimed,
    fingerprint,
    new_idempotency_key,
    replayed,
)
from maillon.activity.inputs import RequestInput, VisitInput
from maillon.activity.models import FollowUp, Request, Visit
from maillon.activity.policy import ChangeRight, change_right
from maillon.activity.rollups import Delta
from maillon.activity.validation import Errors, validate_visit
from maillon.activity.writes import site_to_write
from maillon.network.selectors import site_timezone

__all__ = [
    "IDEMPOTENCY_KEY_MAX",
    "OUTREACH_FIELDS",
    "WORKSHOP_FIELDS",
    "Recorded",
    "RequestInput",
    "VisitInput",
    "new_idempotency_key",
    "outreach_delete",
    "outreach_record",
    "visit_can_change",
    "visit_delete",
    "visit_input_record",
    "visit_input_update",
    "visit_locked_reason",
    "visit_record",
    "visit_repeat_last",
    "visit_require_change",
    "visit_update",
    "workshop_delete",
    "workshop_record",
]


def _cache_requests(visit: Visit, rows: list[Request]) -> None:
    """Let `visit.requests.all()` answer the rows just written, without a query. (The related
    manager's queryset defers its filter until it is needed: cheaper than `filter()` here.)"""
    queryset = visit.requests.get_queryset()
    queryset._result_cache = rows
    # Django's private prefetch cache (what prefetch_related fills), absent from django-stubs
    queryset._prefetch_done = True  # type: ignore[attr-defined]
    visit._prefetched_objects_cache = {"requests": queryset}  # type: ignore[attr-defined]


def _visit_fingerprint(site_id: int | None, data: VisitInput) -> str:
    return fingerprint(
        {
            "site": site_id,
            "occurred_at": data.occurred_at,
            "channel": data.channel,
            "age_band": data.age_band,
            "qpv": data.qpv_resident,
            "first": data.first_visit,
            "duration": data.duration_minutes,
            "requests": [dict(vars(r)) for r in data.requests],  # asdict() without its deep copy
        }
    )


def _first_visit(pk: int | None) -> Recorded[Visit]:
    return replayed(Visit.objects.with_requests(), pk)


def visit_record(
    *, agent: User, site_id: int | None, idempotency_key: str | None = None, **fields: Any
) -> Recorded[Visit]:
    """`visit_input_record` with the fields of a `VisitInput` as arguments."""
    return visit_input_record(
        agent=agent, site_id=site_id, data=VisitInput(**fields), idempotency_key=idempotency_key
    )


def visit_input_record(
    *, agent: User, site_id: int | None, data: VisitInput, idempotency_key: str | None = None
) -> Recorded[Visit]:
    """Record a visit and its requests on a site the agent may write to.

    On PostgreSQL the claim of the idempotency key, the visit, its requests and the rollups are
    one statement; elsewhere one transaction with one statement per table (`activity.writes`)."""
    check_key(idempotency_key)
    claim = Claim(agent, idempotency_key, "visit", _visit_fingerprint(site_id, data))
    errors = Errors()
    site = site_to_write(user=agent, site_id=site_id, errors=errors)
    now = timezone.now()
    valid = validate_visit(
        data,
        zone=site.zone if site else timezone.get_current_timezone(),
        default_moment=now,
        errors=errors,
    )
    if errors.messages:
        # a retry answers the first result even if it no longer validates (the agent left)
        existing = claimed(claim)
        if existing is not None:
            return _first_visit(existing)
        errors.raise_if_any()
    assert site is not None  # site_to_write added an error: raised above
    visit = Visit(
        site_id=site.id,
        agent=agent,
        qpv_resident=data.qpv_resident,
        first_visit=data.first_visit,
        created_at=now,
        updated_at=now,
        **valid.fields,
    )
    written, earlier = writes.visit_insert(visit=visit, rows=valid.requests, claim_=claim)
    if not written:
        return _first_visit(earlier)
    _cache_requests(visit, valid.requests)
    return Recorded(visit, created=True)


def visit_can_change(*, user: User, visit: Visit) -> bool:
    """Its author within the network's window; afterwards, a manager of the site (correction)."""
    right = change_right(user=user, site=visit.site, day=visit.day, author_id=visit.agent_id)
    return right is not ChangeRight.NONE


def visit_require_change(*, user: User, visit: Visit) -> None:
    """PermissionDenied, saying why and whom to ask, unless `visit_can_change`."""
    if not visit_can_change(user=user, visit=visit):
        raise PermissionDenied(visit_locked_reason(visit=visit))


def visit_locked_reason(*, visit: Visit) -> str:
    """Why a visit is locked and who can correct it: the managers of its site's organisation."""
    reason = _(
        "Le passage du %(day)s ne peut plus être modifié : un passage ne se modifie que le "
        "jour même, par l'agent qui l'a enregistré."
    ) % {"day": date_format(visit.day, "j F Y")}
    organisation = visit.site.organisation
    if organisation is None:
        return f"{reason} " + _("Pour le corriger, adressez-vous à la tête de réseau.")
    managers = sorted(
        (
            str(membership.user)
            for membership in Membership.objects.active()
            .with_role(Role.ORGANISATION_MANAGER)
            .filter(organisation=organisation)
            .select_related("user")
        ),
        key=str.casefold,
    )
    if managers:
        who = _(
            "Pour le corriger, demandez à un responsable de la structure « %(name)s » : "
            "%(managers)s."
        )
        return f"{reason} " + who % {"name": organisation.name, "managers": ", ".join(managers)}
    who = _(
        "Pour le corriger, demandez à un responsable de la structure « %(name)s » "
        "(elle n'en a pas encore : adressez-vous à la tête de réseau)."
    )
    return f"{reason} " + who % {"name": organisation.name}


def visit_update(*, actor: User, visit: Visit, **fields: Any) -> Visit:
    """`visit_input_update` with the fields of a `VisitInput` as arguments."""
    return visit_input_update(actor=actor, visit=visit, data=VisitInput(**fields))


@transaction.atomic
def visit_input_update(*, actor: User, visit: Visit, data: VisitInput) -> Visit:
    """Replace a visit's fields and requests; a manager's change after the day is a correction."""
    visit = (
        Visit.objects.select_for_update(of=("self",))
        .select_related("site__commune__region")
        .get(pk=visit.pk)
    )
    visit_require_change(user=actor, visit=visit)
    errors = Errors()
    valid = validate_visit(
        data, zone=site_timezone(visit.site), default_moment=visit.occurred_at, errors=errors
    )
    errors.raise_if_any()
    rows = valid.requests
    delta = Delta()
    delta.visit(visit, list(visit.requests.all()), sign=-1)
    for name, value in valid.fields.items():
        setattr(visit, name, value)
    visit.qpv_resident = data.qpv_resident
    visit.first_visit = data.first_visit
    if actor.pk != visit.agent_id:
        visit.corrected_by = actor
    visit.save()
    previous = list(FollowUp.objects.filter(request__visit=visit).select_related("request"))
    visit.requests.all().delete()
    for row in rows:
        row.visit = visit
    Request.objects.bulk_create(rows)
    if followups.to_review(rows):
        followups.followups_attach(
            visit_id=visit.pk, site_id=visit.site_id, day=visit.day, previous=previous
        )
    delta.visit(visit, rows)
    delta.apply()
    _cache_requests(visit, rows)
    return visit


@transaction.atomic
def visit_delete(*, actor: User, visit: Visit) -> None:
    visit = (
        Visit.objects.select_for_update(of=("self",))
        .select_related("site__commune__region")
        .get(pk=visit.pk)
    )
    visit_require_change(user=actor, visit=visit)
    delta = Delta()
    delta.visit(visit, list(visit.requests.all()), sign=-1)
    visit.delete()
    delta.apply()


@transaction.atomic
def visit_repeat_last(
    *, agent: User, site_id: int, idempotency_key: str | None = None
) -> Recorded[Visit]:
    """ "Same as last": a new visit now, with the channel and requests of the agent's last one."""
    last = (
        Visit.objects.filter(agent=agent, site_id=site_id)
        .order_by("-created_at", "-pk")
        .select_related("channel")
        .first()
    )
    if last is None:
        raise ValidationError({"requests": [_("Aucun passage précédent à répéter.")]})
    vocab = taxonomy.vocabularies()
    inputs = [
        RequestInput(
            theme=vocab["theme"].by_id[r.theme_id].code,
            partner=vocab["partner"].by_id[r.partner_id].code if r.partner_id else None,
            help_kind=vocab["help_kind"].by_id[r.help_kind_id].code,
            outcome=vocab["outcome"].by_id[r.outcome_id].code,
            follow_up=r.follow_up,
        )
        for r in last.requests.order_by("position", "pk")
    ]
    return visit_record(
        agent=agent,
        site_id=site_id,
        requests=inputs,
        channel=last.channel.code,
        idempotency_key=idempotency_key,
    )
