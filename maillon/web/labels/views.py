from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone

from maillon.access.rules import networks_administered_by, sites_visible_to
from maillon.access.selectors import network_get_for_admin
from maillon.labels.coverage import coverage_table
from maillon.labels.criteria import site_self_check
from maillon.labels.differences import publication_differences
from maillon.labels.enums import FRANCE_SERVICES, Severity
from maillon.labels.models import Publication
from maillon.labels.publications import CONTENT_TYPES, labelled_sites_list
from maillon.labels.publications import render as render_listing
from maillon.labels.selectors import coverage_on, label_history
from maillon.network.models import Site
from maillon.orchestration.quality import data_quality_findings
from maillon.web.labels.forms import CoverageForm, PublicationForm


def _download(listing, fmt: str, stem: str) -> HttpResponse:
    response = HttpResponse(render_listing(listing, fmt), content_type=CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="{stem}.{fmt}"'
    return response


def publication_view(request):
    """The list of labelled sites on a date, with a download in each format."""
    networks = list(networks_administered_by(request.user).order_by("name"))
    if not networks:
        raise Http404
    form = PublicationForm(request.GET or None, networks=networks)
    listing = None
    if form.is_bound and form.is_valid():
        network = network_get_for_admin(user=request.user, slug=form.cleaned_data["network"])
        listing = labelled_sites_list(
            network=network,
            on=form.cleaned_data["on"],
            new_since=form.cleaned_data["new_since"],
        )
        fmt = form.cleaned_data.get("format")
        if fmt:
            return _download(listing, fmt, f"labellises-{network.slug}-{listing.on:%Y-%m-%d}")
    query = request.GET.copy()
    query.pop("format", None)
    return render(
        request,
        "labels/publication.html",
        {
            "form": form,
            "listing": listing,
            "query": query.urlencode(),
            "formats": ("docx", "csv", "json", "html"),
            "printed": Publication.objects.filter(network__in=networks).order_by("published_on"),
        },
    )


def printed_publication_view(request, slug: str):
    """A printed list regenerated from data, with the differences report."""
    publication = get_object_or_404(
        Publication.objects.select_related("network", "programme").filter(
            network__in=networks_administered_by(request.user)
        ),
        slug=slug,
    )
    listing = labelled_sites_list(
        network=publication.network,
        on=publication.labelled_on,
        new_since=publication.new_since,
        programme=publication.programme.slug,
    )
    fmt = request.GET.get("format")
    if fmt in CONTENT_TYPES:
        return _download(listing, fmt, publication.slug)
    return render(
        request,
        "labels/printed_publication.html",
        {
            "publication": publication,
            "listing": listing,
            "differences": publication_differences(publication, listing),
            "formats": ("docx", "csv", "json", "html"),
        },
    )


def quality_view(request):
    network = network_get_for_admin(user=request.user, slug=request.GET.get("reseau"))
    findings = data_quality_findings(network=network)
    counts = {s.value: sum(f.severity == s for f in findings) for s in Severity}
    return render(
        request,
        "labels/quality.html",
        {"network": network, "findings": findings, "counts": counts},
    )


def coverage_view(request):
    network = network_get_for_admin(user=request.user, slug=request.GET.get("reseau"))
    form = CoverageForm(request.GET or {"on": timezone.localdate().isoformat()})
    valid = form.is_valid()
    day = form.cleaned_data["on"] if valid else timezone.localdate()
    since = form.cleaned_data.get("since") if valid else None
    sites = Site.objects.in_network(network)
    return render(
        request,
        "labels/coverage.html",
        {
            "network": network,
            "form": form,
            "network_coverage": coverage_on(programme=FRANCE_SERVICES, day=day, sites=sites),
            "programme_coverage": coverage_on(programme=FRANCE_SERVICES, day=day),
            "table": coverage_table(programme=FRANCE_SERVICES, day=day, since=since, sites=sites),
        },
    )


def self_check_view(request, pk: int):
    site = get_object_or_404(sites_visible_to(request.user).with_geography(), pk=pk)
    return render(
        request,
        "labels/self_check.html",
        {
            "site": site,
            "results": site_self_check(site=site),
            "history": label_history(site=site),
        },
    )
