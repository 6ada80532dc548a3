"""Follow-ups of the demo: the bulk generator writes « à revoir » requests without follow-ups
(its speed matters); this opens the follow-ups of the last two weeks on the demo agent's sites,
so his follow-up list shows some late, due today and later, and closes most of them (with a
final outcome) as a busy site would. Half of the visits of those weeks become the demo agent's
own (the generator writes them as its import user), so his history and « Moi » figures are not
empty. Deterministic: chosen by id."""

import datetime

from django.db import transaction
from django.utils import timezone

from maillon.access.rules import sites_writable_by
from maillon.accounts.models import User
from maillon.activity import followups, taxonomy
from maillon.activity.models import FollowUp, Visit

# one follow-up in KEEP_OPEN stays open; the others are closed with these outcomes in turn
KEEP_OPEN = 8
FINAL = ("resolu", "rendez-vous", "reoriente", "dossier-transmis")
WINDOW_DAYS = 14


@transaction.atomic
def demo_followups_create(*, username: str = "agent", today: datetime.date | None = None) -> int:
    """Open (and mostly close) the follow-ups of the last `WINDOW_DAYS` days on the sites of
    the demo user `username`; returns how many are left open."""
    user = User.objects.filter(username=username).first()
    if user is None:
        return 0
    today = today or timezone.localdate()
    visit_ids = list(
        Visit.objects.filter(
            site__in=sites_writable_by(user),
            day__gte=today - datetime.timedelta(days=WINDOW_DAYS),
            day__lte=today,
        ).values_list("pk", flat=True)
    )
    Visit.objects.filter(pk__in=[pk for pk in visit_ids if pk % 2 == 0]).update(agent=user)
    followups.followups_attach_many(visit_ids=visit_ids)
    outcomes = [taxonomy.term_by_code("outcome", code) for code in FINAL]
    items = FollowUp.objects.filter(request__visit_id__in=visit_ids, closed_on__isnull=True)
    to_close = []
    for item in items.select_related("request__visit"):
        if item.pk % KEEP_OPEN == 0:
            continue
        outcome = outcomes[item.pk % len(outcomes)]
        if outcome is None:
            continue
        visit_day = item.request.visit.day
        item.closed_on = min(today, visit_day + datetime.timedelta(days=item.pk % 6))
        item.final_outcome_id = outcome.id
        item.closed_by_id = item.request.visit.agent_id
        to_close.append(item)
    FollowUp.objects.bulk_update(to_close, ["closed_on", "final_outcome", "closed_by"])
    return items.filter(closed_on__isnull=True).count()
