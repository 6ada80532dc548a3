"""The case services: opening from a desk request (outcome, follow-up, rollups), the thread,
the answer, the re-route, the closing, the attachments; every change journaled, signals on
commit only."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.utils import timezone

from maillon.activity import taxonomy
from maillon.activity.models import FollowUp, RequestDailyRollup
from maillon.activity.rollups_verify import rollups_compare
from maillon.cases import services, signals
from maillon.cases.deadlines import add_business_days, local_day
from maillon.cases.enums import CaseAnswer, CaseStatus, ConsentKind, Side, Usefulness
from maillon.cases.models import Case, CaseAttachment
from maillon.core.errors import NotFound
from maillon.journal.models import JournalEntry
from tests.activity.factories import seed_reference_data
from tests.cases.factories import (
    PDF,
    PNG,
    desk_request,
    open_case,
    partner,
    pdf_upload,
    referent_of,
    site_in,
)
from tests.factories import agent_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    seed_reference_data()
    site = site_in("11")
    return {
        "site": site,
        "agent": agent_of(site),
        "caf": referent_of("caf", "11").user,
        "cpam": referent_of("cpam", "11").user,
    }


def _received(signal):
    got = []

    def receiver(sender, **kwargs):
        got.append(kwargs)

    signal.connect(receiver, weak=False)
    return got, lambda: signal.disconnect(receiver)


def test_open_sends_the_request_with_outcome_followup_rollups_and_journal(
    world, django_capture_on_commit_callbacks
):
    request = desk_request(world["agent"], world["site"])
    followup = FollowUp.objects.get(request=request)
    assert followup.closed_on is None
    got, stop = _received(signals.case_sent)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            case = services.case_open(
                request_id=request.pk,
                by=world["agent"],
                subject="  Prime   d'activité suspendue ",
                description="Dossier bloqué depuis mars.",
                identifiers={"nir": "2 69 05 49 588 157 80", "allocataire_number": "1234567"},
                consent_kind=ConsentKind.SIGNED,
                consent_on=timezone.localdate(),
                attachments=[pdf_upload()],
            )
    finally:
        stop()
    assert [g["case"] for g in got] == [case]
    assert case.subject == "Prime d'activité suspendue"
    assert case.partner == partner("caf") and case.site == world["site"]
    assert case.status == CaseStatus.NEW and case.nir == "269054958815780"
    assert case.due_on == add_business_days("11", local_day(case.site, case.sent_at), 3)
    request.refresh_from_db()
    assert request.outcome.code == services.TRANSMITTED and not request.outcome_defaulted
    followup.refresh_from_db()
    assert followup.closed_on == timezone.localdate()
    assert followup.final_outcome.code == services.TRANSMITTED
    # the rollups moved with the outcome, and still equal the facts
    transmitted = taxonomy.term_by_code("outcome", services.TRANSMITTED)
    assert RequestDailyRollup.objects.filter(outcome_id=transmitted.id).get().requests == 1
    assert rollups_compare()[1] == []
    call_command("rollups_verify")  # `maillon rollups verify`: raises on any difference
    attachment = case.attachments.get()
    assert attachment.content_type == "application/pdf" and attachment.name == "avis-imposition.pdf"
    assert "avis" not in attachment.file.name  # a random name on disk
    assert attachment.file.read() == PDF
    entries = JournalEntry.objects.filter(site_id=world["site"].pk)
    created = entries.get(object_repr=str(case), action="create")
    assert created.changes["status"] == [None, "new"]
    assert "description" not in created.changes and "nir" not in created.changes
    assert entries.filter(note__contains="transmis").count() == 2  # the request and its suite


def test_open_checks_consent_identifiers_and_the_agent_site(world):
    request = desk_request(world["agent"], world["site"])
    with pytest.raises(ValidationError) as caught:
        services.case_open(
            request_id=request.pk,
            by=world["agent"],
            subject="",
            consent_kind="",
            consent_on=None,
            identifiers={"nir": "269054958815781", "tax_number": "9"},
        )
    assert set(caught.value.message_dict) == {
        "subject",
        "consent_kind",
        "consent_on",
        "nir",
        "tax_number",
    }
    stranger = agent_of(site_in("34"))
    with pytest.raises(NotFound):
        open_case_for(request, stranger)
    with pytest.raises(NotFound):
        open_case_for(request, world["caf"])
    assert not Case.objects.exists()
    open_case_for(request, world["agent"])
    with pytest.raises(ValidationError, match="déjà été transmise"):
        open_case_for(request, world["agent"])


def open_case_for(request, user):
    return services.case_open(
        request_id=request.pk,
        by=user,
        subject="Objet",
        consent_kind=ConsentKind.ORAL,
        consent_on=timezone.localdate(),
    )


def test_thread_answers_and_notes(world, django_capture_on_commit_callbacks):
    case = open_case(world["agent"], world["site"])
    first_due = case.due_on
    services.message_post(case=case, by=world["agent"], body="Des nouvelles ?")
    case.refresh_from_db()
    assert case.status == CaseStatus.NEW and case.first_answer_at is None
    got, stop = _received(signals.message_posted)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            answer = services.message_post(case=case, by=world["caf"], body="Je regarde.")
    finally:
        stop()
    assert got[0]["message"] == answer and answer.side == Side.PARTNER
    case.refresh_from_db()
    assert case.status == CaseStatus.IN_PROGRESS
    assert case.first_answer_at == case.last_answer_at == answer.created_at
    assert case.due_on == add_business_days("11", local_day(case.site, answer.created_at), 15)
    assert case.due_on > first_due
    note = services.internal_note_post(case=case, by=world["caf"], body="Voir service contentieux")
    assert note.internal
    with pytest.raises(PermissionDenied):
        services.internal_note_post(case=case, by=world["agent"], body="Je ne peux pas")
    # the CPAM referent of the same département sees nothing of a CAF case
    with pytest.raises(NotFound):
        services.message_post(case=case, by=world["cpam"], body="?")
    with pytest.raises(ValidationError):
        services.message_post(case=case, by=world["caf"], body="   ")


def test_answer_then_close_as_useful(world, django_capture_on_commit_callbacks):
    case = open_case(world["agent"], world["site"])
    with pytest.raises(PermissionDenied):
        services.case_answer(case=case, by=world["agent"], answer=CaseAnswer.SOLVED)
    with django_capture_on_commit_callbacks(execute=True):
        case = services.case_answer(
            case=case, by=world["caf"], answer=CaseAnswer.SOLVED, body="Versement rétabli."
        )
    assert case.status == CaseStatus.ANSWERED and case.answered_at is not None
    assert case.messages.get().body == "Versement rétabli."
    with pytest.raises(PermissionDenied):
        services.case_close(case=case, by=world["caf"], useful=Usefulness.YES)
    with pytest.raises(ValidationError, match="utile"):
        services.case_close(case=case, by=world["agent"], useful="")
    case = services.case_close(case=case, by=world["agent"], useful=Usefulness.YES)
    assert case.status == CaseStatus.CLOSED and case.due_on is None and case.closed_at
    with pytest.raises(ValidationError, match="clos"):
        services.message_post(case=case, by=world["agent"], body="Encore")
    notes = list(JournalEntry.objects.filter(object_repr=str(case)).values_list("note", flat=True))
    assert "Dossier traité" in notes and "Dossier clos" in notes


def test_reroute_after_wrong_partner_copies_data_and_files(world):
    case = open_case(
        world["agent"],
        world["site"],
        identifiers={"tax_number": "3012345678901"},
        attachments=[pdf_upload()],
    )
    with pytest.raises(ValidationError, match="mauvais partenaire"):
        services.case_reroute(case=case, by=world["agent"], partner_id=partner("cpam").pk)
    services.case_answer(case=case, by=world["caf"], answer=CaseAnswer.WRONG_PARTNER)
    with pytest.raises(ValidationError, match="autre partenaire"):
        services.case_reroute(case=case, by=world["agent"], partner_id=partner("caf").pk)
    new = services.case_reroute(case=case, by=world["agent"], partner_id=partner("cpam").pk)
    case.refresh_from_db()
    assert case.status == CaseStatus.CLOSED and case.rerouted_to == new
    assert new.partner == partner("cpam") and new.status == CaseStatus.NEW
    assert new.tax_number == "3012345678901" and new.subject == case.subject
    assert new.request_id is not None and case.request_id is None
    old_file, new_file = case.attachments.get(), new.attachments.get()
    assert old_file.file.name != new_file.file.name and new_file.file.read() == PDF
    # the CPAM referent now answers it
    services.message_post(case=new, by=world["cpam"], body="Reçu.")


def test_attachments_are_checked_by_content_and_size(world, settings):
    case = open_case(world["agent"], world["site"])
    png_named_pdf = SimpleUploadedFile("scan.pdf", PNG)
    stored = services.attachment_add(case=case, by=world["caf"], upload=png_named_pdf)
    assert stored.content_type == "image/png" and stored.name == "scan.png"
    text_named_pdf = SimpleUploadedFile("faux.pdf", b"<html>hello</html>")
    with pytest.raises(ValidationError, match="PDF, JPEG et PNG"):
        services.attachment_add(case=case, by=world["agent"], upload=text_named_pdf)
    settings.CASE_ATTACHMENT_MAX_BYTES = 20
    with pytest.raises(ValidationError, match="taille permise"):
        services.attachment_add(case=case, by=world["agent"], upload=pdf_upload())
    with pytest.raises(NotFound):
        services.attachment_add(
            case=case, by=agent_of(site_in("34")), upload=SimpleUploadedFile("a.png", PNG)
        )
    assert CaseAttachment.objects.count() == 1
