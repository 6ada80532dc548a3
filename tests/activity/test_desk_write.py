"""The desk's write side, as a mediator meets it: editing replaces the requests, a locked visit
says why and whom to ask, a manager's correction gives its reason, a deletion is confirmed,
a visit of a past day is entered within the policy's window, and defaults are never silent.
Each test failed before the change it covers (the defects of the mediator's day)."""

import datetime

import pytest
import time_machine
from django.urls import reverse

from maillon.activity.models import ActivityPolicy, HelpKind, Outcome, Request, Visit
from maillon.activity.policy import fallback_policy
from maillon.activity.rollups_verify import rollups_compare
from maillon.journal.enums import JournalAction
from maillon.journal.models import JournalEntry
from maillon.network.models import NetworkMembership
from tests.activity.factories import bearer, record_visit
from tests.factories import NetworkFactory, SiteFactory, agent_of, manager_of

pytestmark = pytest.mark.django_db

NOON = datetime.datetime(2026, 3, 10, 11, 0, tzinfo=datetime.UTC)
DESK = reverse("activity:desk")


def _desk_visit(client, site, quick: str = "caf2/ar cpam3/ov", **fields) -> Visit:
    response = client.post(DESK, {"site": site.pk, "quick": quick, "channel": "sur-site", **fields})
    assert response.status_code == 302, response.content.decode()[:2000]
    return Visit.objects.order_by("-pk").first()


def _exact() -> None:
    _, differences, total = rollups_compare()
    assert total == 0, differences


def _policy(site, **values) -> ActivityPolicy:
    network = NetworkFactory()
    NetworkMembership.objects.create(network=network, organisation=site.organisation)
    return ActivityPolicy.objects.create(network=network, **values)


@time_machine.travel(NOON, tick=False)
def test_editing_shows_the_requests_in_the_quick_field_and_saving_replaces_them(client):
    site = SiteFactory()
    client.force_login(agent_of(site))
    visit = _desk_visit(client, site)
    url = reverse("activity:visit_edit", args=[visit.pk])
    page = client.get(url).content.decode()
    assert 'value="caf2/ar cpam3/ov"' in page  # was empty
    assert "autofocus" in page  # focus lands in the field, not on the page's body
    assert "l'enregistrement les remplace" in page  # its own help, not the desk's
    # re-saved as shown: still 2 requests (it saved 4: the rows were prefilled too)
    response = client.post(url, {"quick": "caf2/ar cpam3/ov", "channel": "sur-site"})
    assert response.status_code == 302
    assert visit.requests.count() == 2
    client.post(url, {"quick": "caf2/av", "channel": "sur-site"})
    assert [(r.partner.code, r.outcome.code) for r in visit.requests.all()] == [("caf", "a-revoir")]
    _exact()


@time_machine.travel(NOON, tick=False)
def test_a_follow_up_request_is_kept_in_the_detailed_rows_of_the_edit_page(client):
    site = SiteFactory()
    agent = agent_of(site)
    visit = record_visit(agent, site)  # caf famille /a·(default) and cpam with a follow-up
    client.force_login(agent)
    url = reverse("activity:visit_edit", args=[visit.pk])
    form = client.get(url).context["form"]
    assert form.initial["quick"] == ""  # neither request can be said in the quick syntax
    assert form.initial["r1_follow_up"] is True
    data = {k: v for k, v in form.initial.items() if v not in (None, False)}
    data["date"] = data["date"].isoformat()
    data["r1_follow_up"] = "on"
    assert client.post(url, data).status_code == 302
    rows = list(visit.requests.order_by("position"))
    assert [(r.theme.code, r.follow_up, r.outcome_defaulted) for r in rows] == [
        ("famille", False, True),
        ("social-sante", True, False),
    ]
    _exact()


def test_yesterday_s_visit_explains_in_french_why_it_is_locked_and_whom_to_ask(client):
    site = SiteFactory()
    agent = agent_of(site)
    manager = manager_of(site.organisation, user__first_name="Awa", user__last_name="Diallo")
    with time_machine.travel(NOON, tick=False):
        visit = record_visit(agent, site)
    with time_machine.travel(NOON + datetime.timedelta(days=1), tick=False):
        client.force_login(agent)
        for name in ("activity:visit_edit", "activity:visit_delete"):
            response = client.get(reverse(name, args=[visit.pk]))
            assert response.status_code == 403
            page = response.content.decode()
            assert "Ce passage ne peut plus être modifié" in page  # was a bare « 403 Forbidden »
            assert "le jour même" in page
            assert str(manager) in page
    with time_machine.travel(NOON + datetime.timedelta(days=9), tick=False):
        client.force_login(manager)  # past the manager's 7 days too
        page = client.get(reverse("activity:visit_edit", args=[visit.pk])).content.decode()
        assert "Le délai de correction est passé" in page


