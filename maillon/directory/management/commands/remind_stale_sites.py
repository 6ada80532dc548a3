from django.conf import settings
from django.core.mail import send_mail
from django.core.management.base import BaseCommand, CommandError
from django.urls import reverse
from django.utils import timezone

from maillon.core.progress import command_console
from maillon.directory.corrections import stale_site_reminders
from maillon.network.models import Network


class Command(BaseCommand):
    help = (
        "`maillon remind stale-sites`: e-mail each manager (and network head) the public sites "
        "whose information was not confirmed within the network's delay (6 months by default, "
        "DirectoryPolicy). Run it from the system's scheduler, e.g. every Monday."
    )

    def add_arguments(self, parser):
        parser.add_argument("--network", default="", help="Network slug (default: all).")
        parser.add_argument(
            "--base-url",
            default=getattr(settings, "MAILLON_BASE_URL", ""),
            help="Address of the back office in the links (default MAILLON_BASE_URL).",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="List the reminders without sending them."
        )

    def handle(self, *args, **options):
        console = command_console(self)
        networks = Network.objects.order_by("slug")
        if options["network"]:
            networks = networks.filter(slug=options["network"])
            if not networks.exists():
                raise CommandError(f"Réseau inconnu « {options['network']} ».")
        base = options["base_url"].rstrip("/")
        plan = stale_site_reminders(day=timezone.localdate(), networks=networks)
        sent = 0
        for user, sites in plan.items():
            lines = [
                f"- {site.name} : "
                + (
                    f"confirmées le {site.info_confirmed_on:%d/%m/%Y}"
                    if site.info_confirmed_on
                    else "jamais confirmées"
                )
                + f" — {base}{reverse('network:site_detail', args=[site.pk])}"
                for site in sites
            ]
            body = (
                "Bonjour,\n\nLes informations publiques de ces points d'accueil sont à "
                "vérifier (adresse, horaires, contact). Ouvrez chaque fiche, corrigez-la si "
                "besoin, puis cliquez sur « Confirmer les informations publiques » :\n\n"
                + "\n".join(lines)
                + "\n\nMerci !\n"
            )
            console.print(f"{user.email} : {len(sites)} points d'accueil à reconfirmer")
            if not options["dry_run"]:
                send_mail(
                    f"{len(sites)} points d'accueil à reconfirmer",
                    body,
                    settings.DEFAULT_FROM_EMAIL,
                    [user.email],
                )
                sent += 1
        console.print(
            f"{len(plan)} destinataires, {sent} courriels envoyés"
            + (" (essai à blanc)" if options["dry_run"] else "")
            + "."
        )
