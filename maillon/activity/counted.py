"""Outreach acts and workshops: one create path and one delete path for both.

Each is one row counted once in its rollups (`Delta.outreach`, `Delta.workshop`): a create
claims its idempotency key, checks the site and the input (`activity.validation`), stores the
row and adds its contribution; a delete needs the right to record on the site, subtracts the
contribution and leaves the row's last values in the journal. What differs between the two is
declared in a `Kind`.
"""

import datetime
from collections.abc import Callable
from dataclasses import asdict, dataclass
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from maillon.accounts.models import User
from maillon.activity.idempotency import Claim, Recorded, bind, claim, fingerprint, replayed
from maillon.activity.inputs import OutreachInput, WorkshopInput
from maillon.activity.models import OutreachAct, Workshop
from maillon.activity.policy import ChangeRight, change_right
from maillon.activity.rollups import Delta
from maillon.activity.selectors import writable_site
from maillon.activity.undo import deletion_changes
from maillon.activity.validation import Errors, validate_outreach, validate_workshop
from maillon.activity.writes import site_to_write
from maillon.journal.enums import JournalAction
from maillon.journal.models import JournalEntry
from maillon.journal.services import diff, journal_record, snapshot
from maillon.network.models import Site

# What the journal keeps of a deleted outreach act or workshop.
OUTREACH_FIELDS = ("site", "agent", "day", "place", "partner", "people_reached")
WORKSHOP_FIELDS = ("site", "agent", "day", "theme", "title", "participants", "duration_minutes")
# The names of the input's fields in the fingerprint of a create (as stored by earlier keys).
_FINGERPRINT_NAMES = {"people_reached": "people", "duration_minutes": "duration"}


@dataclass(frozen=True)
class Kind:
    name: str  # the idempotency key's kind
    model: type[OutreachAct] | type[Workshop]
    input: type  # OutreachInput, WorkshopInput
    validate: Callable[..., dict[str, Any]]
    journal_fields: tuple[str, ...]
    contribution: Callable[[Delta], Callable[..., None]]  # the Delta method of its rollups


OUTREACH = Kind(
    "outreach", OutreachAct, OutreachInput, validate_outreach, OUTREACH_FIELDS, lambda d: d.outreach
)
WORKSHOP = Kind(
    "workshop", Workshop, WorkshopInput, validate_workshop, WORKSHOP_FIELDS, lambda d: d.workshop
)


@transaction.atomic
def record(
    kind: Kind, *, agent: User, site_id: int | None, data: Any, idempotency_key: str | None
) -> Recorded:
    """Create an outreach act or a workshop (`data`: its input) on a site the agent may write
    to; a retry with the same key answers the first one."""
    values = {_FINGERPRINT_NAMES.get(name, name): v for name, v in asdict(data).items()}
    claim_ = Claim(agent, idempotency_key, kind.name, fingerprint({"site": site_id, **values}))
    existing = claim(claim_)
    if existing is not None:
        return replayed(kind.model.objects.all(), existing)
    errors = Errors()
    site = site_to_write(user=agent, site_id=site_id, errors=errors)
    fields = kind.validate(data, zone=site.zone if site else None, errors=errors)
    errors.raise_if_any()
    assert site is not None  # site_to_write added an error: raised above
    obj = kind.model.objects.create(site_id=site.id, agent=agent, **fields)
    delta = Delta()
    kind.contribution(delta)(obj)
    delta.apply()
    bind(claim_, obj.pk)
    return Recorded(obj, created=True)


def require_change(*, actor: User, obj: OutreachAct | Workshop) -> None:
    """PermissionDenied unless `actor` may change or delete `obj`: the right to record on its
    site, then the visits' window (`change_right`: its author within the network's days, a
    manager of the site within the correction days)."""
    if writable_site(user=actor, site_id=obj.site_id) is None:
        raise PermissionDenied(
            _("Seuls les agents et gestionnaires de ce point d'accueil peuvent le modifier.")
        )
    site = Site.objects.select_related("commune__region").get(pk=obj.site_id)
    if change_right(user=actor, site=site, day=obj.day, author_id=obj.agent_id) is ChangeRight.NONE:
        raise PermissionDenied(
            _(
                "L'enregistrement du %(day)s ne peut plus être modifié : seul son auteur le "
                "modifie, dans le délai fixé par le réseau ; au-delà, un responsable de la "
                "structure peut le corriger pendant quelques jours."
            )
            % {"day": date_format(obj.day, "j F Y")}
        )


@transaction.atomic
def update(kind: Kind, *, actor: User, obj: OutreachAct | Workshop, data: Any):
    """Replace the fields of an outreach act or a workshop (`data`: its input, the create's
    validation): its old contribution leaves the rollups, the new one enters, the journal
    records what changed."""
    obj = kind.model.objects.select_for_update().get(pk=obj.pk)
    require_change(actor=actor, obj=obj)
    errors = Errors()
    site = writable_site(user=actor, site_id=obj.site_id)
    fields = kind.validate(data, zone=site.zone if site else None, errors=errors)
    errors.raise_if_any()
    before = snapshot(obj, kind.journal_fields)
    delta = Delta()
    kind.contribution(delta)(obj, sign=-1)
    for name, value in fields.items():
        setattr(obj, name, value)
    obj.save()
    kind.contribution(delta)(obj)
    delta.apply()
    journal_record(
        actor=actor,
        action=JournalAction.UPDATE,
        obj=obj,
        changes=diff(before, snapshot(obj, kind.journal_fields)),
    )
    return obj


@transaction.atomic
def delete(kind: Kind, *, actor: User, obj: OutreachAct | Workshop) -> JournalEntry | None:
    """Delete an outreach act or a workshop: its contribution leaves the rollups, the journal
    keeps its last values and the row, which its author may restore for a few minutes
    (`undo.deletion_undo`). The same right as a change (`require_change`)."""
    obj = kind.model.objects.select_for_update().get(pk=obj.pk)
    require_change(actor=actor, obj=obj)
    delta = Delta()
    kind.contribution(delta)(obj, sign=-1)
    entry = journal_record(
        actor=actor,
        action=JournalAction.DELETE,
        obj=obj,
        changes=deletion_changes(snapshot(obj, kind.journal_fields), [obj]),
    )
    obj.delete()
    delta.apply()
    return entry


def outreach_record(
    *,
    agent: User,
    site_id: int | None,
    day: datetime.date,
    place: str,
    partner: str | None = None,
    people_reached: int = 1,
    idempotency_key: str | None = None,
) -> Recorded[OutreachAct]:
    data = OutreachInput(day=day, place=place, partner=partner, people_reached=people_reached)
    return record(
        OUTREACH, agent=agent, site_id=site_id, data=data, idempotency_key=idempotency_key
    )


def workshop_record(
    *,
    agent: User,
    site_id: int | None,
    day: datetime.date,
    theme: str,
    title: str,
    participants: int,
    duration_minutes: int | None = None,
    idempotency_key: str | None = None,
) -> Recorded[Workshop]:
    data = WorkshopInput(
        day=day,
        theme=theme,
        title=title,
        participants=participants,
        duration_minutes=duration_minutes,
    )
    return record(
        WORKSHOP, agent=agent, site_id=site_id, data=data, idempotency_key=idempotency_key
    )


def outreach_delete(*, actor: User, act: OutreachAct) -> None:
    delete(OUTREACH, actor=actor, obj=act)


def workshop_delete(*, actor: User, workshop: Workshop) -> None:
    delete(WORKSHOP, actor=actor, obj=workshop)
