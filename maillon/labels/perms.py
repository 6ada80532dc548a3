"""Who may read the label pages of a network: its network admins (and superusers)."""

from django.db.models import QuerySet

from maillon.accounts.enums import Role
from maillon.accounts.models import Membership
from maillon.core.errors import NotFound
from maillon.network.models import Network


def networks_administered_by(user) -> QuerySet[Network]:
    if not (user.is_authenticated and user.is_active):
        return Network.objects.none()
    if user.is_superuser:
        return Network.objects.all()
    memberships = Membership.objects.active().filter(user=user).with_role(Role.NETWORK_ADMIN)
    return Network.objects.filter(pk__in=memberships.values("network_id"))


def network_get_for_admin(*, user, slug: str | None) -> Network:
    """The network `user` administers (by slug, or his first one); 404 otherwise."""
    networks = networks_administered_by(user).order_by("name")
    network = networks.filter(slug=slug).first() if slug else networks.first()
    if network is None:
        raise NotFound
    return network
