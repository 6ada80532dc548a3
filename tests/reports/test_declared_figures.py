import datetime
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from maillon.orchestration.importers.pimms import pimms_network_import
from maillon.reports.models import DeclaredFigure, FigureScope


@pytest.mark.django_db
def test_the_carrier_split_is_stored_as_parts_of_its_total():
    pimms_network_import()
    total = DeclaredFigure.objects.get(reference="pimms-fs-national-automne-2020")
    assert total.value == Decimal(856)
    assert (total.period_start, total.period_end, total.precision) == (
        datetime.date(2020, 9, 22),
        datetime.date(2020, 12, 20),
        "range",
    )
    assert sorted(p.value for p in total.parts.all()) == [11, 19, 131, 154, 544]
    assert sum(p.value for p in total.parts.all()) == 859
    assert list(DeclaredFigure.objects.totals()) == [total]
    january = DeclaredFigure.objects.get(
        indicator="fs_sites", scope_type=FigureScope.PROGRAMME, period_start="2020-01-01"
    )
    assert january.value == 460 and "460 maisons" in january.quote


@pytest.mark.django_db
def test_a_period_cannot_end_before_it_starts():
    with pytest.raises(IntegrityError), transaction.atomic():
        DeclaredFigure.objects.create(
            indicator="requests",
            label="x",
            value=1,
            scope_type=FigureScope.NETWORK,
            period_start=datetime.date(2019, 1, 1),
            period_end=datetime.date(2018, 1, 1),
            source="x",
        )
