"""An in-process cache of the taxonomies and partners, looked up by code, id or shortcut.

The desk records a visit in a handful of queries: the taxonomies (a few dozen rows) are read at
most once a minute per process, and again at once when a code is not found (a value the network
head just added). Validity dates are checked against the day of the activity.
"""

import datetime
import threading
import time
from dataclasses import dataclass, field

from django.db.models import Case, When

from maillon.activity.models import (
    AgeBand,
    Channel,
    HelpKind,
    Outcome,
    OutreachPlace,
    Taxonomy,
    Theme,
)
from maillon.core.periods import covers
from maillon.network.enums import PartnerKind
from maillon.network.models import Partner

TTL_SECONDS = 60.0


@dataclass(frozen=True)
class Term:
    id: int
    code: str
    label: str
    shortcut: str
    valid_from: datetime.date | None
    valid_until: datetime.date | None

    def is_valid_on(self, day: datetime.date) -> bool:
        return covers(day, start=self.valid_from, end=self.valid_until)


@dataclass
class Vocabulary:
    terms: list[Term]
    by_code: dict[str, Term] = field(default_factory=dict)
    by_id: dict[int, Term] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.by_code = {t.code: t for t in self.terms}
        self.by_id = {t.id: t for t in self.terms}

    def valid_on(self, day: datetime.date) -> list[Term]:
        return [t for t in self.terms if t.is_valid_on(day)]


MODELS: dict[str, type[Taxonomy]] = {
    "channel": Channel,
    "theme": Theme,
    "help_kind": HelpKind,
    "outcome": Outcome,
    "place": OutreachPlace,
    "age_band": AgeBand,
}

_lock = threading.Lock()
_cache: dict[str, Vocabulary] = {}
_loaded_at = 0.0


def _load() -> dict[str, Vocabulary]:
    loaded = {}
    for name, model in MODELS.items():
        rows = model.objects.order_by("position", "label").values_list(
            "id", "code", "label", "shortcut", "valid_from", "valid_until"
        )
        loaded[name] = Vocabulary([Term(*row) for row in rows])
    national_first = Case(When(kind=PartnerKind.NATIONAL_OPERATOR, then=0), default=1)
    partners = Partner.objects.order_by(national_first, "name").values_list(
        "id", "code", "short_name", "name", "valid_from", "valid_until"
    )
    loaded["partner"] = Vocabulary(
        [
            Term(pk, code, short or name, "", valid_from, valid_until)
            for pk, code, short, name, valid_from, valid_until in partners
        ]
    )
    return loaded


def vocabularies(*, refresh: bool = False) -> dict[str, Vocabulary]:
    global _cache, _loaded_at
    with _lock:
        if refresh or not _cache or time.monotonic() - _loaded_at > TTL_SECONDS:
            _cache = _load()
            _loaded_at = time.monotonic()
        return _cache


def vocabulary(name: str) -> Vocabulary:
    return vocabularies()[name]


def term_by_code(name: str, code: str) -> Term | None:
    term = vocabularies()[name].by_code.get(code)
    if term is None:
        term = vocabularies(refresh=True)[name].by_code.get(code)
    return term


def term_by_id(name: str, pk: int) -> Term | None:
    term = vocabularies()[name].by_id.get(pk)
    if term is None:
        term = vocabularies(refresh=True)[name].by_id.get(pk)
    return term


def cache_clear() -> None:
    global _cache
    with _lock:
        _cache = {}
