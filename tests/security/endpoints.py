"""Every endpoint of Maillon, enumerated from the URL resolver and the OpenAPI document.

The security tests iterate over these lists instead of a hand-written one, so a new page or API
operation is tested the day it is added."""

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass

from django.urls import URLPattern, URLResolver, get_resolver, resolve

API_NAMESPACE = "api"
WRITE_METHODS = ("post", "put", "patch", "delete")


@dataclass(frozen=True)
class Page:
    """A named URL pattern outside the API operations (pages, admin, the API's documents)."""

    name: str  # namespaced, "network:site_detail"
    route: str
    kwargs: tuple[str, ...]
    public: bool  # exempt from the login middleware (`login_not_required`)
    alternatives: Mapping[str, tuple[str, ...]]  # regex kwargs with a fixed set of values

    def url(self, values: Mapping[str, object]) -> str:
        """The path with each kwarg taken from `values` ("1" when absent); a regex group with
        fixed alternatives (the admin's app labels) takes the first one."""

        def value(name: str) -> str:
            if name in self.alternatives:
                return self.alternatives[name][0]
            return str(values.get(name, "1"))

        path = _GROUP.sub(lambda m: value(m[1]), self.route).replace("^", "").rstrip("$")
        path = re.sub(r"<(?:\w+:)?(\w+)>", lambda m: value(m[1]), path)
        path = f"/{path}"
        resolve(path)  # the URL reaches this pattern's family (raises Resolver404 otherwise)
        return path


@dataclass(frozen=True)
class Operation:
    """An operation of the OpenAPI document."""

    operation_id: str
    method: str  # lower case
    path: str  # "/api/v1/visits/{visit_id}"
    public: bool  # no security requirement

    @property
    def kwargs(self) -> tuple[str, ...]:
        return tuple(re.findall(r"{(\w+)}", self.path))

    @property
    def writes(self) -> bool:
        return self.method in WRITE_METHODS

    def url(self, values: Mapping[str, object]) -> str:
        return re.sub(r"{(\w+)}", lambda m: str(values.get(m[1], "1")), self.path)


def _walk(patterns, prefix: str = "", namespace: str = "") -> Iterator[tuple[str, str, object]]:
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = namespace
            if pattern.namespace:
                inner = f"{namespace}:{pattern.namespace}" if namespace else pattern.namespace
            yield from _walk(pattern.url_patterns, prefix + str(pattern.pattern), inner)
        elif isinstance(pattern, URLPattern):
            local = pattern.name or str(pattern.pattern)  # the admin has unnamed patterns
            name = f"{namespace}:{local}" if namespace else local
            yield name, prefix + str(pattern.pattern), pattern


_GROUP = re.compile(r"\(\?P<(\w+)>([^()]*)\)(?:\$)?")


def _alternatives(route: str) -> dict[str, tuple[str, ...]]:
    """`(?P<app_label>accounts|geo)` (the admin's app index) → {"app_label": ("accounts", "geo")}"""
    found = {}
    for name, body in _GROUP.findall(route):
        if re.fullmatch(r"[\w|-]+", body) and "|" in body:
            found[name] = tuple(body.split("|"))
    return found


def pages(*, operation_paths: set[str] = frozenset()) -> list[Page]:
    """Every named URL pattern, the API operations (given by their route) left out."""
    found = []
    for name, route, pattern in _walk(get_resolver().url_patterns):
        if name.startswith(f"{API_NAMESPACE}:") and _route_key(route) in operation_paths:
            continue
        kwargs = tuple(pattern.pattern.regex.groupindex)
        public = getattr(pattern.callback, "login_required", True) is False
        found.append(Page(name, route, kwargs, public, _alternatives(route)))
    return found


def _route_key(route: str) -> str:
    """`api/v1/visits/<visit_id>` and `/api/v1/visits/{visit_id}` give the same key."""
    return re.sub(r"<(?:\w+:)?(\w+)>|{(\w+)}", r"{}", route).strip("/")


def operations(document: dict) -> list[Operation]:
    found = []
    for path, methods in document["paths"].items():
        for method, operation in methods.items():
            public = not operation.get("security")
            found.append(Operation(operation["operationId"], method, path, public))
    return found


def openapi_document() -> dict:
    from maillon.api.urls import api

    return api.get_openapi_schema()


def all_endpoints(document: dict | None = None) -> tuple[list[Page], list[Operation]]:
    document = document if document is not None else openapi_document()
    found = operations(document)
    return pages(operation_paths={_route_key(op.path) for op in found}), found
