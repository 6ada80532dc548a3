"""Back-office pages of the public directory: the inbox of citizens' error reports (the site's
managers and the network head; a report of another site is a 404) and the one-click
confirmation of a site's public information."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from maillon.access.selectors import site_get_managed
from maillon.directory.corrections import (
    error_report_get_managed,
    error_report_handle,
    error_reports_visible_to,
)
from maillon.network.services import site_confirm
from maillon.web.directory.forms import HandleReportForm
from maillon.web.http import AuthenticatedHttpRequest


def inbox_view(request: AuthenticatedHttpRequest):
    """Reports on the sites the user manages, the open ones first (`?traites=1`: handled)."""
    handled = request.GET.get("traites") == "1"
    reports = error_reports_visible_to(request.user).filter(handled_at__isnull=not handled)
    page = Paginator(reports.order_by("-created_at"), 50).get_page(request.GET.get("page"))
    return render(request, "directory/inbox.html", {"page": page, "handled": handled})


def report_view(request: AuthenticatedHttpRequest, pk: int):
    report = error_report_get_managed(user=request.user, pk=pk)
    form = HandleReportForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            error_report_handle(actor=request.user, report=report, note=form.cleaned_data["note"])
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Le signalement est marqué comme traité."))
            return redirect("corrections:inbox")
    return render(request, "directory/inbox_report.html", {"report": report, "form": form})


@require_POST
def site_confirm_view(request: AuthenticatedHttpRequest, pk: int):
    site = site_get_managed(user=request.user, pk=pk)
    site_confirm(actor=request.user, site=site)
    messages.success(request, _("Les informations publiques sont confirmées à la date du jour."))
    return redirect("network:site_detail", pk=site.pk)
