"""The desk write path: one statement on PostgreSQL, one per table elsewhere — same rows, same
rollups, same idempotency."""

import datetime
import threading

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import connection
from psycopg._queries import MAX_CACHED_STATEMENT_LENGTH

from maillon.activity import taxonomy
from maillon.activity.models import (
    ActivityPolicy,
    FollowUp,
    IdempotencyKey,
    OutreachDailyRollup,
    OutreachMonthlyRollup,
    Request,
    RequestDailyRollup,
    RequestMonthlyRollup,
    Visit,
    VisitDailyRollup,
    VisitMonthlyRollup,
    WorkshopDailyRollup,
)
from maillon.activity.rollups_verify import rollups_compare
from maillon.activity.services import RequestInput, VisitInput, visit_input_record, visit_record
from maillon.journal.models import JournalEntry
from maillon.network.models import NetworkMembership
from tests.activity.factories import seed_reference_data, two_requests
from tests.factories import NetworkFactory, SiteFactory, agent_of

NOON = datetime.datetime(2026, 3, 10, 11, 0, tzinfo=datetime.UTC)
# two requests with the same rollup key (summed before the upsert), one without partner
REQUESTS = [
    RequestInput(partner="caf", theme="famille"),
    RequestInput(partner="caf", theme="famille", follow_up=True),
    RequestInput(theme="numerique", help_kind="accompagnement", outcome="a-revoir"),
]


def stored(visit: Visit) -> tuple:
    visit = Visit.objects.get(pk=visit.pk)
    requests = Request.objects.filter(visit=visit).order_by("position")
    return (
        visit.site_id,
        visit.agent_id,
        visit.occurred_at,
        visit.day,
        visit.channel_id,
        visit.age_band_id,
        visit.qpv_resident,
        visit.first_visit,
        visit.duration_minutes,
        [
            (r.position, r.partner_id, r.theme_id, r.help_kind_id, r.outcome_id, r.follow_up)
            for r in requests
        ],
    )


@pytest.mark.django_db
@time_machine.travel(NOON, tick=False)
@pytest.mark.parametrize("single", [True, False], ids=["single-statement", "one-per-table"])
def test_both_paths_store_the_same_visit_rollups_and_keys(settings, single):
    settings.ACTIVITY_SINGLE_STATEMENT = single
    site = SiteFactory()
    agent = agent_of(site)
    kwargs = {
        "agent": agent,
        "site_id": site.pk,
        "requests": REQUESTS,
        "occurred_at": NOON - datetime.timedelta(hours=1),
        "age_band": "60-69",
        "qpv_resident": True,
        "first_visit": False,
        "duration_minutes": 25,
    }
    first = visit_record(**kwargs, idempotency_key="k1")
    assert first.created
    assert [r.theme_id for r in first.object.requests.all()] == [
        r.theme_id for r in Request.objects.filter(visit=first.object).order_by("position")
    ]
    row = stored(first.object)
    assert row[:4] == (site.pk, agent.pk, NOON - datetime.timedelta(hours=1), NOON.date())
    assert row[6:9] == (True, False, 25)
    assert [r[0] for r in row[9]] == [0, 1, 2]
    assert [r[1] is None for r in row[9]] == [False, False, True]
    again = visit_record(**kwargs, idempotency_key="k1")
    assert not again.created and again.object.pk == first.object.pk
    assert stored(again.object) == stored(first.object)
    visit_record(**kwargs)  # no key: a second visit
    assert Visit.objects.count() == 2
    assert IdempotencyKey.objects.get(key="k1").object_id == first.object.pk
    monthly = VisitMonthlyRollup.objects.get()
    assert (monthly.visits, monthly.requests, monthly.minutes) == (2, 6, 50)
    assert rollups_compare()[2] == 0
    with pytest.raises(ValidationError) as error:
        visit_record(**{**kwargs, "duration_minutes": 30}, idempotency_key="k1")
    assert "idempotency_key" in error.value.message_dict
    agent.memberships.update(is_active=False)  # the agent left: a retry still answers
    late = visit_record(**kwargs, idempotency_key="k1")
    assert late.object.pk == first.object.pk and not late.created
    with pytest.raises(ValidationError) as error:
        visit_record(**kwargs, idempotency_key="k2")
    assert "site" in error.value.message_dict
    assert Visit.objects.count() == 2
    assert rollups_compare()[2] == 0


@pytest.mark.postgresql
@pytest.mark.django_db
@time_machine.travel(NOON, tick=False)
def test_a_visit_is_two_queries_on_postgresql(django_assert_num_queries):
    site = SiteFactory()
    agent = agent_of(site)
    taxonomy.vocabularies()  # read once a minute per process, not per visit
    # no request « à revoir »: the desk's usual visit (one to review opens a follow-up too)
    requests = [RequestInput(partner="caf", theme="famille"), RequestInput(theme="logement")]
    with django_assert_num_queries(2) as queries:  # the site in the agent's scope, one statement
        visit_record(agent=agent, site_id=site.pk, requests=requests, idempotency_key="a")
    assert queries.captured_queries[1]["sql"].startswith("WITH new_visit")  # logged, prepared
    assert rollups_compare()[2] == 0
    with django_assert_num_queries(2):  # a request « à revoir »: its follow-up in the statement
        visit_record(agent=agent, site_id=site.pk, requests=two_requests(), idempotency_key="b")
    assert FollowUp.objects.count() == 1 and rollups_compare()[2] == 0


