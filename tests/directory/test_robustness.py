"""Whatever a citizen or a robot types, the search answers (never an error 500)."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

pytestmark = pytest.mark.django_db

PARAMS = st.fixed_dictionaries(
    {},
    optional={
        "q": st.text(max_size=60),
        "commune": st.text(max_size=8),
        "lat": st.one_of(st.text(max_size=8), st.floats(allow_nan=True).map(str)),
        "lon": st.one_of(st.text(max_size=8), st.floats(allow_nan=True).map(str)),
        "rayon": st.one_of(st.text(max_size=6), st.integers().map(str)),
        "partenaire": st.text(max_size=10),
        "page": st.one_of(st.text(max_size=4), st.integers().map(str)),
        "ouvert": st.just("on"),
        "samedi": st.just("on"),
    },
)
NO_NUL = st.characters(blacklist_categories=["Cs"], blacklist_characters="\x00")


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(params=PARAMS)
def test_search_page_never_fails(client, params):
    params = {k: v.replace("\x00", "") for k, v in params.items()}
    assert client.get("/", params).status_code == 200


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    q=st.text(alphabet=NO_NUL, max_size=40),
    near=st.text(max_size=20),
    radius=st.one_of(st.none(), st.floats(allow_nan=False, allow_infinity=False)),
)
def test_public_api_answers_200_or_400(client, settings_override, q, near, radius):
    params = {"q": q, "near": near.replace("\x00", "")}
    if radius is not None:
        params["radius_km"] = radius
    assert client.get("/api/v1/public/sites", params).status_code in (200, 400)


@pytest.fixture
def settings_override(settings):
    settings.MAILLON_PUBLIC_API_RATE = ""


@pytest.mark.parametrize(
    "text",
    ["%", "_", "'; DROP TABLE network_site; --", "(", "[a-", "\\", "é" * 500, "0" * 5, "2A004"],
    ids=["percent", "underscore", "sql", "paren", "regex", "backslash", "long", "zeros", "insee"],
)
def test_odd_texts(client, text):
    response = client.get("/", {"q": text})
    assert response.status_code == 200
    assert b'class="notice"' in response.content or b"results-title" in response.content
