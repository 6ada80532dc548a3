from ninja import Swagger

from maillon.api import (
    activity,
    case_reports,
    cases,
    errors,
    followups,
    geo,
    public,
    report_documents,
    reports,
    sites,
)
from maillon.api.auth import SessionAuth, TokenAuth

api = errors.MaillonAPI(
    title="Maillon API",
    version="1",
    description=(
        "API of Maillon: official geography, sites, activity. Authenticate with the web session "
        "or with `Authorization: Bearer <token>` (tokens: the « Jetons d'API » page or "
        "`maillon token create`; a read-only token answers 403 to every write). Every error is "
        'JSON: `{"detail": "…"}` in French (422: the list of invalid fields).'
    ),
    auth=[TokenAuth(), SessionAuth()],
    docs_url="/docs",
    # no deep links: Swagger UI would put a link inside each operation's button (nested
    # interactive controls, RGAA 7.1)
    docs=Swagger(settings={"deepLinking": False}),
    openapi_url="/openapi.json",
    urls_namespace="api",
)
errors.install(api)
api.add_router("/v1/geo", geo.router)
api.add_router("/v1/public", public.router)
api.add_router("/v1", sites.router)
api.add_router("/v1", activity.router)
api.add_router("/v1", followups.router)
api.add_router("/v1", cases.router)
api.add_router("/v1/reports", reports.router)
api.add_router("/v1/reports", report_documents.router)
api.add_router("/v1/reports", case_reports.router)


def _exempt_from_login_middleware(patterns) -> None:
    """The API authenticates by itself (401 in JSON), never with a redirect to the login page.
    The OpenAPI document is public (it describes the API, no data); its browsable page
    (`/api/docs`, Swagger UI) stays behind the login like every page."""
    for pattern in patterns:
        if hasattr(pattern, "url_patterns"):
            _exempt_from_login_middleware(pattern.url_patterns)
        elif hasattr(pattern, "callback") and pattern.name != "openapi-view":
            pattern.callback.login_required = False


def api_urls():
    patterns, app_name, namespace = api.urls
    _exempt_from_login_middleware(patterns)
    return patterns, app_name, namespace
