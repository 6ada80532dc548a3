"""The agent's part of the home page (the page after login): today, this week, this month —
visits, requests and top partners for his own work (the facts, on the (agent, day) index) and
for his site (the rollups) — the follow-ups due, and links to the desk, the history and the
follow-up list."""

import datetime

from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy

from maillon.accounts.models import User
from maillon.activity import history, selectors
from maillon.network.selectors import site_timezone


def _periods(today: datetime.date) -> list[tuple[str | Promise, datetime.date]]:
    return [
        (gettext_lazy("Aujourd'hui"), today),
        (gettext_lazy("Cette semaine"), today - datetime.timedelta(days=today.weekday())),
        (gettext_lazy("Ce mois-ci"), today.replace(day=1)),
    ]


def day_summary(user: User) -> dict | None:
    """What the home page shows of the desk, or None for a user who records on no site."""
    site = selectors.desk_sites(user=user).first()
    if site is None:
        return None
    today = timezone.localdate(timezone=site_timezone(site))
    periods = [
        {
            "label": label,
            "mine": history.agent_figures(user=user, start=start, end=today),
            "site": history.site_figures(site_id=site.pk, start=start, end=today),
        }
        for label, start in _periods(today)
    ]
    due = history.followup_list(user=user, site_id=site.pk).filter(due_on__lte=today)
    late = due.filter(due_on__lt=today).count()
    return {
        "site": site,
        "today": today,
        "periods": periods,
        "followups_late": late,
        "followups_today": due.count() - late,
    }
