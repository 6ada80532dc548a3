"""The framework floor of `maillon bench desk`: the least a Django view can do for the same write.

A Django project of one view (no middleware, no app, no authentication, no validation, no
idempotency, no rollups), served by the same gunicorn with the same settings and driven by the
same clients as the product, which parses the same JSON body and writes the same rows — the
visit, its requests and the follow-ups of its « à revoir » requests — in one SQL statement.
Its throughput is what Django on gunicorn on this machine allows at best: the product's ratio to
it is the desk's target (issue: at least 0.40 at 32 clients).

This module is its settings module and its URL configuration; gunicorn loads the application
with `maillon.bench.floor:application()`. The bench passes the ids the view needs (site → agent,
codes → ids, the follow-up delay) in the environment variable `MAILLON_FLOOR_IDS` (JSON), so
the view reads nothing but the request.
"""

import datetime
import json
import os

import dj_database_url
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import path
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt

IDS_VARIABLE = "MAILLON_FLOOR_IDS"

# Django settings (this module is DJANGO_SETTINGS_MODULE in the floor's gunicorn)
DEBUG = False
SECRET_KEY = "bench-floor-only"  # noqa: S105 - a throwaway server on loopback
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
INSTALLED_APPS: list[str] = []
MIDDLEWARE: list[str] = []
ROOT_URLCONF = __name__
USE_TZ = True
TIME_ZONE = "Europe/Paris"
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", "postgres://localhost/maillon"),
        conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", "60")),
    )
}

FLOOR_SQL = (
    "WITH visit AS (INSERT INTO activity_visit (site_id, agent_id, occurred_at, day, channel_id,"
    " qpv_resident, first_visit, created_at, updated_at)"
    " VALUES (%(site)s, %(agent)s, now(), %(day)s, %(channel)s, NULL, NULL, now(), now())"
    " RETURNING id),"
    " requests AS (INSERT INTO activity_request (visit_id, position, partner_id, theme_id,"
    " help_kind_id, outcome_id, follow_up, help_defaulted, outcome_defaulted)"
    " SELECT visit.id, r.* FROM visit CROSS JOIN unnest(%(position)s::integer[],"
    " %(partner)s::bigint[], %(theme)s::bigint[], %(help)s::bigint[], %(outcome)s::bigint[],"
    " %(follow_up)s::boolean[], %(help_defaulted)s::boolean[], %(outcome_defaulted)s::boolean[])"
    " AS r(position, partner_id, theme_id, help_kind_id, outcome_id, follow_up, help_defaulted,"
    " outcome_defaulted) RETURNING id, outcome_id),"
    " follow_ups AS (INSERT INTO activity_followup (request_id, site_id, due_on, reference,"
    " created_at) SELECT id, %(site)s, %(due)s, '', now() FROM requests"
    " WHERE outcome_id = %(to_review)s)"
    " SELECT id FROM visit"
)

_ids: dict = {}


def _known() -> dict:
    if not _ids:
        _ids.update(json.loads(os.environ[IDS_VARIABLE]))
    return _ids


@csrf_exempt
def visit_create(request: HttpRequest) -> HttpResponse:
    """POST /api/v1/visits with the product's body: 201 and the visit id."""
    ids = _known()
    body = json.loads(request.body)
    site = int(body["site_id"])
    codes = ids["codes"]
    rows = body["requests"]
    today = timezone.localdate()
    params = {
        "site": site,
        "agent": ids["agents"][str(site)],
        "day": today,
        "channel": codes["channel"][body["channel"]],
        "position": list(range(len(rows))),
        "partner": [codes["partner"].get(r.get("partner")) for r in rows],
        "theme": [codes["theme"][r["theme"]] for r in rows],
        "help": [codes["help_kind"][r.get("help_kind", "information")] for r in rows],
        "outcome": [codes["outcome"][r.get("outcome", "resolu")] for r in rows],
        "follow_up": [bool(r.get("follow_up")) for r in rows],
        "help_defaulted": ["help_kind" not in r for r in rows],
        "outcome_defaulted": ["outcome" not in r for r in rows],
        "due": today + datetime.timedelta(days=ids["follow_up_days"]),
        "to_review": ids["to_review"],
    }
    with connection.cursor() as cursor:
        cursor.execute(FLOOR_SQL, params)
        (visit_id,) = cursor.fetchone()
    response = JsonResponse({"id": visit_id}, status=201)
    response["Content-Length"] = str(len(response.content))  # as CommonMiddleware does
    return response


urlpatterns = [path("api/v1/visits", visit_create)]


def application():
    """The WSGI application (gunicorn: `maillon.bench.floor:application()`)."""
    os.environ["DJANGO_SETTINGS_MODULE"] = __name__
    from django.core.wsgi import get_wsgi_application

    return get_wsgi_application()
