"""Who may reach each endpoint: one rule per URL name (pages) and per OpenAPI operation id.

The isolation matrix (`test_isolation_matrix.py`) enumerates every endpoint from the URL
resolver and the OpenAPI document and fails for an endpoint that has no rule here: a new page
or operation must say who may reach it before it ships.

A rule is the policy, written from the product's roles (docs/security.md), not read from the
code: `Rule.allows(persona, scope)` says whether a persona may reach the endpoint for an object
of that scope (a site, an organisation, a partner, a network)."""

import enum
from dataclasses import dataclass, field

from tests.security.world import ORG_NETWORK, SITE_ORG, TOKEN_OWNERS, Persona


class Rule(enum.Enum):
    PUBLIC = "anyone, no account"
    AUTHENTICATED = "any active account (what it lists is scoped)"
    SUPERUSER = "the installation's administrator only"
    NETWORK_ADMIN = "a network admin (of any network) or a superuser"
    NETWORK_OWN = "an admin of the object's network"
    REPORT_READER = "an account with a report scope (a site, an organisation, a network)"
    PARTNER_READER = "an account that may read at least one partner report"
    REPORTS = "an account with a report scope or a partner report"
    SITE_READ = "an account that sees the object's site (its agents, managers, network admin)"
    SITE_MANAGE = "a manager of the object's site (its organisation's managers, network admin)"
    ORG_READ = "a member of the object's organisation (managers, organisation agents, admin)"
    ORG_MANAGE = "a manager of the object's organisation (or its network admin)"
    PARTNER_REPORT = "the partner's viewers, and managers of sites under agreement with it"
    TOKEN_OWNER = "the user the object (an API token) belongs to, and nobody else"
    LABEL_PIPELINE = "a network admin (his network's sites) or a manager (his own, read-only)"
    SITE_NETWORK = "an admin of the network of the object's site (label steps)"

    def allows(self, persona: Persona, scope: str | None) -> bool:
        if self is Rule.PUBLIC:
            return True
        if self is Rule.TOKEN_OWNER:  # not even a superuser sees another user's tokens
            return persona.logged_in and TOKEN_OWNERS.get(scope) == persona.key
        if not persona.logged_in:
            return False
        if persona.superuser or self is Rule.AUTHENTICATED:
            return True
        checks = {
            Rule.SUPERUSER: lambda: False,
            Rule.NETWORK_ADMIN: lambda: persona.network_admin,
            Rule.NETWORK_OWN: lambda: scope in persona.networks,
            Rule.REPORT_READER: lambda: persona.network_admin or bool(persona.sites_read),
            Rule.PARTNER_READER: lambda: bool(persona.partners),
            Rule.REPORTS: lambda: (
                persona.network_admin or bool(persona.sites_read) or bool(persona.partners)
            ),
            Rule.SITE_READ: lambda: scope in persona.sites_read,
            Rule.SITE_MANAGE: lambda: scope in persona.sites_manage,
            Rule.ORG_READ: lambda: scope in persona.orgs_read,
            Rule.ORG_MANAGE: lambda: scope in persona.orgs_manage,
            Rule.PARTNER_REPORT: lambda: scope in persona.partners,
            Rule.LABEL_PIPELINE: lambda: persona.network_admin or bool(persona.orgs_manage),
            Rule.SITE_NETWORK: lambda: (
                ORG_NETWORK.get(SITE_ORG.get(scope or "", "")) in persona.networks
            ),
        }
        return checks[self]()


@dataclass(frozen=True)
class Access:
    rule: Rule
    # the kind of object that fills the URL (kwargs, query, body): site, stop, agreement,
    # visit, act, workshop, report, org, employee, membership, invitation, partner, network,
    # commune
    obj: str | None = None
    query: dict[str, str] = field(default_factory=dict)  # values formatted with the object
    body: dict | None = None  # JSON body of an API write, formatted likewise
    # the object is a parameter of a form that only offers what the user may read: a foreign
    # one is refused as invalid input (400/422), which is a refusal too
    refused_as_invalid: bool = False
    # what an allowed request may answer besides 2xx/3xx (an unknown token, a missing id)
    answers: tuple[int, ...] = ()


