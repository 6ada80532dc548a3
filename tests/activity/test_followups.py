"""Follow-ups (suites à donner): every write path of a visit opens one for a request « à
revoir », due after the network's delay; the site's list shows them late / today / later; an
agent closes one with its final outcome (journaled); the rollups stay exact throughout."""

import datetime

import pytest
import time_machine
from django.urls import reverse

from maillon.accounts.enums import Role
from maillon.activity.exchange.importing import activity_import, import_agent
from maillon.activity.followups import followup_close, followup_update
from maillon.activity.history import final_outcome_counts
from maillon.activity.inputs import RequestInput
from maillon.activity.models import ActivityPolicy, FollowUp, HelpKind, Outcome
from maillon.activity.rollups_verify import rollups_compare
from maillon.activity.services import visit_update
from maillon.journal.models import JournalEntry
from maillon.network.models import NetworkMembership
from tests.activity.factories import bearer, record_visit
from tests.activity.test_exchange import good_lines, write
from tests.factories import MembershipFactory, NetworkFactory, SiteFactory, agent_of, manager_of

pytestmark = pytest.mark.django_db

NOON = datetime.datetime(2026, 3, 10, 11, 0, tzinfo=datetime.UTC)
TODAY = datetime.date(2026, 3, 10)
DESK = "/activite/guichet/"
TO_REVIEW = [RequestInput(partner="caf", theme="famille", outcome="a-revoir")]


def _exact() -> None:
    assert rollups_compare()[2] == 0


def test_the_outcome_taxonomy_is_complete():
    labels = dict(Outcome.objects.values_list("code", "label"))
    assert labels == {
        "resolu": "Résolu lors du passage",
        "a-revoir": "À revoir",
        "reoriente": "Réorienté vers une structure ou un partenaire",
        "rendez-vous": "Rendez-vous pris chez le partenaire",
        "dossier-transmis": "Dossier transmis au partenaire",
    }


@time_machine.travel(NOON, tick=False)
def test_the_desk_opens_a_follow_up_due_after_the_networks_delay(client):
    site = SiteFactory()
    network = NetworkFactory()
    NetworkMembership.objects.create(network=network, organisation=site.organisation)
    ActivityPolicy.objects.create(
        network=network,
        follow_up_days=3,
        default_help_kind=HelpKind.objects.get(code="information"),
        default_outcome=Outcome.objects.get(code="resolu"),
    )
    client.force_login(agent_of(site))
    response = client.post(DESK, {"site": site.pk, "quick": "caf2/av cpam3", "channel": "sur-site"})
    assert response.status_code == 302
    item = FollowUp.objects.get()
    assert item.request.partner.code == "caf" and item.site == site
    assert item.due_on == TODAY + datetime.timedelta(days=3)
    _exact()


@time_machine.travel(NOON, tick=False)
def test_the_api_and_the_import_open_follow_ups_too(client, tmp_path):
    site = SiteFactory()
    body = {"site_id": site.pk, "requests": [{"theme": "famille", "outcome": "a-revoir"}]}
    response = client.post(
        "/api/v1/visits", body, content_type="application/json", headers=bearer(agent_of(site))
    )
    assert response.status_code == 201
    assert FollowUp.objects.get().due_on == TODAY + datetime.timedelta(days=7)  # the default
    activity_import(write(tmp_path, good_lines(site)), agent=import_agent())
    imported = FollowUp.objects.exclude(request__visit_id=response.json()["id"]).get()
    assert imported.due_on == datetime.date(2025, 11, 10)
    _exact()


@time_machine.travel(NOON, tick=False)
def test_editing_a_visit_keeps_its_follow_up_and_drops_it_when_no_longer_to_review():
    site = SiteFactory()
    agent = agent_of(site)
    visit = record_visit(agent, site, requests=TO_REVIEW)
    item = followup_update(
        actor=agent, followup=FollowUp.objects.get(), due_on=TODAY, reference="T-42"
    )
    visit_update(actor=agent, visit=visit, requests=[*TO_REVIEW, RequestInput(theme="logement")])
    kept = FollowUp.objects.get()
    assert (kept.due_on, kept.reference) == (item.due_on, "T-42")
    visit_update(actor=agent, visit=visit, requests=[RequestInput(theme="famille")])
    assert not FollowUp.objects.exists()
    _exact()


@time_machine.travel(NOON, tick=False)
def test_closing_records_the_final_outcome_its_date_and_the_journal():
    site = SiteFactory()
    agent = agent_of(site)
    record_visit(agent, site, requests=TO_REVIEW)
    item = followup_close(
        actor=agent, followup=FollowUp.objects.get(), outcome="rendez-vous", reference="RDV 12"
    )
    assert (item.closed_on, item.final_outcome.code, item.closed_by) == (
        TODAY,
        "rendez-vous",
        agent,
    )
    entry = JournalEntry.objects.get(object_id=str(item.pk))
    assert entry.changes["final_outcome"] == [None, "Rendez-vous pris chez le partenaire"]
    assert entry.site_id == site.pk
    counts = final_outcome_counts(user=agent, site_id=site.pk, start=TODAY, end=TODAY)
    assert [(c["final_outcome__code"], c["n"]) for c in counts] == [("rendez-vous", 1)]
    with pytest.raises(Exception, match="déjà close"):
        followup_close(actor=agent, followup=item, outcome="resolu")
    _exact()