def test_a_manager_s_correction_asks_its_reason_and_journals_it(client):
    site = SiteFactory()
    agent, manager = agent_of(site), manager_of(site.organisation)
    with time_machine.travel(NOON, tick=False):
        client.force_login(agent)
        visit = _desk_visit(client, site)
    with time_machine.travel(NOON + datetime.timedelta(days=2), tick=False):
        client.force_login(manager)
        url = reverse("activity:visit_edit", args=[visit.pk])
        data = {"quick": "caf2/ar", "channel": "sur-site", "date": "2026-03-10", "time": "12:00"}
        refused = client.post(url, data)
        assert refused.status_code == 200
        assert "Ce champ est obligatoire" in refused.content.decode()
        assert visit.requests.count() == 2
        assert client.post(url, {**data, "reason": "Une seule demande"}).status_code == 302
    entry = JournalEntry.objects.for_object(visit).get(action=JournalAction.UPDATE)
    assert (entry.actor_id, entry.note) == (manager.pk, "Une seule demande")
    assert entry.changes["requests"] == [
        ["caf famille accompagnement resolu", "cpam social-sante orientation a-revoir"],
        ["caf famille accompagnement resolu"],
    ]
    visit.refresh_from_db()
    assert visit.corrected_by == manager
    _exact()


@time_machine.travel(NOON, tick=False)
def test_delete_asks_for_confirmation_without_javascript_and_is_journaled(client):
    site = SiteFactory()
    agent = agent_of(site)
    client.force_login(agent)
    visit = _desk_visit(client, site)
    log = client.get(DESK).content.decode()
    url = reverse("activity:visit_delete", args=[visit.pk])
    assert f'href="{url}"' in log  # a link to a page, not a button deleting at once
    page = client.get(url)
    assert page.status_code == 200
    assert "Supprimer définitivement" in page.content.decode()
    assert Visit.objects.filter(pk=visit.pk).exists()  # nothing deleted by looking
    assert client.post(url).status_code == 302
    assert not Visit.objects.filter(pk=visit.pk).exists()
    entry = JournalEntry.objects.for_object(visit).get(action=JournalAction.DELETE)
    assert entry.actor_id == agent.pk
    assert entry.changes["requests"][0] == [
        "caf famille accompagnement resolu",
        "cpam social-sante orientation a-revoir",
    ]
    _exact()


@time_machine.travel(NOON, tick=False)
def test_the_desk_shows_the_day_asked_and_records_a_late_visit_on_it(client):
    site = SiteFactory()
    agent = agent_of(site)
    client.force_login(agent)
    yesterday = datetime.date(2026, 3, 9)
    record_visit(agent, site, occurred_at=NOON - datetime.timedelta(days=1))
    assert "Aucun passage enregistré aujourd'hui." in client.get(DESK).content.decode()
    page = client.get(f"{DESK}?date=2026-03-09").content.decode()  # `?date=` was ignored
    assert "Passages du lundi 9 mars 2026" in page
    assert "Famille - Scolarité" in page
    assert 'name="date"' in page and 'max="2026-03-10"' in page
    # the next morning, yesterday's visit is entered: a time is needed for another day
    missing = client.post(DESK, {"site": site.pk, "quick": "caf2", "date": "2026-03-09"})
    assert "Indiquez l&#x27;heure du passage" in missing.content.decode()
    response = client.post(
        DESK,
        {"site": site.pk, "quick": "caf2", "channel": "sur-site", "date": "2026-03-09",
         "time": "16:30"},
    )  # fmt: skip
    assert response["Location"].endswith("&date=2026-03-09")
    late = Visit.objects.order_by("-pk").first()
    assert late.day == yesterday
    _exact()


