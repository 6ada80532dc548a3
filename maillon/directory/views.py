from django.contrib.auth.decorators import login_not_required
from django.shortcuts import get_object_or_404, render
from django.utils import timezone

from maillon.directory.selectors import public_site_search, public_sites
from maillon.labels.selectors import label_history
from maillon.network.selectors import site_hours_status


@login_not_required
def home(request):
    text = request.GET.get("q", "").strip()
    sites, communes = public_site_search(text=text)
    return render(
        request,
        "directory/home.html",
        {
            "q": text,
            "sites": sites[:100] if text else [],
            "communes": communes,
            "site_total": public_sites().count(),
        },
    )


@login_not_required
def site_page(request, pk: int):
    site = get_object_or_404(public_sites(), pk=pk)
    return render(
        request,
        "directory/site.html",
        {
            "site": site,
            "hours": site_hours_status(site, at=timezone.now()),
            "decisions": label_history(site=site),
        },
    )
