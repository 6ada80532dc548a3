"""Writes of the desk: visits with their requests, outreach acts, workshops.

Every service is atomic, validates its input (French messages keyed by field path, e.g.
`requests.1.theme`), writes the facts and their rollups in the same transaction, and honours an
idempotency key: a retried create with the same key stores nothing and returns the first result.
"""

import datetime
import hashlib
import json
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from maillon.access.rules import organisations_managed_by
from maillon.accounts.enums import Role
from maillon.accounts.models import Membership
from maillon.activity import bounds, pg_writes, taxonomy
from maillon.activity.models import IdempotencyKey, OutreachAct, Request, Visit, Workshop
from maillon.activity.rollups import Delta
from maillon.activity.selectors import WritableSite, writable_site
from maillon.journal.services import journal_deleted
from maillon.network.selectors import site_timezone

EARLIEST_DAY = datetime.date(2000, 1, 1)
CLOCK_SKEW = datetime.timedelta(minutes=5)
# What the journal keeps of a deleted outreach act or workshop.
OUTREACH_FIELDS = ("site", "agent", "day", "place", "partner", "people_reached")
WORKSHOP_FIELDS = ("site", "agent", "day", "theme", "title", "participants", "duration_minutes")

T = TypeVar("T")

# The name of each vocabulary in messages; translated only when a message is written.
LABELS = {
    "channel": gettext_lazy("Canal"),
    "age_band": gettext_lazy("Tranche d'âge"),
    "partner": gettext_lazy("Partenaire"),
    "theme": gettext_lazy("Thème"),
    "help_kind": gettext_lazy("Aide apportée"),
    "outcome": gettext_lazy("Issue"),
    "place": gettext_lazy("Lieu"),
}


@dataclass(frozen=True)
class RequestInput:
    """One request as typed at the desk or sent to the API (taxonomy codes)."""

    theme: str
    partner: str | None = None
    help_kind: str = "information"
    outcome: str = "resolu"
    follow_up: bool = False


@dataclass(frozen=True)
class Recorded(Generic[T]):
    object: T
    created: bool


class Errors:
    """Collects French messages by field path, raised together as one ValidationError."""

    def __init__(self) -> None:
        self.messages: dict[str, list[str]] = {}

    def add(self, path: str, message: str) -> None:
        self.messages.setdefault(path, []).append(message)

    def raise_if_any(self) -> None:
        if self.messages:
            raise ValidationError(self.messages)


def _writable_site(*, user, site_id: int | None, errors: Errors) -> WritableSite | None:
    site = None
    if site_id is not None:
        site = writable_site(user=user, site_id=site_id)
    if site is None:
        errors.add("site", _("Point d'accueil inconnu ou hors de votre périmètre."))
    return site


def _term(name: str, code: str | None, *, day, path: str, errors: Errors):
    if code in (None, ""):
        return None
    term = taxonomy.term_by_code(name, str(code))
    label = LABELS[name]
    if term is None:
        errors.add(path, _("%(label)s inconnu(e) : « %(code)s ».") % {"label": label, "code": code})
        return None
    if day is not None and not term.is_valid_on(day):
        errors.add(
            path,
            _("%(label)s « %(term)s » n'est pas valable le %(day)s.")
            % {"label": label, "term": term.label, "day": day.strftime("%d/%m/%Y")},
        )
        return None
    return term


def _moment_day(
    occurred_at: datetime.datetime, zone: datetime.tzinfo, *, path: str, errors: Errors
) -> datetime.date | None:
    """The local day of an aware moment, or None with a French message when the moment is in
    the future or before EARLIEST_DAY. Compared before converting: a moment near year 1 or
    9999 (`0001-01-01T00:00:00+14:00`) overflows when moved to another time zone."""
    if occurred_at > timezone.now() + CLOCK_SKEW:
        errors.add(path, _("La date est dans le futur."))
        return None
    if occurred_at < datetime.datetime.combine(EARLIEST_DAY, datetime.time(), tzinfo=zone):
        errors.add(path, _("La date est antérieure à l'ouverture du point d'accueil."))
        return None
    return occurred_at.astimezone(zone).date()


