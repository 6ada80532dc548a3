import io

import pytest
from docx import Document

from maillon.accounts.enums import Role
from maillon.network.models import Site
from tests.factories import MembershipFactory, agent_of


@pytest.fixture
def admin_client(client, pimms):
    user = MembershipFactory(role=Role.NETWORK_ADMIN, network=pimms).user
    client.force_login(user)
    return client


def test_publication_page_shows_the_list_and_downloads(admin_client):
    url = "/label/listes/?network=pimms&on=2020-09-30&new_since=2020-02-01"
    response = admin_client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    assert "53 points d'accueil labellisés dans 22 départements." in html
    assert html.count('class="new-mark"') == 13
    assert "format=docx" in html
    download = admin_client.get(url + "&format=docx")
    assert (
        download["Content-Disposition"] == 'attachment; filename="labellises-pimms-2020-09-30.docx"'
    )
    document = Document(io.BytesIO(download.content))
    assert len(document.tables[0].rows) == 1 + 53 + 9 + 1
    csv_text = admin_client.get(url + "&format=csv").content.decode()
    assert csv_text.count("\n") == 54


def test_printed_publication_page_shows_differences(admin_client):
    response = admin_client.get("/label/listes/pimms-france-services-automne-2020/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "Différences avec la liste imprimée" in html
    assert "Loire (42)" in html
    assert "Haute-Vienne" in html


def test_quality_page_is_for_network_admins_only(admin_client, client, pimms):
    response = admin_client.get("/label/qualite/")
    assert response.status_code == 200
    assert "859, et non 856" in response.content.decode()
    agent = agent_of(Site.objects.get(external_id="narbonne"))
    client.force_login(agent)
    assert client.get("/label/qualite/").status_code == 404
    assert client.get("/label/listes/").status_code == 404
    assert client.get("/label/listes/pimms-france-services-automne-2020/").status_code == 404


def test_anonymous_users_are_sent_to_login(client, pimms):
    response = client.get("/label/qualite/")
    assert response.status_code == 302


def test_self_check_page_for_a_visible_site_only(client, pimms):
    site = Site.objects.get(external_id="narbonne")
    site.opening_hours = "Mo-Th 09:00-12:00,14:00-16:00"
    site.save()
    client.force_login(agent_of(site))
    response = client.get(f"/label/points-d-accueil/{site.pk}/autodiagnostic/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "non respecté" in html
    assert "ouvert 20 h par semaine sur 4 jours" in html
    other = Site.objects.get(external_id="sigean")
    assert client.get(f"/label/points-d-accueil/{other.pk}/autodiagnostic/").status_code == 404


def test_coverage_page(admin_client):
    response = admin_client.get("/label/couverture/?on=2020-01-01")
    assert response.status_code == 200
    html = response.content.decode()
    assert "<td>33</td>" in html and "<td>20</td>" in html
    assert "non disponible" in html
