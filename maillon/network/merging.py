"""What an import may change on a site that already exists; one policy for every import that
matches sites (the ANCT list, the PIMMS dataset, the "lieux" open data), see docs/imports.md.

- An import never takes a site away from its organisation: it gives one to a site that has
  none, and changes it only when told (`organisation` in `overwrite`).
- A field a person set — the journal has an entry with an author creating or changing that
  field — keeps its value unless named in `overwrite`. Imports journal without an author, so
  what an import wrote is not "set by a person" and the next import may refresh it.
- Every other field takes the file's value; a site whose values are all equal is not written
  (no new version, no `updated_at`, no journal entry): re-importing the same content changes
  nothing, whatever the file is called.
- Each creation and each change is journaled in the same transaction (no author, a note naming
  the import), field by field, before and after.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone

from maillon.journal.enums import JournalAction
from maillon.journal.services import (
    Changes,
    JournalRecord,
    fields_edited_by_people,
    journal_record_many,
)
from maillon.network.models import Site

OWNERSHIP_FIELD = "organisation"


def add_overwrite_argument(parser, fields: tuple[str, ...]) -> None:
    """The `--overwrite FIELD…` option of an import command, offering the fields it writes."""
    parser.add_argument(
        "--overwrite",
        nargs="+",
        default=[],
        choices=field_names(fields),
        metavar="FIELD",
        help="Replace these fields even where a manager set them (organisation: even when the "
        f"site has one). Choices: {', '.join(field_names(fields))}.",
    )


def field_names(attnames: Iterable[str]) -> tuple[str, ...]:
    """The names the `--overwrite` option and the journal use (`commune`, not `commune_id`)."""
    return tuple(Site._meta.get_field(name).name for name in attnames)


@dataclass
class SiteMerger:
    """Applies the policy above for one import run.

    `fields` are the attribute names the import writes (`commune_id`…); `overwrite` the field
    names (`commune`…) the operator asked to overwrite even when a person set them."""

    fields: tuple[str, ...]
    note: str
    overwrite: frozenset[str] = frozenset()
    kept: int = 0  # values kept because a person set them, or the site's organisation
    records: list[JournalRecord] = field(default_factory=list)
    _edited: dict[int, set[str]] = field(default_factory=dict)

    def load(self, sites: Iterable[Site]) -> None:
        """Read from the journal which fields of these existing sites a person set."""
        self._edited = fields_edited_by_people(model=Site, object_ids=[s.pk for s in sites])

    def _may_change(self, current: Site, name: str, new: Any) -> bool:
        if name in self.overwrite:
            return True
        if name == OWNERSHIP_FIELD:
            return current.organisation_id is None
        return name not in self._edited.get(current.pk, set())

    def merge(self, current: Site, incoming: Site) -> Changes:
        """Copy onto `current` the values of `incoming` the policy allows; the changes made."""
        changes: Changes = {}
        for attname, name in zip(self.fields, field_names(self.fields), strict=True):
            old, new = getattr(current, attname), getattr(incoming, attname)
            if old == new:
                continue
            if not self._may_change(current, name, new):
                self.kept += 1
                continue
            setattr(current, attname, new)
            changes[name] = [old, new]
        if changes:
            current.updated_at = timezone.now()
            current.version += 1
            self.records.append((JournalAction.UPDATE, current, changes))
        return changes

    def created(self, sites: Iterable[Site]) -> None:
        """Journal the creation of these sites (saved: they have their primary key)."""
        names = field_names(self.fields)
        for site in sites:
            values = {n: getattr(site, a) for a, n in zip(self.fields, names, strict=True)}
            changes = {n: [None, v] for n, v in values.items() if v not in (None, "")}
            self.records.append((JournalAction.CREATE, site, changes))

    def write_journal(self) -> int:
        written = journal_record_many(records=self.records, note=self.note)
        self.records = []
        return written

    @staticmethod
    def update_fields(fields: tuple[str, ...]) -> list[str]:
        return [*fields, "updated_at", "version"]
