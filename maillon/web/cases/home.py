"""The case card of the home page (`/compte/`): for a referent, his queues; for the site's
side (agents, managers, network admins), the cases of his sites waiting on him, late or due
within 24 h."""

from maillon.accounts.models import User
from maillon.cases import selectors
from maillon.cases.enums import Side


def cases_summary(user: User) -> list[dict]:
    """One block per side of the user (none: no card)."""
    return [
        {"side": side, "counts": selectors.queue_counts(user=user, side=side)}
        for side in selectors.sides_of(user)
        if side == Side.PARTNER or selectors.cases_of_sites(user).exists()
    ]
