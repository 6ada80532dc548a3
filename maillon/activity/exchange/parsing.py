"""Checking and converting the rows of an activity file: codes or labels to ids, dates, sites."""

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone

from maillon.activity import bounds, taxonomy
from maillon.activity.exchange.reading import COLUMNS
from maillon.activity.policy import request_defaults_by_site
from maillon.activity.validation import RequestDefaults, day_problem, term_problem
from maillon.core.importing import Problem
from maillon.core.text import fold
from maillon.network.models import Site
from maillon.network.selectors import site_timezone

NOON = datetime.time(12, 0)  # the time of a visit whose hour is not given


# The import's wording of the validator's reasons (its report: line, column, value, reason).
_DAY_REASONS = {
    "future": "la date est dans le futur",
    "before_opening": "la date est antérieure à l'ouverture du point d'accueil",
    "late": "la date dépasse le délai de saisie a posteriori",  # no window: an operator imports
}
_TERM_REASONS = {
    "unknown": lambda day: "valeur inconnue",
    "expired": lambda day: f"n'est pas valable le {day.strftime('%d/%m/%Y')}",
}


# The reasons of the `passage` column (a visit's rows, as the file groups them).
KEY_MISSING = "identifiant de passage obligatoire"
KEY_NOT_CONSECUTIVE = "les lignes d'un même passage doivent se suivre"
KEY_OTHER_VISIT = "ce passage a déjà une autre date, heure, point d'accueil ou canal"

# An empty `aide` or `issue` takes the default of the site's network (`ActivityPolicy`); a network
# that chose none makes the column required, as at the desk.
NO_DEFAULT = {
    "aide": "aide obligatoire : le réseau du point d'accueil n'a pas choisi d'aide par défaut",
    "issue": "issue obligatoire : le réseau du point d'accueil n'a pas choisi d'issue par défaut",
}


class _Rejected(Exception):
    def __init__(self, problem: Problem):
        self.problem = problem


class _Lookups:
    """Codes and labels → terms; sites; dates. Built once per import."""

    def __init__(self) -> None:
        vocab = taxonomy.vocabularies(refresh=True)
        self.terms = {name: self._index(v.terms) for name, v in vocab.items()}
        self.sites: dict[str, int] = {}
        self.zones: dict[int, datetime.tzinfo] = {}
        organisation_of: dict[int, int | None] = {}
        for site in Site.objects.select_related("commune__region").only(
            "pk", "fs_id", "organisation_id", "commune__timezone", "commune__region__timezone"
        ):
            self.sites[str(site.pk)] = site.pk
            if site.fs_id:
                self.sites[f"fs:{site.fs_id}"] = site.pk
            self.zones[site.pk] = site_timezone(site)
            organisation_of[site.pk] = site.organisation_id
        # the help and outcome of an empty `aide` / `issue`, per site (its network's policy)
        self.defaults: dict[int, RequestDefaults] = request_defaults_by_site(organisation_of)
        self.dates: dict[str, datetime.date | None] = {}
        self.today = timezone.localdate()

    @staticmethod
    def _index(terms) -> dict[str, Any]:
        index = {}
        for term in terms:
            index[fold(term.label)] = term
            index[term.code] = term
        return index

    def term(self, name: str, value: str, line: int, column: str, *, day):
        term = self.terms[name].get(value) or self.terms[name].get(fold(value))
        if (problem := term_problem(term, day)) is not None:
            raise _Rejected(Problem(line, column, value, _TERM_REASONS[problem](day)))
        assert term is not None  # term_problem answers "unknown" for None
        return term.id

    def day(self, value: str, line: int) -> datetime.date:
        if value not in self.dates:
            self.dates[value] = _parse_day(value)
        day = self.dates[value]
        if day is None:
            raise _Rejected(
                Problem(line, "date", value, "date illisible (AAAA-MM-JJ ou JJ/MM/AAAA)")
            )
        if (problem := day_problem(day, today=self.today)) is not None:
            raise _Rejected(Problem(line, "date", value, _DAY_REASONS[problem]))
        return day


def _parse_day(value: str) -> datetime.date | None:
    try:
        if len(value) == 10 and value[4] == "-":
            return datetime.date(int(value[:4]), int(value[5:7]), int(value[8:10]))
        if len(value) == 10 and value[2] == "/":
            return datetime.date(int(value[6:]), int(value[3:5]), int(value[:2]))
    except ValueError:
        return None
    return None


_YES = {"oui": True, "o": True, "1": True, "vrai": True, "true": True, "yes": True}
_NO = {"non": False, "n": False, "0": False, "faux": False, "false": False, "no": False}


def _tristate(value: str, line: int, column: str) -> bool | None:
    if not value:
        return None
    key = value.lower()
    if key in _YES:
        return True
    if key in _NO:
        return False
    raise _Rejected(Problem(line, column, value, "attendu : oui, non ou vide"))


