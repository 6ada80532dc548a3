"""Key figures pages: the « Chiffres clés » block of a scope and a period, in HTML, Markdown
and PDF, with where each figure comes from and the contradictions found."""

import datetime

from django.http import Http404
from django.shortcuts import render
from django.utils.translation import gettext as _

from maillon.access.rules import sites_visible_to
from maillon.reports.keyfigures import key_figures
from maillon.reports.partner import partners_readable_by
from maillon.reports.rendering.block import key_figures_block
from maillon.reports.rendering.pdf import render_pdf
from maillon.reports.scopes import scope_choices
from maillon.web.reports.downloads import MARKDOWN, PDF, download, pdf_errors
from maillon.web.reports.forms import report_filter

FORMATS = ("md", "pdf")


def reports_home_view(request):
    """What the user can read: dashboards and key figures for his scopes, the monthly report of
    his sites, the partner reports he may download (a partner viewer: his own only)."""
    has_scope = bool(scope_choices(request.user))
    partners = list(partners_readable_by(request.user)[:2])
    if not (has_scope or partners):
        raise Http404
    context = {
        "has_scope": has_scope,
        "has_sites": sites_visible_to(request.user).exists(),
        "partners": partners,
    }
    return render(request, "reports/home.html", context)


def _labelled_on(request, errors: list[str]) -> datetime.date | None:
    text = request.GET.get("label_au", "").strip()
    if not text:
        return None
    try:
        return datetime.date.fromisoformat(text)
    except ValueError:
        errors.append(_("Date du label « %(text)s » invalide : AAAA-MM-JJ.") % {"text": text})
        return None


@pdf_errors
def key_figures_view(request):
    if not scope_choices(request.user):
        raise Http404
    form, scope, period = report_filter(request)
    errors: list[str] = []
    labelled_on = _labelled_on(request, errors)
    context = {"form": form, "errors": errors, "label_au": request.GET.get("label_au", "")}
    if scope is None or period is None or errors:
        return render(request, "reports/key_figures.html", context, status=400)
    figures = key_figures(scope=scope, period=period, labelled_on=labelled_on)
    block = key_figures_block(figures)
    stem = f"chiffres-cles-{scope.kind}-{scope.code or 'tout'}-{period.code}".replace("..", "_")
    context |= {"figures": figures, "key_block": block, "scope": scope, "period": period}
    fmt = request.GET.get("format")
    if fmt == "md":
        return download(block.markdown(), filename=f"{stem}.md", content_type=MARKDOWN)
    if fmt == "pdf":
        content = render_pdf("reports/key_figures_pdf.html", context, request=request)
        return download(content, filename=f"{stem}.pdf", content_type=PDF)
    query = request.GET.copy()
    query.pop("format", None)
    context["query"] = query.urlencode()
    return render(request, "reports/key_figures.html", context)
