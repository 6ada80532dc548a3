"""Deterministic, realistic activity for the demo and the benchmarks.

Calibrated on the PIMMS key figures of the press releases (the declared figures of
`maillon/orchestration/data/pimms/figures.csv`):
- 2018: 1,829,881 requests and 943,000 people for 66 points → per site and year about
  27,700 requests and 14,300 visits (1.94 request per visit);
- 968 workshops for 18,000 people → about 15 workshops of 19 participants per site and year;
- 2019: 1,252,766 outreach acts for 1,784,739 requests → people reached by outreach ≈ 0.70 × the
  requests (one outreach act row reaches several people: `people_reached`).
Weekday and seasonal patterns (a quiet August, busy Mondays and Septembers), and partner and
theme mixes typical of a PIMMS (CAF, CPAM, energy and transport operators…). Every site gets its
own random stream seeded by `seed` and the site's id: the same command gives the same rows.
"""

import calendar
import datetime
import random
from bisect import bisect
from collections import deque
from collections.abc import Callable, Iterable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import NamedTuple

from django.db import connection, connections, transaction
from django.utils import timezone

from maillon.accounts.models import User
from maillon.activity import taxonomy
from maillon.activity.exchange import BatchWriter, VisitRow, copy_available
from maillon.activity.models import OutreachAct, Visit, Workshop
from maillon.activity.rollups import Delta
from maillon.activity.rollups_copy import copy_rows, delta_apply_copy
from maillon.network.models import Site
from maillon.network.selectors import site_timezone

VISITS_PER_YEAR = 14_300
REQUESTS_PER_YEAR = 27_700
WORKSHOPS_PER_YEAR = 15
PARTICIPANTS_PER_WORKSHOP = 19
OUTREACH_PEOPLE_PER_REQUEST = 0.70

WEEKDAY = (1.15, 1.05, 0.95, 1.0, 0.85, 0.0, 0.0)  # Monday … Sunday
MONTH = (1.1, 1.0, 1.05, 1.0, 0.95, 1.0, 0.85, 0.55, 1.15, 1.1, 1.05, 0.9)
REQUESTS_PER_VISIT = ((1, 0.38), (2, 0.36), (3, 0.19), (4, 0.07))  # mean 1.95
CHANNELS = (
    ("sur-site", 62),
    ("telephone", 20),
    ("hors-les-murs", 5),
    ("chez-partenaire", 4),
    ("transports", 3),
    ("domicile", 3),
    ("a-distance", 3),
)
PARTNERS = (
    ("caf", 16, ("famille", "social-sante", "logement")),
    ("cpam", 14, ("social-sante",)),
    ("cnav", 7, ("social-sante", "travail")),
    ("msa", 2, ("social-sante", "famille")),
    ("france-travail", 10, ("travail",)),
    ("dgfip", 9, ("argent-impots",)),
    ("france-titres", 8, ("papiers", "transports")),
    ("justice", 1, ("justice",)),
    ("la-poste", 4, ("argent-impots", "papiers")),
    ("france-renov", 1, ("logement",)),
    ("maprimeadapt", 0.5, ("logement",)),
    ("cheque-energie", 2, ("energie-eau",)),
    ("edf", 6, ("energie-eau",)),
    ("engie", 3, ("energie-eau",)),
    ("enedis", 1, ("energie-eau",)),
    ("sncf", 3, ("transports",)),
    ("keolis", 1.5, ("transports",)),
    ("transdev", 1.5, ("transports",)),
    ("veolia", 2, ("energie-eau",)),
    ("suez", 1, ("energie-eau",)),
    ("bailleurs-sociaux", 3, ("logement",)),
    (None, 5, ("numerique", "etrangers", "loisirs", "associations", "papiers")),
)
HELP = (
    ("information", 35),
    ("orientation", 15),
    ("accompagnement", 35),
    ("mise-en-relation", 10),
    ("mediation", 5),
)
OUTCOMES = (("resolu", 70), ("a-revoir", 20), ("reoriente", 10))
AGE_BANDS = (
    (None, 15),
    ("moins-18", 2),
    ("18-24", 9),
    ("25-39", 24),
    ("40-59", 27),
    ("60-69", 12),
    ("70-plus", 8),
    ("non-communique", 3),
)
PLACES = (("transports", 45), ("domicile", 15), ("espace-public", 25), ("chez-partenaire", 15))
WORKSHOP_TITLES = {
    "numerique": ("Créer et utiliser sa boîte mail", "Découvrir FranceConnect", "Ameli en ligne"),
    "argent-impots": ("Déclarer ses revenus en ligne", "Comprendre sa facture"),
    "energie-eau": ("Économiser l'énergie à la maison", "Lire ses factures d'eau"),
    "famille": ("Mon compte CAF pas à pas",),
    "transports": ("Se déplacer en bus et en train",),
}


