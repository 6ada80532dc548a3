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