@time_machine.travel(NOON, tick=False)
def test_late_entry_follows_the_policy_window_for_agents_not_for_managers(client):
    site = SiteFactory()
    _policy(site, late_entry_days=3)  # and no default: help and outcome typed
    agent, manager = agent_of(site), manager_of(site.organisation)
    data = {"site": site.pk, "quick": "caf2/ir", "channel": "sur-site", "time": "10:00"}
    client.force_login(agent)
    assert client.post(DESK, {**data, "date": "2026-03-07"}).status_code == 302  # 3 days
    refused = client.post(DESK, {**data, "date": "2026-03-06"})
    assert refused.status_code == 422
    assert "délai de saisie a posteriori (3 jours)" in refused.content.decode()
    future = client.post(DESK, {**data, "date": "2026-03-11"})
    assert "La date est dans le futur." in future.content.decode()
    client.force_login(manager)
    assert client.post(DESK, {**data, "date": "2026-02-01"}).status_code == 302
    assert sorted(Visit.objects.values_list("day", flat=True)) == [
        datetime.date(2026, 2, 1),
        datetime.date(2026, 3, 7),
    ]
    # the API follows the same rule
    api = client.post(
        "/api/v1/visits",
        {"site_id": site.pk, "occurred_at": "2026-03-01T10:00:00+01:00",
         "requests": [{"theme": "famille", "help_kind": "information", "outcome": "resolu"}]},
        content_type="application/json",
        headers=bearer(agent),
    )  # fmt: skip
    assert api.status_code == 422
    assert "délai de saisie a posteriori" in api.json()["detail"][0]["msg"]
    _exact()


@time_machine.travel(NOON, tick=False)
def test_defaults_are_announced_before_saving_and_marked_in_the_log(client):
    site = SiteFactory()
    client.force_login(agent_of(site))
    page = client.get(DESK).content.decode()
    assert "aide « Information » et issue « Résolu lors du passage » par défaut" in page
    visit = _desk_visit(client, site, quick="caf2 cpam3/ov")
    defaulted = [(r.help_defaulted, r.outcome_defaulted) for r in visit.requests.all()]
    assert defaulted == [(True, True), (False, False)]
    log = client.get(DESK).content.decode()
    assert log.count('<em class="defaulted">') == 2  # help and outcome of the first request
    _exact()


@time_machine.travel(NOON, tick=False)
def test_a_network_s_defaults_apply_and_a_policy_without_default_makes_them_required(client):
    site = SiteFactory()
    policy = _policy(site, default_help_kind=HelpKind.objects.get(code="accompagnement"))
    client.force_login(agent_of(site))
    page = client.get(DESK).content.decode()
    assert "aide « Accompagnement à une démarche (en ligne ou papier) » par défaut" in page
    assert "l'issue est à saisir" in page
    refused = client.post(DESK, {"site": site.pk, "quick": "caf2", "channel": "sur-site"})
    assert refused.status_code == 422
    assert "L&#x27;issue est obligatoire (le réseau n&#x27;a pas choisi" in refused.content.decode()
    second = client.post(DESK, {"site": site.pk, "quick": "caf2/ir cpam3", "channel": "sur-site"})
    assert "Demande 2 : L&#x27;issue est obligatoire" in second.content.decode()
    assert Visit.objects.count() == 0
    policy.default_outcome = Outcome.objects.get(code="a-revoir")
    policy.save()
    visit = _desk_visit(client, site, quick="caf2")
    request = visit.requests.get()
    assert (request.help_kind.code, request.outcome.code) == ("accompagnement", "a-revoir")
    assert request.help_defaulted and request.outcome_defaulted
    _exact()


def test_the_fallback_policy_carries_today_s_defaults_looked_up_by_code():
    policy = fallback_policy()
    assert policy.pk is None
    assert HelpKind.objects.get(pk=policy.default_help_kind_id).code == "information"
    assert Outcome.objects.get(pk=policy.default_outcome_id).code == "resolu"


@time_machine.travel(NOON, tick=False)
def test_the_api_update_replaces_the_requests_too(client):
    site = SiteFactory()
    agent = agent_of(site)
    headers = bearer(agent)
    body = {
        "site_id": site.pk,
        "requests": [{"partner": "caf", "theme": "famille"}, {"theme": "numerique"}],
    }
    created = client.post("/api/v1/visits", body, content_type="application/json", headers=headers)
    visit_id = created.json()["id"]
    for _ in range(2):  # saved twice as it is: still two requests
        changed = client.put(
            f"/api/v1/visits/{visit_id}", body, content_type="application/json", headers=headers
        )
        assert changed.status_code == 200
        assert Request.objects.filter(visit_id=visit_id).count() == 2
    body["requests"] = [{"theme": "logement", "outcome": "reoriente"}]
    answer = client.put(
        f"/api/v1/visits/{visit_id}", body, content_type="application/json", headers=headers
    ).json()
    assert [(r["theme"], r["outcome"], r["outcome_defaulted"]) for r in answer["requests"]] == [
        ("logement", "reoriente", False)
    ]
    assert Request.objects.filter(visit_id=visit_id).count() == 1
    _exact()
