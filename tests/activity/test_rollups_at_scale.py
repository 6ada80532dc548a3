"""Rollups at national scale: what a batch aggregation reads, and a comparison in chunks.

Nothing here is timed: the plan and the streaming are checked, the figures are in the docs."""

import datetime

import pytest
import time_machine
from django.db import connection, transaction
from django.db.models import F

from maillon.activity import rollups
from maillon.activity.exchange import import_agent
from maillon.activity.models import (
    OutreachAct,
    Request,
    RequestDailyRollup,
    RequestMonthlyRollup,
    Visit,
    VisitDailyRollup,
    VisitMonthlyRollup,
    Workshop,
)
from maillon.activity.rollups import (
    VISIT_SPECS,
    Batch,
    batch_upsert_sql,
    rollups_add_batch,
    rollups_add_visits,
)
from maillon.activity.rollups_verify import rollups_compare, rollups_recompute
from maillon.orchestration.generators.activity import activity_generate
from tests.activity.factories import seed_reference_data
from tests.factories import SiteFactory

pytestmark = pytest.mark.django_db

NOON = datetime.datetime(2026, 3, 10, 11, 0, tzinfo=datetime.UTC)
FACTS = {"activity_visit", "activity_request"}
VISIT_ROLLUPS = (VisitDailyRollup, RequestDailyRollup, VisitMonthlyRollup, RequestMonthlyRollup)
_POSTGRESQL = pytest.mark.postgresql


def _generate(fs_id: str, *, months: int = 2) -> None:
    site = SiteFactory(fs_id=fs_id)
    activity_generate(sites=[site], agent=import_agent(), months=months, scale=0.05, seed=5)


def _nodes(plan: dict):
    yield plan
    for child in plan.get("Plans", []):
        yield from _nodes(child)


@pytest.mark.postgresql
@time_machine.travel(NOON, tick=False)
def test_a_batch_aggregation_reads_only_the_batch_by_index_on_both_fact_tables():
    """EXPLAIN of each rollup upsert for a batch of visits (contiguous ids, and ids interleaved
    with another writer's), with `SET LOCAL enable_seqscan = off`: the honest way to ask the
    planner what it does on fact tables too big to scan without filling them in a test. A
    statement whose only way is a full read (requests joined with no predicate of their own)
    would still show a Seq Scan, or an index scan without an Index Cond; a subquery per visit
    shows as a SubPlan (its plan flips to a Seq Scan per visit on stale statistics: quadratic)."""
    _generate("9998", months=1)
    ids = list(Visit.objects.order_by("pk").values_list("pk", flat=True))
    assert len(ids) > 20
    last_ten = [ids[-10], ids[-1]]
    batches = (
        Batch("v.id BETWEEN %s AND %s", last_ten, "r.visit_id BETWEEN %s AND %s", last_ten),
        Batch("v.id = ANY(%s)", [ids[::3]], "r.visit_id = ANY(%s)", [ids[::3]]),
    )
    for batch in batches:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SET LOCAL enable_seqscan = off")
            for spec in VISIT_SPECS:
                sql, params = batch_upsert_sql(spec, batch)
                cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}", params)
                nodes = list(_nodes(cursor.fetchone()[0][0]["Plan"]))
                assert not [n for n in nodes if n.get("Parent Relationship") == "SubPlan"]
                for node in nodes:
                    relation, kind = node.get("Relation Name"), node["Node Type"]
                    if relation in FACTS:
                        assert kind != "Seq Scan", (spec.table, relation)
                    if kind in ("Index Scan", "Index Only Scan", "Bitmap Index Scan"):
                        assert "Index Cond" in node, (spec.table, node.get("Index Name"))


@time_machine.travel(NOON, tick=False)
@pytest.mark.parametrize(
    "split",
    [
        pytest.param(lambda ids: [ids[:7], ids[7:]], id="contiguous"),
        # ids drawn between a concurrent writer's (PostgreSQL sequence): the `= ANY` path
        pytest.param(lambda ids: [ids[::2], ids[1::2]], id="interleaved", marks=_POSTGRESQL),
    ],
)
def test_visits_added_by_batches_give_the_rollups_of_the_facts(split):
    _generate("9996", months=1)
    ids = list(Visit.objects.order_by("pk").values_list("pk", flat=True))
    for model in VISIT_ROLLUPS:
        model.objects.all().delete()
    assert rollups_compare()[2] > 0
    for batch in split(ids):
        rollups_add_visits(batch)
    assert rollups_compare()[2] == 0


