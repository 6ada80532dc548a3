"""Helpers to create activity through the services, as the desk does."""

import datetime
import importlib

import time_machine
from django.apps import apps
from django.utils import timezone

from maillon.accounts.services import api_token_create
from maillon.activity import taxonomy
from maillon.activity.services import RequestInput, visit_record


def seed_reference_data() -> None:
    """Transactional tests start from a flushed database: put the taxonomies back."""
    importlib.import_module("maillon.network.migrations.0002_partner_taxonomy").create(apps, None)
    importlib.import_module("maillon.activity.migrations.0002_taxonomies").create(apps, None)
    importlib.import_module("maillon.activity.migrations.0011_followup_outcomes").forward(
        apps, None
    )
    taxonomy.cache_clear()


def two_requests() -> list[RequestInput]:
    return [
        RequestInput(partner="caf", theme="famille", help_kind="accompagnement"),
        RequestInput(partner="cpam", theme="social-sante", outcome="a-revoir", follow_up=True),
    ]


def record_visit(agent, site, *, occurred_at: datetime.datetime | None = None, **kwargs):
    """Record a visit as the agent did at the desk at `occurred_at` (now by default): on that
    day, so that a visit of the past is not a late entry beyond the policy's window."""
    kwargs.setdefault("requests", two_requests())
    if occurred_at is None or occurred_at.tzinfo is None or occurred_at >= timezone.now():
        return visit_record(agent=agent, site_id=site.pk, occurred_at=occurred_at, **kwargs).object
    with time_machine.travel(occurred_at, tick=False):
        return visit_record(agent=agent, site_id=site.pk, occurred_at=occurred_at, **kwargs).object


def bearer(user) -> dict:
    """The Authorization header of a new API token of `user`."""
    _token, raw = api_token_create(user=user, name="test", scope="write")
    return {"Authorization": f"Bearer {raw}"}
