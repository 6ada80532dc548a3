"""The network head sets his network's case rules (`CasePolicy`): deadlines in business days
and the retention of personal data. One atomic, journaled service; the open cases' due days
are recomputed by a job once it commits."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from maillon.accounts.models import User
from maillon.cases.models import CasePolicy
from maillon.cases.tasks import deadlines_refresh_job
from maillon.journal.enums import JournalAction
from maillon.journal.services import created, diff, journal_record, snapshot
from maillon.network.models import Network

CASE_POLICY_FIELDS = ("first_answer_days", "closure_days", "retention_months")
# bounds of each rule: a deadline beyond a quarter, or personal data kept beyond 5 years, is
# refused
CASE_POLICY_BOUNDS = {
    "first_answer_days": (1, 60),
    "closure_days": (1, 120),
    "retention_months": (1, 60),
}


@transaction.atomic
def case_policy_set(
    *,
    actor: User,
    network: Network,
    first_answer_days: int,
    closure_days: int,
    retention_months: int,
) -> CasePolicy:
    """Create or replace the case rules of `network` (the caller checked `actor` administers
    it)."""
    values = {
        "first_answer_days": first_answer_days,
        "closure_days": closure_days,
        "retention_months": retention_months,
    }
    errors = {
        name: [_("Entre %(low)d et %(high)d.") % {"low": low, "high": high}]
        for name, (low, high) in CASE_POLICY_BOUNDS.items()
        if not low <= values[name] <= high
    }
    if errors:
        raise ValidationError(errors)
    policy = CasePolicy.objects.select_for_update().filter(network=network).first()
    new = policy is None
    if policy is None:
        policy = CasePolicy(network=network)
    before = {} if new else snapshot(policy, CASE_POLICY_FIELDS)
    for name, value in values.items():
        setattr(policy, name, value)
    policy.full_clean()
    policy.save()
    after = snapshot(policy, CASE_POLICY_FIELDS)
    journal_record(
        actor=actor,
        action=JournalAction.CREATE if new else JournalAction.UPDATE,
        obj=policy,
        changes=created(after) if new else diff(before, after),
        organisation_id=network.head_id,
    )
    if new or before != after:
        transaction.on_commit(deadlines_refresh_job.enqueue)
    return policy