@pytest.mark.postgresql
@time_machine.travel(NOON, tick=False)
@pytest.mark.parametrize("conflict", [False, True], ids=["update-insert", "fallback"])
def test_a_bulk_batch_gives_the_rollups_of_the_facts(conflict, monkeypatch):
    """The set-based import's path (`bulk`): keys present updated, absent ones inserted; and,
    when the INSERT meets a key inserted meanwhile (simulated: an INSERT without its NOT EXISTS
    on keys the first batch wrote), the savepoint is rolled back and the batch upserted."""
    _generate("9995", months=1)
    ids = list(Visit.objects.order_by("pk").values_list("pk", flat=True))
    for model in VISIT_ROLLUPS:
        model.objects.all().delete()
    half = len(ids) // 2
    bulk_sql, upsert_sql, upserts = rollups.bulk_sql, rollups.batch_upsert_sql, []

    def insert_all(spec):
        return (bulk_sql(spec)[1].split(" WHERE NOT")[0],)

    def upsert(spec, batch):
        upserts.append(spec)
        return upsert_sql(spec, batch)

    monkeypatch.setattr(rollups, "batch_upsert_sql", upsert)
    for number, (low, high) in enumerate(((ids[0], ids[half - 1]), (ids[half], ids[-1]))):
        if conflict and number == 1:
            monkeypatch.setattr(rollups, "bulk_sql", insert_all)
        between = [low, high]
        with transaction.atomic():
            rollups_add_batch(
                Batch("v.id BETWEEN %s AND %s", between, "r.visit_id BETWEEN %s AND %s", between),
                bulk=True,
            )
    # the monthly rollups share keys between the halves: those fell back to the upsert
    assert bool(upserts) == conflict
    assert rollups_compare()[2] == 0


@time_machine.travel(NOON, tick=False)
def test_compare_streams_in_chunks_smaller_than_the_data_and_finds_every_difference():
    _generate("9997")
    counts, differences, total = rollups_compare(chunk_size=3)
    assert (differences, total) == ([], 0)
    assert counts == rollups_compare()[0]
    assert counts[VisitDailyRollup._meta.db_table] > 3 * 10

    # a row wrong, a row missing, a row too many: wherever they fall in the chunks
    keys = ("site_id", "day", "channel_id", "age_band_id")
    first = VisitDailyRollup.objects.order_by(*keys).first()
    VisitDailyRollup.objects.filter(pk=first.pk).update(visits=F("visits") + 1)
    last = RequestMonthlyRollup.objects.order_by("-site_id", "-month", "-partner_id").first()
    last.delete()
    VisitDailyRollup.objects.create(
        site_id=first.site_id, day=datetime.date(2020, 1, 1), channel_id=1, age_band_id=0, visits=1
    )
    counts, differences, total = rollups_compare(chunk_size=2, limit=2)
    assert total == 3
    assert len(differences) == 2
    changed = next(d for d in differences if d.expected[0] == first.visits)
    assert changed.stored[0] == first.visits + 1
    assert changed.key[1] == first.day.isoformat()


@pytest.mark.postgresql
@pytest.mark.django_db(transaction=True)  # the writing thread has its own connection
@time_machine.travel(NOON, tick=False)
def test_the_pipelined_generator_writes_the_same_rows_as_the_sequential_one():
    seed_reference_data()  # a transactional test starts from empty tables
    sites = [SiteFactory(fs_id=f"998{i}") for i in range(3)]
    options = {"agent": import_agent(), "months": 1, "scale": 0.05, "seed": 5}
    seen: list[int] = []

    def generate(pipeline: bool):
        report = activity_generate(
            sites=sites, pipeline=pipeline, on_site=lambda site, n: seen.append(site.pk), **options
        )
        assert rollups_compare()[2] == 0
        rows = Request.objects.values_list("visit__site_id", "visit__day", "theme_id", "partner_id")
        return report, sorted(rows, key=str)

    others_before = _other_connections()  # e.g. a live server's thread of an earlier test
    pipelined = generate(True)
    assert seen == [site.pk for site in sites]  # reported in order, once written
    assert _other_connections() == others_before  # the writing thread closed its connection
    for model in (Request, Visit, OutreachAct, Workshop):
        model.objects.all().delete()
    rollups_recompute()
    assert generate(False) == pipelined
    assert pipelined[0].requests == len(pipelined[1]) > 0


def _other_connections() -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
            " AND pid <> pg_backend_pid()"
        )
        return cursor.fetchone()[0]


@pytest.mark.postgresql
@time_machine.travel(NOON, tick=False)
def test_adding_to_an_existing_rollup_row_is_a_hot_update():
    """The rollup tables keep free space in their pages (migration 0013, fillfactor 70): adding
    to an existing key writes no index entry (a HOT update), where full pages made every such
    update write one in each of the table's three indexes."""
    _generate("9997", months=1)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT reloptions FROM pg_class WHERE relname = %s", [VisitDailyRollup._meta.db_table]
        )
        assert "fillfactor=70" in cursor.fetchone()[0]
        with transaction.atomic():
            sql, params = batch_upsert_sql(
                VISIT_SPECS[0], Batch("v.id > %s", [0], "r.visit_id > %s", [0])
            )
            cursor.execute(sql, params)  # every key exists: every row takes the conflict path
            cursor.execute(
                "SELECT n_tup_upd, n_tup_hot_upd FROM pg_stat_xact_user_tables WHERE relname = %s",
                [VisitDailyRollup._meta.db_table],
            )
            updated, hot = cursor.fetchone()
            transaction.set_rollback(True)
    assert updated > 0
    assert hot > 0
