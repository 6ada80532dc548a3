import json

from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from maillon.access.rules import organisations_managed_by
from maillon.access.selectors import journal_network
from maillon.core.spreadsheets import csv_writer
from maillon.journal.selectors import JournalFilters, journal_kinds
from maillon.web.journal.forms import JournalFilterForm


def _filtered(request):
    form = JournalFilterForm(
        request.GET or None,
        kinds=journal_kinds(),
        organisations=organisations_managed_by(request.user).order_by("name"),
    )
    filters = JournalFilters()
    if form.is_bound and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if v not in (None, "")}
        filters = JournalFilters(**data)
    return form, journal_network(user=request.user, filters=filters)


def journal_view(request):
    """The network-wide journal (network head): filters, pages of 100, CSV export."""
    form, entries = _filtered(request)
    page = Paginator(entries, 100).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "journal/journal.html",
        {"form": form, "page": page, "query": query.urlencode()},
    )


def journal_export_view(request):
    _form, entries = _filtered(request)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response["Content-Disposition"] = f'attachment; filename="journal-{stamp}.csv"'
    response.write("\ufeff")  # spreadsheet software reads UTF-8 with a BOM
    writer = csv_writer(response, delimiter=";")
    writer.writerow(
        [
            _("date"),
            _("auteur"),
            _("action"),
            _("type d'objet"),
            _("identifiant"),
            _("objet"),
            _("structure"),
            _("point d'accueil"),
            _("modifications"),
            _("commentaire"),
        ]
    )
    for entry in entries.iterator(chunk_size=2000):
        writer.writerow(
            [
                timezone.localtime(entry.at).isoformat(timespec="seconds"),
                entry.actor.username if entry.actor else "",
                entry.get_action_display(),
                entry.kind_label,
                entry.object_id,
                entry.object_repr,
                entry.organisation_id or "",
                entry.site_id or "",
                json.dumps(entry.changes, ensure_ascii=False),
                entry.note,
            ]
        )
    return response
