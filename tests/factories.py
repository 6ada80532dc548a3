"""Factories for the foundation's domains (network, accounts). Deterministic sequences."""

import factory

from maillon.accounts.enums import Role
from maillon.accounts.models import Membership, User
from maillon.network.enums import OrganisationKind, SiteKind
from maillon.network.models import Network, Organisation, Partner, Site

DEFAULT_PASSWORD = "mot-de-passe-de-test-1"


class NetworkFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Network
        django_get_or_create = ("slug",)

    slug = "pimms"
    name = "Union nationale des PIMMS"


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"PIMMS de test {n}")
    kind = OrganisationKind.ASSOCIATION


class SiteFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Site

    organisation = factory.SubFactory(OrganisationFactory)
    name = factory.Sequence(lambda n: f"Point d'accueil {n}")
    kind = SiteKind.FIXED
    address = factory.Sequence(lambda n: f"{n} rue de la République")
    opening_hours = "Mo-Fr 09:00-12:00,13:30-17:00"


class PartnerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Partner
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"partenaire-{n}")
    name = factory.Sequence(lambda n: f"Partenaire {n}")
    kind = "local"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"utilisateur{n}")
    password = factory.PostGenerationMethodCall("set_password", DEFAULT_PASSWORD)

    @factory.post_generation
    def save_password(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    role = Role.AGENT

    class Params:
        network_admin = factory.Trait(
            role=Role.NETWORK_ADMIN, network=factory.SubFactory(NetworkFactory)
        )
        manager = factory.Trait(role=Role.ORGANISATION_MANAGER)
        partner_viewer = factory.Trait(role=Role.PARTNER_VIEWER)


def agent_of(site: Site, **kwargs) -> User:
    return MembershipFactory(role=Role.AGENT, site=site, **kwargs).user


def manager_of(organisation: Organisation, **kwargs) -> User:
    return MembershipFactory(
        role=Role.ORGANISATION_MANAGER, organisation=organisation, **kwargs
    ).user
