"""The isolation matrix (`tests/security/`) finds its endpoints by itself: these tests show that a
new page, a new admin page or a new API operation without an access rule cannot slip past it."""

import sys
import types

from django.http import HttpResponse
from django.test import override_settings
from django.urls import clear_url_caches, include, path

from maillon.api.urls import api
from tests.security.access_rules import OPERATIONS, page_access
from tests.security.endpoints import all_endpoints, openapi_document, pages


def _missing(page_list, operation_list) -> list[str]:
    """The check of `test_every_endpoint_declares_who_may_reach_it`."""
    missing = [page.name for page in page_list if page_access(page.name) is None]
    return missing + [op.operation_id for op in operation_list if op.operation_id not in OPERATIONS]


def _urlconf_with(*extra) -> str:
    import maillon.config.urls as real

    module = types.ModuleType("tests.access._urls_with_a_new_page")
    module.urlpatterns = [*extra, *real.urlpatterns]  # type: ignore[attr-defined]
    sys.modules[module.__name__] = module
    return module.__name__


def test_today_every_endpoint_has_a_rule():
    assert _missing(*all_endpoints()) == []


def test_a_new_page_without_a_rule_is_reported():
    def view(request):
        return HttpResponse()

    new = [
        path("nouvelle-page/", view, name="nouvelle_page"),
        path("espace/", include(([path("page/", view, name="page")], "espace"))),
        path("sans-nom/", view),
    ]
    urlconf = _urlconf_with(*new)
    try:
        with override_settings(ROOT_URLCONF=urlconf):
            clear_url_caches()
            found = pages()
    finally:
        clear_url_caches()
    assert {"nouvelle_page", "espace:page", "sans-nom/"} <= set(_missing(found, []))


def test_a_new_api_operation_without_a_rule_is_reported():
    document = openapi_document()
    document["paths"]["/api/v1/nouvelle"] = {
        "get": {"operationId": "maillon_api_nouvelle", "security": [{"token": []}]}
    }
    page_list, operation_list = all_endpoints(document)
    assert _missing(page_list, operation_list) == ["maillon_api_nouvelle"]


def test_no_api_operation_hides_from_the_openapi_document():
    """The matrix reads the API from its OpenAPI document: an operation left out of it
    (`include_in_schema=False`) would be neither a page nor an operation there."""
    hidden = [
        f"{prefix}{route} {operation.methods}"
        for prefix, router in api._routers
        for route, path_view in router.path_operations.items()
        for operation in path_view.operations
        if not operation.include_in_schema
    ]
    assert hidden == []


def test_every_admin_page_falls_under_the_superuser_rule():
    admin_pages = [page for page in pages() if page.name.startswith("admin:")]
    assert len(admin_pages) > 20
    assert {page_access(page.name).rule.name for page in admin_pages} <= {"SUPERUSER", "PUBLIC"}
