"""Writing the journal. Every service that changes journalled data (see `journal.models`) calls
`journal_record` inside its transaction, so the entry exists if and only if the change does.

Usage, in a service::

    before = snapshot(site, SITE_FIELDS)
    ...  # change and save the site
    journal_record(
        actor=actor,
        action=JournalAction.UPDATE,
        obj=site,
        changes=diff(before, snapshot(site, SITE_FIELDS)),
    )

`changes` maps a field name to `[before, after]` (JSON values, foreign keys as their text);
for a creation `before` is None, for a deletion `after` is None. An update with no change
writes nothing.
"""

import datetime
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction

from maillon.journal.enums import JournalAction
from maillon.journal.models import JournalEntry

# Who made a change: a user, known to the layers below accounts by Django's base class, or
# None for the system (an import, a command).
Actor = AbstractBaseUser | None

Changes = dict[str, list[Any]]


def _json_value(value: Any) -> Any:
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, datetime.date | datetime.datetime | datetime.time):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, models.Model):
        return str(value)
    if isinstance(value, list | tuple | set):
        return [_json_value(v) for v in value]
    return str(value)


def snapshot(obj: models.Model, fields: Iterable[str]) -> dict[str, Any]:
    """The journal-ready values of `fields` of `obj` (a foreign key as its text)."""
    values = {}
    for name in fields:
        field = obj._meta.get_field(name)
        if field.many_to_many:
            value = sorted(str(o) for o in getattr(obj, name).all()) if obj.pk else []
        elif isinstance(field, models.Field) and not field.is_relation:
            value = getattr(obj, field.attname)
        else:
            value = getattr(obj, name)
        values[name] = _json_value(value)
    return values


def diff(before: Mapping[str, Any], after: Mapping[str, Any]) -> Changes:
    """{field: [before, after]} for the fields whose value changed."""
    return {
        name: [before.get(name), after.get(name)]
        for name in after
        if before.get(name) != after.get(name)
    }


def created(after: Mapping[str, Any]) -> Changes:
    return {name: [None, value] for name, value in after.items() if value not in (None, "")}


def _scope(obj: models.Model) -> tuple[int | None, int | None]:
    """(organisation id, site id) an object belongs to, for scoped history and filters.

    An organisation and a site say it themselves (`journal_scope`); anything else is filed
    by its `site_id`, `organisation_id` or `employee`. The journal imports no domain model."""
    scope = getattr(obj, "journal_scope", None)
    if scope is not None:
        return scope
    site_id = getattr(obj, "site_id", None)
    organisation_id = getattr(obj, "organisation_id", None)
    if organisation_id is None and site_id is not None:
        organisation_id = _organisation_id_of(obj, "site")
    if organisation_id is None and getattr(obj, "employee_id", None):
        organisation_id = _organisation_id_of(obj, "employee")
    return organisation_id, site_id


def _organisation_id_of(obj: models.Model, relation: str) -> int | None:
    """The organisation id of the object `obj.<relation>` (a site, an employee), read by name
    because the journal knows no domain model."""
    related: Any = getattr(obj, relation)
    return related.organisation_id


@transaction.atomic
def journal_record(
    *,
    actor: Actor,
    action: JournalAction | str,
    obj: models.Model,
    changes: Changes | None = None,
    note: str = "",
    organisation_id: int | None = None,
    site_id: int | None = None,
) -> JournalEntry | None:
    """Append one entry: `actor` (a user, or None for the system) did `action` on `obj`.

    The organisation and site the entry is filed under are read from `obj` (an Organisation,
    a Site, or anything with `site_id`/`organisation_id`/`employee`) unless given. An UPDATE
    whose `changes` are empty is not recorded (returns None).
    """
    changes = changes or {}
    if action == JournalAction.UPDATE and not changes:
        return None
    scope_organisation, scope_site = _scope(obj)
    return JournalEntry.objects.create(
        # by id: the model's field wants the concrete user model, which the journal does not know
        actor_id=actor.pk if actor is not None and actor.is_authenticated else None,
        action=action,
        content_type=ContentType.objects.get_for_model(obj, for_concrete_model=False),
        object_id=str(obj.pk),
        object_repr=str(obj)[:300],
        changes={name: [_json_value(a), _json_value(b)] for name, (a, b) in changes.items()},
        note=note[:300],
        organisation_id=organisation_id if organisation_id is not None else scope_organisation,
        site_id=site_id if site_id is not None else scope_site,
    )


