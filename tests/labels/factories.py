"""Sites of the PIMMS network never labelled, in communes (and cantons) no PIMMS covers:
the candidates a committee labels in the workspace tests."""

from maillon.geo.models import Commune
from maillon.network.models import Network, Organisation
from tests.factories import SiteFactory

# Aurillac (Cantal), Mende (Lozère), Guéret (Creuse)
CANDIDATE_COMMUNES = ("15014", "48095", "23096")


def candidate_sites(network: Network, codes=CANDIDATE_COMMUNES) -> list:
    organisation = Organisation.objects.in_network(network).order_by("pk").first()
    return [
        SiteFactory(
            organisation=organisation,
            name=f"PIMMS candidat {code}",
            commune=Commune.objects.get(code=code, kind="COM"),
        )
        for code in codes
    ]
