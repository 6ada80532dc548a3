"""Public pages (no account): search, a site's page, the open-data downloads."""

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from maillon.directory import opendata
from maillon.directory.forms import form_context, read_search
from maillon.directory.networks import pimms_site_ids
from maillon.directory.search import (
    PAGE_SIZE,
    SearchInputError,
    SearchResult,
    directory_search,
)
from maillon.directory.selectors import (
    directions_url,
    kind_text,
    public_site_count,
    public_site_get,
    site_labels,
    site_partners,
    upcoming_closures,
)
from maillon.directory.statement import statement_read
from maillon.directory.stops import upcoming_stops
from maillon.network.selectors import site_hours_status


@login_not_required
@require_GET
def home(request):
    arguments, messages = read_search(request.GET)
    now = timezone.now()
    try:
        result = directory_search(**arguments, at=now)
    except SearchInputError as exc:
        result = SearchResult(searched=True, messages=[str(exc)])
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        **form_context(request.GET),
        "result": result,
        "notices": messages + result.messages,
        "q": arguments["text"],
        "near": arguments["near"],
        "query_string": query.urlencode(),
        "now": now,
        "first_rank": (result.page - 1) * PAGE_SIZE + 1,
        "filters_open": arguments["filters"].any or bool(request.GET.get("rayon")),
        "site_total": None if result.searched else public_site_count(),
        "pimms_ids": pimms_site_ids(day=now.date()) if result.hits else frozenset(),
    }
    return render(request, "directory/home.html", context)


@login_not_required
@require_GET
def site_page(request, pk: int):
    site = public_site_get(pk=pk)
    now = timezone.now()
    labels = site_labels(site=site, day=now.date())
    context = {
        "site": site,
        "kind_text": kind_text(site),
        "hours": site_hours_status(site, at=now),
        "closures": upcoming_closures(site=site, at=now),
        "labels": labels,
        "partners": site_partners(site=site, day=now.date(), labelled=bool(labels)),
        "stops": upcoming_stops(site=site, at=now) if site.is_mobile else [],
        "pimms": site.pk in pimms_site_ids(day=now.date()),
        "directions_url": directions_url(site),
        "now": now,
    }
    return render(request, "directory/site.html", context)


@login_not_required
@require_GET
def open_data(request):
    return render(
        request,
        "directory/open_data.html",
        {"site_total": public_site_count(), "schema_version": opendata.SCHEMA_VERSION},
    )


@login_not_required
@require_GET
def accessibility_statement(request):
    """« Déclaration d'accessibilité »: the figures of the last `maillon audit accessibility`."""
    statement = statement_read()
    remaining: dict[str, set[str]] = {}
    for failure in statement.failures if statement else []:
        remaining.setdefault(failure["check"], set()).add(failure["url"])
    return render(
        request,
        "directory/accessibility.html",
        {
            "statement": statement,
            "remaining": [
                (AUDIT_CHECKS.get(check, check), sorted(urls)) for check, urls in remaining.items()
            ],
            "contact": settings.ACCESSIBILITY_CONTACT,
        },
    )


AUDIT_CHECKS = {
    "axe": _("règles automatiques du RGAA (images, couleurs, liens, formulaires, structure)"),
    "focus": _("visibilité et contraste de l'indicateur de focus"),
    "reflow": _("affichage sur un écran de 320 pixels sans défilement horizontal"),
    "spacing": _("espacement du texte augmenté sans perte de contenu"),
}


@login_not_required
@require_GET
def open_data_file(request, fmt: str):
    content, content_type = opendata.export_cached(fmt=fmt)
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{opendata.FILE_STEM}.{fmt}"'
    return response


@login_not_required
@require_GET
def open_data_inclusion_file(request):
    content, content_type = opendata.data_inclusion_cached()
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{opendata.DATA_INCLUSION_STEM}.json"'
    return response
