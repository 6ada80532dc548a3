"""Facts about the HTTP client, and answers, shared by every edge that needs them."""

from typing import IO

from django.conf import settings
from django.http import FileResponse, HttpRequest


def client_address(request: HttpRequest) -> str:
    """The client's IP address. Behind a reverse proxy (`MAILLON_BEHIND_PROXY`), the last entry
    of X-Forwarded-For: the one our proxy appended, which the client cannot forge (entries
    before it are whatever the client sent). Otherwise REMOTE_ADDR."""
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if forwarded and getattr(settings, "MAILLON_BEHIND_PROXY", False):
        return forwarded.split(",")[-1].strip()
    return request.META.get("REMOTE_ADDR", "")


def private_download(file: IO[bytes], *, filename: str, content_type: str) -> FileResponse:
    """A file sent after an access check (a case's attachment): as a download, never cached
    by a shared cache, its type never sniffed by the browser."""
    response = FileResponse(file, as_attachment=True, filename=filename, content_type=content_type)
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response
