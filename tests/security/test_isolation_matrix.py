"""The isolation matrix: every page (URL resolver) and every API operation (OpenAPI document)
× every role × an object of the role's own scope and one of a foreign scope.

The expected answer comes from the endpoint's rule (`access_rules.py`) and the persona's grants
(`world.py`), never from the code under test:
- allowed: 2xx/3xx (405 for a POST-only page read with GET);
- refused: a redirect to the login page (anonymous, pages), 401 (anonymous, API), 403/404
  otherwise — 400/422 where the object is a form or query parameter that only accepts what the
  user may read; a logged-in user without rights in Django's admin is sent to its login page.
A 2xx answer to a role must not name a site the role may not read (pages and JSON `site_id`s).
Writes (POST, PUT, PATCH, DELETE) are sent by the refused roles only: each must be refused and
change nothing (row counts of the main tables, active memberships, superusers…).

An endpoint without a rule fails the test: a new page or operation declares who may reach it.
"""

import json
from collections import Counter
from dataclasses import dataclass
from urllib.parse import urlencode

import pytest
from django.db import connection, transaction
from django.test import Client
from django.urls import reverse

from maillon.accounts.models import ApiToken, Invitation, Membership, User
from maillon.activity.models import FollowUp, OutreachAct, Request, Visit, Workshop
from maillon.cases.models import Case, CaseAttachment, CaseMessage
from maillon.journal.models import JournalEntry
from maillon.network.models import Agreement, Organisation, Partner, Site, Stop
from maillon.people.models import Employee
from tests.security.access_rules import OPERATIONS, Access, Rule, page_access
from tests.security.endpoints import Operation, Page, all_endpoints
from tests.security.world import SITE_ORG, SITE_PARTNER, Persona, World, build_world

SCOPE_KIND = {
    "site": "site",
    "stop": "site",
    "agreement": "site",
    "visit": "site",
    "act": "site",
    "workshop": "site",
    "report": "site",
    "followup": "site",
    "request": "site",
    "case": "site",
    "attachment": "site",
    "org": "org",
    "employee": "org",
    "membership": "org",
    "invitation": "org",
    "partner": "partner",
    "network": "network",
    "token": "network",  # the API token of the network's admin (see world.TOKEN_OWNERS)
}


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """One world for the module, rolled back at its end."""
    with django_db_blocker.unblock(), transaction.atomic():
        yield build_world()
        transaction.set_rollback(True)


@pytest.fixture(scope="module")
def endpoints() -> tuple[list[Page], list[Operation]]:
    return all_endpoints()


def test_every_endpoint_declares_who_may_reach_it(endpoints):
    pages, operations = endpoints
    assert len(operations) >= 20 and len(pages) >= 200  # the API and the admin are in
    missing = [p.name for p in pages if page_access(p.name) is None]
    missing += [op.operation_id for op in operations if op.operation_id not in OPERATIONS]
    assert missing == [], "declare an access rule in tests/security/access_rules.py"


@dataclass(frozen=True)
class Endpoint:
    name: str
    access: Access
    page: Page | None = None
    operation: Operation | None = None

    @property
    def is_api(self) -> bool:
        return self.operation is not None

    @property
    def methods(self) -> tuple[str, ...]:
        return (self.operation.method,) if self.operation else ("get", "post")


def _endpoints(pages, operations) -> list[Endpoint]:
    found = [Endpoint(p.name, page_access(p.name), page=p) for p in pages]
    found += [
        Endpoint(op.operation_id, OPERATIONS[op.operation_id], operation=op) for op in operations
    ]
    return found


def _values(world: World, kind: str | None, scope: str | None) -> dict:
    """URL kwargs, query and body placeholders for an object of `kind` in `scope`."""
    o = world.objects
    values = {
        "year": world.day.year,
        "month": f"{world.day:%Y-%m}",
        "day": world.day.isoformat(),
        "fmt": "csv",
        "token": "jeton-inconnu",
        "uidb64": "MQ",
        "code": o["commune"].code,
    }
    if kind is None or kind == "commune":
        return values
    obj = o[scope] if kind == SCOPE_KIND[kind] else o[f"{kind}_{scope}"]
    values["pk"] = obj.pk
    if kind == "site":
        values |= {"site_id": obj.pk, "site": obj.pk}
    elif kind in ("stop", "agreement"):
        values |= {"pk": obj.site_id, f"{kind}_pk": obj.pk}
    elif kind in ("visit", "act", "workshop"):
        values |= {f"{kind}_id": obj.pk, "site": obj.site_id}
    elif kind == "followup":
        values |= {"follow_up_id": obj.pk, "site": obj.site_id}
    elif kind == "request":
        values |= {"request": obj.pk, "site": obj.visit.site_id}
    elif kind == "case":
        values |= {"case_id": obj.pk, "site": obj.site_id}
    elif kind == "attachment":
        values |= {"pk": obj.case_id, "attachment_pk": obj.pk, "site": obj.case.site_id}
        values |= {"case_id": obj.case_id, "attachment_id": obj.pk}  # the API's names
    elif kind == "partner":
        values["partner"] = obj.code
    elif kind == "network":
        values |= {"slug": o[f"publication_{scope[-1]}"].slug, "network": obj.slug}
    return values


