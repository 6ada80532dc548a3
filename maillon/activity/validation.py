"""The one validator of the activity: a visit, an outreach act or a workshop as typed input
(`activity.inputs`) → the ids and values to store, or French messages keyed by field path
(`requests.1.theme`).

Pure: it writes nothing and reads the taxonomies from their per-process cache
(`activity.taxonomy`). The desk's forms and the API reach it through the services; the import
shares its day and term rules (`day_problem`, `term_problem`) and the bounds, and words its
reasons for its own report (line, column, value).
"""

import datetime
from dataclasses import dataclass, field
from typing import Any, Literal

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from maillon.activity import bounds, taxonomy
from maillon.activity.inputs import OutreachInput, VisitInput, WorkshopInput
from maillon.activity.models import MAX_STRUCTURE_LENGTH, Referral, Request

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

# Messages of rules almost never broken, translated only when written (`Errors.add`): a visit
# checked six of them per request, each a `gettext` call, for nothing.
THEME_REQUIRED = gettext_lazy("Le thème est obligatoire.")
HELP_REQUIRED = gettext_lazy(
    "L'aide apportée est obligatoire (le réseau n'a pas choisi d'aide par défaut)."
)
OUTCOME_REQUIRED = gettext_lazy(
    "L'issue est obligatoire (le réseau n'a pas choisi d'issue par défaut)."
)
CHANNEL_REQUIRED = gettext_lazy("Le canal est obligatoire.")

DayProblem = Literal["future", "before_opening", "late"]


@dataclass(frozen=True)
class RequestDefaults:
    """The help and the outcome a request gets when none is typed: the site's policy
    (`activity.policy.request_defaults`). None: the value is required."""

    help_kind_id: int | None = None
    outcome_id: int | None = None


class Errors:
    """Collects French messages by field path, raised together as one ValidationError."""

    def __init__(self) -> None:
        self.messages: dict[str, list[str]] = {}

    def add(self, path: str, message: str | Promise) -> None:
        """`message`, translated now if it is lazy (the messages stay plain strings)."""
        self.messages.setdefault(path, []).append(str(message))

    def raise_if_any(self) -> None:
        if self.messages:
            raise ValidationError(self.messages)


def day_problem(
    day: datetime.date, *, today: datetime.date, late_entry_days: int | None = None
) -> DayProblem | None:
    """Why `day` cannot be a day of activity: in the future, before EARLIEST_DAY, or (when a
    late-entry window is given) more than `late_entry_days` days before `today`.

    The late-entry rule of the desk and the API (`activity.policy.late_entry_allowed`: an agent
    within the policy's window, a manager beyond it) and of the import (run by an operator:
    no window) is this one function."""
    if day > today:
        return "future"
    if day < bounds.EARLIEST_DAY:
        return "before_opening"
    if late_entry_days is not None and (today - day).days > late_entry_days:
        return "late"
    return None


def term_problem(term: Any, day: datetime.date | None) -> Literal["unknown", "expired"] | None:
    """Why a taxonomy term (or None: not found) cannot be used on `day`."""
    if term is None:
        return "unknown"
    if day is not None and not term.is_valid_on(day):
        return "expired"
    return None


def _day_message(problem: DayProblem) -> str:
    if problem == "future":
        return _("La date est dans le futur.")
    if problem == "late":
        return late_entry_message()
    return _("La date est antérieure à l'ouverture du point d'accueil.")


def late_entry_message(days: int | None = None) -> str:
    """Why a date is too far in the past for this user (the policy's window in days)."""
    if days is None:
        return _(
            "La date dépasse le délai de saisie a posteriori : demandez à un responsable du "
            "point d'accueil de saisir ce passage."
        )
    return _(
        "La date dépasse le délai de saisie a posteriori (%(days)d jours) : demandez à un "
        "responsable du point d'accueil de saisir ce passage."
    ) % {"days": days}


def term(name: str, code: str | None, *, day, errors: Errors, path: str | None = None):
    """The term of vocabulary `name` with `code`, valid on `day`; None (with a message at `path`,
    by default the vocabulary's name, unless the code is empty) otherwise."""
    path = path or name
    if code in (None, ""):
        return None
    found = taxonomy.term_by_code(name, str(code))
    problem = term_problem(found, day)
    if problem == "unknown":
        errors.add(
            path, _("%(label)s inconnu(e) : « %(code)s ».") % {"label": LABELS[name], "code": code}
        )
        return None
    if problem == "expired" and found is not None:  # found: always, when expired
        errors.add(
            path,
            _("%(label)s « %(term)s » n'est pas valable le %(day)s.")
            % {"label": LABELS[name], "term": found.label, "day": day.strftime("%d/%m/%Y")},
        )
        return None
    return found


