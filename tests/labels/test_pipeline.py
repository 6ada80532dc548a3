"""The pipeline selector reproduces the seeds: who was labelled on 1 January and on
14 October 2020, in how many départements, and which wave brought them."""

import datetime

import pytest

from maillon.labels.coverage import coverage_table
from maillon.labels.enums import PipelineState
from maillon.labels.models import LabelSettings, Wave
from maillon.labels.pipeline import add_months, label_pipeline
from maillon.network.models import Site

D = datetime.date


def _pipeline(pimms, day, **filters):
    return label_pipeline(sites=Site.objects.in_network(pimms), network=pimms, day=day, **filters)


def test_33_labelled_on_1_january_2020_over_20_departements(pimms):
    pipeline = _pipeline(pimms, D(2020, 1, 1), state=PipelineState.LABELLED)
    assert pipeline.labelled == 33
    assert len(pipeline.rows) == 33
    assert pipeline.departments == 20
    assert {row.labelled_since for row in pipeline.rows} == {D(2020, 1, 1)}


def test_53_labelled_on_14_october_2020_of_which_13_from_the_september_wave(pimms):
    pipeline = _pipeline(pimms, D(2020, 10, 14))
    assert pipeline.labelled == 53
    assert pipeline.counts[PipelineState.LABELLED] == 53
    september = Wave.objects.get(date=D(2020, 9, 30))
    new = _pipeline(pimms, D(2020, 10, 14), wave=september.pk)
    assert len(new.rows) == 13
    assert all(row.labelled_since == D(2020, 9, 1) for row in new.rows)
    assert {row.wave for row in new.rows} == {september.name}


def test_filters_by_department_and_region(pimms):
    loire = _pipeline(pimms, D(2020, 10, 14), department="42")
    assert {row.site.commune.department_id for row in loire.rows} == {"42"}
    assert len(loire.rows) == 3
    ara = _pipeline(pimms, D(2020, 10, 14), region="84")
    assert len(ara.rows) > len(loire.rows)


def test_renewal_due_follows_the_network_settings(pimms):
    day = D(2022, 11, 1)
    assert _pipeline(pimms, day).counts[PipelineState.RENEWAL_DUE] == 33  # 36 months by default
    LabelSettings.objects.create(
        network=pimms,
        programme_id=Wave.objects.first().programme_id,
        renewal_months=60,
        warning_days=30,
    )
    later = _pipeline(pimms, day)
    assert later.counts[PipelineState.RENEWAL_DUE] == 0
    assert later.rows[0].due_on is not None and later.rows[0].due_on.year in (2025,)


def test_one_query_plan_whatever_the_number_of_sites(pimms, django_assert_num_queries):
    with django_assert_num_queries(4):
        pipeline = _pipeline(pimms, D(2020, 10, 14))
    assert len(pipeline.rows) == Site.objects.in_network(pimms).count()


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [(D(2020, 1, 1), 36, D(2023, 1, 1)), (D(2020, 8, 31), 1, D(2020, 9, 30))],
    ids=["three-years", "shorter-month"],
)
def test_add_months(day, months, expected):
    assert add_months(day, months) == expected


def test_coverage_of_each_seed_date(pimms):
    sites = Site.objects.in_network(pimms)
    jan = coverage_table(programme="france-services", day=D(2020, 1, 1), sites=sites)
    assert jan.total.sites == 33
    assert sum(len(r.departments) for r in jan.regions) == 20
    autumn = coverage_table(
        programme="france-services", day=D(2020, 10, 14), since=D(2020, 2, 1), sites=sites
    )
    assert (autumn.total.sites, autumn.total.new) == (53, 13)
    # official cantons (COG) of the sites' communes; a big city's cantons count once each
    assert (jan.total.cantons_covered, jan.total.cantons_total) == (30, 443)
    assert (autumn.total.cantons_covered, autumn.total.cantons_new) == (39, 5)
