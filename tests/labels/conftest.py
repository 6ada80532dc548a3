import datetime

import pytest

from maillon.network.models import Network
from maillon.orchestration.importers.pimms import pimms_network_import

JAN_2020 = datetime.date(2020, 1, 1)
AUTUMN_2020 = datetime.date(2020, 9, 30)
FEB_2020 = datetime.date(2020, 2, 1)


@pytest.fixture
def pimms(db) -> Network:
    """The curated PIMMS dataset loaded on the official geography (no ANCT list needed)."""
    pimms_network_import()
    return Network.objects.get(slug="pimms")