def required_term(
    name: str,
    code: str | None,
    message: str | Promise,
    *,
    day,
    errors: Errors,
    path: str | None = None,
):
    """`term`, and `message` when the code is empty."""
    found = term(name, code, day=day, path=path, errors=errors)
    if not code:
        errors.add(path or name, message)
    return found


def check_bound(bound: bounds.Bound, value: int | None, *, path: str, errors: Errors) -> None:
    if (message := bound.error(value)) is not None:
        errors.add(path, message)


def check_day(day: datetime.date, *, zone: datetime.tzinfo | None, path: str, errors: Errors):
    if (problem := day_problem(day, today=timezone.localdate(timezone=zone))) is not None:
        errors.add(path, _day_message(problem))


def moment_day(
    occurred_at: datetime.datetime, zone: datetime.tzinfo, *, path: str, errors: Errors
) -> datetime.date | None:
    """The local day of an aware moment, or None with a French message when the moment is in
    the future or before EARLIEST_DAY. Compared before converting: a moment near year 1 or
    9999 (`0001-01-01T00:00:00+14:00`) overflows when moved to another time zone."""
    if occurred_at > timezone.now() + bounds.CLOCK_SKEW:
        errors.add(path, _day_message("future"))
        return None
    if occurred_at < datetime.datetime.combine(bounds.EARLIEST_DAY, datetime.time(), tzinfo=zone):
        errors.add(path, _day_message("before_opening"))
        return None
    return occurred_at.astimezone(zone).date()


@dataclass(frozen=True)
class ValidVisit:
    """A checked visit: the Visit's fields (`occurred_at`, `day`, the taxonomy ids, the
    duration) and its requests as unsaved rows."""

    fields: dict[str, Any]
    requests: list[Request]
    # the « réorienté vers » targets, unsaved, by the position of their request
    referrals: dict[int, Referral] = field(default_factory=dict)


def _defaulted(
    code: str | None,
    found,
    default_id: int | None,
    message: str | Promise,
    *,
    path: str,
    errors: Errors,
) -> tuple[int | None, bool]:
    """(term id, defaulted): the typed term's, or the policy's default when nothing is typed
    (`message` at `path` when there is no default either)."""
    if code:
        return (found.id if found else None), False
    if default_id is None:
        errors.add(path, message)
    return default_id, True


# The outcome whose target a request may name (`Referral`): « réorienté vers ».
REDIRECTED = "reoriente"


def _referral(item, outcome_id: int, *, day, prefix: str, errors: Errors) -> Referral | None:
    """The « réorienté vers » target of a request (a partner, a structure's name, or both), when
    one is given: only with that outcome; the name collapsed, 80 characters at most."""
    structure = " ".join((item.referral_structure or "").split())
    if not (item.referral_partner or structure):
        return None
    redirected = taxonomy.term_by_code("outcome", REDIRECTED)
    if redirected is None or outcome_id != redirected.id:
        errors.add(
            prefix + "referral.partner",
            _(
                "La structure ou le partenaire vers qui réorienter va avec l'issue "
                "« Réorienté vers »."
            ),
        )
        return None
    if len(structure) > MAX_STRUCTURE_LENGTH:
        errors.add(
            prefix + "referral.structure",
            _("Le nom de la structure dépasse %(max)d caractères.") % {"max": MAX_STRUCTURE_LENGTH},
        )
    partner = term(
        "partner", item.referral_partner, day=day, path=prefix + "referral.partner", errors=errors
    )
    return Referral(partner_id=partner.id if partner else None, structure=structure)


def _request_row(
    i: int, item, *, day, errors: Errors, defaults: RequestDefaults, referrals: dict
) -> Request | None:
    prefix = f"requests.{i}."
    partner = term("partner", item.partner, day=day, path=prefix + "partner", errors=errors)
    theme = required_term(
        "theme",
        item.theme,
        THEME_REQUIRED,
        day=day,
        path=prefix + "theme",
        errors=errors,
    )
    help_kind = term("help_kind", item.help_kind, day=day, path=prefix + "help_kind", errors=errors)
    outcome = term("outcome", item.outcome, day=day, path=prefix + "outcome", errors=errors)
    help_kind_id, help_defaulted = _defaulted(
        item.help_kind,
        help_kind,
        defaults.help_kind_id,
        HELP_REQUIRED,
        path=prefix + "help_kind",
        errors=errors,
    )
    outcome_id, outcome_defaulted = _defaulted(
        item.outcome,
        outcome,
        defaults.outcome_id,
        OUTCOME_REQUIRED,
        path=prefix + "outcome",
        errors=errors,
    )
    if not (theme and help_kind_id and outcome_id):
        return None
    if (target := _referral(item, outcome_id, day=day, prefix=prefix, errors=errors)) is not None:
        referrals[i] = target
    return Request(
        position=i,
        partner_id=partner.id if partner else None,
        theme_id=theme.id,
        help_kind_id=help_kind_id,
        outcome_id=outcome_id,
        follow_up=bool(item.follow_up),
        help_defaulted=help_defaulted,
        outcome_defaulted=outcome_defaulted,
    )


