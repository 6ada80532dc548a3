import time

from django.conf import settings

REFRESH_SECONDS = 5 * 60
_REFRESHED = "_maillon_refreshed"


def session_stamp_on_login(sender, request, user, **kwargs) -> None:
    """A new login's session is saved anyway: stamp it, so the next request writes nothing."""
    if getattr(request, "session", None) is not None:
        request.session[_REFRESHED] = int(time.time())


class SessionIdleMiddleware:
    """Sessions end after `SESSION_COOKIE_AGE` (`MAILLON_SESSION_IDLE_HOURS`) without activity.

    Django renews a session's expiry only when the session is saved; saving it on every request
    (`SESSION_SAVE_EVERY_REQUEST`) would add a write to every desk call. This marks the session
    modified at most once every 5 minutes, so it expires between the idle time and 5 minutes
    more after the last request."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        session = getattr(request, "session", None)
        if session is not None and session.session_key and not settings.SESSION_SAVE_EVERY_REQUEST:
            now = int(time.time())
            if now - session.get(_REFRESHED, 0) >= REFRESH_SECONDS:
                session[_REFRESHED] = now
        return self.get_response(request)
