"""A shorter middleware chain for API calls authenticated by a token.

A call to `/api/` with `Authorization: Bearer …` and no session cookie never uses what the
web session's middleware prepare: the session, its user, the CSRF cookie (ninja checks CSRF
itself, and only for the session), the flash messages, the language negotiated for pages, the
login redirect (the API is exempt from it). Running them anyway was a tenth of the Python CPU of
`POST /api/v1/visits`, the desk's write path. Such a call goes instead through the middleware
listed after this one minus those (`SESSION_ONLY`): the security headers, the host check and the
`Content-Length` of `CommonMiddleware`, the frame and content-security policies. Every other
request — pages, session calls to the API, a token sent along with a session cookie — goes
through the full chain as before.
"""

from collections.abc import Callable

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.handlers.base import BaseHandler
from django.core.handlers.exception import convert_exception_to_response
from django.http import HttpRequest, HttpResponseBase
from django.utils import translation
from django.utils.module_loading import import_string

SESSION_ONLY = frozenset(
    {
        "django.contrib.sessions.middleware.SessionMiddleware",
        "django.middleware.locale.LocaleMiddleware",
        "django.middleware.csrf.CsrfViewMiddleware",
        "django.contrib.auth.middleware.AuthenticationMiddleware",
        "django.contrib.auth.middleware.LoginRequiredMiddleware",
        "django.contrib.messages.middleware.MessageMiddleware",
    }
)
API_PREFIX = "/api/"


def is_token_call(request: HttpRequest) -> bool:
    """An API call authenticated by a token alone (no session cookie to look at)."""
    return (
        request.path_info.startswith(API_PREFIX)
        and request.META.get("HTTP_AUTHORIZATION", "").startswith("Bearer ")
        and (
            "HTTP_COOKIE" not in request.META or settings.SESSION_COOKIE_NAME not in request.COOKIES
        )
    )


class _ShortChain(BaseHandler):
    """Django's request handling (URL resolution, view, exceptions) behind `middleware`."""

    def __init__(self, middleware: list[str]) -> None:
        super().__init__()
        self._view_middleware: list[Callable] = []
        self._template_response_middleware: list[Callable] = []
        self._exception_middleware: list[Callable] = []
        # BaseHandler._get_response (the view call) is private: django-stubs leaves it out
        handler = convert_exception_to_response(self._get_response)  # type: ignore[attr-defined]
        for path in reversed(middleware):
            instance = import_string(path)(handler)
            if hasattr(instance, "process_view"):
                self._view_middleware.insert(0, instance.process_view)
            if hasattr(instance, "process_template_response"):
                self._template_response_middleware.append(instance.process_template_response)
            if hasattr(instance, "process_exception"):
                self._exception_middleware.append(instance.process_exception)
            handler = convert_exception_to_response(instance)
        self._middleware_chain = handler


class TokenApiMiddleware:
    """Route token-authenticated API calls through the short chain (see the module)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response
        path = f"{__name__}.{type(self).__name__}"
        after = settings.MIDDLEWARE[settings.MIDDLEWARE.index(path) + 1 :]
        self.short = _ShortChain([m for m in after if m not in SESSION_ONLY])

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        if not is_token_call(request):
            return self.get_response(request)
        # what the skipped middleware would have left for an anonymous caller: the token
        # authentication replaces the user; messages in the language LocaleMiddleware picks
        request.user = AnonymousUser()
        language = (
            translation.get_language_from_request(request)
            if len(settings.LANGUAGES) > 1
            else settings.LANGUAGE_CODE
        )
        translation.activate(language)
        response = self.short._middleware_chain(request)
        if not isinstance(response, HttpResponseBase):  # built synchronous: never awaitable
            raise TypeError("the API middleware chain answered an awaitable")
        response.headers.setdefault("Content-Language", language)
        return response
