"""The partners the directory's filter offers: those whose public some public site serves."""

import datetime

from django.db.models import Q
from django.utils import timezone

from maillon.directory.search.candidates import france_services_site_ids, public_sites
from maillon.network.models import Agreement, Partner


def present_partners(*, day: datetime.date | None = None) -> list[Partner]:
    """Partners served on `day` (today by default) by a public site: an agreement of the site
    or of its organisation, or — for the national operators — a site labelled France Services
    (the rule of `candidates.sites_serving`). A partner present nowhere is not offered: its
    filter would find nothing."""
    day = day or timezone.localdate()
    public = public_sites()
    served = Agreement.objects.valid_on(day).filter(
        Q(site__in=public) | Q(site__isnull=True, organisation__in=public.values("organisation_id"))
    )
    ids = set(served.values_list("partner_id", flat=True))
    if france_services_site_ids(day=day):
        ids.update(Partner.objects.national_operators().valid_on(day).values_list("pk", flat=True))
    return list(Partner.objects.filter(pk__in=ids))