@pytest.mark.postgresql
@pytest.mark.django_db
@time_machine.travel(NOON, tick=False)
def test_a_visit_to_review_opens_its_follow_up_in_the_same_statement(django_assert_num_queries):
    """The network's delay is read with the site (its policy), the follow-up is one more CTE of
    the visit's statement: still two statements, no transaction, and the due date is the
    policy's; a retry with the same key opens nothing more; the rollups stay exact."""
    site = SiteFactory()
    network = NetworkFactory()
    NetworkMembership.objects.create(network=network, organisation=site.organisation)
    ActivityPolicy.objects.create(network=network, follow_up_days=3)
    agent = agent_of(site)
    taxonomy.vocabularies()
    requests = [
        RequestInput(partner="caf", theme="famille", help_kind="information", outcome="a-revoir"),
        RequestInput(theme="logement", help_kind="information", outcome="resolu"),
        RequestInput(
            partner="cpam", theme="social-sante", help_kind="accompagnement", outcome="a-revoir"
        ),
    ]
    with django_assert_num_queries(2) as queries:
        first = visit_record(agent=agent, site_id=site.pk, requests=requests, idempotency_key="a")
    statement = queries.captured_queries[1]["sql"]
    assert statement.startswith("WITH new_visit") and "follow_ups AS (INSERT" in statement
    # longer, psycopg would parse its text again at every call instead of caching it
    assert len(statement.encode()) <= MAX_CACHED_STATEMENT_LENGTH
    opened = FollowUp.objects.filter(request__visit=first.object).order_by("request__position")
    assert [(f.request.position, f.due_on, f.site_id) for f in opened] == [
        (0, NOON.date() + datetime.timedelta(days=3), site.pk),
        (2, NOON.date() + datetime.timedelta(days=3), site.pk),
    ]
    again = visit_record(agent=agent, site_id=site.pk, requests=requests, idempotency_key="a")
    assert again.object.pk == first.object.pk and not again.created
    assert FollowUp.objects.count() == 2
    assert rollups_compare()[2] == 0


@pytest.mark.postgresql
@pytest.mark.django_db(transaction=True)
def test_concurrent_retries_with_one_key_store_one_visit():
    seed_reference_data()
    site = SiteFactory()
    agent = agent_of(site)
    results, failures = [], []
    barrier = threading.Barrier(6)

    def send() -> None:
        try:
            barrier.wait()
            result = visit_record(
                agent=agent, site_id=site.pk, requests=two_requests(), idempotency_key="same"
            )
            results.append((result.object.pk, result.created))
        except Exception as exc:  # noqa: BLE001 - reported by the assertion below
            failures.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=send) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not failures
    assert len({pk for pk, _created in results}) == 1
    assert sum(created for _pk, created in results) == 1
    assert Visit.objects.count() == 1
    assert rollups_compare()[2] == 0


# Every table a new visit writes, each row as plain values: taxonomy ids as codes, the site and
# the agent by name, the visit by its rank among the visits written (ids differ between runs).
ROLLUPS = (VisitDailyRollup, RequestDailyRollup, VisitMonthlyRollup, RequestMonthlyRollup)
ROLLUPS += (OutreachDailyRollup, OutreachMonthlyRollup, WorkshopDailyRollup)
DIMENSIONS = {"partner_id": "partner", "theme_id": "theme", "channel_id": "channel"}
DIMENSIONS |= {"age_band_id": "age_band", "help_kind_id": "help_kind", "outcome_id": "outcome"}


def everything_written(site, agent) -> dict:
    """The rows of every table a visit write touches, independent of ids and of the database."""
    rank = {pk: i for i, pk in enumerate(Visit.objects.order_by("pk").values_list("pk", flat=True))}

    def plain(name: str, value):
        if value in (None, 0) and name in DIMENSIONS:
            return None
        if name in DIMENSIONS:
            return taxonomy.term_by_id(DIMENSIONS[name], value).code
        if name == "site_id":
            return "site" if value == site.pk else value
        if name in ("agent_id", "user_id"):
            return "agent" if value == agent.pk else value
        if name == "fingerprint":  # of a body naming the site: its form, not its value
            return "sha-256" if len(value) == 64 else value
        if name in ("visit_id", "object_id"):
            return rank.get(value, value)
        return value

    def rows(model, exclude=("id",)) -> list[tuple]:
        names = [f.attname for f in model._meta.concrete_fields if f.attname not in exclude]
        return sorted(
            (tuple(plain(n, getattr(row, n)) for n in names) for row in model.objects.all()),
            key=repr,
        )

    written = {model.__name__: rows(model) for model in ROLLUPS}
    written["Visit"] = rows(Visit)
    written["Request"] = rows(Request)
    written["IdempotencyKey"] = rows(IdempotencyKey)
    written["JournalEntry"] = rows(JournalEntry)
    written["FollowUp"] = sorted(
        (rank[f.request.visit_id], f.request.position, plain("site_id", f.site_id), f.due_on)
        + (f.reference, f.closed_on, f.final_outcome_id, f.closed_by_id, f.created_at)
        for f in FollowUp.objects.select_related("request")
    )
    return written


