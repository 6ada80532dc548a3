"""E-mails of cases: who receives them, what they hold (no personal data), sent by the worker."""

import pytest
from django.core import mail
from django.db import transaction

from maillon.cases import signals
from maillon.cases.enums import Side
from maillon.cases.models import Case, CaseMessage
from maillon.geo.models import Department
from tests.cases.builders import caf, case_create, referent_of, site_in
from tests.cases.worker import run_worker
from tests.factories import PartnerFactory, agent_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(settings):
    settings.MAILLON_BASE_URL = "https://maillon.example.org"
    partner = caf()
    site = site_in("11262", name="PIMMS de Narbonne")  # Narbonne, Aude
    other = site_in("34172", name="PIMMS de Montpellier")  # Hérault
    return {
        "partner": partner,
        "site": site,
        "other": other,
        "aude": referent_of(
            partner, departments=[Department.objects.get(code="11")], email="caf11@example.org"
        ),
        "named": referent_of(partner, sites=[site], email="caf-narbonne@example.org"),
        "herault": referent_of(
            partner, departments=[Department.objects.get(code="34")], email="caf34@example.org"
        ),
        "cpam": referent_of(
            PartnerFactory(code="cpam", short_name="CPAM"),
            departments=[Department.objects.get(code="11")],
            email="cpam11@example.org",
        ),
        "inactive": referent_of(
            partner,
            departments=[Department.objects.get(code="11")],
            email="ancien@example.org",
            is_active=False,
        ),
    }


def sensitive_case(world) -> Case:
    agent = agent_of(world["site"], user__email="agent@example.org")
    return case_create(
        site=world["site"],
        partner=world["partner"],
        opened_by=agent,
        subject="RSA de Mme Martin",
        description="Mme Martin, née le 3 mai 1970",
        allocataire_number="1234567",
        nir="270059912345678",
    )


def send(signal, **kwargs):
    with transaction.atomic():  # as the services do: after commit
        transaction.on_commit(lambda: signal.send(sender=Case, **kwargs))


def test_a_new_case_mails_the_partners_referents_of_its_territory_only(
    world, django_capture_on_commit_callbacks
):
    case = sensitive_case(world)
    with django_capture_on_commit_callbacks(execute=True):
        send(signals.case_sent, case=case)
    assert mail.outbox == []  # enqueued, not sent: the worker sends
    output = run_worker("--no-scheduler")
    recipients = sorted(address for message in mail.outbox for address in message.to)
    assert recipients == ["caf-narbonne@example.org", "caf11@example.org"]
    message = mail.outbox[0]
    assert message.subject == "Nouveau dossier CAF — PIMMS de Narbonne"
    assert f"https://maillon.example.org/dossiers/{case.pk}/" in message.body
    html = message.alternatives[0].content
    assert f'href="https://maillon.example.org/dossiers/{case.pk}/"' in html
    for secret in ("Martin", "1234567", "270059912345678", "1970", "RSA"):
        assert secret not in message.subject + message.body + html
    assert output.count("Daily jobs") == 0  # --no-scheduler


def test_site_messages_go_to_referents_answers_and_partner_messages_to_the_agents(
    world, django_capture_on_commit_callbacks
):
    case = sensitive_case(world)
    colleague = agent_of(world["site"], user__email="collegue@example.org")
    agent_of(world["site"], user__email="silencieux@example.org")  # never wrote: not mailed
    site_message = CaseMessage.objects.create(case=case, author=colleague, side=Side.SITE, body="…")
    reply = CaseMessage.objects.create(
        case=case, author=world["aude"].user, side=Side.PARTNER, body="…"
    )
    note = CaseMessage.objects.create(
        case=case, author=world["aude"].user, side=Side.PARTNER, body="…", internal=True
    )
    with django_capture_on_commit_callbacks(execute=True):
        send(signals.message_posted, case=case, message=site_message)
        send(signals.message_posted, case=case, message=reply)
        send(signals.message_posted, case=case, message=note)
        send(signals.case_answered, case=case)
    run_worker("--no-scheduler")
    sent = sorted((m.subject, m.to[0]) for m in mail.outbox)
    assert sent == [
        ("Message du partenaire CAF — PIMMS de Narbonne", "agent@example.org"),
        ("Message du partenaire CAF — PIMMS de Narbonne", "collegue@example.org"),
        ("Nouveau message sur le dossier CAF — PIMMS de Narbonne", "caf-narbonne@example.org"),
        ("Nouveau message sur le dossier CAF — PIMMS de Narbonne", "caf11@example.org"),
        ("Réponse du partenaire CAF — PIMMS de Narbonne", "agent@example.org"),
        ("Réponse du partenaire CAF — PIMMS de Narbonne", "collegue@example.org"),
    ]


def test_a_rolled_back_write_notifies_no_one(world, django_capture_on_commit_callbacks):
    case = sensitive_case(world)
    with django_capture_on_commit_callbacks(execute=True):
        try:
            with transaction.atomic():
                transaction.on_commit(lambda: signals.case_sent.send(sender=Case, case=case))
                raise RuntimeError("the service failed")
        except RuntimeError:
            pass
    run_worker("--no-scheduler")
    assert mail.outbox == []


def test_through_the_services_the_referent_is_mailed_then_the_agent_gets_the_answer(
    settings, django_capture_on_commit_callbacks
):
    from maillon.cases import services
    from tests.cases.factories import open_case
    from tests.cases.factories import referent_of as referent_for
    from tests.cases.factories import site_in as site_in_department

    settings.MAILLON_BASE_URL = "https://maillon.example.org"
    site = site_in_department("11", name="PIMMS de Carcassonne")
    agent = agent_of(site, user__email="agent@example.org")
    referent = referent_for("caf", "11", email="caf11@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        case = open_case(agent, site, identifiers={"allocataire_number": "1234567"})
    run_worker("--no-scheduler")
    assert [(m.to, m.subject) for m in mail.outbox] == [
        (["caf11@example.org"], "Nouveau dossier CAF — PIMMS de Carcassonne")
    ]
    with django_capture_on_commit_callbacks(execute=True):
        services.case_answer(case=case, by=referent.user, answer="solved", body="C'est réglé.")
    run_worker("--no-scheduler")
    # one e-mail for the answer (its text is in the case, not in the e-mail)
    assert [(m.to, m.subject) for m in mail.outbox[1:]] == [
        (["agent@example.org"], "Réponse du partenaire CAF — PIMMS de Carcassonne")
    ]
    assert "réglé" not in mail.outbox[1].body
    assert all("1234567" not in m.body for m in mail.outbox)
