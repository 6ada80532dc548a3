"""The search page's results list, written in Python: one `<li>` per hit.

The template engine cost about 30 nodes and 0.3–0.5 ms per result (most of the page's CPU);
this gives the same HTML byte for byte (tests/directory/test_results_snapshot.py) with the same
translations (the msgids of the former `{% translate %}` / `{% blocktranslate %}`) and the same
escaping: values are escaped, the translated texts are not (as in the template).
"""

import datetime
from dataclasses import dataclass

from django import template
from django.urls import reverse
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from maillon.directory.search import SearchResult, SiteHit
from maillon.directory.templatetags.directory_tags import distance, when_text
from maillon.network import hours

register = template.Library()

ITEM = (
    '\n      <li class="result card"{attributes} data-url="{url}">'
    '\n        <h3><a href="{url}">{name}</a></h3>'
    "\n        {place}"
    '\n        <p class="status">'
    "\n          {distance}"
    "\n          {hours}"
    "\n        </p>"
    "\n        {badges}"
    "\n      </li>"
)


def _safe(text: str) -> SafeString:
    """A translation or a fixed fragment of this module, inserted as is: the template's
    `{% translate %}` did not escape its translations either."""
    return mark_safe(text)  # noqa: S308 -- translations and literals of this module only


NEXT_LINE = _safe("\n          ")
SPACE = _safe(" ")
DASH = _safe(" — ")
EMPTY = _safe("")
URL_SENTINEL = 987654321  # a site's pk in the one `reverse()` of a list


@dataclass(frozen=True)
class _Texts:
    """The list's translated texts and fixed fragments, made once per list; the translations
    are safe, as the template's `{% translate %}` were."""

    in_commune: SafeString
    unknown: SafeString
    open_now: SafeString
    closed: SafeString
    no_passage: SafeString
    next_passage: SafeString
    opens: SafeString
    france_services: SafeString
    pimms: SafeString
    mobile: SafeString
    stop_name: str
    stop_call: str
    away: str
    until: str

    @classmethod
    def read(cls) -> "_Texts":
        return cls(
            in_commune=format_html(
                '<span class="distance">{}</span> · ', _safe(_("dans la commune"))
            ),
            unknown=format_html(
                '<span class="muted">{}</span>', _safe(_("Horaires non renseignés"))
            )
            + NEXT_LINE,
            open_now=format_html(
                '<span class="badge badge-ok">{}</span>', _safe(_("Ouvert maintenant"))
            ),
            closed=format_html('<span class="badge badge-bad">{}</span>', _safe(_("Fermé"))),
            no_passage=format_html(
                '<span class="muted">{}</span>', _safe(_("Pas de passage prévu"))
            )
            + NEXT_LINE,
            next_passage=_safe(_("prochain passage")),
            opens=_safe(_("ouvre")),
            france_services=_safe('<span class="badge badge-label">France Services</span> '),
            pimms=_safe('<span class="badge badge-label">PIMMS</span> '),
            mobile=format_html('<span class="badge">{}</span>', _safe(_("Itinérant"))),
            stop_name=_("Arrêt %(place)s — %(name)s"),
            stop_call=_("Arrêt à %(commune)s : %(place)s"),
            away=_("à %(d)s"),
            until=_("jusqu'à %(t)s"),
        )


def _blocktranslated(message: str, **values: str) -> SafeString:
    """`{% blocktranslate %}`: the translation as is, its values escaped."""
    escaped = {k: conditional_escape(v) for k, v in values.items()}
    return mark_safe(message % escaped)  # noqa: S308 -- a translation, its values escaped


def _coordinate(value: float | None) -> str:
    """`|stringformat:'.6f'` (empty for a missing value)."""
    return "" if value is None else f"{value:.6f}"


def _attributes(hit: SiteHit, texts: _Texts) -> SafeString:
    site, stop = hit.site, hit.stop
    if stop is not None and stop.latitude is not None:
        name = _blocktranslated(texts.stop_name, place=stop.place, name=site.name)
        return format_html(
            ' data-lat="{}" data-lon="{}" data-stop="1" data-name="{}"',
            _coordinate(stop.latitude),
            _coordinate(stop.longitude),
            name,
        )
    if site.latitude is not None:
        return format_html(
            ' data-lat="{}" data-lon="{}" data-name="{}"',
            _coordinate(site.latitude),
            _coordinate(site.longitude),
            site.name,
        )
    return format_html(' data-name="{}"', site.name)


def _place(hit: SiteHit, texts: _Texts) -> SafeString:
    site, stop = hit.site, hit.stop
    if stop is not None:
        call = _blocktranslated(texts.stop_call, place=stop.place, commune=stop.commune_name)
        return format_html('<p class="stop-call">{} — {}</p>\n        ', call, stop.schedule_text)
    commune = site.commune
    return format_html(
        "<p>{}{}{} {}</p>",
        site.address,
        ", " if site.address else "",
        site.postal_code,
        commune.name if commune is not None else "",
    )


def _distance(hit: SiteHit, texts: _Texts, in_commune: bool) -> SafeString:
    if hit.in_place and in_commune:
        return texts.in_commune
    if hit.distance_km is not None:
        away = _blocktranslated(texts.away, d=distance(hit.distance_km))
        return format_html('<span class="distance">{}</span> · ', away)
    return EMPTY


def _hours(hit: SiteHit, texts: _Texts, now: datetime.datetime) -> SafeString:
    if not hit.hours_known:
        return texts.unknown
    if hit.is_open:
        if hit.closes_at is None:
            return texts.open_now + NEXT_LINE
        until = _blocktranslated(texts.until, t=hours.time_french(hit.closes_at))
        return texts.open_now + SPACE + until + NEXT_LINE
    if hit.next_opening is None:
        return texts.no_passage if hit.stop is not None else texts.closed
    when = conditional_escape(when_text(hit.next_opening, now))
    if hit.stop is not None:
        passage = format_html('<span class="badge">{} : {}</span>', texts.next_passage, when)
        return passage + NEXT_LINE
    return texts.closed + DASH + texts.opens + SPACE + when


def _badges(hit: SiteHit, texts: _Texts, pimms: bool) -> SafeString:
    mobile = hit.site.is_mobile
    if not (hit.france_services or mobile or pimms):
        return EMPTY
    return format_html(
        "<p>{}{}{}</p>",
        texts.france_services if hit.france_services else EMPTY,
        texts.pimms if pimms else EMPTY,
        texts.mobile if mobile else EMPTY,
    )


@register.simple_tag
def result_items(
    result: SearchResult,
    near: tuple[float, float] | None,
    now: datetime.datetime,
    pimms_ids: frozenset[int],
) -> SafeString:
    """The `<li>` of the page's hits: the site, where it is, its hours now, its badges."""
    texts = _Texts.read()
    in_commune = bool(result.communes) and not near
    url_start, url_end = reverse("directory:site", args=[URL_SENTINEL]).split(str(URL_SENTINEL))
    items = []
    for hit in result.hits:
        pk = hit.site.pk
        items.append(
            format_html(
                ITEM,
                attributes=_attributes(hit, texts),
                url=f"{url_start}{pk}{url_end}",
                name=hit.site.name,
                place=_place(hit, texts),
                distance=_distance(hit, texts, in_commune),
                hours=_hours(hit, texts, now),
                badges=_badges(hit, texts, pk in pimms_ids),
            )
        )
    return mark_safe("".join(items))  # noqa: S308 -- each item is format_html's