def _clear() -> None:
    """Empty what a visit write fills (the journal is append-only: a visit write adds nothing
    to it, and it is compared as it is)."""
    for model in (Request, Visit, IdempotencyKey, *ROLLUPS):
        model.objects.all().delete()


@pytest.mark.django_db
@time_machine.travel(NOON, tick=False)
def test_the_write_entry_point_stores_identical_rows_on_both_paths(settings):
    """The same input through the fast path (PostgreSQL: one statement) and the portable path
    (one statement per table) stores identical facts, requests, keys, rollups and journal; on
    SQLite only the portable path exists and must store the rows the fast path stores on
    PostgreSQL (EXPECTED, the same on both databases)."""
    site = SiteFactory()
    agent = agent_of(site)
    visits = [
        VisitInput(
            requests=REQUESTS,
            occurred_at=NOON - datetime.timedelta(hours=1),
            age_band="60-69",
            qpv_resident=True,
            first_visit=False,
            duration_minutes=25,
        ),
        VisitInput(requests=REQUESTS[2:], channel="telephone"),
    ]
    results = {}
    for single in (True, False):
        settings.ACTIVITY_SINGLE_STATEMENT = single
        for i, data in enumerate(visits):
            visit_input_record(agent=agent, site_id=site.pk, data=data, idempotency_key=f"k{i}")
        visit_input_record(agent=agent, site_id=site.pk, data=visits[0], idempotency_key="k0")
        results[single] = everything_written(site, agent)
        assert rollups_compare()[2] == 0
        _clear()
    fast = "fast" if connection.vendor == "postgresql" else "portable"
    assert results[True] == results[False], f"{fast} path and portable path differ"
    assert results[False] == EXPECTED


AT, DAY, MONTH = NOON - datetime.timedelta(hours=1), NOON.date(), NOON.date().replace(day=1)
# The two visits of the test above as `everything_written` shows them (columns in model order).
EXPECTED = {
    "Visit": [
        ("site", "agent", AT, DAY, "sur-site", "60-69", True, False, 25, NOON, NOON, None),
        ("site", "agent", NOON, DAY, "telephone", None, None, None, None, NOON, NOON, None),
    ],
    "Request": [
        # help and outcome typed by nobody: the policy's defaults, recorded as such
        (0, 0, "caf", "famille", "information", "resolu", False, True, True),
        (0, 1, "caf", "famille", "information", "resolu", True, True, True),
        (0, 2, None, "numerique", "accompagnement", "a-revoir", False, False, False),
        (1, 0, None, "numerique", "accompagnement", "a-revoir", False, False, False),
    ],
    "IdempotencyKey": [
        ("agent", "k0", "visit", "sha-256", 0, NOON),
        ("agent", "k1", "visit", "sha-256", 1, NOON),
    ],
    "JournalEntry": [],
    # the « à revoir » requests, due after the fallback policy's 7 days
    "FollowUp": [
        (0, 2, "site", DAY + datetime.timedelta(days=7), "", None, None, None, NOON),
        (1, 0, "site", DAY + datetime.timedelta(days=7), "", None, None, None, NOON),
    ],
    "VisitDailyRollup": [
        ("site", DAY, "sur-site", "60-69", 1, 0, 1, 25),
        ("site", DAY, "telephone", None, 1, 0, 0, 0),
    ],
    "RequestDailyRollup": [
        ("site", DAY, "caf", "famille", "sur-site", "information", "resolu", 2, 1, 2),
        ("site", DAY, None, "numerique", "sur-site", "accompagnement", "a-revoir", 1, 0, 0),
        ("site", DAY, None, "numerique", "telephone", "accompagnement", "a-revoir", 1, 0, 0),
    ],
    "VisitMonthlyRollup": [
        ("site", MONTH, "sur-site", 1, 3, 0, 1, 25),
        ("site", MONTH, "telephone", 1, 1, 0, 0, 0),
    ],
    "RequestMonthlyRollup": [
        ("site", MONTH, "caf", "famille", "sur-site", 2, 1, 2),
        ("site", MONTH, None, "numerique", "sur-site", 1, 0, 0),
        ("site", MONTH, None, "numerique", "telephone", 1, 0, 0),
    ],
    "OutreachDailyRollup": [],
    "OutreachMonthlyRollup": [],
    "WorkshopDailyRollup": [],
}
