"""The API's error contract: every error is JSON with a French `detail`, and the OpenAPI
document declares the error statuses an operation can answer.

- `detail` is a sentence, except for 422 where it lists the problems (`loc`: where, as the
  client sent it — `["body", "payload", "site_id"]`, `["query", "limit"]`, `["header",
  "Idempotency-Key"]`; `msg`: why; `type`).
- Errors raised by the operations go through the exception handlers installed on the
  NinjaAPI (`install`). The others — an unknown `/api/` address (404), a method the address
  does not accept (405), an exception that escaped (500), a request refused before the API
  (400, 413) — are Django's responses, turned into JSON by `ApiErrorMiddleware`.
"""

import logging
import math
from collections.abc import Callable

from django.http import Http404, HttpRequest, HttpResponseBase, JsonResponse
from django.utils.translation import gettext_lazy as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, Throttled, ValidationError

from maillon.core.errors import NotFound

logger = logging.getLogger(__name__)

API_PREFIX = "/api/"

DETAILS = {
    400: _("Requête invalide."),
    401: _(
        "Authentification requise : jeton d'API absent, inconnu, expiré ou révoqué, "
        "ou session expirée."
    ),
    403: _("Accès refusé."),
    404: _("Ressource introuvable."),
    405: _("Méthode HTTP non acceptée à cette adresse."),
    409: _("Conflit avec l'état actuel de la ressource."),
    413: _("Requête trop volumineuse."),
    422: _("Données invalides."),
    429: _("Trop de requêtes. Réessayez plus tard."),
    500: _("Erreur interne du serveur. Elle est consignée ; réessayez plus tard."),
}


def detail_for(status: int) -> str:
    """The French sentence of an error status (the closest generic one if not listed)."""
    return str(DETAILS.get(status) or DETAILS[500 if status >= 500 else 400])


def error_response(status: int, detail: str | None = None) -> JsonResponse:
    return JsonResponse(
        {"detail": detail or detail_for(status)},
        status=status,
        json_dumps_params={"ensure_ascii": False},
    )


# pydantic's messages are English: the usual ones in French, by error type (`ctx` fills the
# bounds); a message Maillon wrote itself (type value_error) is already French.
PYDANTIC_MESSAGES = {
    "missing": _("Champ obligatoire."),
    "int_parsing": _("Nombre entier attendu."),
    "int_type": _("Nombre entier attendu."),
    "int_from_float": _("Nombre entier attendu."),
    "float_parsing": _("Nombre attendu."),
    "float_type": _("Nombre attendu."),
    "finite_number": _("Nombre fini attendu."),
    "bool_parsing": _("Booléen attendu (true ou false)."),
    "bool_type": _("Booléen attendu (true ou false)."),
    "string_type": _("Texte attendu."),
    "string_too_long": _("Au plus %(max_length)s caractères."),
    "string_too_short": _("Au moins %(min_length)s caractères."),
    "greater_than": _("Doit être supérieur à %(gt)s."),
    "greater_than_equal": _("Doit être supérieur ou égal à %(ge)s."),
    "less_than": _("Doit être inférieur à %(lt)s."),
    "less_than_equal": _("Doit être inférieur ou égal à %(le)s."),
    "date_parsing": _("Date attendue (AAAA-MM-JJ)."),
    "date_from_datetime_parsing": _("Date attendue (AAAA-MM-JJ)."),
    "date_type": _("Date attendue (AAAA-MM-JJ)."),
    "datetime_parsing": _("Date et heure attendues (AAAA-MM-JJTHH:MM:SS+01:00)."),
    "datetime_from_date_parsing": _("Date et heure attendues (AAAA-MM-JJTHH:MM:SS+01:00)."),
    "datetime_type": _("Date et heure attendues (AAAA-MM-JJTHH:MM:SS+01:00)."),
    "list_type": _("Liste attendue."),
    "dict_type": _("Objet JSON attendu."),
    "model_attributes_type": _("Objet JSON attendu."),
    "json_invalid": _("JSON invalide."),
    "enum": _("Valeur non reconnue."),
    "literal_error": _("Valeur non reconnue."),
}


def french(problem: dict) -> dict:
    """One 422 problem with its message in French when pydantic wrote it."""
    template = PYDANTIC_MESSAGES.get(problem.get("type", ""))
    if template is None:
        return problem
    try:
        message = str(template) % problem.get("ctx", {})
    except (KeyError, TypeError, ValueError):
        return problem
    return {**problem, "msg": message}


