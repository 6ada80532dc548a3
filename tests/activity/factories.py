"""Helpers to create activity through the services, as the desk does."""

import datetime

from maillon.activity.services import RequestInput, visit_record


def two_requests() -> list[RequestInput]:
    return [
        RequestInput(partner="caf", theme="famille", help_kind="accompagnement"),
        RequestInput(partner="cpam", theme="social-sante", outcome="a-revoir", follow_up=True),
    ]


def record_visit(agent, site, *, occurred_at: datetime.datetime | None = None, **kwargs):
    kwargs.setdefault("requests", two_requests())
    return visit_record(agent=agent, site_id=site.pk, occurred_at=occurred_at, **kwargs).object
