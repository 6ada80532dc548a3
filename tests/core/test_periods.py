""" "Valid on a day": one rule, in the database (`PeriodQuerySet.valid_on`) and in memory
(`covers`), inclusive bounds, an empty bound open."""

import datetime

import pytest

from maillon.core.periods import covers
from maillon.network.hours import DEFAULT_TIMEZONE, site_zone
from maillon.network.models import Partner

DAY = datetime.date(2026, 3, 10)
BEFORE, AFTER = DAY - datetime.timedelta(days=1), DAY + datetime.timedelta(days=1)
PERIODS = [
    (None, None),
    (DAY, None),
    (None, DAY),
    (DAY, DAY),
    (AFTER, None),
    (None, BEFORE),
    (BEFORE, AFTER),
]


@pytest.mark.parametrize(("start", "end"), PERIODS)
def test_covers_is_inclusive_and_open_ended(start, end):
    expected = (start is None or start <= DAY) and (end is None or end >= DAY)
    assert covers(DAY, start=start, end=end) is expected


@pytest.mark.django_db
def test_the_queryset_and_the_predicate_agree():
    partners = [
        Partner.objects.create(
            code=f"p{i}", name=f"P{i}", kind="local", valid_from=s, valid_until=e
        )
        for i, (s, e) in enumerate(PERIODS)
    ]
    in_memory = {p.pk for p in partners if covers(DAY, start=p.valid_from, end=p.valid_until)}
    in_database = set(
        Partner.objects.filter(pk__in=[p.pk for p in partners])
        .valid_on(DAY)
        .values_list("pk", flat=True)
    )
    assert in_database == in_memory and len(in_memory) == 5


def test_a_site_without_a_region_is_in_metropolitan_time():
    assert site_zone(None) == site_zone("") == DEFAULT_TIMEZONE
    assert site_zone("America/Cayenne").key == "America/Cayenne"
