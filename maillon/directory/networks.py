"""The networks a public site belongs to, as the directory shows them (the PIMMS badge)."""

import datetime

from django.core.cache import cache

from maillon.network.enums import PIMMS_NETWORK_SLUG
from maillon.network.models import Network, Site

NETWORK_CACHE_SECONDS = 60


def pimms_site_ids(*, day: datetime.date) -> frozenset[int]:
    """Ids of the sites whose organisation belongs to the PIMMS network on `day`, kept a
    minute in the cache (memberships change a few times a year; every search shows them)."""
    key = f"directory:pimms-sites:{day.isoformat()}"
    ids = cache.get(key)
    if ids is None:
        network = Network.objects.filter(slug=PIMMS_NETWORK_SLUG).first()
        ids = (
            frozenset(
                Site.objects.public().in_network(network, on=day).values_list("pk", flat=True)
            )
            if network is not None
            else frozenset()
        )
        cache.set(key, ids, NETWORK_CACHE_SECONDS)
    return ids
