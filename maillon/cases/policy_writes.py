"""The network head sets his network's case rules (`CasePolicy`): deadlines in business days
and the retention of personal data. One atomic, journaled service; the open cases' due days
are recomputed by a job once it commits."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from maillon.accounts.models import User
from maillon.cases.models import CasePolicy
from maillon.cases.tasks import deadlines_refresh_job
from maillon.journal.services import journaled_upsert
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
    policy, changed = journaled_upsert(
        CasePolicy,
        actor=actor,
        lookup={"network": network},
        values=values,
        fields=CASE_POLICY_FIELDS,
        organisation_id=network.head_id,
    )
    if changed:
        transaction.on_commit(deadlines_refresh_job.enqueue)
    return policy
