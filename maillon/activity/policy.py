"""Which `ActivityPolicy` applies to a site (its organisation's network's, on a given day), and the
rules drawn from it: who may change a past record, how far back activity may be entered."""

import datetime
import enum

from django.utils import timezone

from maillon.access.rules import organisations_managed_by
from maillon.accounts.models import User
from maillon.activity import taxonomy
from maillon.activity.models import ActivityPolicy
from maillon.activity.validation import RequestDefaults
from maillon.network.models import NetworkMembership, Site
from maillon.network.selectors import site_timezone


def policy_for_site(site: Site, *, on: datetime.date | None = None) -> ActivityPolicy:
    """The policy of the network the site's organisation belongs to on `on` (today by default).

    An organisation in several networks follows the one it joined first; a site without network
    (or whose network has not set its rules) follows `fallback_policy()`.
    """
    if site.organisation_id is not None:
        found = policies_by_organisation([site.organisation_id], on=on)
        if site.organisation_id in found:
            return found[site.organisation_id]
    return fallback_policy()


def policies_by_organisation(
    organisation_ids: list[int] | None, *, on: datetime.date | None = None
) -> dict[int, ActivityPolicy]:
    """The policy each organisation follows on `on` (all organisations when None), for those
    whose networks set one: the first network it joined that has a policy (two queries)."""
    memberships = NetworkMembership.objects.valid_on(on or timezone.localdate())
    if organisation_ids is not None:
        memberships = memberships.filter(organisation_id__in=organisation_ids)
    pairs = list(
        memberships.order_by("start_date", "pk").values_list("organisation_id", "network_id")
    )
    policies = {
        policy.network_id: policy
        for policy in ActivityPolicy.objects.filter(
            network_id__in={network_id for _org, network_id in pairs}
        ).select_related("default_help_kind", "default_outcome")
    }
    found: dict[int, ActivityPolicy] = {}
    for organisation_id, network_id in pairs:
        if organisation_id not in found and network_id in policies:
            found[organisation_id] = policies[network_id]
    return found


def request_defaults_by_site(
    organisation_of: dict[int, int | None], *, on: datetime.date | None = None
) -> dict[int, RequestDefaults]:
    """The request defaults of many sites at once (`organisation_of`: site id → its
    organisation's id), by the rule of `policy_for_site`: what the import applies."""
    policies = policies_by_organisation(None, on=on)
    fallback = fallback_defaults()
    return {
        site_id: defaults_of(policies[org]) if org in policies else fallback
        for site_id, org in organisation_of.items()
    }


# What the desk applied before networks chose their defaults: the fallback policy carries them.
FALLBACK_HELP_KIND = "information"
FALLBACK_OUTCOME = "resolu"


def fallback_defaults() -> RequestDefaults:
    """The fallback policy's default help and outcome, « information » and « résolu lors du
    passage » (looked up by code; none if a term is gone), without building the policy."""
    help_kind = taxonomy.term_by_code("help_kind", FALLBACK_HELP_KIND)
    outcome = taxonomy.term_by_code("outcome", FALLBACK_OUTCOME)
    return RequestDefaults(
        help_kind_id=help_kind.id if help_kind else None,
        outcome_id=outcome.id if outcome else None,
    )


def fallback_policy() -> ActivityPolicy:
    """An unsaved policy with the model's default values and the fallback defaults."""
    defaults = fallback_defaults()
    return ActivityPolicy(
        default_help_kind_id=defaults.help_kind_id, default_outcome_id=defaults.outcome_id
    )


def defaults_of(policy: ActivityPolicy) -> RequestDefaults:
    return RequestDefaults(
        help_kind_id=policy.default_help_kind_id, outcome_id=policy.default_outcome_id
    )


def request_defaults(site: Site, *, on: datetime.date | None = None) -> RequestDefaults:
    """The help and outcome a request of `site` gets when the agent types none (None: required)."""
    return defaults_of(policy_for_site(site, on=on))


class ChangeRight(enum.Enum):
    """What a user may do to an activity record (visit, outreach act, workshop) of a past day."""

    AUTHOR = "author"  # its author, within the policy's `author_edit_days`
    CORRECTION = "correction"  # a manager of its site, within `manager_edit_days`: journaled
    NONE = "none"  # locked: `visit_locked_reason` says why and whom to ask


def change_right(
    *,
    user: User,
    site: Site,
    day: datetime.date,
    author_id: int | None,
    today: datetime.date | None = None,
) -> ChangeRight:
    """Who may change or delete a record of `day` at `site`, under the site's policy.

    `today` is the site's local day (its time zone) unless given. The author keeps the right for
    `author_edit_days` days (0: the same day); a manager of the site's organisation (or the
    network head) corrects it for `manager_edit_days` days.
    """
    today = today or timezone.localdate(timezone=site_timezone(site))
    policy = policy_for_site(site, on=today)
    return _right(user, policy, today, day, author_id, manages=lambda: manages_site(user, site))


def _right(user: User, policy: ActivityPolicy, today, day, author_id, *, manages) -> ChangeRight:
    age = (today - day).days
    if author_id is not None and author_id == user.pk and age <= policy.author_edit_days:
        return ChangeRight.AUTHOR
    if age <= policy.manager_edit_days and manages():
        return ChangeRight.CORRECTION
    return ChangeRight.NONE


def change_rights(*, user: User, site: Site, records) -> dict[int, ChangeRight]:
    """`change_right` of each record (with `pk`, `day`, `agent_id`) of one site, for a list:
    the policy, the site's local day and the manager check are read once."""
    today = timezone.localdate(timezone=site_timezone(site))
    policy = policy_for_site(site, on=today)
    manager: list[bool] = []

    def manages() -> bool:
        if not manager:
            manager.append(manages_site(user, site))
        return manager[0]

    return {r.pk: _right(user, policy, today, r.day, r.agent_id, manages=manages) for r in records}


def late_entry_allowed(
    *, user: User, site: Site, day: datetime.date, today: datetime.date | None = None
) -> bool:
    """Whether `user` may record activity dated `day` at `site` (never in the future).

    An agent goes back `late_entry_days` days; a manager of the site further (the activity
    bounds still apply)."""
    today = today or timezone.localdate(timezone=site_timezone(site))
    if day > today:
        return False
    if (today - day).days <= policy_for_site(site, on=today).late_entry_days:
        return True
    return manages_site(user, site)


def manages_site(user: User, site: Site) -> bool:
    """Whether `user` manages `site` (a manager of its organisation, or the network head)."""
    if site.organisation_id is None:  # a site without organisation has no manager
        return False
    return organisations_managed_by(user).filter(pk=site.organisation_id).exists()