def validate_visit(
    visit: VisitInput,
    *,
    zone: datetime.tzinfo,
    default_moment: datetime.datetime,
    errors: Errors,
    defaults: RequestDefaults | None = None,
) -> ValidVisit:
    """Check a visit on a site of time zone `zone`; its messages go to `errors` (the caller
    raises them, together with its own, e.g. the site's). A request without help or outcome
    gets `defaults` (marked as defaulted), or a message when there is none."""
    defaults = defaults or RequestDefaults()
    occurred_at = visit.occurred_at or default_moment
    if timezone.is_naive(occurred_at):
        occurred_at = timezone.make_aware(occurred_at, zone)
    day = moment_day(occurred_at, zone, path="occurred_at", errors=errors)
    channel = required_term("channel", visit.channel, CHANNEL_REQUIRED, day=day, errors=errors)
    age_band = term("age_band", visit.age_band, day=day, errors=errors)
    check_bound(
        bounds.VISIT_MINUTES, visit.duration_minutes, path="duration_minutes", errors=errors
    )
    if not visit.requests:
        errors.add("requests", _("Un passage comporte au moins une demande."))
    else:
        check_bound(bounds.REQUESTS, len(visit.requests), path="requests", errors=errors)
    referrals: dict[int, Referral] = {}
    rows = [
        _request_row(i, item, day=day, errors=errors, defaults=defaults, referrals=referrals)
        for i, item in enumerate(visit.requests)
    ]
    fields = {
        "occurred_at": occurred_at,
        "day": day,
        "channel_id": channel.id if channel else None,
        "age_band_id": age_band.id if age_band else None,
        "duration_minutes": visit.duration_minutes,
    }
    return ValidVisit(fields, [row for row in rows if row is not None], referrals)


def _dated_term(day: datetime.date, name: str, code: str, message: str, *, zone, errors: Errors):
    """An outreach act's or a workshop's day, and its required term on that day."""
    check_day(day, zone=zone, path="day", errors=errors)
    return required_term(name, code, message, day=day, errors=errors)


def validate_outreach(
    data: OutreachInput, *, zone: datetime.tzinfo | None, errors: Errors
) -> dict[str, Any]:
    """An outreach act's fields to store (taxonomy ids), or messages in `errors`."""
    message = _("Le lieu est obligatoire.")
    place = _dated_term(data.day, "place", data.place, message, zone=zone, errors=errors)
    partner = term("partner", data.partner, day=data.day, errors=errors)
    check_bound(bounds.PEOPLE_REACHED, data.people_reached, path="people_reached", errors=errors)
    return {
        "day": data.day,
        "place_id": place.id if place else None,
        "partner_id": partner.id if partner else None,
        "people_reached": data.people_reached,
    }


def validate_workshop(
    data: WorkshopInput, *, zone: datetime.tzinfo | None, errors: Errors
) -> dict[str, Any]:
    """A workshop's fields to store (taxonomy ids, the title stripped), or messages in `errors`."""
    message = _("Le thème est obligatoire.")
    theme = _dated_term(data.day, "theme", data.theme, message, zone=zone, errors=errors)
    title = (data.title or "").strip()
    if not title:
        errors.add("title", _("L'intitulé est obligatoire."))
    elif len(title) > bounds.MAX_TITLE_LENGTH:
        errors.add(
            "title",
            _("L'intitulé dépasse %(max)d caractères.") % {"max": bounds.MAX_TITLE_LENGTH},
        )
    check_bound(bounds.PARTICIPANTS, data.participants, path="participants", errors=errors)
    check_bound(
        bounds.WORKSHOP_MINUTES, data.duration_minutes, path="duration_minutes", errors=errors
    )
    return {
        "day": data.day,
        "theme_id": theme.id if theme else None,
        "title": title,
        "participants": data.participants,
        "duration_minutes": data.duration_minutes,
    }
