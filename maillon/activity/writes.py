"""The one write entry point of a new visit: the PostgreSQL fast path (`pg_writes`, one
statement) and the portable path behind it (one transaction, one statement per table). Both
store the same rows — the visit, its requests, the idempotency key bound to it, the rollups —
for the same input (`tests/activity/test_write_paths.py`)."""

import datetime

from django.db import connection, transaction
from django.utils.translation import gettext as _

from maillon.accounts.models import User
from maillon.activity import followups, pg_writes
from maillon.activity.idempotency import Claim, bind, claim, claimed
from maillon.activity.models import Request, Visit
from maillon.activity.rollups import Delta
from maillon.activity.selectors import WritableSite, writable_site
from maillon.activity.validation import Errors


def site_to_write(*, user: User, site_id: int | None, errors: Errors) -> WritableSite | None:
    """The site of a create if the user may record on it; else None and a message on `site`."""
    site = writable_site(user=user, site_id=site_id) if site_id is not None else None
    if site is None:
        errors.add("site", _("Point d'accueil inconnu ou hors de votre périmètre."))
    return site


def _fast(
    visit: Visit, rows: list[Request], delta: Delta, c: Claim, due: datetime.date | None
) -> tuple[bool, int | None]:
    pk = pg_writes.visit_insert(
        fields={column: getattr(visit, column) for column in pg_writes.VISIT_COLUMNS},
        requests=rows,
        delta=delta,
        key=c.key,
        kind=c.kind,
        fingerprint=c.fingerprint,
        now=visit.created_at,
        follow_up=None if due is None else pg_writes.FollowUpOpen(followups.to_review_id(), due),
    )
    if pk is None:
        return False, claimed(c)
    visit.pk = pk
    visit._state.adding, visit._state.db = False, connection.alias
    return True, None


def _portable(
    visit: Visit, rows: list[Request], delta: Delta, c: Claim, due: datetime.date | None
) -> tuple[bool, int | None]:
    with transaction.atomic():
        existing = claim(c)
        if existing is not None:
            return False, existing
        visit.save(force_insert=True)
        for row in rows:
            row.visit = visit
        Request.objects.bulk_create(rows)
        if due is not None:
            followups.followups_open(rows=rows, site_id=visit.site_id, due=due)
        delta.apply()
        bind(c, visit.pk)
    return True, None


def visit_insert(
    *, visit: Visit, rows: list[Request], claim_: Claim, site: WritableSite
) -> tuple[bool, int | None]:
    """Write a new, validated `visit` on the writable `site` with its request `rows`, the
    follow-ups of its « à revoir » requests and their rollups under the idempotency `claim_`:
    (True, None) once written (`visit.pk` set, the rows bound to it), or (False, id of the
    earlier visit) when the key was claimed before (nothing is written).

    On PostgreSQL all of it is one statement, follow-ups included; the portable path is one
    transaction. The due date comes from the policy read with `site` (`followups.site_due_on`)."""
    delta = Delta()
    delta.visit(visit, rows)
    due = followups.site_due_on(site, visit.day) if followups.to_review(rows) else None
    path = _fast if pg_writes.enabled() else _portable
    written, earlier = path(visit, rows, delta, claim_, due)
    if written:
        for row in rows:
            row.visit = visit
    return written, earlier
