"""`maillon audit accessibility`: the accessibility checks over every page of every role.

Run it against a demo server (`maillon demo --addr 127.0.0.1:8000`, same data directory), or
with `--demo`, which loads the demo and serves it for the audit's time: it
logs in as each of the demo's accounts, follows the links from the role's home page, runs the
checks of maillon/audit/checks.py on each page (one per URL pattern and role), prints the table
and writes the JSON file the accessibility statement reads."""

import contextlib
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from maillon.audit import report
from maillon.audit.checks import audit_page
from maillon.directory.statement import AUDIT_FILE

ROLES = ("anonyme", "reseau", "gestionnaire", "agent", "partenaire", "referent", "admin")


class Command(BaseCommand):
    help = "Audite l'accessibilité de chaque page pour chaque rôle de la démo (navigateur réel)."

    def add_arguments(self, parser):
        parser.add_argument("--url", default="http://127.0.0.1:8000", help="serveur de démo")
        parser.add_argument("--roles", nargs="*", choices=ROLES, default=None)
        parser.add_argument("--limit", type=int, default=80, help="pages au plus par rôle")
        parser.add_argument("--output", type=Path, default=AUDIT_FILE)
        parser.add_argument("--chromium", default="/usr/bin/chromium")
        parser.add_argument(
            "--docs",
            type=Path,
            default=None,
            help="fichier Markdown où écrire le tableau (entre ses repères <!-- audit:… -->)",
        )
        parser.add_argument(
            "--demo",
            action="store_true",
            help="charge la démo (maillon demo) et la sert à --url le temps de l'audit",
        )

    def handle(self, *args, **options):
        try:
            from playwright.sync_api import sync_playwright

            from maillon.audit.crawl import DEMO_ROLES, all_views, pages_of_roles
        except ImportError as exc:  # a test dependency: `pip install -e '.[test]'`
            raise CommandError("Playwright et axe-playwright-python sont nécessaires.") from exc
        roles = {r: DEMO_ROLES[r] for r in options["roles"] or DEMO_ROLES}
        audits = []
        serving = _demo_served(options["url"]) if options["demo"] else contextlib.nullcontext()
        with serving, sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=options["chromium"])
            try:
                for role, link, page in pages_of_roles(
                    browser, options["url"], roles, limit=options["limit"]
                ):
                    audit = audit_page(page, link.path)
                    audits.append((role, link.view, audit))
                    verdict = "ok" if audit.passed else "FAIL"
                    self.stdout.write(f"{role:13} {verdict:4} {link.path}")
                    for name, found in audit.findings.items():
                        for finding in found[:5]:
                            self.stdout.write(f"{'':18}{name}: {finding}")
            finally:
                browser.close()
        reached = {view for _, view, _ in audits}
        document = report.audit_document(
            audits, reached=reached, views=all_views(), day=timezone.localdate()
        )
        path = report.write(document, options["output"])
        if options["docs"]:
            report.write_docs(document, options["docs"])
        self.stdout.write("")
        self.stdout.write(report.table(document))
        self.stdout.write(
            f"\n{document['pages']} audits, {document['distinct_views']} distinct pages; "
            f"not reached: {', '.join(document['views_not_reached']) or '-'}\nwritten to {path}"
        )


@contextlib.contextmanager
def _demo_served(url: str, *, wait: int = 600) -> Iterator[None]:
    """`maillon demo` (load, then serve at `url`'s address) in a child process, until the
    audit is over."""
    address = urlsplit(url).netloc
    server = subprocess.Popen(  # noqa: S603 (this interpreter, fixed arguments)
        [sys.executable, "-m", "maillon", "demo", "--addr", address],
        stdout=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + wait
        while True:
            if server.poll() is not None:
                raise CommandError(f"« maillon demo » s'est arrêté (code {server.returncode}).")
            with contextlib.suppress(OSError):
                urllib.request.urlopen(url, timeout=5).close()  # noqa: S310 (the demo's URL)
                break
            if time.monotonic() > deadline:
                raise CommandError(f"La démo ne répond pas à {url}.")
            time.sleep(2)
        yield
    finally:
        server.terminate()
        server.wait(timeout=30)
