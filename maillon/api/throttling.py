"""The public API's rate limit, with django-ninja's throttling.

`PublicRateThrottle` is ninja's `SimpleRateThrottle` (a sliding window of request times per
client, kept in Django's cache: locmem, or Redis with REDIS_URL, shared by every web process)
with two Maillon rules: the rate is `MAILLON_PUBLIC_API_RATE`, read at each request (checked at
start by `core.env.env_rate`, "off" or empty: no limit), and the client is the address
`core.http.client_address` computes (behind our proxy, the entry it appended to
X-Forwarded-For, not ninja's NUM_PROXIES rule). Over the limit ninja raises `Throttled`, which
`api.errors` answers with a French 429 and `Retry-After`.

ninja keeps a request's state (`key`, `history`, `now`, the rate) on the throttle object, which
one router shares between the threads of a gthread worker (`maillon serve`): here that state is
per thread, so that two clients' requests never mix their histories.
"""

import threading

from django.conf import settings
from django.http import HttpRequest
from ninja.throttling import SimpleRateThrottle

from maillon.core.env import parse_rate
from maillon.core.http import client_address


def _per_thread(name: str) -> property:
    def get(self):
        return getattr(self._state, name, None)

    def set_(self, value) -> None:
        setattr(self._state, name, value)

    return property(get, set_)


class PublicRateThrottle(SimpleRateThrottle):
    scope = "public"
    cache_format = "maillon:api-rate:%(scope)s:%(ident)s"
    rate = _per_thread("rate")
    num_requests = _per_thread("num_requests")
    duration = _per_thread("duration")
    key = _per_thread("key")
    history = _per_thread("history")
    now = _per_thread("now")

    def __init__(self) -> None:
        self._state = threading.local()
        super().__init__()

    def get_rate(self) -> str | None:
        return settings.MAILLON_PUBLIC_API_RATE

    def parse_rate(self, rate: str | None) -> tuple[int | None, int | None]:
        """The setting's forms ("120/min", a bare number per minute, "off"), not ninja's."""
        parsed = parse_rate(rate or "")
        return parsed if parsed is not None else (None, None)

    def allow_request(self, request: HttpRequest) -> bool:
        # The rate is read per request: the setting may change without a new throttle object.
        self.rate = self.get_rate()
        self.num_requests, self.duration = self.parse_rate(self.rate)
        if self.num_requests is None:
            return True
        return super().allow_request(request)

    def get_ident(self, request: HttpRequest) -> str:
        return client_address(request)

    def get_cache_key(self, request: HttpRequest) -> str:
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}