@dataclass
class Weighted:
    values: list
    cumulative: list[float]

    @classmethod
    def of(cls, pairs: Iterable[tuple]) -> "Weighted":
        values, cumulative, total = [], [], 0.0
        for value, weight, *_ in pairs:
            total += weight
            values.append(value)
            cumulative.append(total)
        return cls(values, cumulative)

    def pick(self, rng: random.Random):
        """What `rng.choices(values, cum_weights=cumulative)[0]` returns (the same draw from
        the same stream), without its per-call set-up: it runs ~10 times per request."""
        cumulative = self.cumulative
        return self.values[
            bisect(cumulative, rng.random() * cumulative[-1], 0, len(cumulative) - 1)
        ]


def _ids(name: str) -> dict[str, int]:
    return {t.code: t.id for t in taxonomy.vocabularies()[name].terms}


def _optional_id(ids: dict[str, int], code: str | None) -> int | None:
    """The id of a term that may be absent (no partner, no age band)."""
    return None if code is None else ids[code]


@dataclass
class GenerationReport:
    sites: int = 0
    skipped_sites: int = 0
    visits: int = 0
    requests: int = 0
    outreach_acts: int = 0
    workshops: int = 0


def _days(start: datetime.date, end: datetime.date) -> Iterable[datetime.date]:
    day = start
    while day <= end:
        yield day
        day += datetime.timedelta(days=1)


def _expected_visits_per_day(scale: float) -> float:
    """Mean visits on a weekday of factor 1 in a month of factor 1, so a year ≈ the target."""
    year = datetime.date(2025, 1, 1)
    weight = sum(
        WEEKDAY[d.weekday()] * MONTH[d.month - 1] for d in _days(year, datetime.date(2025, 12, 31))
    )
    return VISITS_PER_YEAR * scale / weight


def period(months: int, *, end: datetime.date | None = None) -> tuple[datetime.date, datetime.date]:
    """The `months` whole months up to yesterday (the desk's today stays empty)."""
    end = end or timezone.localdate() - datetime.timedelta(days=1)
    year, month = end.year, end.month - months
    while month <= 0:
        month += 12
        year -= 1
    day = min(end.day, calendar.monthrange(year, month)[1])
    return datetime.date(year, month, day) + datetime.timedelta(days=1), end


@dataclass
class _Mix:
    """The weighted choices and the term ids of a generation (built once)."""

    agent_id: int
    per_day: float
    scale: float
    channels: Weighted = field(default_factory=lambda: Weighted.of(CHANNELS))
    partners: Weighted = field(default_factory=lambda: Weighted.of(PARTNERS))
    help_kinds: Weighted = field(default_factory=lambda: Weighted.of(HELP))
    outcomes: Weighted = field(default_factory=lambda: Weighted.of(OUTCOMES))
    ages: Weighted = field(default_factory=lambda: Weighted.of(AGE_BANDS))
    places: Weighted = field(default_factory=lambda: Weighted.of(PLACES))
    sizes: Weighted = field(default_factory=lambda: Weighted.of(REQUESTS_PER_VISIT))
    partner_themes: dict = field(default_factory=lambda: {c: t for c, _w, t in PARTNERS})
    ids: dict[str, dict[str, int]] = field(
        default_factory=lambda: {
            name: _ids(name)
            for name in ("channel", "theme", "help_kind", "outcome", "age_band", "place", "partner")
        }
    )
    partner_terms: dict = field(default_factory=lambda: taxonomy.vocabulary("partner").by_code)

    def partner(self, rng: random.Random, day: datetime.date, share: float = 1.0) -> str | None:
        """A partner valid on `day` (None: no partner), or None with probability 1 - share."""
        code = self.partners.pick(rng) if share == 1.0 or rng.random() < share else None
        while code and not self.partner_terms[code].is_valid_on(day):
            code = self.partners.pick(rng)
        return code


class _Outreach(NamedTuple):
    """An outreach act as plain values (COPY), with the attributes `Delta.outreach` reads."""

    site_id: int
    agent_id: int
    day: datetime.date
    place_id: int
    partner_id: int | None
    people_reached: int