def _check_bound(bound: bounds.Bound, value: int | None, *, path: str, errors: Errors) -> None:
    if (message := bound.error(value)) is not None:
        errors.add(path, message)


def _check_day(day: datetime.date, *, site: WritableSite | None, path: str, errors: Errors):
    today = timezone.localdate(timezone=site.zone if site else None)
    if day > today:
        errors.add(path, _("La date est dans le futur."))
    elif day < EARLIEST_DAY:
        errors.add(path, _("La date est antérieure à l'ouverture du point d'accueil."))


def new_idempotency_key() -> str:
    """A key for a form rendered once: a double submit or a replayed POST stores one visit."""
    return "form-" + secrets.token_urlsafe(18)


def _fingerprint(payload: dict[str, Any]) -> str:
    return hashlib.sha256(json.dumps(payload, sort_keys=True, default=str).encode()).hexdigest()


IDEMPOTENCY_KEY_MAX = IdempotencyKey._meta.get_field("key").max_length


def _check_key(key: str | None) -> None:
    """Refuse a key longer than the column holds (before any write path stores it)."""
    if key and len(key) > IDEMPOTENCY_KEY_MAX:
        raise ValidationError(
            {
                "idempotency_key": [
                    _("La clé d'idempotence dépasse %(max)s caractères.")
                    % {"max": IDEMPOTENCY_KEY_MAX}
                ]
            }
        )


def _claim(*, user, key: str | None, kind: str, fingerprint: str) -> int | None:
    """Claim `key` for this create; return the id created by an earlier call with it, if any.

    `INSERT … ON CONFLICT DO NOTHING` waits for a concurrent transaction holding the same key
    and then sees its committed row: two racing retries never both create."""
    if not key:
        return None
    _check_key(key)
    table = IdempotencyKey._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (user_id, key, kind, fingerprint, created_at) "  # noqa: S608
            "VALUES (%s, %s, %s, %s, %s) ON CONFLICT (user_id, key) DO NOTHING",
            [user.pk, key, kind, fingerprint, timezone.now()],
        )
        if cursor.rowcount == 1:
            return None
    existing = IdempotencyKey.objects.get(user=user, key=key)
    if existing.kind != kind or existing.fingerprint != fingerprint:
        raise ValidationError(
            {"idempotency_key": [_("Cette clé d'idempotence a déjà servi pour une autre requête.")]}
        )
    return existing.object_id


def _bind(*, user, key: str | None, object_id: int) -> None:
    if key:
        IdempotencyKey.objects.filter(user=user, key=key).update(object_id=object_id)


def _claimed(*, user, key: str | None, kind: str, fingerprint: str) -> int | None:
    """The id created by an earlier call with `key`, if any (read-only: nothing is claimed)."""
    if not key:
        return None
    existing = IdempotencyKey.objects.filter(user=user, key=key).first()
    if existing is None:
        return None
    if existing.kind != kind or existing.fingerprint != fingerprint:
        raise ValidationError(
            {"idempotency_key": [_("Cette clé d'idempotence a déjà servi pour une autre requête.")]}
        )
    return existing.object_id


