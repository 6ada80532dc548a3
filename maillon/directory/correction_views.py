"""The public « Signaler une erreur » page of a site (no account, CSRF-protected,
rate-limited per client address: `MAILLON_ERROR_REPORT_RATE`)."""

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from maillon.core.http import client_address
from maillon.directory.correction_forms import ErrorReportForm
from maillon.directory.corrections import error_report_create
from maillon.directory.limits import rate_allows
from maillon.directory.selectors import public_site_get


@login_not_required
@require_http_methods(["GET", "POST"])
def error_report_view(request, pk: int):
    site = public_site_get(pk=pk)
    form = ErrorReportForm(request.POST or None)
    status = 200
    if request.method == "POST":
        allowed = rate_allows(
            scope="error-report",
            ident=client_address(request),
            rate=settings.MAILLON_ERROR_REPORT_RATE,
        )
        if not allowed:
            form.add_error(
                None,
                _("Trop de signalements envoyés depuis votre connexion : réessayez plus tard."),
            )
            status = 429
        elif form.is_valid():
            data = form.cleaned_data
            if not data["website"]:
                try:
                    error_report_create(
                        site=site,
                        topic=data["topic"],
                        message=data["message"],
                        email=data["email"],
                        inbox_url=request.build_absolute_uri(reverse("corrections:inbox")),
                    )
                except ValidationError as exc:
                    form.add_error(None, exc)
            if form.is_valid():
                return redirect(reverse("directory:error_report", args=[site.pk]) + "?merci=1")
        else:
            status = 400
    context = {"site": site, "form": form, "thanks": request.GET.get("merci") == "1"}
    return render(request, "directory/error_report.html", context, status=status)
