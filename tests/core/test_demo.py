import pytest

from maillon.network.models import Agreement, Network, Organisation
from maillon.orchestration.demo import demo_accounts_create, demo_agreements_create
from maillon.orchestration.importers.pimms import pimms_network_import


@pytest.mark.django_db
def test_demo_agreements_let_the_demo_partner_read_his_report(client):
    pimms_network_import()
    accounts = {account.username: account for account in demo_accounts_create()}
    created = demo_agreements_create()
    organisations = Organisation.objects.in_network(Network.objects.get(slug="pimms")).count()
    assert created == Agreement.objects.count() > organisations  # several partners each
    assert demo_agreements_create() == 0  # idempotent
    assert Agreement.objects.filter(partner__code="caf").count() == organisations
    client.post(
        "/compte/connexion/",
        {"username": "partenaire", "password": accounts["partenaire"].password},
    )
    assert client.get("/rapports/partenaire/").status_code == 200


@pytest.mark.django_db
def test_the_demo_administrator_alone_enters_the_admin(client):
    pimms_network_import()
    accounts = {account.username: account for account in demo_accounts_create()}
    for username, status in (("reseau", 302), ("admin", 200)):
        client.post(
            "/compte/connexion/",
            {"username": username, "password": accounts[username].password},
        )
        assert client.get("/admin/").status_code == status, username
        client.post("/compte/deconnexion/")


@pytest.mark.django_db
def test_demo_buses_get_plausible_stops_marked_as_demo_data(client):
    from maillon.network.models import Site
    from maillon.orchestration.demo import demo_stops_create

    pimms_network_import()
    assert demo_stops_create() == 8
    assert demo_stops_create() == 0  # idempotent
    rennes = Site.objects.get(fs_id="580")
    stops = list(rennes.stops.select_related("commune"))
    assert all(stop.place.endswith("(arrêt de démonstration)") for stop in stops)
    assert {stop.commune.name for stop in stops} == {
        "Janzé",
        "Martigné-Ferchaud",
        "Le Theil-de-Bretagne",
    }
    page = client.get(f"/lieux/{rennes.pk}/").content.decode()
    assert "les 2e et 4e mardis du mois, 9 h–12 h" in page