PERIOD = {"periode": "{year}"}
SITE_QUERY = dict(obj="site", refused_as_invalid=True)

PAGES: dict[str, Access] = {
    # public directory and open data
    "directory:home": Access(Rule.PUBLIC),
    "directory:site": Access(Rule.PUBLIC, "site"),
    "directory:open_data": Access(Rule.PUBLIC),
    "directory:open_data_file": Access(Rule.PUBLIC),
    "directory:open_data_inclusion": Access(Rule.PUBLIC),
    "directory:error_report": Access(Rule.PUBLIC, "site"),
    # citizens' error reports: the inbox lists only the user's managed sites' reports
    "corrections:inbox": Access(Rule.AUTHENTICATED),
    "corrections:report": Access(Rule.SITE_MANAGE, "report"),
    "corrections:site_confirm": Access(Rule.SITE_MANAGE, "site"),
    "directory:accessibility": Access(Rule.PUBLIC),  # the accessibility statement
    # accounts
    "accounts:login": Access(Rule.PUBLIC),
    "accounts:logout": Access(Rule.AUTHENTICATED),
    "accounts:home": Access(Rule.AUTHENTICATED),
    "accounts:token_list": Access(Rule.AUTHENTICATED),
    "accounts:token_revoke": Access(Rule.TOKEN_OWNER, "token"),
    "accounts:password_change": Access(Rule.AUTHENTICATED),
    "accounts:password_reset": Access(Rule.PUBLIC),
    "accounts:password_reset_done": Access(Rule.PUBLIC),
    # an unknown link answers the page that says so
    "accounts:password_reset_confirm": Access(Rule.PUBLIC),
    "accounts:password_reset_complete": Access(Rule.PUBLIC),
    "accounts:member_list": Access(Rule.ORG_MANAGE, "org"),
    "accounts:membership_deactivate": Access(Rule.ORG_MANAGE, "membership"),
    "accounts:invitation_revoke": Access(Rule.ORG_MANAGE, "invitation"),
    # the signed token is the credential; an unknown one is gone
    "accounts:invitation_accept": Access(Rule.PUBLIC, answers=(410,)),
    # back-office
    "network:site_list": Access(Rule.AUTHENTICATED),
    "network:site_detail": Access(Rule.SITE_READ, "site"),
    "network:site_edit": Access(Rule.SITE_MANAGE, "site"),
    "network:site_hours": Access(Rule.SITE_MANAGE, "site"),
    "network:site_hours_preview": Access(Rule.SITE_MANAGE, "site"),
    "network:stop_list": Access(Rule.SITE_MANAGE, "site"),
    "network:stop_edit": Access(Rule.SITE_MANAGE, "stop"),
    "network:stop_delete": Access(Rule.SITE_MANAGE, "stop"),
    "network:agreement_list": Access(Rule.SITE_MANAGE, "site"),
    "network:agreement_edit": Access(Rule.SITE_MANAGE, "agreement"),
    "network:site_history": Access(Rule.SITE_MANAGE, "site"),
    "network:communes": Access(Rule.AUTHENTICATED),
    "network:organisation_list": Access(Rule.AUTHENTICATED),
    "network:organisation_detail": Access(Rule.ORG_READ, "org"),
    "network:organisation_edit": Access(Rule.ORG_MANAGE, "org"),
    "network:organisation_history": Access(Rule.ORG_MANAGE, "org"),
    "network:site_create": Access(Rule.ORG_MANAGE, "org"),
    "network:partner_list": Access(Rule.NETWORK_ADMIN),
    "network:partner_create": Access(Rule.NETWORK_ADMIN),
    # a shared partner (CAF…, owned by no network) is changed by a superuser only (issue 12, C1)
    "network:partner_edit": Access(Rule.SUPERUSER, "partner"),
    # the mediator's desk: the site chosen in the query
    "activity:index": Access(Rule.AUTHENTICATED),
    "activity:desk": Access(Rule.SITE_READ, query={"site": "{site}"}, **SITE_QUERY),
    "activity:visit_edit": Access(Rule.SITE_MANAGE, "visit"),
    "activity:visit_delete": Access(Rule.SITE_MANAGE, "visit"),
    "activity:outreach": Access(Rule.SITE_READ, query={"site": "{site}"}, **SITE_QUERY),
    "activity:workshops": Access(Rule.SITE_READ, query={"site": "{site}"}, **SITE_QUERY),
    # the mediator's day (issue 14): the history lists what the user sees (his own visits, or
    # his sites' for a manager); the follow-up, outreach and workshop lists take the site in
    # the query like the desk
    "activity:history": Access(Rule.AUTHENTICATED),
    "activity:followups": Access(Rule.SITE_READ, query={"site": "{site}"}, **SITE_QUERY),
    "activity:followup_edit": Access(Rule.SITE_READ, "followup"),
    "activity:followup_close": Access(Rule.SITE_READ, "followup"),
    # cases sent to partners (issue 17): the queues list what the user sees (his sites' cases,
    # or his partner's as a referent — referents are checked in tests/cases); a case, its
    # actions and its files answer 404 outside the site's side; the opening form takes the
    # desk request in the query
    "cases:queues": Access(Rule.AUTHENTICATED),
    "cases:open": Access(Rule.SITE_READ, "request", query={"request": "{request}"}),
    "cases:detail": Access(Rule.SITE_READ, "case"),
    "cases:message": Access(Rule.SITE_READ, "case"),
    "cases:note": Access(Rule.SITE_READ, "case"),
    "cases:answer": Access(Rule.SITE_READ, "case"),
    "cases:close": Access(Rule.SITE_READ, "case"),
    "cases:reroute": Access(Rule.SITE_READ, "case"),
    "cases:attachment": Access(Rule.SITE_READ, "attachment"),
    "activity:outreach_list": Access(Rule.SITE_READ, query={"site": "{site}"}, **SITE_QUERY),
    "activity:workshop_list": Access(Rule.SITE_READ, query={"site": "{site}"}, **SITE_QUERY),
    # changed like a visit: its author within the window, else a manager of the site
    "activity:outreach_edit": Access(Rule.SITE_MANAGE, "act"),
    "activity:outreach_delete": Access(Rule.SITE_MANAGE, "act"),
    "activity:workshop_edit": Access(Rule.SITE_MANAGE, "workshop"),
    "activity:workshop_delete": Access(Rule.SITE_MANAGE, "workshop"),
    # the network's desk rules: its network admin only (a manager: 404)
    "activity:policy": Access(Rule.NETWORK_OWN, "network", query={"reseau": "{network}"}),
    # the network's case rules: its network admin only (a manager: 404)
    "cases_admin:policy": Access(Rule.NETWORK_OWN, "network", query={"reseau": "{network}"}),
    # partners' referents and their invitations: a network admin, or an active referent of the
    # partner (his own partner only; the world has no referent persona)
    "cases_admin:referents": Access(Rule.NETWORK_ADMIN),
    # staff
    "people:employee_list": Access(Rule.ORG_MANAGE, "org"),
    "people:employee_detail": Access(Rule.ORG_MANAGE, "employee"),
    # reports
    "reports:home": Access(Rule.REPORTS),
    "reports:key_figures": Access(
        Rule.SITE_READ, query={"perimetre": "site:{site}", **PERIOD}, **SITE_QUERY
    ),
    "reports:dashboard": Access(
        Rule.SITE_READ, query={"perimetre": "site:{site}", **PERIOD}, **SITE_QUERY
    ),
    "reports:monthly_report": Access(
        Rule.SITE_READ, query={"point_accueil": "{site}", "periode": "{month}"}, **SITE_QUERY
    ),
    "reports:partner_report": Access(
        Rule.PARTNER_REPORT,
        "partner",
        query={"partenaire": "{partner}", **PERIOD},
        refused_as_invalid=True,
    ),
    # journal and labels: the network head's tools
    "journal:journal": Access(Rule.NETWORK_ADMIN),
    "journal:export": Access(Rule.NETWORK_ADMIN),
    "labels:publication": Access(Rule.NETWORK_ADMIN),
    "labels:printed_publication": Access(Rule.NETWORK_OWN, "network"),
    "labels:quality": Access(Rule.NETWORK_OWN, "network", query={"reseau": "{network}"}),
    "labels:coverage": Access(Rule.NETWORK_OWN, "network", query={"reseau": "{network}"}),
    "labels:self_check": Access(Rule.SITE_READ, "site"),
    # the labelling workspace (issue 16): the network head acts, a manager reads his sites
    "labels:pipeline": Access(Rule.LABEL_PIPELINE),
    "labels:committee": Access(Rule.NETWORK_OWN, "network", query={"reseau": "{network}"}),
    "labels:settings": Access(Rule.NETWORK_OWN, "network", query={"reseau": "{network}"}),
    "labels:press_kit": Access(Rule.NETWORK_OWN, "network", query={"reseau": "{network}"}),
    "labels:site_label": Access(Rule.SITE_MANAGE, "site"),
    "labels:application_file": Access(Rule.SITE_NETWORK, "site"),
    "labels:audit_plan": Access(Rule.SITE_NETWORK, "site"),
    "labels:audit_record": Access(Rule.SITE_NETWORK, "site"),
    "labels:withdraw": Access(Rule.SITE_NETWORK, "site"),
    "labels:decision_correct": Access(Rule.SITE_NETWORK, "site"),
    # the API's own documents: the OpenAPI document is public (integrators, the public
    # directory), its Swagger UI page is behind the login like every page
    "api:openapi-json": Access(Rule.PUBLIC),
    "api:openapi-view": Access(Rule.AUTHENTICATED),
    "api:api-root": Access(Rule.PUBLIC, answers=(404,)),  # nothing at the root
    "admin:login": Access(Rule.PUBLIC),
}

