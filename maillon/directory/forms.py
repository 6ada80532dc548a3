"""The public search form: every field is optional and a wrong value never blocks the search.

A value that cannot be used (a radius of 10,000 km, a position that is not a number, an unknown
partner) is dropped with a French explanation, and the rest of the search goes on.
"""

from django.core.cache import cache
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from maillon.core.text import search_key
from maillon.directory.search import (
    DEFAULT_RADIUS_KM,
    MAX_RADIUS_KM,
    SearchFilters,
    present_partners,
    public_sites,
)
from maillon.network.models import Partner

RADIUS_CHOICES = [("", gettext_lazy("Automatique (30 km, élargie s'il le faut)"))] + [
    (str(km), f"{km} km") for km in (5, 10, 20, 30, 50, 100, 200)
]


PARTNER_CACHE_SECONDS = 60


def partner_choices() -> list[tuple[str, str]]:
    """The partners of the filter: those some public site serves today (`present_partners`),
    sorted by the name shown, kept a minute in the cache (they change a few times a year and
    the form is on every search)."""
    partners = cache.get("directory:partner-choices")
    if partners is None:
        partners = sorted(
            ((p.code, str(p.short_name or p.name)) for p in present_partners()),
            key=lambda choice: search_key(choice[1]),
        )
        cache.set("directory:partner-choices", partners, PARTNER_CACHE_SECONDS)
    return [("", gettext_lazy("Tous")), *partners]


def accessibility_known() -> bool:
    """Whether some public site says whether it is wheelchair accessible: the filter is offered
    only then (else it would find nothing, whatever the search). Cached a minute."""
    known = cache.get("directory:accessibility-known")
    if known is None:
        known = public_sites().filter(wheelchair_accessible__isnull=False).exists()
        cache.set("directory:accessibility-known", known, PARTNER_CACHE_SECONDS)
    return bool(known)


CHECKBOXES = (
    ("ouvert", gettext_lazy("Ouvert maintenant")),
    ("samedi", gettext_lazy("Ouvert le samedi")),
    ("itinerant", gettext_lazy("Bus et services itinérants")),
    ("accessible", gettext_lazy("Accessible en fauteuil roulant")),
)


def offered_checkboxes() -> tuple[tuple[str, object], ...]:
    """The filters worth offering: « accessible » only where the data exists."""
    if accessibility_known():
        return CHECKBOXES
    return tuple(box for box in CHECKBOXES if box[0] != "accessible")


def form_context(params) -> dict:
    """What the search form shows: its choices and the values of the current search (the form
    is written by hand in the template: it is on the hot path of every search)."""
    return {
        "radius_choices": RADIUS_CHOICES,
        "partner_choices": partner_choices(),
        "checkboxes": offered_checkboxes(),
        "values": {
            "rayon": params.get("rayon", ""),
            "partenaire": params.get("partenaire", ""),
            "checked": {name for name, _label in CHECKBOXES if params.get(name)},
        },
    }


def read_search(params) -> tuple[dict, list[str]]:
    """The search arguments from the query string, and why some values were dropped."""
    messages: list[str] = []
    text = " ".join(params.get("q", "").split())[:200]
    near = None
    lat, lon = params.get("lat", "").strip(), params.get("lon", "").strip()
    if lat or lon:
        try:
            near = (float(lat.replace(",", ".")), float(lon.replace(",", ".")))
        except ValueError:
            messages.append(_("La position transmise n'est pas lisible : elle est ignorée."))
        else:
            if not (-90 <= near[0] <= 90 and -180 <= near[1] <= 180):
                messages.append(
                    _("La position %(lat)s, %(lon)s est impossible : elle est ignorée.")
                    % {"lat": lat, "lon": lon}
                )
                near = None
    radius = None
    raw_radius = params.get("rayon", "").strip()
    if raw_radius:
        try:
            radius = float(raw_radius.replace(",", "."))
        except ValueError:
            radius = -1
        if not 1 <= radius <= MAX_RADIUS_KM:
            messages.append(
                _(
                    "La distance « %(value)s km » n'est pas possible : elle doit être comprise "
                    "entre 1 et %(max)s km. La recherche est faite à %(default)s km."
                )
                % {"value": raw_radius, "max": MAX_RADIUS_KM, "default": DEFAULT_RADIUS_KM}
            )
            radius = None
    partner = None
    code = params.get("partenaire", "").strip()
    if code:
        partner = Partner.objects.filter(code=code).first()
        if partner is None:
            messages.append(
                _("Le partenaire « %(code)s » est inconnu : le filtre est ignoré.")
                % {"code": code[:50]}
            )
    accessible = bool(params.get("accessible"))
    if accessible and not accessibility_known():
        messages.append(
            _(
                "Aucun point d'accueil n'indique encore son accessibilité en fauteuil roulant : "
                "le filtre est ignoré."
            )
        )
        accessible = False
    filters = SearchFilters(
        partner=partner,
        open_now=bool(params.get("ouvert")),
        open_saturday=bool(params.get("samedi")),
        mobile=bool(params.get("itinerant")),
        accessible=accessible,
    )
    try:
        page = max(1, int(params.get("page", "1")))
    except ValueError:
        page = 1
    return (
        {
            "text": text,
            "commune_code": params.get("commune", "").strip()[:5],
            "near": near,
            "radius_km": radius,
            "filters": filters,
            "page": page,
        },
        messages,
    )
