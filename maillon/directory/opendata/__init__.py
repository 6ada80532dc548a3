"""Open data in the national "Standard de données des lieux de médiation numérique"."""

import hashlib

from django.core.cache import cache
from django.db.models import Count, Max
from django.utils import timezone

from maillon.core.errors import NotFound
from maillon.directory.opendata.export import FILE_STEM, export_text
from maillon.directory.opendata.schema import SCHEMA_VERSION
from maillon.network.models import Site

CONTENT_TYPES = {"csv": "text/csv; charset=utf-8", "json": "application/json"}
CACHE_SECONDS = 3600

__all__ = ["CONTENT_TYPES", "FILE_STEM", "SCHEMA_VERSION", "export_cached", "export_text"]


def export_cached(*, fmt: str) -> tuple[bytes, str]:
    """The export file for the public download, rebuilt when a site changes or the day turns
    (labels are read on the export day)."""
    if fmt not in CONTENT_TYPES:
        raise NotFound
    day = timezone.localdate()
    stamp = Site.objects.aggregate(n=Count("id"), t=Max("updated_at"))
    key_source = f"{fmt}|{day}|{stamp['n']}|{stamp['t']}"
    key = "directory:opendata:" + hashlib.sha256(key_source.encode()).hexdigest()[:32]
    content = cache.get(key)
    if content is None:
        content = export_text(fmt=fmt, day=day).encode("utf-8")
        cache.set(key, content, CACHE_SECONDS)
    return content, CONTENT_TYPES[fmt]
