"""Honest filters: the search form offers a filter only where some public site has the data,
and the partner filter lists the partners some public site serves, sorted by name."""

import datetime
import re

import pytest
from django.urls import reverse

from maillon.geo.models import Commune
from maillon.labels.enums import FRANCE_SERVICES
from maillon.labels.models import LabelDecision, LabelProgramme
from maillon.network.models import Agreement, Partner
from tests.factories import SiteFactory

pytestmark = pytest.mark.django_db


def _partner_options(html: str) -> list[str]:
    select = re.search(r'<select[^>]*name="partenaire".*?</select>', html, re.S)
    assert select
    return re.findall(r"<option[^>]*>([^<]+)</option>", select.group(0))[1:]


@pytest.fixture
def site():
    return SiteFactory(commune=Commune.objects.get(code="42218", kind="COM"), postal_code="42000")


def test_accessibility_filter_only_when_some_site_says(client, site):
    html = client.get(reverse("directory:home")).content.decode()
    assert 'name="accessible"' not in html
    page = client.get(reverse("directory:home"), {"q": "42000", "accessible": "on"})
    text = page.content.decode().replace("&#x27;", "'")
    assert "n'indique encore son accessibilité en fauteuil roulant : le filtre est ignoré" in text
    assert site.name in text  # the search went on without the filter

    site.wheelchair_accessible = True
    site.save()
    from django.core.cache import cache

    cache.clear()
    assert 'name="accessible"' in client.get(reverse("directory:home")).content.decode()


def test_partner_filter_lists_the_partners_present_sorted(client, site):
    day = datetime.date(2024, 1, 1)
    for code in ("veolia", "edf"):
        Agreement.objects.create(
            partner=Partner.objects.get(code=code), organisation=site.organisation, start_date=day
        )
    options = _partner_options(client.get(reverse("directory:home")).content.decode())
    assert options == sorted(options, key=str.casefold)
    assert "EDF" in options and "Veolia" in options
    assert "Engie" not in options  # no site serves it
    assert "CAF" not in options  # no site is labelled France Services

    LabelDecision.objects.create(
        site=site,
        programme=LabelProgramme.objects.get(slug=FRANCE_SERVICES),
        outcome="granted",
        effective_date=datetime.date(2020, 9, 1),
        effective_latest=datetime.date(2020, 9, 1),
        source="test",
    )
    from django.core.cache import cache

    cache.clear()
    options = _partner_options(client.get(reverse("directory:home")).content.decode())
    assert "CAF" in options and "EDF" in options
