"""How report views answer a file: a download that no shared proxy keeps, and a French 503
page when the server cannot make PDFs (`maillon.reports.rendering.pdf.PdfUnavailable`)."""

import functools

from django.http import HttpResponse
from django.shortcuts import render

from maillon.reports.rendering.pdf import PdfUnavailable


def pdf_errors(view):
    """A view that may render a PDF answers 503 with a French message when it cannot."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except PdfUnavailable as error:
            context = {"message": str(error), "back": request.path}
            return render(request, "reports/pdf_unavailable.html", context, status=503)

    return wrapper


def download(content: bytes | str, *, filename: str, content_type: str) -> HttpResponse:
    """A file to save (Content-Disposition: attachment), never cached by a shared proxy."""
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


PDF = "application/pdf"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV = "text/csv; charset=utf-8"
MARKDOWN = "text/markdown; charset=utf-8"
