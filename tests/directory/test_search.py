"""The public search over the real France Services list: what a citizen types, what he gets."""

import pytest

from maillon.directory.search import SearchFilters, SearchInputError, directory_search
from maillon.directory.search.places import place_of
from maillon.geo.models import Commune
from maillon.network.enums import SiteKind
from maillon.network.models import Agreement, Partner, Site
from tests.directory.conftest import SUNDAY, TUESDAY_MORNING

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("france_services")]


def search(**kwargs):
    kwargs.setdefault("at", TUESDAY_MORNING)
    return directory_search(**kwargs)


@pytest.mark.parametrize(
    "text",
    ["saint etienne", "Saint-Étienne", "ST-ETIENNE", "st étienne", "  saint   etienne "],
    ids=["plain", "official", "upper-abbrev", "abbrev-accent", "spaces"],
)
def test_saint_etienne_however_written_gives_its_sites_first(text):
    result = search(text=text)
    assert [c.code for c in result.communes] == ["42218"]
    in_town = Site.objects.filter(commune__code="42218").count()
    assert in_town >= 2
    first = result.hits[:in_town]
    assert {h.site.commune.code for h in first} == {"42218"}
    assert all(h.in_place for h in first)
    distances = [h.distance_km for h in result.hits[in_town:]]
    assert distances == sorted(distances)  # then the neighbours, nearest first
    assert result.total > in_town


def test_results_carry_distance_and_open_now_status():
    result = search(text="saint etienne")
    hit = result.hits[0]
    assert hit.distance_km is not None and hit.distance_km < 10
    assert hit.hours_known and hit.is_open  # Tuesday 10:30
    closed = search(text="saint etienne", at=SUNDAY).hits[0]
    assert not closed.is_open
    assert closed.next_opening is not None and closed.next_opening.weekday() == 0


def test_a_postal_code_shared_by_several_communes_gives_the_sites_of_all():
    result = search(text="60240")
    codes = {c.code for c in result.communes}
    assert len(codes) >= 5
    site_communes = {h.site.commune.code for h in result.hits if h.in_place}
    assert len(site_communes) >= 5
    assert site_communes <= codes


@pytest.mark.parametrize("text", ["Lyon 8", "lyon 8e", "Lyon 8e Arrondissement", "69008"], ids=str)
def test_lyon_arrondissement_by_name_or_postal_code(text):
    result = search(text=text)
    assert [c.code for c in result.communes] == ["69388"]
    assert result.hits[0].site.commune.code == "69388"


def test_lyon_covers_its_arrondissements_and_has_a_centre():
    result = search(text="Lyon")
    assert [c.code for c in result.communes] == ["69123"]
    in_lyon = [h for h in result.hits if h.in_place]
    assert in_lyon and all(h.site.commune.parent.code == "69123" for h in in_lyon)
    lat, lon = result.center
    assert 45.7 < lat < 45.8 and 4.8 < lon < 4.9


def test_a_site_name_is_found_without_its_accents():
    site = Site.objects.filter(name__icontains="Médiation").first()
    result = search(text="pimms mediation")
    assert result.by_name
    assert site.pk in {h.site.pk for h in result.hits} or result.total > len(result.hits)
    assert all("pimms mediation" in h.site.name.lower().replace("é", "e") for h in result.hits)


def test_near_me_sorts_by_distance_within_the_radius():
    result = search(near=(45.4397, 4.3872), radius_km=20)
    distances = [h.distance_km for h in result.hits]
    assert distances == sorted(distances)
    assert distances[-1] <= 20
    assert result.hits[0].site.commune.code == "42218"


def test_homonyms_are_offered():
    result = search(text="Valence")
    assert result.communes[0].code == "26362"  # the most populated Valence
    assert {c.code for c in result.homonyms} >= {"82186", "16392"}


def test_misspelt_commune_gets_a_suggestion():
    result = search(text="Sant-Etienne")
    assert result.hits == []
    assert result.messages == [
        "Aucune commune ne correspond à « Sant-Etienne » — vouliez-vous dire Saint-Étienne ?"
    ]
    assert [c.code for c in result.suggestions] == ["42218"]


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"text": "99999"}, "Le code postal « 99999 » n'existe pas."),
        ({"text": "4200"}, "« 4200 » n'est pas un code postal"),
        ({"text": "xqzwv"}, "Aucune commune ni aucun point d'accueil ne correspond à « xqzwv »"),
        ({"near": (40.71, -74.0)}, "est hors de France"),
        ({"near": (0.0, 0.0)}, "est hors de France"),
        ({"commune_code": "00000"}, "Aucune commune n'a le code INSEE « 00000 »."),
    ],
    ids=["postal-code", "short-code", "nonsense", "new-york", "null-island", "insee"],
)
def test_bad_input_gets_a_french_explanation(kwargs, message):
    result = search(**kwargs)
    assert result.hits == [] and result.searched
    assert message in result.messages[0]


def test_overseas_positions_are_in_france():
    result = search(near=(-20.88, 55.45))  # Saint-Denis de La Réunion
    assert result.hits and result.hits[0].site.commune.department_id == "974"


