from maillon.access.rules import is_network_admin
from maillon.accounts.enums import Role
from maillon.accounts.models import Membership


def memberships(request):
    """What the navigation needs to know about the user's roles (one query)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    roles = set(Membership.objects.active().filter(user=user).values_list("role", flat=True))
    network_admin = is_network_admin(user)
    return {
        "is_network_admin": network_admin,
        "can_record_activity": network_admin
        or bool(roles & {Role.AGENT, Role.ORGANISATION_MANAGER}),
        "can_manage_organisations": network_admin or Role.ORGANISATION_MANAGER in roles,
    }