def _format(template, values: dict):
    if isinstance(template, str):
        return template.format(**values)
    if isinstance(template, dict):
        return {key: _format(value, values) for key, value in template.items()}
    if isinstance(template, list):
        return [_format(value, values) for value in template]
    return template


def _scopes(persona: Persona, access: Access) -> list[str | None]:
    """The objects tried for a persona: one of its own scope, one of a foreign scope."""
    if access.obj is None or access.obj == "commune":
        return [None]
    kind = SCOPE_KIND[access.obj]
    return list(dict.fromkeys(s for s in (persona.own.get(kind), persona.foreign[kind]) if s))


def _url(endpoint: Endpoint, values: dict) -> str:
    target = endpoint.operation or endpoint.page
    url = target.url(values)
    query = _format(endpoint.access.query, values)
    return f"{url}?{urlencode(query)}" if query else url


def _refused(endpoint: Endpoint, persona: Persona, response, *, write: bool) -> bool:
    status = response.status_code
    if endpoint.is_api:
        if not persona.logged_in:
            return status == 401
        return status in (
            {403, 404, 400, 422} if endpoint.access.refused_as_invalid else {403, 404}
        )
    if status == 302:
        location = response["Location"]
        logins = (reverse("accounts:login"), reverse("admin:login"))
        if location.startswith(logins):
            return True
        # Django's admin sends a logged-in user without rights to its login page, or from its
        # logout page to its index (which sends him to the login page)
        return (
            persona.logged_in
            and endpoint.name.startswith("admin:")
            and location == reverse("admin:index")
        )
    if not persona.logged_in:
        return False
    refused = {403, 404, 405}  # 405: a POST-only page read with GET, or a page taking no POST
    if endpoint.access.refused_as_invalid:
        refused.add(400)
    return status in refused


def _granted(endpoint: Endpoint, response) -> bool:
    status = response.status_code
    return 200 <= status < 400 or status == 405 or status in endpoint.access.answers


def _names_leaked(world: World, persona: Persona, endpoint: Endpoint, response) -> list[str]:
    """Sites the persona may not read that a successful answer names anyway."""
    if persona.superuser or endpoint.access.rule is Rule.PUBLIC or response.status_code >= 300:
        return []
    readable = set(persona.sites_read)
    if endpoint.access.rule in (Rule.PARTNER_REPORT, Rule.PARTNER_READER):
        readable |= {site for site, partner in SITE_PARTNER.items() if partner in persona.partners}
    # a file (a case's attachment) streams its content
    raw = b"".join(response.streaming_content) if response.streaming else response.content
    body = raw.decode("utf-8", "replace")
    leaked = [
        site for site in SITE_ORG if site not in readable and world.objects[site].name in body
    ]
    if response.get("Content-Type", "").startswith("application/json"):
        ids = {world.objects[site].pk: site for site in SITE_ORG if site not in readable}
        leaked += [ids[i] for i in _site_ids(json.loads(body)) if i in ids]
    return sorted(set(leaked))


def _site_ids(data) -> list[int]:
    if isinstance(data, dict):
        return [
            *([data["site_id"]] if isinstance(data.get("site_id"), int) else []),
            *(i for value in data.values() for i in _site_ids(value)),
        ]
    if isinstance(data, list):
        return [i for value in data for i in _site_ids(value)]
    return []


MODELS = (
    Case,
    CaseMessage,
    CaseAttachment,
    User,
    Membership,
    Invitation,
    ApiToken,
    Organisation,
    Site,
    Stop,
    Agreement,
    Partner,
    Visit,
    Request,
    OutreachAct,
    Workshop,
    Employee,
    JournalEntry,
)


