"""The overseas collectivities: their communes, postal codes and time zones are in the shipped
geography, so their places import (a New-Caledonia-style "lieux de médiation numérique" file)
and "open now" is right there; a code still unknown is kept aside with a clear message."""

import csv
import datetime
import zoneinfo

import pytest

from maillon.directory.opendata.export import rows_to_csv
from maillon.directory.opendata.reading import read_table
from maillon.directory.opendata.schema import EXAMPLE_PATH
from maillon.directory.services import places_import
from maillon.geo.models import Commune, PostalCode
from maillon.network import hours
from maillon.network.models import Site
from maillon.network.selectors import site_hours_status, site_timezone

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("code", "name", "postal_code", "zone"),
    [
        ("97501", "Miquelon-Langlade", "97500", "America/Miquelon"),
        ("97701", "Saint-Barthélemy", "97133", "America/St_Barthelemy"),
        ("97801", "Saint-Martin", "97150", "America/Marigot"),
        ("98613", "Uvea", "98600", "Pacific/Wallis"),
        ("98714", "Bora-Bora", "98730", "Pacific/Tahiti"),
        ("98731", "Nuku-Hiva", "98742", "Pacific/Marquesas"),
        ("98719", "Gambier", "98755", "Pacific/Gambier"),
        ("98818", "Nouméa", "98800", "Pacific/Noumea"),
    ],
    ids=[
        "spm",
        "saint-barthelemy",
        "saint-martin",
        "wallis",
        "bora-bora",
        "marquises",
        "gambier",
        "noumea",
    ],
)
def test_overseas_communes_with_postal_codes_and_time_zones(code, name, postal_code, zone):
    commune = Commune.objects.select_related("region").get(code=code, kind="COM")
    assert commune.name == name
    assert PostalCode.objects.filter(commune=commune, code=postal_code).exists()
    assert hours.site_zone(commune.region.timezone, commune.timezone) == zoneinfo.ZoneInfo(zone)
    assert site_timezone(Site(commune=commune)) == zoneinfo.ZoneInfo(zone)


def test_every_commune_of_the_six_collectivities_is_shipped():
    counts = {
        code: Commune.objects.filter(department_id=code, kind="COM").count()
        for code in ("975", "977", "978", "986", "987", "988")
    }
    assert counts == {"975": 2, "977": 1, "978": 1, "986": 3, "987": 48, "988": 33}


def _example() -> dict[str, str]:
    with EXAMPLE_PATH.open(encoding="utf-8") as handle:
        return next(csv.DictReader(handle))


def test_a_new_caledonia_file_imports_its_places_and_keeps_the_unknown_aside(tmp_path):
    base = {**_example(), "latitude": "", "longitude": "", "source": "Nouvelle-Calédonie"}
    rows = [
        {
            **base,
            "id": "nc-1",
            "nom": "Médiathèque de Nouméa",
            "commune": "Nouméa",
            "code_postal": "98800",
            "code_insee": "98818",
        },
        {
            **base,
            "id": "nc-2",
            "nom": "Maison commune de Dumbéa",
            "commune": "Dumbéa",
            "code_postal": "98835",
            "code_insee": "98805",
        },
        {
            **base,
            "id": "nc-3",
            "nom": "Point numérique de Koné",
            "commune": "Koné",
            "code_postal": "98859",
            "code_insee": "98811",
        },
        {
            **base,
            "id": "pf-1",
            "nom": "Fare numérique",
            "commune": "Bora-Bora",
            "code_postal": "98730",
            "code_insee": "98714",
        },
        {
            **base,
            "id": "xx-1",
            "nom": "Lieu inconnu",
            "commune": "Nulle part",
            "code_postal": "98899",
            "code_insee": "98999",
        },
    ]
    path = tmp_path / "lieux-nouvelle-caledonie.csv"
    path.write_text(rows_to_csv(rows), encoding="utf-8")
    _fmt, table = read_table(path)
    result = places_import(rows=table, default_source="lieux")
    assert result.created == 4
    [rejected] = result.rejected
    assert (rejected.line, rejected.column, rejected.value) == (6, "code_insee", "98999")
    assert "commune introuvable" in rejected.reason
    noumea = Site.objects.get(external_id="nc-1")
    assert noumea.commune.code == "98818"
    # Open at 10:00 in Nouméa, whatever the hour in Paris (midnight there).
    ten = datetime.datetime(2026, 11, 24, 10, 0, tzinfo=zoneinfo.ZoneInfo("Pacific/Noumea"))
    assert site_hours_status(noumea, at=ten).is_open
    assert not site_hours_status(noumea, at=ten.replace(hour=20)).is_open