# every other page of a namespace
NAMESPACES: dict[str, Access] = {
    # Django's admin is the installation administrator's tool (issue 12, C1)
    # (the world has no object 1 of most models; some models cannot be added or deleted)
    "admin": Access(Rule.SUPERUSER, answers=(403, 404)),
}

VISIT_BODY = {
    "site_id": "{site}",
    "requests": [{"theme": "famille", "partner": "caf"}],
    "reason": "Contrôle",  # a manager's change is a correction: it says why (a create ignores it)
}
OPERATIONS: dict[str, Access] = {
    "maillon_api_geo_list_communes": Access(Rule.PUBLIC),
    "maillon_api_geo_get_commune": Access(Rule.PUBLIC, "commune"),
    "maillon_api_public_search_sites": Access(Rule.PUBLIC),
    "maillon_api_public_get_public_site": Access(Rule.PUBLIC, "site"),
    "maillon_api_sites_list_sites": Access(Rule.AUTHENTICATED),
    "maillon_api_sites_get_site": Access(Rule.SITE_READ, "site"),
    "maillon_api_activity_list_taxonomies": Access(Rule.AUTHENTICATED),
    "maillon_api_activity_create_visit": Access(Rule.SITE_READ, body=VISIT_BODY, **SITE_QUERY),
    "maillon_api_activity_list_visits": Access(Rule.AUTHENTICATED, "site", {"site": "{site}"}),
    "maillon_api_activity_get_visit": Access(Rule.SITE_READ, "visit"),
    "maillon_api_activity_update_visit": Access(Rule.SITE_MANAGE, "visit", body=VISIT_BODY),
    "maillon_api_activity_delete_visit": Access(Rule.SITE_MANAGE, "visit"),
    "maillon_api_activity_create_outreach_act": Access(
        Rule.SITE_READ,
        body={"site_id": "{site}", "day": "{day}", "place": "transports"},
        **SITE_QUERY,
    ),
    "maillon_api_activity_list_outreach_acts": Access(
        Rule.AUTHENTICATED, "site", {"site": "{site}"}
    ),
    "maillon_api_activity_get_outreach_act": Access(Rule.SITE_READ, "act"),
    # deleted like a visit: its author within the window, else a manager of the site
    "maillon_api_activity_delete_outreach_act": Access(Rule.SITE_MANAGE, "act"),
    "maillon_api_activity_create_workshop": Access(
        Rule.SITE_READ,
        body={
            "site_id": "{site}",
            "day": "{day}",
            "theme": "numerique",
            "title": "Intrusion",
            "participants": 3,
        },
        **SITE_QUERY,
    ),
    "maillon_api_activity_list_workshops": Access(Rule.AUTHENTICATED, "site", {"site": "{site}"}),
    "maillon_api_activity_get_workshop": Access(Rule.SITE_READ, "workshop"),
    "maillon_api_activity_delete_workshop": Access(Rule.SITE_MANAGE, "workshop"),
    "maillon_api_followups_list_follow_ups": Access(Rule.AUTHENTICATED, "site", {"site": "{site}"}),
    "maillon_api_followups_close_follow_up": Access(
        Rule.SITE_READ, "followup", body={"outcome": "resolu"}
    ),
    "maillon_api_reports_get_key_figures": Access(
        Rule.SITE_READ, query={"scope": "site:{site}", "period": "{year}"}, **SITE_QUERY
    ),
    "maillon_api_report_documents_get_partner_report": Access(
        Rule.PARTNER_REPORT, "partner", query={"partner": "{partner}", "period": "{year}"}
    ),
    # cases sent to partners (issue 17): as the pages — the site's side through the access
    # layer; referents (not personas of this world) are checked in tests/api/test_cases_api.py
    "maillon_api_cases_list_cases": Access(Rule.AUTHENTICATED, "site", {"site": "{site}"}),
    "maillon_api_cases_open_case": Access(
        Rule.SITE_READ,
        "request",
        body={
            "request_id": "{request}",
            "subject": "Intrusion",
            "consent_kind": "oral",
            "consent_on": "{day}",
        },
    ),
    "maillon_api_cases_get_case": Access(Rule.SITE_READ, "case"),
    "maillon_api_cases_list_messages": Access(Rule.SITE_READ, "case"),
    "maillon_api_cases_post_message": Access(Rule.SITE_READ, "case", body={"body": "Intrusion"}),
    "maillon_api_cases_answer_case": Access(Rule.SITE_READ, "case", body={"answer": "solved"}),
    "maillon_api_cases_close_case": Access(Rule.SITE_READ, "case", body={"useful": "yes"}),
    "maillon_api_cases_reroute_case": Access(Rule.SITE_READ, "case", body={"partner": "cpam"}),
    "maillon_api_cases_download_attachment": Access(Rule.SITE_READ, "attachment"),
    # the partner scorecard of a scope, as the dashboard's (issue 17)
    "maillon_api_case_reports_get_case_scorecard": Access(
        Rule.SITE_READ, query={"scope": "site:{site}", "period": "{year}"}, **SITE_QUERY
    ),
    "maillon_api_report_documents_get_monthly_report": Access(
        Rule.SITE_READ, query={"site": "{site}", "period": "{month}"}, **SITE_QUERY
    ),
}


def page_access(name: str) -> Access | None:
    if name in PAGES:
        return PAGES[name]
    return NAMESPACES.get(name.partition(":")[0]) if ":" in name else None
