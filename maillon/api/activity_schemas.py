"""The schemas of the activity API's outreach acts, workshops and taxonomies, and the helpers
shared with the visits' (`maillon.api.activity`): codes in, codes out."""

import datetime

from ninja import Field, Schema

from maillon.activity import bounds, taxonomy
from maillon.api.schemas import Id


def _documented(bound: bounds.Bound, default=...):
    """A field whose bound is shown in the OpenAPI document (`minimum`/`maximum`) but checked
    by the service, like the desk's and the import's: one rule, one French message."""
    return Field(default, json_schema_extra={"minimum": bound.low, "maximum": bound.high})


def _code(name: str, pk: int | None) -> str | None:
    if pk is None:
        return None
    term = taxonomy.term_by_id(name, pk)
    return term.code if term else None


def _required_code(name: str, pk: int) -> str:
    """The code of a term a fact must have (a protected foreign key: it exists)."""
    term = taxonomy.term_by_id(name, pk)
    if term is None:
        raise LookupError(f"{name} {pk}: no such term")
    return term.code


class OutreachIn(Schema):
    site_id: Id
    day: datetime.date
    place: str
    partner: str | None = None
    people_reached: int = _documented(bounds.PEOPLE_REACHED, 1)


class OutreachOut(Schema):
    id: int
    site_id: int
    day: datetime.date
    place: str
    partner: str | None
    people_reached: int

    @staticmethod
    def resolve_place(obj) -> str:
        return _required_code("place", obj.place_id)

    @staticmethod
    def resolve_partner(obj) -> str | None:
        return _code("partner", obj.partner_id)


class OutreachPage(Schema):
    items: list[OutreachOut]
    next_cursor: str | None = None


class WorkshopIn(Schema):
    site_id: Id
    day: datetime.date
    theme: str
    title: str
    participants: int = _documented(bounds.PARTICIPANTS)
    duration_minutes: int | None = _documented(bounds.WORKSHOP_MINUTES, None)


class WorkshopOut(Schema):
    id: int
    site_id: int
    day: datetime.date
    theme: str
    title: str
    participants: int
    duration_minutes: int | None

    @staticmethod
    def resolve_theme(obj) -> str:
        return _required_code("theme", obj.theme_id)


class WorkshopPage(Schema):
    items: list[WorkshopOut]
    next_cursor: str | None = None


class TermOut(Schema):
    code: str
    label: str
    valid_from: datetime.date | None
    valid_until: datetime.date | None
