"""The journal: append-only at every level, scoped history, the network-wide page and CSV."""

import csv
import io

import pytest
from django.db import connection, transaction
from django.db.utils import DatabaseError
from django.urls import reverse

from maillon.journal.enums import JournalAction
from maillon.journal.models import JournalEntry, JournalIsAppendOnly
from maillon.journal.services import diff, journal_record, snapshot
from maillon.network import services
from tests.journal.world import make_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return make_world()


@pytest.fixture
def entry(world):
    return journal_record(
        actor=world.manager_a,
        action=JournalAction.UPDATE,
        obj=world.site_a,
        changes={"phone": ["", "04 00 00 00 00"]},
    )


def test_record_files_the_entry_under_the_object_site_and_organisation(world, entry):
    assert entry.actor == world.manager_a
    assert entry.object_id == str(world.site_a.pk)
    assert entry.object_repr == "PIMMS Lyon 8e"
    assert (entry.organisation_id, entry.site_id) == (world.org_a.pk, world.site_a.pk)
    assert entry.changes == {"phone": ["", "04 00 00 00 00"]}


def test_update_without_change_is_not_recorded(world):
    before = snapshot(world.site_a, ["name", "commune"])
    changes = diff(before, snapshot(world.site_a, ["name", "commune"]))
    assert (
        journal_record(
            actor=world.manager_a, action=JournalAction.UPDATE, obj=world.site_a, changes=changes
        )
        is None
    )
    assert not JournalEntry.objects.exists()


def test_orm_refuses_update_and_delete(entry):
    with pytest.raises(JournalIsAppendOnly):
        JournalEntry.objects.filter(pk=entry.pk).update(note="effacé")
    with pytest.raises(JournalIsAppendOnly):
        JournalEntry.objects.all().delete()
    with pytest.raises(JournalIsAppendOnly):
        entry.delete()
    entry.note = "modifié"
    with pytest.raises(JournalIsAppendOnly):
        entry.save()
    assert JournalEntry.objects.get(pk=entry.pk).note == ""


def test_database_refuses_update(entry):
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE journal_journalentry SET note = 'x' WHERE id = %s", [entry.pk])
    assert JournalEntry.objects.get(pk=entry.pk).note == ""


@pytest.mark.postgresql
def test_database_refuses_delete_on_postgresql(entry):
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM journal_journalentry WHERE id = %s", [entry.pk])
    assert JournalEntry.objects.filter(pk=entry.pk).exists()


def test_admin_is_read_only(client, world, entry):
    from django.contrib.auth import get_user_model

    admin = get_user_model().objects.create_superuser("root", "root@example.org", "x-Secret-1")
    client.force_login(admin)
    change = client.get(reverse("admin:journal_journalentry_change", args=[entry.pk]))
    assert change.status_code == 200
    assert 'name="_save"' not in change.content.decode()
    delete = client.post(reverse("admin:journal_journalentry_delete", args=[entry.pk]))
    assert delete.status_code == 403
    assert client.get(reverse("admin:journal_journalentry_add")).status_code == 403
    assert JournalEntry.objects.filter(pk=entry.pk).exists()


def test_site_history_tab_shows_who_changed_what(client, world):
    services.site_update(
        actor=world.manager_a,
        site=world.site_a,
        data={"phone": "04 78 78 78 78"},
        expected_version=1,
    )
    client.force_login(world.manager_a)
    page = client.get(reverse("network:site_history", args=[world.site_a.pk])).content.decode()
    assert "04 78 78 78 78" in page
    assert str(world.manager_a) in page
    assert "Téléphone" in page


def test_network_journal_filters_and_exports(client, world):
    services.site_update(
        actor=world.manager_a, site=world.site_a, data={"phone": "1"}, expected_version=1
    )
    services.site_update(
        actor=world.manager_b, site=world.site_b, data={"phone": "2"}, expected_version=1
    )
    client.force_login(world.head)
    page = client.get(reverse("journal:journal")).content.decode()
    assert "PIMMS Lyon 8e" in page and "Saint-Étienne centre" in page
    filtered = client.get(reverse("journal:journal"), {"organisation": world.org_b.pk})
    assert "PIMMS Lyon 8e" not in filtered.content.decode()
    by_actor = client.get(reverse("journal:journal"), {"actor": world.manager_a.username})
    assert "Saint-Étienne centre" not in by_actor.content.decode()
    export = client.get(reverse("journal:export"), {"organisation": world.org_a.pk})
    assert export["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(export.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][0] == "date"
    assert len(rows) == 2
    assert rows[1][1] == world.manager_a.username
    assert rows[1][5] == "PIMMS Lyon 8e"
    assert '"phone": ["", "1"]' in rows[1][8]


def test_bad_date_range_is_refused_at_the_field(client, world):
    client.force_login(world.head)
    response = client.get(
        reverse("journal:journal"), {"since": "2026-05-01", "until": "2026-01-01"}
    )
    assert "La date de fin doit suivre la date de début." in response.content.decode()


def test_journal_page_lists_in_constant_queries(client, world, django_assert_max_num_queries):
    for n in range(5):
        services.site_update(
            actor=world.manager_a, site=world.site_a, data={"phone": str(n)}, expected_version=n + 1
        )
    client.force_login(world.head)
    with django_assert_max_num_queries(12):
        client.get(reverse("journal:journal"))
