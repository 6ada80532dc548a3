import datetime
import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from maillon.accounts.models import User
from maillon.core.errors import NotFound
from maillon.reports.keyfigures import key_figures
from maillon.reports.management.options import period_option
from maillon.reports.rendering.block import key_figures_block
from maillon.reports.rendering.pdf import PdfUnavailable, render_pdf
from maillon.reports.scopes import scope_get


class Command(BaseCommand):
    help = (
        "Write the « Chiffres clés » block of a scope and a period (Markdown, HTML or PDF), "
        "e.g. --scope network:pimms --period 2018 --labelled-on 2020-01-01."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--scope", required=True, help="network:pimms, region:84, department:42, site:12…"
        )
        parser.add_argument(
            "--period", required=True, help="2024, 2024-T2, 2024-03, 2024-01..2024-06"
        )
        parser.add_argument("--labelled-on", help="Date of the label count (YYYY-MM-DD).")
        parser.add_argument("--format", choices=("md", "html", "pdf"), default="md")
        parser.add_argument("--output", "-o", help="File to write (default: standard output).")

    def handle(self, *args, **options):
        translation.activate("fr")
        period = period_option(options["period"])
        labelled_on = None
        if options["labelled_on"]:
            try:
                labelled_on = datetime.date.fromisoformat(options["labelled_on"])
            except ValueError as error:
                raise CommandError("Date illisible : format attendu AAAA-MM-JJ.") from error
        # the command line is the installation's operator: every scope (an unsaved superuser)
        operator = User(username="maillon-cli", is_superuser=True, is_active=True)
        try:
            scope = scope_get(user=operator, key=options["scope"])
        except NotFound as error:
            raise CommandError(f"Périmètre inconnu « {options['scope']} ».") from error
        figures = key_figures(scope=scope, period=period, labelled_on=labelled_on)
        block = key_figures_block(figures)
        if options["format"] == "pdf":
            context = {"figures": figures, "key_block": block, "scope": scope, "period": period}
            try:
                content: bytes | str = render_pdf("reports/key_figures_pdf.html", context)
            except PdfUnavailable as error:
                raise CommandError(str(error)) from error
        elif options["format"] == "html":
            content = f"<h2>{block.title}</h2>\n{block.html()}\n"
        else:
            content = block.markdown()
        if options["output"]:
            output = Path(options["output"])
            if isinstance(content, bytes):
                output.write_bytes(content)
            else:
                output.write_text(content, encoding="utf-8")
            self.stderr.write(f"Écrit : {options['output']}")
        elif isinstance(content, bytes):
            sys.stdout.buffer.write(content)
        else:
            self.stdout.write(content, ending="")
        for flag in block.flags:
            self.stderr.write(f"Incohérence : {flag}")