def _validate_visit(
    *,
    zone: datetime.tzinfo,
    occurred_at: datetime.datetime,
    channel: str,
    age_band: str | None,
    duration_minutes: int | None,
    requests: Sequence[RequestInput],
    errors: Errors,
) -> tuple[datetime.date | None, dict[str, Any], list[Request]]:
    if timezone.is_naive(occurred_at):
        occurred_at = timezone.make_aware(occurred_at, zone)
    day = _moment_day(occurred_at, zone, path="occurred_at", errors=errors)
    fields: dict[str, Any] = {"occurred_at": occurred_at, "day": day}
    term = _term("channel", channel, day=day, path="channel", errors=errors)
    if channel in (None, ""):
        errors.add("channel", _("Le canal est obligatoire."))
    fields["channel_id"] = term.id if term else None
    term = _term("age_band", age_band, day=day, path="age_band", errors=errors)
    fields["age_band_id"] = term.id if term else None
    _check_bound(bounds.VISIT_MINUTES, duration_minutes, path="duration_minutes", errors=errors)
    fields["duration_minutes"] = duration_minutes
    if not requests:
        errors.add("requests", _("Un passage comporte au moins une demande."))
    else:
        _check_bound(bounds.REQUESTS, len(requests), path="requests", errors=errors)
    rows = []
    for i, item in enumerate(requests):
        prefix = f"requests.{i}."
        partner = _term(
            "partner",
            item.partner,
            day=day,
            path=prefix + "partner",
            errors=errors,
        )
        theme = _term("theme", item.theme, day=day, path=prefix + "theme", errors=errors)
        if not item.theme:
            errors.add(prefix + "theme", _("Le thème est obligatoire."))
        help_kind = _term(
            "help_kind",
            item.help_kind,
            day=day,
            path=prefix + "help_kind",
            errors=errors,
        )
        outcome = _term(
            "outcome",
            item.outcome,
            day=day,
            path=prefix + "outcome",
            errors=errors,
        )
        if not item.help_kind:
            errors.add(prefix + "help_kind", _("L'aide apportée est obligatoire."))
        if not item.outcome:
            errors.add(prefix + "outcome", _("L'issue est obligatoire."))
        if theme and help_kind and outcome:
            rows.append(
                Request(
                    position=i,
                    partner_id=partner.id if partner else None,
                    theme_id=theme.id,
                    help_kind_id=help_kind.id,
                    outcome_id=outcome.id,
                    follow_up=bool(item.follow_up),
                )
            )
    return day, fields, rows


def _cache_requests(visit: Visit, rows: list[Request]) -> None:
    """Let `visit.requests.all()` answer the rows just written, without a query. (The related
    manager's queryset defers its filter until it is needed: cheaper than `filter()` here.)"""
    queryset = visit.requests.get_queryset()
    queryset._result_cache = rows
    queryset._prefetch_done = True
    visit._prefetched_objects_cache = {"requests": queryset}


def visit_record(
    *,
    agent,
    site_id: int | None,
    requests: Sequence[RequestInput],
    occurred_at: datetime.datetime | None = None,
    channel: str = "sur-site",
    age_band: str | None = None,
    qpv_resident: bool | None = None,
    first_visit: bool | None = None,
    duration_minutes: int | None = None,
    idempotency_key: str | None = None,
) -> Recorded[Visit]:
    """Record a visit and its requests on a site the agent may write to.

    On PostgreSQL the claim of the idempotency key, the visit, its requests and the rollups are
    one statement (`pg_writes`); elsewhere one transaction with one statement per table."""
    fingerprint = _fingerprint(
        {
            "site": site_id,
            "occurred_at": occurred_at,
            "channel": channel,
            "age_band": age_band,
            "qpv": qpv_resident,
            "first": first_visit,
            "duration": duration_minutes,
            "requests": [dict(vars(r)) for r in requests],  # asdict() without its deep copy
        }
    )
    _check_key(idempotency_key)
    claim = {"user": agent, "key": idempotency_key, "kind": "visit", "fingerprint": fingerprint}
    errors = Errors()
    site = _writable_site(user=agent, site_id=site_id, errors=errors)
    _, fields, rows = _validate_visit(
        zone=site.zone if site else timezone.get_current_timezone(),
        occurred_at=occurred_at or timezone.now(),
        channel=channel,
        age_band=age_band,
        duration_minutes=duration_minutes,
        requests=requests,
        errors=errors,
    )
    if errors.messages:
        # a retry answers the first result even if it no longer validates (the agent left)
        existing = _claimed(**claim)
        if existing is not None:
            return _first_visit(existing)
        errors.raise_if_any()
    now = timezone.now()
    visit = Visit(
        site_id=site.id,
        agent=agent,
        qpv_resident=qpv_resident,
        first_visit=first_visit,
        created_at=now,
        updated_at=now,
        **fields,
    )
    delta = Delta()
    delta.visit(visit, rows)
    if pg_writes.enabled():
        visit.pk = pg_writes.visit_insert(
            fields={column: getattr(visit, column) for column in pg_writes.VISIT_COLUMNS},
            requests=rows,
            delta=delta,
            key=idempotency_key,
            kind="visit",
            fingerprint=fingerprint,
            now=now,
        )
        if visit.pk is None:
            return _first_visit(_claimed(**claim))
        visit._state.adding, visit._state.db = False, connection.alias
        for row in rows:
            row.visit = visit
    else:
        with transaction.atomic():
            existing = _claim(**claim)
            if existing is not None:
                return _first_visit(existing)
            visit.save(force_insert=True)
            for row in rows:
                row.visit = visit
            Request.objects.bulk_create(rows)
            delta.apply()
            _bind(user=agent, key=idempotency_key, object_id=visit.pk)
    _cache_requests(visit, rows)
    return Recorded(visit, created=True)


