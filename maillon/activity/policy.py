"""Which `ActivityPolicy` applies to a site: its organisation's network's, on a given day."""

import datetime

from django.utils import timezone

from maillon.activity.models import ActivityPolicy
from maillon.network.models import NetworkMembership, Site


def policy_for_site(site: Site, *, on: datetime.date | None = None) -> ActivityPolicy:
    """The policy of the network the site's organisation belongs to on `on` (today by default).

    An organisation in several networks follows the one it joined first; a site without network
    (or whose network has not set its rules) follows an unsaved policy with the default values.
    """
    if site.organisation_id is not None:
        day = on or timezone.localdate()
        network_ids = list(
            NetworkMembership.objects.valid_on(day)
            .filter(organisation_id=site.organisation_id)
            .order_by("start_date", "pk")
            .values_list("network_id", flat=True)
        )
        policies = {
            policy.network_id: policy
            for policy in ActivityPolicy.objects.filter(network_id__in=network_ids).select_related(
                "default_help_kind", "default_outcome"
            )
        }
        for network_id in network_ids:
            if network_id in policies:
                return policies[network_id]
    return ActivityPolicy()
