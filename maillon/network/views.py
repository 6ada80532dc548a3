from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils import timezone

from maillon.geo.models import Department
from maillon.labels.selectors import label_history
from maillon.network.selectors import site_get, site_hours_status, site_list


def site_list_view(request):
    text = request.GET.get("q", "").strip()
    department = request.GET.get("departement", "").strip()
    sites = site_list(user=request.user, text=text, department=department)
    page = Paginator(sites, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "network/site_list.html",
        {
            "page": page,
            "q": text,
            "department": department,
            "departments": Department.objects.order_by("code"),
        },
    )


def site_detail_view(request, pk: int):
    site = site_get(user=request.user, pk=pk)
    return render(
        request,
        "network/site_detail.html",
        {
            "site": site,
            "hours": site_hours_status(site, at=timezone.now()),
            "decisions": label_history(site=site),
            "stops": site.stops.select_related("commune"),
        },
    )
