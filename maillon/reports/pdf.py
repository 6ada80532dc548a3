"""PDF documents: a Django template rendered to HTML, then to PDF by WeasyPrint.

The page and the PDF share their templates and their SVG charts; the print stylesheet
(`reports/print.css`) sets the A4 page, margins, running footer and page numbers. No network
access: static files are read from disk through Django's finders.
"""

from django.contrib.staticfiles import finders
from django.http import HttpResponse
from django.template.loader import render_to_string


def _fetch_static(url: str, timeout: int = 10, ssl_context=None):
    """WeasyPrint URL fetcher: `/static/…` from the finders, nothing from the network."""
    from weasyprint import default_url_fetcher

    prefix = "file:///static/"
    if url.startswith(prefix):
        path = finders.find(url[len(prefix) :])
        if path:
            return {"file_obj": open(path, "rb"), "mime_type": None}  # noqa: SIM115
    if url.startswith("data:"):
        return default_url_fetcher(url, timeout=timeout, ssl_context=ssl_context)
    raise ValueError(f"PDF rendering does not fetch external resources: {url}")


def render_pdf(template_name: str, context: dict, *, request=None) -> bytes:
    from weasyprint import CSS, HTML

    html = render_to_string(template_name, context, request=request)
    stylesheet = finders.find("reports/print.css")
    document = HTML(string=html, base_url="file:///", url_fetcher=_fetch_static)
    return document.write_pdf(stylesheets=[CSS(filename=stylesheet)] if stylesheet else None)


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
