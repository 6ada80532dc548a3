"""A small fixed-window rate limit for public forms, counted in Django's cache per client
address (locmem per process by default, shared by every process with Redis)."""

from django.core.cache import cache

from maillon.core.env import parse_rate


def rate_allows(*, scope: str, ident: str, rate: str) -> bool:
    """Count one more attempt of `ident` in `scope`; False once over `rate` ("5/h", "off")."""
    parsed = parse_rate(rate)
    if parsed is None:
        return True
    limit, seconds = parsed
    key = f"maillon:rate:{scope}:{ident}"
    cache.add(key, 0, seconds)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, seconds)
        count = 1
    return count <= limit
