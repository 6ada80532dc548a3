from ninja import NinjaAPI

from maillon.api import activity, geo, public, report_documents, reports, sites
from maillon.api.auth import SessionAuth, TokenAuth

api = NinjaAPI(
    title="Maillon API",
    version="1",
    description=(
        "API of Maillon: official geography, sites, activity. Authenticate with the web session "
        "or with `Authorization: Bearer <token>` (tokens: `maillon token create`)."
    ),
    auth=[TokenAuth(), SessionAuth()],
    docs_url="/docs",
    openapi_url="/openapi.json",
    urls_namespace="api",
)
api.add_router("/v1/geo", geo.router)
api.add_router("/v1/public", public.router)
api.add_router("/v1", sites.router)
api.add_router("/v1", activity.router)
api.add_router("/v1/reports", reports.router)
api.add_router("/v1/reports", report_documents.router)


def _exempt_from_login_middleware(patterns) -> None:
    """The API authenticates by itself (401 in JSON), never with a redirect to the login page."""
    for pattern in patterns:
        if hasattr(pattern, "url_patterns"):
            _exempt_from_login_middleware(pattern.url_patterns)
        elif hasattr(pattern, "callback"):
            pattern.callback.login_required = False


def api_urls():
    patterns, app_name, namespace = api.urls
    _exempt_from_login_middleware(patterns)
    return patterns, app_name, namespace
