"""Open data in the national "Standard de données des lieux de médiation numérique"."""

import datetime
import hashlib
from collections.abc import Callable

from django.core.cache import cache
from django.db.models import Count, Max
from django.utils import timezone

from maillon.core.errors import NotFound
from maillon.directory.opendata.datainclusion import FILE_STEM as DATA_INCLUSION_STEM
from maillon.directory.opendata.datainclusion import export_data_inclusion
from maillon.directory.opendata.export import FILE_STEM, export_text
from maillon.directory.opendata.schema import SCHEMA_VERSION
from maillon.network.models import Site

CONTENT_TYPES = {"csv": "text/csv; charset=utf-8", "json": "application/json"}
CACHE_SECONDS = 3600

__all__ = [
    "CONTENT_TYPES",
    "DATA_INCLUSION_STEM",
    "FILE_STEM",
    "SCHEMA_VERSION",
    "data_inclusion_cached",
    "export_cached",
    "export_text",
]


def _cached(name: str, build: Callable[[datetime.date], str]) -> bytes:
    """A public download, rebuilt when a site changes (or is confirmed) or the day turns
    (labels are read on the export day)."""
    day = timezone.localdate()
    stamp = Site.objects.aggregate(n=Count("id"), t=Max("updated_at"), c=Max("info_confirmed_on"))
    key_source = f"{name}|{day}|{stamp['n']}|{stamp['t']}|{stamp['c']}"
    key = "directory:opendata:" + hashlib.sha256(key_source.encode()).hexdigest()[:32]
    content = cache.get(key)
    if content is None:
        content = build(day).encode("utf-8")
        cache.set(key, content, CACHE_SECONDS)
    return content


def export_cached(*, fmt: str) -> tuple[bytes, str]:
    """The "lieux de médiation numérique" file in `fmt` (csv or json)."""
    if fmt not in CONTENT_TYPES:
        raise NotFound
    return _cached(fmt, lambda day: export_text(fmt=fmt, day=day)), CONTENT_TYPES[fmt]


def data_inclusion_cached() -> tuple[bytes, str]:
    """The data·inclusion v1 file ({structures, services})."""
    content = _cached("data-inclusion", lambda day: export_data_inclusion(day=day).to_json())
    return content, CONTENT_TYPES["json"]
