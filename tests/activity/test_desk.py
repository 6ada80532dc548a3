import datetime

import pytest
import time_machine
from django.urls import reverse

from maillon.activity.models import Visit
from maillon.web.activity.forms import parse_quick
from tests.activity.factories import record_visit
from tests.factories import PartnerFactory, SiteFactory, agent_of, manager_of

pytestmark = pytest.mark.django_db

NOON = datetime.datetime(2026, 3, 10, 11, 0, tzinfo=datetime.UTC)
DESK = reverse("activity:desk")


def test_quick_entry_reads_partner_prefixes_and_theme_numbers():
    requests, errors = parse_quick("caf2 cp3/ar 13", day=datetime.date(2026, 3, 10))
    assert errors == []
    assert [(r.partner, r.theme, r.help_kind, r.outcome) for r in requests] == [
        ("caf", "famille", None, None),  # nothing typed: the site's defaults, at save
        ("cpam", "social-sante", "accompagnement", "resolu"),
        (None, "numerique", None, None),
    ]
    _, errors = parse_quick("fr2 zz4 99", day=datetime.date(2026, 3, 10))
    assert len(errors) == 3
    assert "ambigu" in errors[0]


@time_machine.travel(NOON, tick=False)
def test_the_desk_records_a_visit_without_javascript(client):
    site = SiteFactory()
    client.force_login(agent_of(site))
    page = client.get(DESK)
    assert page.status_code == 200
    assert "autofocus" in page.content.decode()
    response = client.post(DESK, {"site": site.pk, "quick": "caf2 cpam3", "channel": "sur-site"})
    assert response.status_code == 302
    visit = Visit.objects.get()
    assert [r.partner.code for r in visit.requests.order_by("position")] == ["caf", "cpam"]
    log = client.get(response["Location"]).content.decode()
    assert "Passage enregistré (2 demande(s))." in log
    assert "Caisse d&#x27;allocations familiales" in log or "CAF" in log


@time_machine.travel(NOON, tick=False)
def test_the_desk_with_htmx_answers_the_page_with_the_new_log(client):
    site = SiteFactory()
    client.force_login(agent_of(site))
    response = client.post(
        DESK, {"site": site.pk, "quick": "caf2", "channel": "telephone"}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    assert 'id="desk"' in response.content.decode()
    assert "Passage enregistré (1 demande)." in response.content.decode()


@time_machine.travel(NOON, tick=False)
def test_bad_quick_entry_is_explained_and_nothing_is_stored(client):
    site = SiteFactory()
    client.force_login(agent_of(site))
    response = client.post(DESK, {"site": site.pk, "quick": "xyz2", "channel": "sur-site"})
    assert response.status_code == 422
    assert "aucun partenaire ne commence par « xyz »" in response.content.decode()
    assert Visit.objects.count() == 0


@time_machine.travel(NOON, tick=False)
def test_a_replayed_form_stores_one_visit(client):
    site = SiteFactory()
    client.force_login(agent_of(site))
    data = {"site": site.pk, "quick": "caf2", "channel": "sur-site", "idempotency_key": "form-abc"}
    client.post(DESK, data)
    client.post(DESK, data)
    assert Visit.objects.count() == 1


@time_machine.travel(NOON, tick=False)
def test_same_as_last_button(client):
    site = SiteFactory()
    agent = agent_of(site)
    record_visit(agent, site)
    client.force_login(agent)
    client.post(DESK, {"site": site.pk, "quick": "", "channel": "sur-site", "action": "repeat"})
    assert Visit.objects.count() == 2


@time_machine.travel(NOON, tick=False)
def test_the_log_of_another_site_is_out_of_reach(client):
    mine, other = SiteFactory(), SiteFactory()
    visit = record_visit(agent_of(other), other)
    client.force_login(agent_of(mine))
    assert client.get(DESK, {"site": other.pk}).status_code == 404
    assert client.get(reverse("activity:visit_edit", args=[visit.pk])).status_code == 404
    assert client.post(reverse("activity:visit_delete", args=[visit.pk])).status_code == 404
    assert Visit.objects.count() == 1


def test_a_past_visit_is_locked_for_its_author_and_corrected_by_a_manager(client):
    site = SiteFactory()
    agent = agent_of(site)
    with time_machine.travel(NOON, tick=False):
        visit = record_visit(agent, site)
    with time_machine.travel(NOON + datetime.timedelta(days=1), tick=False):
        client.force_login(agent)
        assert client.get(reverse("activity:visit_edit", args=[visit.pk])).status_code == 403
        client.force_login(manager_of(site.organisation))
        page = client.get(reverse("activity:visit_edit", args=[visit.pk]))
        assert "Vous corrigez le passage d'un agent" in page.content.decode()


@time_machine.travel(NOON, tick=False)
def test_desk_page_query_count_does_not_grow_with_the_log(client, django_assert_max_num_queries):
    site = SiteFactory()
    agent = agent_of(site)
    for _ in range(3):
        record_visit(agent, site)
    client.force_login(agent)
    client.get(DESK)  # warm the taxonomy cache
    with django_assert_max_num_queries(8) as few:
        client.get(DESK)
    for _ in range(10):
        record_visit(agent, site)
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(DESK)


@time_machine.travel(NOON, tick=False)
def test_outreach_and_workshop_pages(client):
    site = SiteFactory()
    client.force_login(agent_of(site))
    outreach = reverse("activity:outreach")
    response = client.post(
        outreach, {"site": site.pk, "day": "2026-03-10", "place": "domicile", "people_reached": 2}
    )
    assert response.status_code == 302
    assert "À domicile" in client.get(outreach).content.decode()
    workshops = reverse("activity:workshops")
    response = client.post(
        workshops,
        {
            "site": site.pk,
            "day": "2026-03-11",
            "theme": "numerique",
            "title": "Mails",
            "participants": 5,
        },
    )
    assert "La date est dans le futur." in response.content.decode()


def test_the_installation_administrator_edits_a_taxonomy_in_the_admin(client):
    from django.contrib.auth import get_user_model

    from tests.factories import MembershipFactory

    root = get_user_model().objects.create_superuser("racine", "racine@example.org", "x-Pass-1")
    client.force_login(root)
    page = client.get("/admin/activity/theme/")
    assert page.status_code == 200
    assert "Énergie - Eau" in page.content.decode()
    for user in (MembershipFactory(network_admin=True).user, agent_of(SiteFactory())):
        client.force_login(user)
        assert client.get("/admin/activity/theme/").status_code == 302


@time_machine.travel(NOON, tick=False)
def test_the_legend_lists_the_national_operators_before_local_partners(client):
    PartnerFactory(code="aaa-epicerie", name="AAA Épicerie solidaire", kind="local")
    site = SiteFactory()
    client.force_login(agent_of(site))
    legend = client.get(DESK).content.decode().split('id="legend-title"', 1)[1]
    assert legend.index("<dt>caf</dt>") < legend.index("<dt>aaa-epicerie</dt>")
    assert legend.index("<dt>cpam</dt>") < legend.index("<dt>edf</dt>")