def journal_created(
    *,
    actor: Actor,
    obj: models.Model,
    fields: Iterable[str],
    organisation_id: int | None = None,
) -> JournalEntry | None:
    """Shortcut: record the creation of `obj` with the values of `fields`."""
    return journal_record(
        actor=actor,
        action=JournalAction.CREATE,
        obj=obj,
        changes=created(snapshot(obj, fields)),
        organisation_id=organisation_id,
    )


def journaled_upsert(
    model: type[models.Model],
    *,
    actor: Actor,
    lookup: Mapping[str, Any],
    values: Mapping[str, Any],
    fields: Iterable[str],
    organisation_id: int | None = None,
) -> tuple[Any, bool]:
    """Create or update the one row of `model` matching `lookup` (locked for the transaction:
    call inside one), set `values`, validate, save, and journal its creation or its changes of
    `fields`. Returns the row and whether anything changed. A network's rules pages use it."""
    obj = model._default_manager.select_for_update().filter(**lookup).first()
    new = obj is None
    if obj is None:
        obj = model(**lookup)
    before = {} if new else snapshot(obj, fields)
    for name, value in values.items():
        setattr(obj, name, value)
    obj.full_clean()
    obj.save()
    after = snapshot(obj, fields)
    journal_record(
        actor=actor,
        action=JournalAction.CREATE if new else JournalAction.UPDATE,
        obj=obj,
        changes=created(after) if new else diff(before, after),
        organisation_id=organisation_id,
    )
    return obj, new or before != after


def journal_deleted(
    *,
    actor: Actor,
    obj: models.Model,
    fields: Iterable[str],
    organisation_id: int | None = None,
) -> JournalEntry | None:
    """Shortcut: record the deletion of `obj` (call before deleting it) with its last values."""
    return journal_record(
        actor=actor,
        action=JournalAction.DELETE,
        obj=obj,
        changes={name: [value, None] for name, value in snapshot(obj, fields).items()},
        organisation_id=organisation_id,
    )


JournalRecord = tuple[JournalAction | str, models.Model, Changes]


@transaction.atomic
def journal_record_many(*, records: Iterable[JournalRecord], note: str = "") -> int:
    """Append one entry per (action, object, changes) for the system (an import), in bulk.

    Same meaning as `journal_record` with no actor: an UPDATE without changes is skipped.
    Returns the number of entries written."""
    entries = []
    for action, obj, changes in records:
        if action == JournalAction.UPDATE and not changes:
            continue
        organisation_id, site_id = _scope(obj)
        entries.append(
            JournalEntry(
                actor=None,
                action=action,
                content_type=ContentType.objects.get_for_model(obj, for_concrete_model=False),
                object_id=str(obj.pk),
                object_repr=str(obj)[:300],
                changes={
                    name: [_json_value(a), _json_value(b)] for name, (a, b) in changes.items()
                },
                note=note[:300],
                organisation_id=organisation_id,
                site_id=site_id,
            )
        )
    JournalEntry.objects.bulk_create(entries, batch_size=1000)
    return len(entries)


def fields_edited_by_people(
    *, model: type[models.Model], object_ids: Iterable[int]
) -> dict[int, set[str]]:
    """For each object, the fields a person set (a journal entry with an author creating or
    changing them). Imports write their entries without an author, so what they set does not
    count: this is how an import knows which values a manager chose and must keep."""
    ids = [str(pk) for pk in object_ids]
    edited: dict[int, set[str]] = {}
    if not ids:
        return edited
    entries = JournalEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(model, for_concrete_model=False),
        actor__isnull=False,
        action__in=(JournalAction.CREATE, JournalAction.UPDATE),
    )
    for start in range(0, len(ids), 500):
        chunk = entries.filter(object_id__in=ids[start : start + 500])
        for object_id, changes in chunk.values_list("object_id", "changes"):
            edited.setdefault(int(object_id), set()).update(changes or {})
    return edited
