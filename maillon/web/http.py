"""The request type of the back office's views.

`LoginRequiredMiddleware` turns away anonymous visitors before any back-office view runs, so
`request.user` there is always a signed-in `User`; `HttpRequest.user` is typed `User |
AnonymousUser` for every request. Views annotate `request: AuthenticatedHttpRequest` to say so
(the pattern django-stubs documents); nothing changes at run time."""

from django.http import HttpRequest

from maillon.accounts.models import User


class AuthenticatedHttpRequest(HttpRequest):
    user: User
