"""Facts about the HTTP client shared by every part that needs them."""

from django.conf import settings
from django.http import HttpRequest


def client_address(request: HttpRequest) -> str:
    """The client's IP address. Behind a reverse proxy (`MAILLON_BEHIND_PROXY`), the last entry
    of X-Forwarded-For: the one our proxy appended, which the client cannot forge (entries
    before it are whatever the client sent). Otherwise REMOTE_ADDR."""
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if forwarded and getattr(settings, "MAILLON_BEHIND_PROXY", False):
        return forwarded.split(",")[-1].strip()
    return request.META.get("REMOTE_ADDR", "")
