"""Domain errors: what a selector or a service says when it cannot answer, without HTTP.

Domain packages (selectors, services, reports) raise these, never `django.http.Http404`: the
same function serves a page, the API and a management command, and each edge turns the error
into its own answer —

- pages (back office and public): `maillon.core.middleware.DomainErrorMiddleware`, the French
  404 page, exactly as if the view had raised `Http404`;
- the API: the exception handler installed by `maillon.api.errors.install`, a JSON 404;
- management commands: a `CommandError` with the message.

The message is French and meant for users. A missing object and one the user may not see raise
the same `NotFound`, so that nobody learns what exists outside his rights.
"""

from django.utils.translation import gettext_lazy


class NotFound(Exception):  # noqa: N818 — the domain's word, like Django's Http404
    """Missing, or not for this user (the two look the same from outside): 404 at the edge."""

    default_message = gettext_lazy("Introuvable, ou non autorisé pour votre compte.")

    def __init__(self, message: str | None = None) -> None:
        super().__init__(message or "")
        self.message = message

    def __str__(self) -> str:
        return str(self.message or self.default_message)