OUTREACH_COLUMNS = _Outreach._fields


@dataclass
class _SiteRows:
    """The rows generated for one site, before they are written, and their rollups: the
    generator knows every row it makes, so it aggregates them as it goes (`Delta`) instead
    of asking the database to aggregate them again after writing them."""

    site: Site
    visits: list[VisitRow] = field(default_factory=list)
    outreach: list[_Outreach] = field(default_factory=list)
    workshops: list[Workshop] = field(default_factory=list)
    requests: int = 0
    delta: Delta = field(default_factory=Delta)


def activity_generate(
    *,
    sites: list[Site],
    agent: User,
    months: int = 12,
    scale: float = 1.0,
    seed: int = 2020,
    end: datetime.date | None = None,
    skip_filled: bool = True,
    use_copy: bool | None = None,
    on_site: Callable[[Site, int], None] | None = None,
    pipeline: bool = False,
    check_keys: bool = False,
) -> GenerationReport:
    """Generate visits, requests, outreach acts and workshops for `sites` over `months`.

    Each site is one transaction. With `pipeline` (PostgreSQL; the CLI's default), a thread
    with its own connection writes a site while the next one is generated: Python and
    PostgreSQL then work at the same time, on two cores (not inside a transaction, e.g. a
    test's: that thread could not see its rows). On PostgreSQL, when the role may, the foreign
    keys are not checked again at each commit (`check_keys` to check them)."""
    start, end = period(months, end=end)
    report = GenerationReport()
    mix = _Mix(agent_id=agent.pk, per_day=_expected_visits_per_day(scale), scale=scale)
    copy = copy_available() if use_copy is None else use_copy
    trusted = copy and not check_keys and _superuser()
    pending: deque[tuple[_SiteRows, Future | None]] = deque()
    # SQLite has one writer at a time; inside a transaction the thread would not see its rows
    pipeline = pipeline and connection.vendor == "postgresql" and not connection.in_atomic_block
    writing = ThreadPoolExecutor(1, thread_name_prefix="generator") if pipeline else None

    def done(rows: _SiteRows, future: Future | None) -> None:
        if future is not None:
            future.result()  # an error in the writing thread stops the generation here
        report.sites += 1
        report.visits += len(rows.visits)
        report.requests += rows.requests
        report.outreach_acts += len(rows.outreach)
        report.workshops += len(rows.workshops)
        if on_site:
            on_site(rows.site, rows.requests)

    try:
        for site in sites:
            if (
                skip_filled
                and Visit.objects.filter(site=site, day__gte=start, day__lte=end).exists()
            ):
                report.skipped_sites += 1
                continue
            rows = _site_rows(site, mix, start, end, seed)
            if writing is None:
                _site_write(rows, agent_id=agent.pk, use_copy=copy, trusted_keys=trusted)
                done(rows, None)
                continue
            future = writing.submit(
                _site_write, rows, agent_id=agent.pk, use_copy=copy, trusted_keys=trusted
            )
            pending.append((rows, future))
            while len(pending) > 1:  # one site written while the next is generated
                done(*pending.popleft())
        while pending:
            done(*pending.popleft())
    finally:
        if writing is not None:
            writing.submit(connections.close_all).result()
            writing.shutdown()
    return report


