"""Undo a deletion for a few minutes: « Passage supprimé — Annuler ».

A deletion is a real delete (the rollups lose its contribution in the same transaction, reads
stay simple: no `deleted_at` to filter anywhere). Its journal entry keeps, beside the last
values it shows, the rows deleted — the visit, its requests, their follow-ups and targets, or
the outreach act or workshop — serialised with their ids (`SNAPSHOT`). Within `UNDO_MINUTES`
the user who deleted may restore them (`deletion_undo`): the same rows, ids and dates come
back, their contribution re-enters the rollups in the same transaction, and the journal records
the restoration. After that, or once restored, the deletion stands."""

import datetime
from collections.abc import Iterable, Mapping
from typing import Any

from django.core import serializers
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from maillon.accounts.models import User
from maillon.activity.models import OutreachAct, Request, Visit, Workshop
from maillon.activity.rollups import Delta
from maillon.activity.selectors import writable_site
from maillon.core.errors import NotFound
from maillon.journal.enums import JournalAction
from maillon.journal.models import JournalEntry
from maillon.journal.services import journal_record

UNDO_MINUTES = 5
# the key of the deletion's changes that holds the rows (« _ »: not shown as a change)
SNAPSHOT = "_restauration"


def deletion_changes(values: Mapping[str, Any], rows: Iterable[models.Model]) -> dict:
    """The changes of a deletion's journal entry: its last `values` (what the journal shows)
    and the `rows` to restore, the deleted object first."""
    changes = {name: [value, None] for name, value in values.items()}
    changes[SNAPSHOT] = [serializers.serialize("json", list(rows)), None]
    return changes


def undo_deadline(entry: JournalEntry) -> datetime.datetime:
    return entry.at + datetime.timedelta(minutes=UNDO_MINUTES)


def undoable(*, user: User, entry_id: int | None) -> JournalEntry | None:
    """The deletion `user` may still undo (his own, recent, not restored yet), or None."""
    if entry_id is None:
        return None
    entry = (
        JournalEntry.objects.filter(pk=entry_id, actor_id=user.pk, action=JournalAction.DELETE)
        .select_related("content_type")
        .first()
    )
    if entry is None or SNAPSHOT not in entry.changes or timezone.now() > undo_deadline(entry):
        return None
    model = entry.content_type.model_class()
    if model not in (Visit, OutreachAct, Workshop):
        return None
    assert model is not None  # one of the three
    if model._default_manager.filter(pk=entry.object_id).exists():  # restored already
        return None
    return entry


@transaction.atomic
def deletion_undo(*, actor: User, entry_id: int) -> models.Model:
    """Restore what the deletion `entry_id` removed (see the module doc). NotFound when it is
    not the actor's or not a deletion of activity; ValidationError once the delay is over or
    when it was restored already."""
    entry = (
        JournalEntry.objects.select_for_update()
        .filter(pk=entry_id, actor_id=actor.pk, action=JournalAction.DELETE)
        .first()
    )
    if entry is None or SNAPSHOT not in entry.changes:
        raise NotFound
    if timezone.now() > undo_deadline(entry):
        raise ValidationError(
            ngettext(
                "Le délai d'annulation (%(n)d minute) est passé : la suppression est définitive.",
                "Le délai d'annulation (%(n)d minutes) est passé : la suppression est définitive.",
                UNDO_MINUTES,
            )
            % {"n": UNDO_MINUTES}
        )
    restored = list(serializers.deserialize("json", entry.changes[SNAPSHOT][0]))
    head = restored[0].object
    if not isinstance(head, Visit | OutreachAct | Workshop):
        raise NotFound
    if type(head).objects.filter(pk=head.pk).exists():
        raise ValidationError(_("Cette suppression a déjà été annulée."))
    if writable_site(user=actor, site_id=head.site_id) is None:  # no longer on the site
        raise NotFound
    for row in restored:
        row.save()
    delta = Delta()
    if isinstance(head, Visit):
        delta.visit(head, [row.object for row in restored if isinstance(row.object, Request)])
    elif isinstance(head, OutreachAct):
        delta.outreach(head)
    else:
        delta.workshop(head)
    delta.apply()
    journal_record(
        actor=actor,
        action=JournalAction.CREATE,
        obj=head,
        note=_("Suppression annulée (entrée du journal n° %(id)d).") % {"id": entry.pk},
    )
    return head
