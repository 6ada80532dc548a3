"""The typed input of every write of the activity, whatever the door: the desk's forms, the API
and the import build these, the validator (`activity.validation`) checks them. Taxonomy values
are codes; nothing here is checked yet."""

import datetime
from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class RequestInput:
    """One request as typed at the desk or sent to the API (taxonomy codes). No help or
    outcome (None): the site's policy default applies, and the request records it was one."""

    theme: str
    partner: str | None = None
    help_kind: str | None = None
    outcome: str | None = None
    follow_up: bool = False
    # « réorienté vers »: a partner's code and/or a structure's name (never a person's)
    referral_partner: str | None = None
    referral_structure: str = ""


@dataclass(frozen=True)
class VisitInput:
    """A visit and its requests. A naive `occurred_at` is read in the site's time zone; None
    means now (a create) or unchanged (an update)."""

    requests: Sequence[RequestInput]
    occurred_at: datetime.datetime | None = None
    channel: str = "sur-site"
    age_band: str | None = None
    qpv_resident: bool | None = None
    first_visit: bool | None = None
    duration_minutes: int | None = None


@dataclass(frozen=True)
class OutreachInput:
    """An outreach act (médiation sortante)."""

    day: datetime.date
    place: str
    partner: str | None = None
    people_reached: int = 1


@dataclass(frozen=True)
class WorkshopInput:
    """A workshop (atelier collectif)."""

    day: datetime.date
    theme: str
    title: str
    participants: int
    duration_minutes: int | None = None