def _replayed(queryset, pk: int | None) -> Recorded:
    """The object an earlier call with the same idempotency key created. If it was deleted
    since, the retry is refused (a French message on the key) rather than recreating it."""
    obj = queryset.filter(pk=pk).first() if pk is not None else None
    if obj is None:
        raise ValidationError(
            {
                "idempotency_key": [
                    _("L'objet créé avec cette clé d'idempotence a été supprimé depuis.")
                ]
            }
        )
    return Recorded(obj, created=False)


def _first_visit(pk: int | None) -> Recorded[Visit]:
    return _replayed(Visit.objects.with_requests(), pk)


def visit_can_change(*, user, visit: Visit) -> bool:
    """The author the same (local) day; afterwards, a manager of the site (correction)."""
    if visit.agent_id == user.pk and visit.day == timezone.localdate(
        timezone=site_timezone(visit.site)
    ):
        return True
    return organisations_managed_by(user).filter(pk=visit.site.organisation_id).exists()


def visit_require_change(*, user, visit: Visit) -> None:
    """PermissionDenied, saying why and whom to ask, unless `visit_can_change`."""
    if not visit_can_change(user=user, visit=visit):
        raise PermissionDenied(visit_locked_reason(visit=visit))


def visit_locked_reason(*, visit: Visit) -> str:
    """Why a visit is locked and who can correct it: the managers of its site's organisation."""
    organisation = visit.site.organisation
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
    reason = _(
        "Le passage du %(day)s ne peut plus être modifié : un passage ne se modifie que le "
        "jour même, par l'agent qui l'a enregistré."
    ) % {"day": date_format(visit.day, "j F Y")}
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


@transaction.atomic
def visit_update(
    *,
    actor,
    visit: Visit,
    requests: Sequence[RequestInput],
    occurred_at: datetime.datetime | None = None,
    channel: str = "sur-site",
    age_band: str | None = None,
    qpv_resident: bool | None = None,
    first_visit: bool | None = None,
    duration_minutes: int | None = None,
) -> Visit:
    """Replace a visit's fields and requests; a manager's change after the day is a correction."""
    visit = (
        Visit.objects.select_for_update(of=("self",))
        .select_related("site__commune__region")
        .get(pk=visit.pk)
    )
    visit_require_change(user=actor, visit=visit)
    errors = Errors()
    _, fields, rows = _validate_visit(
        zone=site_timezone(visit.site),
        occurred_at=occurred_at or visit.occurred_at,
        channel=channel,
        age_band=age_band,
        duration_minutes=duration_minutes,
        requests=requests,
        errors=errors,
    )
    errors.raise_if_any()
    delta = Delta()
    delta.visit(visit, list(visit.requests.all()), sign=-1)
    for name, value in fields.items():
        setattr(visit, name, value)
    visit.qpv_resident = qpv_resident
    visit.first_visit = first_visit
    if actor.pk != visit.agent_id:
        visit.corrected_by = actor
    visit.save()
    visit.requests.all().delete()
    for row in rows:
        row.visit = visit
    Request.objects.bulk_create(rows)
    delta.visit(visit, rows)
    delta.apply()
    _cache_requests(visit, rows)
    return visit


@transaction.atomic
def visit_delete(*, actor, visit: Visit) -> None:
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
    *, agent, site_id: int, idempotency_key: str | None = None
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