def install(api: NinjaAPI) -> None:
    """French messages for what ninja raises itself."""

    def invalid(request, exc):
        return api.create_response(
            request, {"detail": [french(problem) for problem in exc.errors]}, status=422
        )

    def unauthenticated(request, exc):
        return api.create_response(request, {"detail": detail_for(401)}, status=401)

    def not_found(request, exc):
        return api.create_response(request, {"detail": detail_for(404)}, status=404)

    def throttled(request, exc):
        wait = max(1, math.ceil(exc.wait or 1))  # Retry-After: whole seconds (RFC 9110)
        detail = _("Trop de requêtes. Réessayez dans %(wait)s s.") % {"wait": wait}
        response = api.create_response(request, {"detail": str(detail)}, status=429)
        response["Retry-After"] = str(wait)
        return response

    api.add_exception_handler(ValidationError, invalid)
    api.add_exception_handler(AuthenticationError, unauthenticated)
    api.add_exception_handler(Http404, not_found)
    api.add_exception_handler(NotFound, not_found)  # a selector's domain error
    api.add_exception_handler(Throttled, throttled)


class ApiErrorMiddleware:
    """Under `/api/`, an error response that is not JSON (Django's HTML 404/500, ninja's 405…)
    becomes `{"detail": "…"}` with the same status and headers such as `Allow`."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        if (
            response.status_code >= 400
            and request.path_info.startswith(API_PREFIX)
            and not response.get("Content-Type", "").startswith("application/json")
        ):
            converted = error_response(response.status_code)
            for header in ("Allow", "Retry-After", "Content-Language", "Vary"):
                if header in response:
                    converted[header] = response[header]
            return converted
        return response


# --- the OpenAPI document ---------------------------------------------------------------

ERROR_SCHEMA = {
    "title": "Erreur",
    "type": "object",
    "properties": {"detail": {"type": "string", "description": "Message en français."}},
    "required": ["detail"],
}
VALIDATION_ERROR_SCHEMA = {
    "title": "Erreurs de validation",
    "type": "object",
    "properties": {
        "detail": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "loc": {
                        "type": "array",
                        "items": {"anyOf": [{"type": "string"}, {"type": "integer"}]},
                    },
                    "msg": {"type": "string"},
                    "type": {"type": "string"},
                },
                "required": ["loc", "msg"],
            },
        }
    },
    "required": ["detail"],
}
WRITE_METHODS = frozenset({"post", "put", "patch", "delete"})


def _reply(description: str, schema: str) -> dict:
    return {
        "description": description,
        "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{schema}"}}},
    }


def error_statuses(path: str, method: str, operation: dict) -> dict[int, str]:
    """The error statuses an operation can answer, with why (in the document's language)."""
    statuses = {400: "Paramètre malformé (caractère nul…)."}
    parameters = operation.get("parameters", [])
    if parameters or "requestBody" in operation:
        statuses[422] = "Données invalides : `detail` liste les champs en cause."
    if operation.get("security"):
        statuses[401] = "Authentification absente, invalide, expirée ou révoquée."
        statuses[403] = (
            "Écriture avec un jeton en lecture seule, ou action refusée à ce rôle."
            if method in WRITE_METHODS
            else "Accès refusé."
        )
    if any(p.get("in") == "path" for p in parameters) or operation.get("security"):
        statuses[404] = "Introuvable, ou hors du périmètre de l'appelant."
    if path.startswith(f"{API_PREFIX}v1/public/"):
        statuses[429] = "Trop de requêtes depuis cette adresse : voir `Retry-After`."
    return statuses


class MaillonAPI(NinjaAPI):
    """The NinjaAPI whose OpenAPI document declares every operation's error statuses."""

    def get_openapi_schema(self, *, path_prefix=None, path_params=None):
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        components = schema.setdefault("components", {}).setdefault("schemas", {})
        components.setdefault("Erreur", ERROR_SCHEMA)
        components.setdefault("ErreursDeValidation", VALIDATION_ERROR_SCHEMA)
        for path, methods in schema.get("paths", {}).items():
            for method, operation in methods.items():
                responses = operation.setdefault("responses", {})
                for status, why in error_statuses(path, method, operation).items():
                    if status not in responses and str(status) not in responses:
                        responses[status] = _reply(
                            why, "ErreursDeValidation" if status == 422 else "Erreur"
                        )
        return schema
