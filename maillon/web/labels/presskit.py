"""The « dossier de presse » draft: the list of labelled sites on a date with the new ones
marked, followed by the key-figures block of a year — one DOCX, the documents the press
releases of the network are. The same as PDF: `labels/press_kit_pdf.html` through WeasyPrint
(`maillon.reports.rendering.pdf`)."""

import io

from django.utils.translation import gettext as _

from maillon.labels.publications import LabelledSitesList, render_docx
from maillon.reports.rendering.block import Block

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def press_kit_docx(*, listing: LabelledSitesList, block: Block) -> bytes:
    from docx import Document

    document = Document(io.BytesIO(render_docx(listing)))
    document.add_heading(block.title, level=2)
    for line in block.lines:
        paragraph = document.add_paragraph(style="List Bullet")
        for segment in line:
            paragraph.add_run(segment.text).bold = segment.bold
    if block.sources:
        document.add_paragraph(_("Sources des chiffres déclarés :"))
        for source, labels in block.by_source():
            document.add_paragraph(f"{source} ({labels})", style="List Bullet")
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()
