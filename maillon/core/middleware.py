from django.conf import settings
from django.core.handlers.exception import response_for_exception
from django.http import Http404, JsonResponse
from django.http.multipartparser import MultiPartParserError
from django.shortcuts import render
from django.utils.translation import gettext as _

from maillon.core.errors import NotFound


class ContentSecurityPolicyMiddleware:
    """Send the Content-Security-Policy header of the settings on every HTML response."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if settings.CONTENT_SECURITY_POLICY:
            response.headers.setdefault("Content-Security-Policy", settings.CONTENT_SECURITY_POLICY)
        return response


class NulByteMiddleware:
    """Answer 400 to a request whose address, query string or form fields hold a NUL byte.

    PostgreSQL refuses NUL in text: left through, `?commune=%00` became a 500 wherever the value
    reached a query. Checked once here, before any middleware or view reads the request, so
    no page, form or API operation has to: a French page for pages, `{"detail": …}` for the
    API. Cheap on the desk's path (substring tests on what is already in memory); uploaded
    files may contain NUL bytes and are not looked at."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            refused = _has_nul_byte(request)
        except MultiPartParserError:
            return _bad_request(request, _("Le corps de la requête (multipart) est illisible."))
        if refused:
            return _bad_request(
                request,
                _(
                    "La requête contient un caractère nul (%00), qui n'est accepté dans aucun "
                    "champ. Corrigez l'adresse ou la saisie."
                ),
            )
        return self.get_response(request)


def _bad_request(request, detail: str):
    """400 with `detail`: JSON under /api/, else a French page."""
    if request.path_info.startswith("/api/"):
        return JsonResponse(
            {"detail": str(detail)}, status=400, json_dumps_params={"ensure_ascii": False}
        )
    return render(request, "core/bad_request.html", {"detail": detail}, status=400)


def _has_nul_byte(request) -> bool:
    if "\x00" in request.path_info or "%00" in request.META.get("QUERY_STRING", ""):
        return True
    if request.method in ("GET", "HEAD", "OPTIONS"):
        return False
    content_type = request.META.get("CONTENT_TYPE", "")
    if content_type.startswith("application/x-www-form-urlencoded"):
        return b"%00" in request.body
    if content_type.startswith("application/json"):
        return b"\\u0000" in request.body or b"\x00" in request.body
    if content_type.startswith("multipart/form-data"):
        return any("\x00" in value for values in request.POST.lists() for value in values[1])
    return False


class DomainErrorMiddleware:
    """A domain `NotFound` escaping a view becomes Django's 404 (the French `404.html`).

    Selectors raise `maillon.core.errors.NotFound` rather than `Http404` so that commands and
    the API can use them too; this is where pages turn it into the answer they always gave."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, NotFound):
            return response_for_exception(request, Http404(str(exception)))
        return None