def _superuser() -> bool:
    """Whether the database role may skip the foreign key triggers (a superuser)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
        row = cursor.fetchone()
    return bool(row and row[0])


def _site_write(rows: _SiteRows, *, agent_id: int, use_copy: bool, trusted_keys: bool) -> None:
    """Write the rows of one site and their rollups (aggregated in memory), in one
    transaction: everything by COPY on PostgreSQL, `executemany` and upserts elsewhere."""
    writer = BatchWriter(
        agent_id=agent_id,
        use_copy=use_copy,
        open_follow_ups=False,  # the demo opens recent ones (generators.followups)
        add_rollups=False,  # rows.delta holds them
    )
    with transaction.atomic():
        if connection.vendor == "postgresql":
            # generated data: losing the last few ms of it in a crash is harmless, and not
            # waiting for each commit to reach the disk doubles the pace on a slow disk
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL synchronous_commit = off")
                if trusted_keys:
                    # every key written was just read from this database (terms, site, agent)
                    # or drawn from its sequence (visits): the foreign key triggers, ~60 % of
                    # PostgreSQL's work here, are skipped, as pg_restore --disable-triggers does
                    cursor.execute("SET LOCAL session_replication_role = replica")
        for start in range(0, len(rows.visits), 5_000):
            writer.write(rows.visits[start : start + 5_000])
        if use_copy:
            with connection.cursor() as cursor:
                copy_rows(
                    cursor,
                    OutreachAct._meta.db_table,
                    (*OUTREACH_COLUMNS, "created_at"),
                    [(*act, writer.now) for act in rows.outreach],
                )
        else:
            OutreachAct.objects.bulk_create(
                [OutreachAct(**act._asdict()) for act in rows.outreach], batch_size=5_000
            )
        Workshop.objects.bulk_create(rows.workshops)
        if use_copy:
            delta_apply_copy(rows.delta)
        else:
            rows.delta.apply()
        if trusted_keys:  # the rest of an enclosing transaction checks its keys again
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL session_replication_role = origin")


def _site_rows(
    site: Site, mix: _Mix, start: datetime.date, end: datetime.date, seed: int
) -> _SiteRows:
    """The rows of one site (Python only: no query), from its own random stream."""
    rng = random.Random(f"{seed}:{site.fs_id or site.pk}")  # noqa: S311 — demo data
    zone = site_timezone(site)
    site_factor = rng.uniform(0.8, 1.2)
    rows = _SiteRows(site)
    ids, delta = mix.ids, rows.delta
    for day in _days(start, end):
        mean = mix.per_day * site_factor * WEEKDAY[day.weekday()] * MONTH[day.month - 1]
        if mean == 0:
            continue
        n_visits = max(0, round(rng.gauss(mean, mean**0.5)))
        day_requests = 0
        for _ in range(n_visits):
            minute = rng.randrange(8 * 60 + 30, 17 * 60 + 30)
            occurred = datetime.datetime(
                day.year, day.month, day.day, minute // 60, minute % 60, tzinfo=zone
            )
            visit = VisitRow(
                key="",
                line=0,
                site_id=site.pk,
                day=day,
                occurred_at=occurred,
                channel_id=ids["channel"][mix.channels.pick(rng)],
                age_band_id=_optional_id(ids["age_band"], mix.ages.pick(rng)),
                qpv_resident=rng.random() < 0.3 if rng.random() < 0.85 else None,
                first_visit=rng.random() < 0.35,
                duration_minutes=rng.randrange(5, 46),
            )
            for _r in range(mix.sizes.pick(rng)):
                code = mix.partner(rng, day)
                theme = rng.choice(mix.partner_themes[code])
                outcome = mix.outcomes.pick(rng)
                visit.requests.append(
                    (
                        _optional_id(ids["partner"], code),
                        ids["theme"][theme],
                        ids["help_kind"][mix.help_kinds.pick(rng)],
                        ids["outcome"][outcome],
                        outcome == "a-revoir" and rng.random() < 0.8,
                        False,  # help and outcome drawn, not defaulted
                        False,
                    )
                )
            day_requests += len(visit.requests)
            rows.visits.append(visit)
            delta.raw_visit(
                site.pk,
                day,
                visit.channel_id,
                visit.age_band_id,
                visit.first_visit,
                visit.qpv_resident,
                visit.duration_minutes,
                visit.requests,
            )
        rows.requests += day_requests
        people = round(day_requests * OUTREACH_PEOPLE_PER_REQUEST)
        while people > 0:
            reached = min(people, rng.randint(1, 12))
            people -= reached
            act = _Outreach(
                site.pk,
                mix.agent_id,
                day,
                ids["place"][mix.places.pick(rng)],
                _optional_id(ids["partner"], mix.partner(rng, day, share=0.5)),
                reached,
            )
            rows.outreach.append(act)
            delta.outreach(act)
        if rng.random() < WORKSHOPS_PER_YEAR * mix.scale / 250 * WEEKDAY[day.weekday()]:
            theme = rng.choice(list(WORKSHOP_TITLES))
            workshop = Workshop(
                site_id=site.pk,
                agent_id=mix.agent_id,
                day=day,
                theme_id=ids["theme"][theme],
                title=rng.choice(WORKSHOP_TITLES[theme]),
                participants=max(3, round(rng.gauss(PARTICIPANTS_PER_WORKSHOP, 5))),
                duration_minutes=rng.choice((60, 90, 120)),
            )
            rows.workshops.append(workshop)
            delta.workshop(workshop)
    return rows
