"""PDF documents: a Django template rendered to HTML, then to PDF by WeasyPrint.

The page and the PDF share their templates and their SVG charts; the print stylesheet
(`reports/print.css`) sets the A4 page, margins, running footer and page numbers. The PDFs are
tagged PDF/UA-1 documents: language, title and structure come from the HTML. No network
access: static files are read from disk through Django's finders. Answering a PDF over HTTP
(or a 503 page when it cannot be made) is the views' part: `maillon.web.reports.downloads`.
"""

import functools
import logging

from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)

PDF_VARIANT = "pdf/ua-1"  # accessible documents (RGAA 13.3)


class PdfUnavailable(RuntimeError):
    """WeasyPrint cannot load its system libraries (Pango): PDFs cannot be made here."""

    def __str__(self) -> str:
        return _(
            "Les PDF ne peuvent pas être produits sur ce serveur : la bibliothèque Pango manque "
            "(paquets Debian libpango-1.0-0 et libpangoft2-1.0-0). Les autres formats restent "
            "disponibles."
        )


@functools.cache
def _weasyprint():
    try:
        import weasyprint
    except OSError as error:  # the Python package is installed, its C libraries are not
        logger.error("PDF rendering unavailable, WeasyPrint cannot load Pango: %s", error)
        raise PdfUnavailable from error
    return weasyprint


def pdf_available() -> bool:
    try:
        _weasyprint()
    except PdfUnavailable:
        return False
    return True


def _fetch_static(url: str, timeout: int = 10, ssl_context=None):
    """WeasyPrint URL fetcher: `/static/…` from the finders, nothing from the network."""
    prefix = "file:///static/"
    if url.startswith(prefix):
        path = finders.find(url[len(prefix) :])
        if path:
            return {"file_obj": open(path, "rb"), "mime_type": None}  # noqa: SIM115
    if url.startswith("data:"):
        return _weasyprint().default_url_fetcher(url, timeout=timeout, ssl_context=ssl_context)
    raise ValueError(f"PDF rendering does not fetch external resources: {url}")


def render_pdf(template_name: str, context: dict, *, request=None) -> bytes:
    """Raises `PdfUnavailable` where WeasyPrint's system libraries are missing."""
    weasyprint = _weasyprint()
    html = render_to_string(template_name, context, request=request)
    stylesheet = finders.find("reports/print.css")
    document = weasyprint.HTML(string=html, base_url="file:///", url_fetcher=_fetch_static)
    stylesheets = [weasyprint.CSS(filename=stylesheet)] if stylesheet else None
    # PDF/UA-1: a tagged PDF (headings, tables with their headers, reading order), its language
    # and title from the template's <html lang> and <title>, the title shown by the reader
    return document.write_pdf(stylesheets=stylesheets, pdf_variant=PDF_VARIANT)
