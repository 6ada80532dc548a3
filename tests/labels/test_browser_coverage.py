"""In a real browser, the network head's coverage map: one circle per département with
labelled sites, each a focus stop named by its figures, whose popup Enter opens; the table stays
under the map; axe-core finds nothing and the page reflows at 320 px."""

import re

import pytest

from maillon.accounts.enums import Role
from maillon.geo.services import geo_import
from maillon.labels.enums import FRANCE_SERVICES
from maillon.labels.models import LabelProgramme
from maillon.network.models import Network
from maillon.orchestration.importers.pimms import pimms_network_import
from tests.accessibility import axe_problems, reflow_problems
from tests.browser import log_in
from tests.factories import MembershipFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LABEL = re.compile(r"^.+ : \d+ points? labellisés?, \d+ cantons? couverts? sur \d+$")


def test_coverage_map_one_focusable_circle_per_department(page):
    pytest.importorskip("axe_playwright_python")
    # a transactional test starts from a flushed database: the migration's programme is gone
    LabelProgramme.objects.get_or_create(slug=FRANCE_SERVICES, defaults={"name": "France Services"})
    geo_import()
    pimms_network_import()
    head = MembershipFactory(role=Role.NETWORK_ADMIN, network=Network.objects.get(slug="pimms"))
    page.route(re.compile(r"tile\.openstreetmap\.org"), lambda route: route.abort())
    log_in(page, head.user.username)

    page.goto("/label/couverture/?reseau=pimms&on=2020-01-01")
    circles = page.locator("#dashboard-map path.leaflet-interactive")
    circles.first.wait_for()
    # the 33 sites labelled on 1 January 2020 lie in 20 départements: one circle each
    assert circles.count() == 20
    rows = page.locator("table.coverage tbody tr.map-site")
    assert page.locator("table.coverage tbody tr.map-site[data-lat]").count() == 20
    assert rows.count() == 20

    names = [circles.nth(i).get_attribute("aria-label") for i in range(circles.count())]
    assert all(LABEL.match(name or "") for name in names), names
    first = circles.first
    assert first.get_attribute("tabindex") == "0"
    first.focus()
    page.keyboard.press("Enter")
    popup = page.locator(".leaflet-popup-content")
    popup.wait_for()
    assert popup.inner_text() == names[0]
    page.keyboard.press("Escape")
    assert axe_problems(page) == []
    assert reflow_problems(page) == []  # 320 px: the map and the scrolled table fit
