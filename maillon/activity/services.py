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
from django.utils.translation import ngettext

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
from maillon.activity.policy import (
    ChangeRight,
    change_right,
    fallback_defaults,
    late_entry_allowed,
    manages_site,
    policy_for_site,
    request_defaults,
)
from maillon.activity.quick import journal_text
from maillon.activity.referrals import referral_of, referrals_attach, referrals_cache
from maillon.activity.rollups import Delta
from maillon.activity.selectors import WritableSite
from maillon.activity.undo import deletion_changes
from maillon.activity.validation import (
    Errors,
    RequestDefaults,
    ValidVisit,
    late_entry_message,
    validate_visit,
)
from maillon.activity.writes import site_to_write
from maillon.journal.enums import JournalAction
from maillon.journal.models import JournalEntry
from maillon.journal.services import diff, journal_record
from maillon.network.models import Site
from maillon.network.selectors import site_timezone

__all__ = [
    "IDEMPOTENCY_KEY_MAX",
    "MAX_REASON",
    "OUTREACH_FIELDS",
    "WORKSHOP_FIELDS",
    "Recorded",
    "RequestInput",
    "VisitInput",
    "new_idempotency_key",
    "outreach_delete",
    "outreach_record",
    "visit_can_change",
    "visit_can_correct_on",
    "visit_change_right",
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


MAX_REASON = 300  # characters of a correction's reason (the journal's note)


def _defaults_needed(site: Site | WritableSite, data: VisitInput) -> RequestDefaults | None:
    """The site's default help and outcome, when a request leaves one out: read with the
    writable site on a create (no query), from the policy on an update."""
    if all(r.help_kind and r.outcome for r in data.requests):
        return None
    if isinstance(site, Site):
        return request_defaults(site)
    if site.policy_id is None:
        return fallback_defaults()
    return RequestDefaults(
        help_kind_id=site.default_help_kind_id, outcome_id=site.default_outcome_id
    )


def _check_late_entry(
    *, user: User, site: Site | int, valid: ValidVisit, zone, errors: Errors
) -> None:
    """A past day within the policy's late-entry window (`policy.late_entry_allowed`); today
    costs no query."""
    day = valid.fields["day"]
    if day is None or day >= timezone.localdate(timezone=zone):
        return
    if not isinstance(site, Site):
        site = Site.objects.select_related("commune__region").get(pk=site)
    if not late_entry_allowed(user=user, site=site, day=day):
        errors.add("occurred_at", late_entry_message(policy_for_site(site).late_entry_days))


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
    zone = site.zone if site else timezone.get_current_timezone()
    valid = validate_visit(
        data,
        zone=zone,
        default_moment=now,
        errors=errors,
        defaults=_defaults_needed(site, data) if site else None,
    )
    if site and data.occurred_at is not None and not errors.messages:
        _check_late_entry(user=agent, site=site.id, valid=valid, zone=zone, errors=errors)
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
    if valid.referrals:  # a « réorienté vers » target: its row in the visit's transaction
        with transaction.atomic():
            written, earlier = writes.visit_insert(
                visit=visit, rows=valid.requests, claim_=claim, site=site
            )
            if written:
                referrals_attach(visit_id=visit.pk, referrals=valid.referrals)
    else:
        written, earlier = writes.visit_insert(
            visit=visit, rows=valid.requests, claim_=claim, site=site
        )
    if not written:
        return _first_visit(earlier)
    _cache_requests(visit, valid.requests)
    referrals_cache(valid.requests, valid.referrals)
    return Recorded(visit, created=True)


def visit_change_right(*, user: User, visit: Visit) -> ChangeRight:
    """What `user` may do to `visit` under its site's policy (`policy.change_right`).

    The windows run from the visit's day, or from the day it was recorded when later (a late
    entry): the agent who enters yesterday's visit this morning may still fix it today."""
    zone = site_timezone(visit.site)
    recorded = timezone.localdate(visit.created_at, timezone=zone) if visit.created_at else None
    day = max(visit.day, recorded) if recorded else visit.day
    return change_right(user=user, site=visit.site, day=day, author_id=visit.agent_id)


def visit_can_change(*, user: User, visit: Visit) -> bool:
    """Its author within the network's window; afterwards, a manager of the site (correction)."""
    return visit_change_right(user=user, visit=visit) is not ChangeRight.NONE


def visit_require_change(*, user: User, visit: Visit) -> ChangeRight:
    """The user's right on the visit; PermissionDenied, saying why and whom to ask, if none."""
    right = visit_change_right(user=user, visit=visit)
    if right is ChangeRight.NONE:
        raise PermissionDenied(visit_locked_reason(visit=visit))
    return right


def _windows_sentence(visit: Visit) -> str:
    """The policy's edit windows, in words."""
    policy = policy_for_site(visit.site)
    if policy.author_edit_days == 0:
        author = _("un passage se modifie le jour même, par l'agent qui l'a enregistré")
    else:
        author = ngettext(
            "un passage se modifie pendant %(days)d jour, par l'agent qui l'a enregistré",
            "un passage se modifie pendant %(days)d jours, par l'agent qui l'a enregistré",
            policy.author_edit_days,
        ) % {"days": policy.author_edit_days}
    manager = ngettext(
        "puis pendant %(days)d jour par un responsable du point d'accueil, qui le corrige",
        "puis pendant %(days)d jours par un responsable du point d'accueil, qui le corrige",
        policy.manager_edit_days,
    ) % {"days": policy.manager_edit_days}
    return f"{author}, {manager}"


def visit_locked_reason(*, visit: Visit) -> str:
    """Why a visit is locked (the policy's windows) and who can correct it: the managers of
    its site's organisation while their window lasts, nobody at the desk afterwards."""
    reason = _("Le passage du %(day)s ne peut plus être modifié ici : %(rule)s.") % {
        "day": date_format(visit.day, "j F Y"),
        "rule": _windows_sentence(visit),
    }
    organisation = visit.site.organisation
    if organisation is None:
        return f"{reason} " + _("Pour le corriger, adressez-vous à la tête de réseau.")
    policy = policy_for_site(visit.site)
    today = timezone.localdate(timezone=site_timezone(visit.site))
    if (today - visit.day).days > policy.manager_edit_days:
        return f"{reason} " + _(
            "Le délai de correction est passé : seule la tête de réseau peut faire rectifier "
            "ce passage, auprès de l'administrateur de l'installation."
        )
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


def visit_update(*, actor: User, visit: Visit, reason: str = "", **fields: Any) -> Visit:
    """`visit_input_update` with the fields of a `VisitInput` as arguments."""
    return visit_input_update(actor=actor, visit=visit, data=VisitInput(**fields), reason=reason)


def _locked_for_change(actor: User, visit: Visit, reason: str) -> tuple[Visit, ChangeRight, str]:
    """The visit locked for writing, the actor's right, and the reason of a correction
    (required then: ValidationError on `reason`)."""
    visit = (
        Visit.objects.select_for_update(of=("self",))
        .select_related("site__commune__region", "site__organisation")
        .get(pk=visit.pk)
    )
    right = visit_require_change(user=actor, visit=visit)
    reason = " ".join(reason.split())
    if right is ChangeRight.CORRECTION and not reason:
        raise ValidationError(
            {"reason": [_("Indiquez le motif de la correction (il est inscrit au journal).")]}
        )
    if len(reason) > MAX_REASON:
        raise ValidationError(
            {"reason": [_("Le motif dépasse %(max)d caractères.") % {"max": MAX_REASON}]}
        )
    return visit, right, reason


def _journal_values(visit: Visit, rows: list[Request]) -> dict[str, Any]:
    """What the journal keeps of a visit: its moment, its profile (ids) and its requests."""
    return {
        "occurred_at": visit.occurred_at,
        "channel_id": visit.channel_id,
        "age_band_id": visit.age_band_id,
        "qpv_resident": visit.qpv_resident,
        "first_visit": visit.first_visit,
        "duration_minutes": visit.duration_minutes,
        "requests": journal_text(rows),
    }


@transaction.atomic
def visit_input_update(*, actor: User, visit: Visit, data: VisitInput, reason: str = "") -> Visit:
    """Replace a visit's fields and requests (the requests given are all its requests).

    A manager's change within the correction window is a correction: it needs a `reason`,
    kept in the journal with the changes. A new day in the past follows the late-entry rule."""
    visit, right, reason = _locked_for_change(actor, visit, reason)
    errors = Errors()
    zone = site_timezone(visit.site)
    valid = validate_visit(
        data,
        zone=zone,
        default_moment=visit.occurred_at,
        errors=errors,
        defaults=_defaults_needed(visit.site, data),
    )
    if not errors.messages and valid.fields["day"] != visit.day:
        _check_late_entry(user=actor, site=visit.site, valid=valid, zone=zone, errors=errors)
    errors.raise_if_any()
    rows = valid.requests
    old_rows = list(visit.requests.select_related("referral__partner"))
    before = _journal_values(visit, old_rows)
    delta = Delta()
    delta.visit(visit, old_rows, sign=-1)
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
    referrals_attach(visit_id=visit.pk, referrals=valid.referrals)
    referrals_cache(rows, valid.referrals)  # the journal below reads them: no query
    if followups.to_review(rows):
        followups.followups_open(
            rows=rows,
            site_id=visit.site_id,
            due=followups.due_on(site_id=visit.site_id, day=visit.day),
            previous=previous,
        )
    delta.visit(visit, rows)
    delta.apply()
    journal_record(
        actor=actor,
        action=JournalAction.UPDATE,
        obj=visit,
        changes=diff(before, _journal_values(visit, rows)),
        note=reason,
    )
    _cache_requests(visit, rows)
    return visit


@transaction.atomic
def visit_delete(*, actor: User, visit: Visit, reason: str = "") -> JournalEntry | None:
    """Delete a visit and its requests: their contribution leaves the rollups, the journal
    keeps its last values (and the reason of a manager's correction, required then) and the
    rows deleted, which its author may restore for a few minutes (`undo.deletion_undo`)."""
    visit, right, reason = _locked_for_change(actor, visit, reason)
    rows = list(visit.requests.select_related("referral"))
    delta = Delta()
    delta.visit(visit, rows, sign=-1)
    related = [
        *FollowUp.objects.filter(request__visit=visit).order_by("pk"),
        *[target for row in rows if (target := referral_of(row)) is not None],
    ]
    entry = journal_record(
        actor=actor,
        action=JournalAction.DELETE,
        obj=visit,
        changes=deletion_changes(_journal_values(visit, rows), [visit, *rows, *related]),
        note=reason,
    )
    visit.delete()
    delta.apply()
    return entry


def visit_can_correct_on(*, user: User, site: Site) -> bool:
    """Whether `user` corrects the visits of `site` (a manager): the desk shows their links."""
    return manages_site(user, site)


def _referral_input(row: Request, vocab) -> dict[str, Any]:
    """The « réorienté vers » target of a request, as input (none: nothing)."""
    target = referral_of(row)
    if target is None:
        return {}
    partner = vocab["partner"].by_id[target.partner_id].code if target.partner_id else None
    return {"referral_partner": partner, "referral_structure": target.structure}


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
            # a default stays a default (today's policy's), not an observation
            help_kind=None if r.help_defaulted else vocab["help_kind"].by_id[r.help_kind_id].code,
            outcome=None if r.outcome_defaulted else vocab["outcome"].by_id[r.outcome_id].code,
            follow_up=r.follow_up,
            **_referral_input(r, vocab),
        )
        for r in last.requests.select_related("referral").order_by("position", "pk")
    ]
    return visit_record(
        agent=agent,
        site_id=site_id,
        requests=inputs,
        channel=last.channel.code,
        idempotency_key=idempotency_key,
    )
