"""Reporting scopes: the set of sites a report is about, and who may read it.

A scope is written `kind:code` in URLs and forms (`network:pimms`, `region:84`,
`department:42`, `organisation:12`, `site:345`, `all:`):

- `all` — every site of the installation: superusers only;
- `network`, `region`, `department` — the network head (network admin): a network he
  administers; a région or a département within the sites he may see;
- `organisation` — the organisations the user manages (managers, network head);
- `site` — any site the user may see (agents included).

Partner viewers have no scope: they read the partner report of their own partner only.
A scope the user may not read answers 404, the same as one that does not exist.
"""

from dataclasses import dataclass, field

from django.db.models import QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from maillon.access.rules import (
    is_active_user,
    is_network_admin,
    networks_administered_by,
    organisations_managed_by,
    sees_every_site,
    sites_visible_to,
)
from maillon.accounts.models import User
from maillon.core.errors import NotFound
from maillon.core.ids import parse_id
from maillon.geo.models import Department, Region
from maillon.labels.publications import french_sort_key
from maillon.network.models import Site

KIND_LABELS = {
    "all": gettext_lazy("ensemble des points d'accueil"),
    "network": gettext_lazy("réseau"),
    "region": gettext_lazy("région"),
    "department": gettext_lazy("département"),
    "organisation": gettext_lazy("structure"),
    "site": gettext_lazy("point d'accueil"),
}
# From the widest to the narrowest: the order of the scope selector and of the benchmark.
KINDS = tuple(KIND_LABELS)


@dataclass
class Scope:
    kind: str
    code: str
    name: str
    sites: QuerySet[Site] = field(repr=False)
    # True when `sites` is every site (no filter needed on the rollups)
    unrestricted: bool = False
    network: object = None  # the Network of a network scope

    @property
    def key(self) -> str:
        return f"{self.kind}:{self.code}"

    @property
    def label(self) -> str:
        if self.kind == "all":
            return str(KIND_LABELS["all"]).capitalize()
        return f"{str(KIND_LABELS[self.kind]).capitalize()} — {self.name}"

    def __str__(self) -> str:
        return self.label


def scope_get(*, user: User, key: str) -> Scope:
    """The scope `kind:code` if `user` may read it; NotFound otherwise."""
    kind, _sep, code = (key or "").partition(":")
    code = code.strip()
    if not is_active_user(user):
        raise NotFound
    if kind == "all" and sees_every_site(user):
        return Scope("all", "", str(KIND_LABELS["all"]), Site.objects.all(), unrestricted=True)
    if kind == "network":
        network = networks_administered_by(user).filter(slug=code).first()
        if network is not None:
            return Scope(
                "network", code, network.name, Site.objects.in_network(network), network=network
            )
    if kind in ("region", "department") and is_network_admin(user):
        model = Region if kind == "region" else Department
        area = model.objects.filter(pk=code).first()
        if area is not None:
            sites = sites_visible_to(user)
            lookup = "commune__region_id" if kind == "region" else "commune__department_id"
            return Scope(kind, code, area.name, sites.filter(**{lookup: code}))
    pk = parse_id(code)
    if kind == "organisation" and pk is not None:
        organisation = organisations_managed_by(user).filter(pk=pk).first()
        if organisation is not None:
            return Scope("organisation", code, organisation.name, organisation.sites.all())
    if kind == "site" and pk is not None:
        site = sites_visible_to(user).filter(pk=pk).first()
        if site is not None:
            return Scope("site", code, site.name, Site.objects.filter(pk=site.pk))
    raise NotFound(_("Périmètre inconnu ou non autorisé."))


def scope_choices(user: User) -> list[tuple[str, str]]:
    """(key, label) of the scopes the user may read, widest first, for a selector.

    Memoised on the user object, i.e. for one request: a page asks several times (may the user
    open it, the form's choices) and each computation costs a few permission querysets."""
    if not is_active_user(user):
        return []
    choices = getattr(user, "_maillon_scope_choices", None)  # memoised for the request
    if choices is None:
        choices = _scope_choices(user)
        setattr(user, "_maillon_scope_choices", choices)  # noqa: B010 — an attribute User does not declare
    return list(choices)


def _scope_choices(user: User) -> list[tuple[str, str]]:
    choices: list[tuple[str, str]] = []

    def add(kind: str, rows) -> None:
        label = str(KIND_LABELS[kind]).capitalize()
        # French dictionary order: « Île-de-France » after « Hauts-de-France »
        items = sorted(rows, key=lambda row: french_sort_key(row[1]))
        choices.extend((f"{kind}:{code}", f"{label} — {name}") for code, name in items)

    if sees_every_site(user):
        choices.append(("all:", str(KIND_LABELS["all"]).capitalize()))
    add("network", networks_administered_by(user).order_by("name").values_list("slug", "name"))
    if is_network_admin(user):
        sites = sites_visible_to(user)
        region_codes = sites.values("commune__region_id")
        department_codes = sites.values("commune__department_id")
        add(
            "region",
            Region.objects.filter(pk__in=region_codes).order_by("name").values_list("code", "name"),
        )
        add(
            "department",
            Department.objects.filter(pk__in=department_codes)
            .order_by("code")
            .values_list("code", "name"),
        )
    add("organisation", organisations_managed_by(user).order_by("name").values_list("pk", "name"))
    if not sees_every_site(user):  # a superuser's site list would be thousands long
        add("site", sites_visible_to(user).order_by("name").values_list("pk", "name"))
    return choices