@transaction.atomic
def outreach_record(
    *,
    agent,
    site_id: int | None,
    day: datetime.date,
    place: str,
    partner: str | None = None,
    people_reached: int = 1,
    idempotency_key: str | None = None,
) -> Recorded[OutreachAct]:
    fingerprint = _fingerprint(
        {"site": site_id, "day": day, "place": place, "partner": partner, "people": people_reached}
    )
    existing = _claim(user=agent, key=idempotency_key, kind="outreach", fingerprint=fingerprint)
    if existing is not None:
        return _replayed(OutreachAct.objects.all(), existing)
    errors = Errors()
    site = _writable_site(user=agent, site_id=site_id, errors=errors)
    _check_day(day, site=site, path="day", errors=errors)
    place_term = _term("place", place, day=day, path="place", errors=errors)
    if not place:
        errors.add("place", _("Le lieu est obligatoire."))
    partner_term = _term("partner", partner, day=day, path="partner", errors=errors)
    _check_bound(bounds.PEOPLE_REACHED, people_reached, path="people_reached", errors=errors)
    errors.raise_if_any()
    act = OutreachAct.objects.create(
        site_id=site.id,
        agent=agent,
        day=day,
        place_id=place_term.id,
        partner_id=partner_term.id if partner_term else None,
        people_reached=people_reached,
    )
    delta = Delta()
    delta.outreach(act)
    delta.apply()
    _bind(user=agent, key=idempotency_key, object_id=act.pk)
    return Recorded(act, created=True)


@transaction.atomic
def workshop_record(
    *,
    agent,
    site_id: int | None,
    day: datetime.date,
    theme: str,
    title: str,
    participants: int,
    duration_minutes: int | None = None,
    idempotency_key: str | None = None,
) -> Recorded[Workshop]:
    fingerprint = _fingerprint(
        {
            "site": site_id,
            "day": day,
            "theme": theme,
            "title": title,
            "participants": participants,
            "duration": duration_minutes,
        }
    )
    existing = _claim(user=agent, key=idempotency_key, kind="workshop", fingerprint=fingerprint)
    if existing is not None:
        return _replayed(Workshop.objects.all(), existing)
    errors = Errors()
    site = _writable_site(user=agent, site_id=site_id, errors=errors)
    _check_day(day, site=site, path="day", errors=errors)
    theme_term = _term("theme", theme, day=day, path="theme", errors=errors)
    if not theme:
        errors.add("theme", _("Le thème est obligatoire."))
    title = (title or "").strip()
    if not title:
        errors.add("title", _("L'intitulé est obligatoire."))
    elif len(title) > 200:
        errors.add("title", _("L'intitulé dépasse 200 caractères."))
    _check_bound(bounds.PARTICIPANTS, participants, path="participants", errors=errors)
    _check_bound(bounds.WORKSHOP_MINUTES, duration_minutes, path="duration_minutes", errors=errors)
    errors.raise_if_any()
    workshop = Workshop.objects.create(
        site_id=site.id,
        agent=agent,
        day=day,
        theme_id=theme_term.id,
        title=title,
        participants=participants,
        duration_minutes=duration_minutes,
    )
    delta = Delta()
    delta.workshop(workshop)
    delta.apply()
    _bind(user=agent, key=idempotency_key, object_id=workshop.pk)
    return Recorded(workshop, created=True)


def _require_writable(*, user, site_id: int) -> None:
    """Deleting needs the right to record on the site: the same rule as the create."""
    if writable_site(user=user, site_id=site_id) is None:
        raise PermissionDenied(
            _("Seuls les agents et gestionnaires de ce point d'accueil peuvent le supprimer.")
        )


def _delete_counted(*, actor, obj: OutreachAct | Workshop, fields: tuple[str, ...]) -> None:
    """Delete an outreach act or a workshop: its contribution leaves the rollups (the Delta
    method named after its kind), the journal keeps its last values."""
    model = type(obj)
    obj = model.objects.select_for_update().get(pk=obj.pk)
    _require_writable(user=actor, site_id=obj.site_id)
    delta = Delta()
    contribution = delta.outreach if model is OutreachAct else delta.workshop
    contribution(obj, sign=-1)
    journal_deleted(actor=actor, obj=obj, fields=fields)
    obj.delete()
    delta.apply()


@transaction.atomic
def outreach_delete(*, actor, act: OutreachAct) -> None:
    _delete_counted(actor=actor, obj=act, fields=OUTREACH_FIELDS)


@transaction.atomic
def workshop_delete(*, actor, workshop: Workshop) -> None:
    _delete_counted(actor=actor, obj=workshop, fields=WORKSHOP_FIELDS)
