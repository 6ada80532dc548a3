"""The network head sets his network's desk rules (`ActivityPolicy`): one atomic, journaled
service. Reading the rules of a site is `activity.policy.policy_for_site`."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from maillon.accounts.models import User
from maillon.activity.models import ActivityPolicy, HelpKind, Outcome
from maillon.journal.services import journaled_upsert
from maillon.network.models import Network

POLICY_FIELDS = (
    "author_edit_days",
    "manager_edit_days",
    "late_entry_days",
    "default_help_kind",
    "default_outcome",
    "follow_up_days",
)
# a window longer than a year would keep every visit open to changes: refused
MAX_POLICY_DAYS = 366


@transaction.atomic
def activity_policy_set(
    *,
    actor: User,
    network: Network,
    author_edit_days: int,
    manager_edit_days: int,
    late_entry_days: int,
    follow_up_days: int,
    default_help_kind: HelpKind | None,
    default_outcome: Outcome | None,
) -> ActivityPolicy:
    """Create or replace the rules of `network` (the caller checked `actor` administers it)."""
    days = {
        "author_edit_days": author_edit_days,
        "manager_edit_days": manager_edit_days,
        "late_entry_days": late_entry_days,
        "follow_up_days": follow_up_days,
    }
    errors = {
        name: [_("Entre 0 et %(max)d jours.") % {"max": MAX_POLICY_DAYS}]
        for name, value in days.items()
        if not 0 <= value <= MAX_POLICY_DAYS
    }
    today = timezone.localdate()
    for name, term in (
        ("default_help_kind", default_help_kind),
        ("default_outcome", default_outcome),
    ):
        if term is not None and not term.is_valid_on(today):
            errors[name] = [_("Cette valeur n'est plus en vigueur.")]
    if errors:
        raise ValidationError(errors)
    policy, _changed = journaled_upsert(
        ActivityPolicy,
        actor=actor,
        lookup={"network": network},
        values={
            **days,
            "default_help_kind": default_help_kind,
            "default_outcome": default_outcome,
        },
        fields=POLICY_FIELDS,
        organisation_id=network.head_id,
    )
    return policy
