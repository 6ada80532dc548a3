"""The public API's rate limit (ninja's throttling, `maillon.api.throttling`): the client is the
address Maillon computes, the setting is read at each request, the state is per thread."""

import threading

import pytest
from django.core.cache import cache
from django.test import RequestFactory

from maillon.api.throttling import PublicRateThrottle


@pytest.fixture(autouse=True)
def _empty_cache():
    cache.clear()
    yield
    cache.clear()


def _request(address: str, forwarded: str = ""):
    extra = {"HTTP_X_FORWARDED_FOR": forwarded} if forwarded else {}
    return RequestFactory().get("/api/v1/public/sites", REMOTE_ADDR=address, **extra)


def test_behind_the_proxy_the_client_is_the_last_forwarded_address(settings):
    settings.MAILLON_PUBLIC_API_RATE = "1/min"
    settings.MAILLON_BEHIND_PROXY = True
    throttle = PublicRateThrottle()
    assert throttle.allow_request(_request("10.0.0.1", "1.1.1.1, 203.0.113.7"))
    # the client forged the first entry: the proxy's (last) one still names it
    assert not throttle.allow_request(_request("10.0.0.1", "9.9.9.9, 203.0.113.7"))
    assert throttle.allow_request(_request("10.0.0.1", "1.1.1.1, 203.0.113.8"))


def test_the_rate_is_read_at_each_request(settings):
    throttle = PublicRateThrottle()
    settings.MAILLON_PUBLIC_API_RATE = "off"
    assert all(throttle.allow_request(_request("10.0.0.2")) for _ in range(5))
    settings.MAILLON_PUBLIC_API_RATE = "2"  # a bare number: per minute
    assert [throttle.allow_request(_request("10.0.0.2")) for _ in range(3)] == [True, True, False]
    assert 1 <= throttle.wait() <= 60


def test_a_request_state_is_kept_per_thread(settings):
    settings.MAILLON_PUBLIC_API_RATE = "5/min"
    throttle = PublicRateThrottle()
    throttle.allow_request(_request("10.0.0.3"))
    seen = {}

    def other_client():
        throttle.allow_request(_request("10.0.0.4"))
        seen["key"] = throttle.key

    worker = threading.Thread(target=other_client)
    worker.start()
    worker.join()
    assert throttle.key.endswith(":10.0.0.3") and seen["key"].endswith(":10.0.0.4")
