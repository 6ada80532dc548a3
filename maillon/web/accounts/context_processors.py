from maillon.access.rules import grants_of


def memberships(request):
    """What the navigation needs to know about the user's roles (the request's grants)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    grants = grants_of(user)
    return {
        "is_network_admin": grants.is_network_admin,
        "can_record_activity": grants.may_record_activity,
        "can_manage_organisations": grants.may_manage_organisations,
    }