def _counts() -> dict[str, str]:
    """label → SQL count: rows of the main tables, and the flags a write could flip (table
    and column names come from the models, nothing from outside)."""
    counts = {
        m._meta.label: f"SELECT COUNT(*) FROM {m._meta.db_table}"  # noqa: S608
        for m in MODELS
    }
    flags = {
        "active memberships": (Membership, "is_active"),
        "active users": (User, "is_active"),
        "superusers": (User, "is_superuser"),
        "staff": (User, "is_staff"),
    }
    for label, (model, column) in flags.items():
        counts[label] = f"SELECT COUNT(*) FROM {model._meta.db_table} WHERE {column}"  # noqa: S608
    counts["revoked invitations"] = (
        f"SELECT COUNT(*) FROM {Invitation._meta.db_table} WHERE revoked_at IS NOT NULL"  # noqa: S608
    )
    counts["closed follow-ups"] = (
        f"SELECT COUNT(*) FROM {FollowUp._meta.db_table} WHERE closed_on IS NOT NULL"  # noqa: S608
    )
    return counts


COUNTS = _counts()
STATE_SQL = "SELECT " + ", ".join(f"({sql})" for sql in COUNTS.values())  # noqa: S608


def _state() -> dict[str, int]:
    """What a refused write must leave as it was (one query)."""
    with connection.cursor() as cursor:
        cursor.execute(STATE_SQL)
        return dict(zip(COUNTS, cursor.fetchone(), strict=True))


def _login(client: Client, persona: Persona) -> None:
    client.logout()
    if persona.user is not None:
        client.force_login(persona.user)


def _send(client: Client, endpoint: Endpoint, method: str, url: str, values: dict):
    if method == "get":
        return client.get(url)
    if endpoint.is_api:
        body = _format(endpoint.access.body or {}, values)
        return client.generic(
            method.upper(), url, json.dumps(body), content_type="application/json"
        )
    return client.post(url, {"version": 1})


@pytest.mark.django_db
def test_isolation_matrix(world, endpoints):
    """Every endpoint × every persona × own/foreign object: 0 leaks, 0 refused writes that
    changed something, 0 server errors."""
    cases = [e for e in _endpoints(*endpoints) if e.access is not None]
    client = Client(raise_request_exception=False)
    failures: list[str] = []
    leaks = 0
    requests = Counter()
    for persona in world.personas:
        _login(client, persona)
        for endpoint in cases:
            for scope in _scopes(persona, endpoint.access):
                values = _values(world, endpoint.access.obj, scope)
                url = _url(endpoint, values)
                allowed = endpoint.access.rule.allows(persona, scope)
                for method in endpoint.methods:
                    write = method != "get"
                    if write and allowed:
                        continue  # an allowed write would change the world of the next cases
                    if write:
                        # a leaking write is rolled back: the next cases keep their world
                        savepoint = transaction.savepoint()
                        before = _state()
                    response = _send(client, endpoint, method, url, values)
                    requests[method] += 1
                    where = f"{method.upper()} {url} ({endpoint.name}) as {persona.key}"
                    if response.status_code >= 500:
                        failures.append(f"{where}: server error {response.status_code}")
                    elif allowed and not _granted(endpoint, response):
                        failures.append(f"{where}: allowed but answered {response.status_code}")
                    elif not allowed and not _refused(endpoint, persona, response, write=write):
                        leaks += 1
                        failures.append(f"LEAK {where}: answered {response.status_code}")
                    if allowed and (names := _names_leaked(world, persona, endpoint, response)):
                        leaks += 1
                        failures.append(f"LEAK {where}: shows {', '.join(names)}")
                    if write:
                        if (after := _state()) != before:
                            leaks += 1
                            changed = {
                                k: (before[k], v) for k, v in after.items() if before[k] != v
                            }
                            failures.append(f"LEAK {where}: changed {changed}")
                        transaction.savepoint_rollback(savepoint)
                        if persona.logged_in and "_auth_user_id" not in client.session:
                            _login(client, persona)  # it logged itself out
    total = sum(requests.values())
    print(
        f"\nisolation matrix: {len(cases)} endpoints × {len(world.personas)} roles × "
        f"own/foreign objects = {total} requests ({requests['get']} reads, "
        f"{total - requests['get']} refused writes), {leaks} leaks, {len(failures)} failures"
    )
    assert failures == [], "\n".join(failures)