@time_machine.travel(NOON, tick=False)
@pytest.mark.parametrize(
    ("outcome", "closed_on", "reference", "field"),
    [
        ("a-revoir", None, None, "outcome"),
        ("pas-une-issue", None, None, "outcome"),
        ("resolu", TODAY + datetime.timedelta(days=1), None, "closed_on"),
        ("resolu", TODAY - datetime.timedelta(days=30), None, "closed_on"),
        ("resolu", None, "x" * 41, "reference"),
    ],
    ids=["still-to-review", "unknown", "future", "before-the-visit", "reference-too-long"],
)
def test_a_bad_closing_is_refused_in_french(outcome, closed_on, reference, field):
    site = SiteFactory()
    agent = agent_of(site)
    record_visit(agent, site, requests=TO_REVIEW)
    with pytest.raises(Exception) as error:  # noqa: PT011 - the message dict is checked
        followup_close(
            actor=agent,
            followup=FollowUp.objects.get(),
            outcome=outcome,
            closed_on=closed_on,
            reference=reference,
        )
    assert field in error.value.message_dict
    assert FollowUp.objects.get().closed_on is None


@time_machine.travel(NOON, tick=False)
def test_the_list_shows_late_today_and_later_and_closes_without_javascript(client):
    site = SiteFactory(name="PIMMS du Port")
    agent = agent_of(site)
    for days_ago in (10, 7, 1):
        record_visit(
            agent,
            site,
            occurred_at=NOON - datetime.timedelta(days=days_ago),
            requests=TO_REVIEW,
        )
    client.force_login(agent)
    url = f"{reverse('activity:followups')}?site={site.pk}"
    page = client.get(url).content.decode()
    late, today, later = (
        page.split('id="late-title"')[1].split("</section>")[0],
        page.split('id="today-title"')[1].split("</section>")[0],
        page.split('id="later-title"')[1].split("</section>")[0],
    )
    assert late.count('class="followup"') == 1
    assert today.count('class="followup"') == 1
    assert later.count('class="followup"') == 1
    assert "jamais le nom" in page.lower()
    late_item = FollowUp.objects.order_by("due_on").first()
    response = client.post(
        reverse("activity:followup_close", args=[late_item.pk]), {"outcome": "resolu"}
    )
    assert response.status_code == 302 and response["Location"] == url
    page = client.get(url).content.decode()
    assert page.split('id="late-title"')[1].split("</section>")[0].count('class="followup"') == 0
    assert "Résolu lors du passage : <strong>1</strong>" in page
    _exact()


@time_machine.travel(NOON, tick=False)
def test_another_sites_agent_gets_404_and_a_partner_sees_nothing(client):
    site = SiteFactory()
    record_visit(agent_of(site), site, requests=TO_REVIEW)
    item = FollowUp.objects.get()
    client.force_login(agent_of(SiteFactory()))
    assert client.get(reverse("activity:followup_edit", args=[item.pk])).status_code == 404
    close = reverse("activity:followup_close", args=[item.pk])
    assert client.post(close, {"outcome": "resolu"}).status_code == 404
    viewer = MembershipFactory(role=Role.PARTNER_VIEWER, partner=item.request.partner).user
    response = client.get("/api/v1/follow-ups", headers=bearer(viewer))
    assert response.json()["items"] == []
    assert FollowUp.objects.get().closed_on is None


@time_machine.travel(NOON, tick=False)
def test_the_api_lists_and_closes_follow_ups(client):
    site = SiteFactory()
    agent = agent_of(site)
    for days_ago in (3, 2, 1):
        record_visit(
            agent, site, occurred_at=NOON - datetime.timedelta(days=days_ago), requests=TO_REVIEW
        )
    headers = bearer(manager_of(site.organisation))
    first = client.get(f"/api/v1/follow-ups?site={site.pk}&limit=2", headers=headers).json()
    assert [i["due_on"] for i in first["items"]] == ["2026-03-14", "2026-03-15"]
    rest = client.get(
        f"/api/v1/follow-ups?site={site.pk}&limit=2&cursor={first['next_cursor']}", headers=headers
    ).json()
    assert [i["due_on"] for i in rest["items"]] == ["2026-03-16"] and rest["next_cursor"] is None
    pk = first["items"][0]["id"]
    bad = client.post(
        f"/api/v1/follow-ups/{pk}/close",
        {"outcome": "a-revoir"},
        content_type="application/json",
        headers=headers,
    )
    assert bad.status_code == 422 and bad.json()["detail"][0]["loc"][-1] == "outcome"
    done = client.post(
        f"/api/v1/follow-ups/{pk}/close",
        {"outcome": "dossier-transmis", "reference": "DOS-7"},
        content_type="application/json",
        headers=headers,
    )
    assert done.status_code == 200
    assert (done.json()["final_outcome"], done.json()["reference"]) == ("dossier-transmis", "DOS-7")
    closed = client.get(f"/api/v1/follow-ups?site={site.pk}&closed=true", headers=headers).json()
    assert [i["id"] for i in closed["items"]] == [pk]
    _exact()
