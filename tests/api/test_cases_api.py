"""The cases API: the life of a case from both sides, and who reads what (404 outside)."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from maillon.activity import taxonomy
from maillon.cases.models import Case
from tests.cases.factories import desk_request, open_case, pdf_upload, referent_of, site_in
from tests.factories import agent_of

API = "/api/v1/cases"


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def world(db):
    taxonomy.cache_clear()
    narbonne, montpellier = site_in("11", name="Narbonne"), site_in("34", name="Montpellier")
    agent = agent_of(narbonne)
    return {
        "narbonne": narbonne,
        "montpellier": montpellier,
        "agent": agent,
        "other_agent": agent_of(montpellier),
        "caf_11": referent_of("caf", "11").user,
        "caf_34": referent_of("caf", "34").user,
        "cpam_11": referent_of("cpam", "11").user,
        "case": open_case(agent, narbonne, attachments=[pdf_upload()]),
    }


def _as(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_a_case_from_the_desk_to_its_closure(world):
    agent, referent = _as(world["agent"]), _as(world["caf_11"])
    request = desk_request(world["agent"], world["narbonne"])
    opened = agent.post(
        API,
        {
            "request_id": request.pk,
            "subject": "Prime d'activité suspendue",
            "consent_kind": "signed",
            "consent_on": "2025-01-02",
            "nir": "",
        },
        content_type="application/json",
    )
    assert opened.status_code == 201, opened.content
    case = opened.json()
    assert (case["partner"], case["status"], case["side"]) == ("caf", "new", "site")
    assert case["due_on"] is not None and case["late"] is False
    request.refresh_from_db()
    assert request.outcome.code == "dossier-transmis"
    again = agent.post(
        API,
        {
            "request_id": request.pk,
            "subject": "x",
            "consent_kind": "oral",
            "consent_on": "2025-01-02",
        },
        content_type="application/json",
    )
    assert again.status_code == 422
    assert again.json()["detail"][0]["loc"] == ["body", "payload", "request_id"]

    waiting = referent.get(API, {"queue": "waiting"}).json()["items"]
    assert case["id"] in [item["id"] for item in waiting]
    url = f"{API}/{case['id']}"
    answer = referent.post(f"{url}/messages", {"body": "Pris en charge."}, "application/json")
    assert answer.status_code == 201 and answer.json()["side"] == "partner"
    note = referent.post(
        f"{url}/messages", {"body": "Vu avec la gestion.", "internal": True}, "application/json"
    )
    assert note.status_code == 201 and note.json()["internal"] is True
    assert referent.get(url).json()["status"] == "in_progress"
    assert referent.get(url).json()["first_answer_at"] is not None
    assert [m["internal"] for m in referent.get(f"{url}/messages").json()] == [False, True]
    assert [m["body"] for m in agent.get(f"{url}/messages").json()] == ["Pris en charge."]
    # each side's actions only
    assert agent.post(f"{url}/answer", {"answer": "solved"}, "application/json").status_code == 403
    assert (
        agent.post(
            f"{url}/messages", {"body": "x", "internal": True}, "application/json"
        ).status_code
        == 403
    )
    assert referent.post(f"{url}/close", {"useful": "yes"}, "application/json").status_code == 403
    done = referent.post(
        f"{url}/answer", {"answer": "solved", "body": "Réglé."}, "application/json"
    )
    assert done.status_code == 200 and done.json()["status"] == "answered"
    closed = agent.post(f"{url}/close", {"useful": "yes"}, "application/json")
    assert closed.status_code == 200
    assert (closed.json()["status"], closed.json()["useful"]) == ("closed", "yes")
    late = agent.post(f"{url}/messages", {"body": "Encore ?"}, "application/json")
    assert late.status_code == 422 and late.json()["detail"][0]["msg"] == "Ce dossier est clos."
    scorecard = agent.get(
        "/api/v1/reports/cases",
        {
            "scope": f"site:{world['narbonne'].pk}",
            "period": f"{Case.objects.get(pk=case['id']).sent_at:%Y-%m}",
        },
    ).json()
    assert scorecard["total"]["sent"] == 2
    assert scorecard["total"]["useful"] == 1


def test_a_wrong_partner_is_rerouted(world):
    agent, referent = _as(world["agent"]), _as(world["caf_11"])
    url = f"{API}/{world['case'].pk}"
    referent.post(f"{url}/answer", {"answer": "wrong_partner"}, "application/json")
    unknown = agent.post(f"{url}/reroute", {"partner": "nope"}, "application/json")
    assert unknown.status_code == 422
    moved = agent.post(f"{url}/reroute", {"partner": "cpam"}, "application/json")
    assert moved.status_code == 201, moved.content
    new = moved.json()
    assert (new["partner"], new["rerouted_from_id"]) == ("cpam", world["case"].pk)
    assert agent.get(url).json()["rerouted_to_id"] == new["id"]
    assert _as(world["cpam_11"]).get(f"{API}/{new['id']}").status_code == 200
    assert _as(world["caf_11"]).get(f"{API}/{new['id']}").status_code == 404


@pytest.mark.parametrize(
    "who", ["caf_34", "cpam_11", "other_agent"], ids=["caf-34", "cpam-11", "agent-elsewhere"]
)
def test_outsiders_get_404_on_the_case_its_thread_and_its_files(world, who):
    case = world["case"]
    attachment = case.attachments.get()
    client = _as(world[who])
    for path in (
        f"{API}/{case.pk}",
        f"{API}/{case.pk}/messages",
        f"{API}/{case.pk}/attachments/{attachment.pk}",
    ):
        assert client.get(path).status_code == 404, path
    for action, body in (
        ("messages", {"body": "Intrusion"}),
        ("answer", {"answer": "solved"}),
        ("close", {"useful": "yes"}),
        ("reroute", {"partner": "cpam"}),
    ):
        assert client.post(f"{API}/{case.pk}/{action}", body, "application/json").status_code == 404
    assert client.get(API, {"side": "partner"}).json()["items"] == []
    assert client.get(API, {"side": "site"}).json()["items"] == []
    case.refresh_from_db()
    assert (case.status, case.messages.count()) == ("new", 0)


def test_the_file_is_served_through_the_access_check(world):
    case = world["case"]
    attachment = case.attachments.get()
    for who in ("agent", "caf_11"):
        response = _as(world[who]).get(f"{API}/{case.pk}/attachments/{attachment.pk}")
        assert response.status_code == 200
        assert b"".join(response.streaming_content).startswith(b"%PDF")
        assert response["Cache-Control"] == "private, no-store"
    detail = _as(world["agent"]).get(f"{API}/{case.pk}").json()
    assert [a["url"] for a in detail["attachments"]] == [
        f"{API}/{case.pk}/attachments/{attachment.pk}"
    ]
    assert Client().get(f"{API}/{case.pk}/attachments/{attachment.pk}").status_code == 401


def test_the_list_reads_a_fixed_number_of_queries(world):
    referent = _as(world["caf_11"])

    def count() -> int:
        with CaptureQueriesContext(connection) as context:
            assert referent.get(API, {"side": "partner"}).status_code == 200
        return len(context.captured_queries)

    before = count()
    for _n in range(5):
        open_case(world["agent"], world["narbonne"])
    assert count() == before
    assert len(referent.get(API, {"side": "partner", "limit": 3}).json()["items"]) == 3
    page = referent.get(API, {"side": "partner", "limit": 3}).json()
    assert page["next_offset"] == 3
