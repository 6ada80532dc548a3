import time

from django.core.management.base import BaseCommand, CommandError

from maillon.activity.exchange import import_agent
from maillon.core.ids import parse_id
from maillon.core.progress import command_console, progress_bar
from maillon.network.models import Network, Site
from maillon.orchestration.demo import PIMMS_NETWORK_SLUG
from maillon.orchestration.generators.activity import (
    REQUESTS_PER_YEAR,
    GenerationReport,
    activity_generate,
    period,
)


class Command(BaseCommand):
    help = (
        "Generate deterministic, realistic activity (visits, requests, outreach, workshops) "
        "calibrated on the PIMMS key figures: ~27,700 requests and ~14,300 visits per site "
        "and year at --scale 1."
    )

    def add_arguments(self, parser):
        parser.add_argument("--network", default="", help="Slug of a network (e.g. pimms).")
        parser.add_argument("--sites", default="", help="Site ids or fs:<id>, comma-separated.")
        parser.add_argument("--all-sites", action="store_true", help="Every site (benchmarks).")
        parser.add_argument("--months", type=int, default=12)
        parser.add_argument("--scale", type=float, default=1.0)
        parser.add_argument("--seed", type=int, default=2020)
        parser.add_argument(
            "--full-scale",
            default="",
            help="Sites (ids or fs:<id>) generated at scale 1 whatever --scale (the demo's desk).",
        )
        parser.add_argument("--no-copy", action="store_true", help="Never use COPY.")
        parser.add_argument(
            "--sequential",
            action="store_true",
            help="PostgreSQL: generate and write one site after the other (no writing thread).",
        )
        parser.add_argument(
            "--check-keys",
            action="store_true",
            help="PostgreSQL: check the foreign keys at each commit (skipped by a superuser).",
        )
        parser.add_argument(
            "--regenerate", action="store_true", help="Also fill sites that already have activity."
        )

    def handle(self, *args, **options):
        console = command_console(self, width=120)
        sites = Site.objects.order_by("pk")
        if options["network"]:
            network = Network.objects.filter(slug=options["network"]).first()
            if network is None:
                raise CommandError(f"Réseau inconnu : {options['network']}")
            sites = sites.in_network(network)
        elif options["sites"]:
            sites = _select(sites, options["sites"])
        elif not options["all_sites"]:
            network = Network.objects.filter(slug=PIMMS_NETWORK_SLUG).first()
            sites = sites.in_network(network) if network else sites.none()
        chosen = list(sites.select_related("commune__region"))
        full = {s.pk for s in _select(Site.objects.all(), options["full_scale"])}
        start, end = period(options["months"])
        console.print(
            f"Génération de l'activité : {len(chosen)} point(s) d'accueil, du {start:%d/%m/%Y} "
            f"au {end:%d/%m/%Y}, échelle {options['scale']}."
        )
        expected = round(
            sum(1.0 if s.pk in full else options["scale"] for s in chosen)
            * REQUESTS_PER_YEAR
            * options["months"]
            / 12
        )
        pace = Pace()
        with progress_bar(console, unit="demandes") as progress:
            task = progress.add_task("demandes", total=expected)

            def on_site(site, requests: int) -> None:
                pace.advance(requests)
                progress.advance(task, requests)

            reports = [
                activity_generate(
                    sites=group,
                    agent=import_agent(),
                    months=options["months"],
                    scale=scale,
                    seed=options["seed"],
                    skip_filled=not options["regenerate"],
                    use_copy=False if options["no_copy"] else None,
                    on_site=on_site,
                    pipeline=not options["sequential"],
                    check_keys=options["check_keys"],
                )
                for group, scale in (
                    ([s for s in chosen if s.pk in full], 1.0),
                    ([s for s in chosen if s.pk not in full], options["scale"]),
                )
                if group
            ]
            progress.update(task, total=pace.done)
        report = GenerationReport()
        for part in reports:
            for name in vars(report):
                setattr(report, name, getattr(report, name) + getattr(part, name))
        elapsed = pace.elapsed()
        console.print(
            f"{report.visits:,} passages, {report.requests:,} demandes, "
            f"{report.outreach_acts:,} actes de médiation sortante, {report.workshops:,} ateliers "
            f"en {elapsed:.1f} s ({report.requests / max(elapsed, 1e-9):,.0f} demandes/s)"
            + (
                f" ; {report.skipped_sites} point(s) déjà rempli(s)."
                if report.skipped_sites
                else "."
            )
        )
        console.print(pace.summary())


class Pace:
    """The rate of the run: over its first minute and to the end (it should stay flat)."""

    FIRST = 60.0  # seconds

    def __init__(self) -> None:
        self.started = time.perf_counter()
        self.done = 0
        self.first_minute: float | None = None  # requests/s at the first site after 60 s

    def elapsed(self) -> float:
        return time.perf_counter() - self.started

    def advance(self, requests: int) -> None:
        self.done += requests
        elapsed = self.elapsed()
        if self.first_minute is None and elapsed >= self.FIRST:
            self.first_minute = self.done / elapsed

    def summary(self) -> str:
        final = self.done / max(self.elapsed(), 1e-9)
        if self.first_minute is None:
            return f"Débit : {final:,.0f} demandes/s (moins d'une minute : pas de comparaison)."
        change = (final - self.first_minute) / self.first_minute
        return (
            f"Débit : {self.first_minute:,.0f} demandes/s sur la première minute, "
            f"{final:,.0f} demandes/s sur toute la génération ({change:+.0%})."
        )


def _select(sites, spec: str):
    """Sites named by ids or `fs:<id France Services>`, comma-separated."""
    wanted = [s.strip() for s in spec.split(",") if s.strip()]
    pks = [pk for s in wanted if (pk := parse_id(s)) is not None]
    fs_ids = [s[3:] for s in wanted if s.startswith("fs:")]
    return sites.filter(pk__in=pks) | sites.filter(fs_id__in=fs_ids)