def _time(value: str, line: int) -> datetime.time:
    if not value:
        return NOON
    try:
        hours, minutes = value.split(":")[:2]
        return datetime.time(int(hours), int(minutes))
    except ValueError:
        raise _Rejected(Problem(line, "heure", value, "heure illisible (HH:MM)")) from None


def _duration(value: str, line: int) -> int | None:
    try:
        return bounds.VISIT_MINUTES.parse(value)
    except ValueError as error:
        raise _Rejected(Problem(line, "duree", value, str(error))) from None


def add_request(visit: "VisitRow", request: tuple, line: int) -> None:
    """Append a request row to its visit, within the bound of requests per visit."""
    if (message := bounds.REQUESTS.error(len(visit.requests) + 1)) is not None:
        raise _Rejected(Problem(line, "passage", visit.key, message))
    visit.requests.append(request)


@dataclass
class VisitRow:
    key: str
    line: int
    site_id: int
    day: datetime.date
    occurred_at: datetime.datetime
    channel_id: int
    age_band_id: int | None
    qpv_resident: bool | None
    first_visit: bool | None
    duration_minutes: int | None
    # (partner, theme, help, outcome, follow-up, help defaulted, outcome defaulted)
    requests: list[tuple] = field(default_factory=list)
    source: list[tuple[int, dict[str, str]]] = field(default_factory=list)
    raw: tuple[str, ...] = ()  # the visit's columns as read (`visit_columns`)


# the file's columns of the visit itself: after the `passage` key, before the request's
VISIT_COLUMNS = COLUMNS[COLUMNS.index("point_accueil") : COLUMNS.index("duree") + 1]


def visit_columns(row: dict[str, str]) -> tuple[str, ...]:
    """The visit-level cells of a row: the next rows of a visit usually repeat them verbatim, and
    then they need not be checked again (same text, same checks, same result)."""
    return tuple(row.get(column, "") for column in VISIT_COLUMNS)


def _parse_visit(line: int, row: dict[str, str], lookups: _Lookups) -> VisitRow:
    site_id = lookups.sites.get(row.get("point_accueil", ""))
    if site_id is None:
        raise _Rejected(
            Problem(line, "point_accueil", row.get("point_accueil", ""), "point d'accueil inconnu")
        )
    day = lookups.day(row.get("date", ""), line)
    moment = datetime.datetime.combine(day, _time(row.get("heure", ""), line)).replace(
        tzinfo=lookups.zones[site_id]
    )
    age = row.get("tranche_age", "")
    return VisitRow(
        key=row.get("passage", ""),
        line=line,
        site_id=site_id,
        day=day,
        occurred_at=moment,
        channel_id=lookups.term("channel", row.get("canal", ""), line, "canal", day=day),
        age_band_id=lookups.term("age_band", age, line, "tranche_age", day=day) if age else None,
        qpv_resident=_tristate(row.get("qpv", ""), line, "qpv"),
        first_visit=_tristate(row.get("premiere_visite", ""), line, "premiere_visite"),
        duration_minutes=_duration(row.get("duree", ""), line),
    )


def _parse_request(line: int, row: dict[str, str], visit: VisitRow, lookups: _Lookups) -> tuple:
    """(partner, theme, help, outcome, follow-up, help defaulted, outcome defaulted)."""
    day = visit.day
    partner = row.get("partenaire", "")
    if not row.get("theme"):
        raise _Rejected(Problem(line, "theme", "", "le thème est obligatoire"))
    partner_id = lookups.term("partner", partner, line, "partenaire", day=day) if partner else None
    theme_id = lookups.term("theme", row["theme"], line, "theme", day=day)
    defaults = lookups.defaults[visit.site_id]
    help_kind_id = _defaulted(
        "help_kind", "aide", row, defaults.help_kind_id, line, lookups, day=day
    )
    outcome_id = _defaulted("outcome", "issue", row, defaults.outcome_id, line, lookups, day=day)
    return (
        partner_id,
        theme_id,
        help_kind_id,
        outcome_id,
        bool(_tristate(row.get("suite", ""), line, "suite")),
        not row.get("aide"),
        not row.get("issue"),
    )


def _defaulted(
    name: str, column: str, row: dict[str, str], default_id: int | None, line: int, lookups, *, day
) -> int:
    """The term of `column`, or the site's default when the cell is empty (none: rejected)."""
    if value := row.get(column, ""):
        return lookups.term(name, value, line, column, day=day)
    if default_id is None:
        raise _Rejected(Problem(line, column, "", NO_DEFAULT[column]))
    return default_id


def _same_visit(a: VisitRow, b: VisitRow) -> bool:
    return (a.site_id, a.day, a.occurred_at, a.channel_id) == (
        b.site_id,
        b.day,
        b.occurred_at,
        b.channel_id,
    )