@pytest.mark.parametrize("radius", [0, 10_000, -5], ids=str)
def test_absurd_radius_is_refused(radius):
    with pytest.raises(SearchInputError, match="entre 1 et 200 km"):
        search(text="Brest", radius_km=radius)


def test_empty_area_widens_the_radius_and_says_so():
    # Île de Sein: the nearest France Services is on the mainland, farther than 5 km.
    result = search(near=(48.038, -4.85))
    assert result.hits
    assert result.radius_km >= 30
    near_small = search(near=(48.038, -4.85), radius_km=2)
    assert near_small.hits == [] and "à moins de 2 km" in near_small.messages[0]


def test_filter_partner_through_an_agreement_or_the_label():
    edf = Partner.objects.get(code="edf")
    site = Site.objects.filter(commune__code="42218").first()
    Agreement.objects.create(partner=edf, site=site, start_date="2025-01-01")
    result = search(text="saint etienne", filters=SearchFilters(partner=edf))
    assert [h.site.pk for h in result.hits] == [site.pk]
    caf = Partner.objects.get(code="caf")
    with_caf = search(text="saint etienne", filters=SearchFilters(partner=caf))
    assert with_caf.total == search(text="saint etienne").total  # every labelled site
    Site.objects.filter(pk=site.pk).update(wheelchair_accessible=True)
    accessible = search(text="saint etienne", filters=SearchFilters(accessible=True))
    assert [h.site.pk for h in accessible.hits] == [site.pk]


def test_filter_saturday_mobile_and_open_now():
    saturday = search(text="Paris", filters=SearchFilters(open_saturday=True))
    from maillon.network import hours

    assert saturday.hits
    assert all(hours.weekly_ranges(h.site.opening_hours)[5] for h in saturday.hits)
    mobile = search(text="Lyon", radius_km=50, filters=SearchFilters(mobile=True))
    assert mobile.hits
    assert all(h.site.kind in (SiteKind.MOBILE, SiteKind.ITINERANT) for h in mobile.hits)
    open_now = search(text="Lyon", filters=SearchFilters(open_now=True), at=SUNDAY)
    assert all(h.is_open for h in open_now.hits)
    assert open_now.total < search(text="Lyon", at=SUNDAY).total


def test_pagination():
    first = search(text="Paris", page_size=10)
    second = search(text="Paris", page_size=10, page=2)
    assert first.pages >= 2 and second.page == 2
    assert not {h.site.pk for h in first.hits} & {h.site.pk for h in second.hits}
    assert search(text="Paris", page_size=10, page=999).page == first.pages


def test_private_sites_are_never_listed():
    site = Site.objects.filter(commune__code="42218").first()
    Site.objects.filter(pk=site.pk).update(is_public=False)
    assert site.pk not in {h.site.pk for h in search(text="saint etienne", page_size=100).hits}


def test_a_commune_without_coordinates_of_its_own_uses_its_arrondissements():
    paris = Commune.objects.get(code="75056", kind="COM")
    assert paris.latitude is None
    result = search(text="Paris")
    assert 48.8 < result.center[0] < 48.9


@pytest.mark.parametrize(
    ("text", "commune_code", "communes", "problem"),
    [
        ("", "42218", ["42218"], ""),
        ("", "99999", [], "code INSEE"),
        ("42000", "", ["42218"], ""),
        ("4200", "", [], "5 chiffres"),
        ("Lyon 8", "", ["69388"], ""),
        ("saint etienne", "", ["42218"], ""),
        ("Sant-Etienne", "", [], "vouliez-vous dire"),
    ],
    ids=["insee", "unknown-insee", "postal", "digits", "arrondissement", "name", "misspelt"],
)
def test_the_place_of_a_search_is_read_code_first_then_name(text, commune_code, communes, problem):
    place = place_of(text=text, commune_code=commune_code)
    assert [c.code for c in place.communes] == communes
    assert problem in place.problem and bool(place.problem) == bool(problem)
    if text == "Sant-Etienne":
        assert "42218" in {c.code for c in place.suggestions}


def test_the_geography_read_for_a_place_is_remembered_until_the_caches_are_cleared(
    django_assert_num_queries,
):
    """A place searched before costs no query (reference data), a caller changing the place
    it got changes nothing for the next search, and `clear_caches` (after a geography
    import) makes the next search read the communes again."""
    from maillon.directory.search import clear_caches

    first = place_of(text="Lyon 8", commune_code="")
    first.communes.clear()
    with django_assert_num_queries(0):
        again = place_of(text="Lyon 8", commune_code="")
    assert [c.code for c in again.communes] == ["69388"]
    Commune.objects.filter(code="69388").update(name="Lyon 8e (renommé)")
    assert place_of(text="Lyon 8", commune_code="").communes[0].name != "Lyon 8e (renommé)"
    clear_caches()
    assert place_of(text="Lyon 8", commune_code="").communes[0].name == "Lyon 8e (renommé)"
