"""Which URL patterns are not pages a person reads, each with its reason: the one list the
audit's crawl and the tests' sweep over every page (tests/core/test_every_page_accessibility.py)
leave out. Every other named pattern of the URL resolver is a page, audited for each role that
reaches it; the sweep fails for a pattern that is neither an HTML page nor listed here."""

from __future__ import annotations

# view name → why it is not audited as a page
NOT_PAGES: dict[str, str] = {
    # files and documents for programs
    "directory:open_data_file": "a download (CSV, XLSX, GeoJSON), documented by the open data page",
    "directory:open_data_inclusion": "a JSON document (the data·inclusion schema)",
    "journal:export": "a CSV download",
    "api:openapi-json": "the API's OpenAPI document (JSON)",
    "api:api-root": "nothing at the API's root (404)",
    "network:communes": "an htmx fragment: the <option>s of a postal code's communes",
    "activity:index": "a redirect to the desk (activity:desk)",
    # actions: a form's target, answering a POST (a GET is refused with 405 or sent back)
    "accounts:logout": "an action (POST): logs out",
    "accounts:membership_deactivate": "an action (POST) of the members page",
    "accounts:invitation_revoke": "an action (POST) of the members page",
    "activity:followup_close": "an action (POST) of the follow-up page",
    "network:stop_delete": "an action (POST) of the stop's page",
    "corrections:site_confirm": "an action (POST) of the error reports' inbox",
    "labels:application_file": "an action (POST) of the site's label page",
    "labels:audit_plan": "an action (POST) of the site's label page",
    "labels:audit_record": "an action (POST) of the site's label page",
    "labels:withdraw": "an action (POST) of the site's label page",
    "labels:decision_correct": "an action (POST) of the site's label page",
    "network:site_hours_preview": "an htmx fragment (POST): the hours form's preview",
    "activity:undo": "an action (POST) of the desk and lists: undoes the user's last deletion",
    "cases:message": "an action (POST) of the case page (its errors show on that page)",
    "cases:note": "an action (POST) of the case page (its errors show on that page)",
    "cases:answer": "an action (POST) of the case page (its errors show on that page)",
    "cases:close": "an action (POST) of the case page (its errors show on that page)",
    "cases:reroute": "an action (POST) of the case page (its errors show on that page)",
    "cases:attachment": "a download (PDF, JPEG or PNG) after the case's access check",
}
# Django's admin: the installation's technical tool, outside the statement's scope (declared).
NOT_PAGES_NAMESPACES: dict[str, str] = {
    "admin": "Django's admin, the installation administrator's technical tool",
}
# Query values that make a page a download (`?format=csv`…): the page itself is audited.
DOWNLOAD_FORMATS = {"csv", "xlsx", "pdf", "docx", "md", "json", "geojson"}


def not_a_page(view_name: str) -> str:
    """Why `view_name` is not audited ("" for a page)."""
    if view_name in NOT_PAGES:
        return NOT_PAGES[view_name]
    return NOT_PAGES_NAMESPACES.get(view_name.partition(":")[0], "")
