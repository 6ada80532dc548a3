"""The desk: record a visit in a few keystrokes, today's log, outreach acts and workshops.

Every page works as plain forms (post, redirect, get); with htmx the desk form swaps only the
`#desk` region (same view, `hx-select`), so the focus returns to the quick entry at once.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from maillon.accounts.models import User
from maillon.activity import counted, selectors, services, taxonomy
from maillon.network.models import Site
from maillon.network.selectors import site_timezone
from maillon.web.activity.forms import OutreachForm, VisitForm, WorkshopForm
from maillon.web.http import AuthenticatedHttpRequest


def _desk_site(request: AuthenticatedHttpRequest) -> tuple[Site, list[Site]]:
    sites = list(selectors.desk_sites(user=request.user))
    if not sites:
        raise Http404(_("Vous n'êtes rattaché(e) à aucun point d'accueil."))
    wanted = request.POST.get("site") or request.GET.get("site")
    if wanted:
        for site in sites:
            if str(site.pk) == wanted:
                return site, sites
        raise Http404
    return sites[0], sites


def _add_errors(form, error: ValidationError) -> None:
    for path, messages_ in error.message_dict.items():
        for message in messages_:
            if path.startswith("requests."):
                number = int(path.split(".")[1]) + 1
                form.add_error(None, _("Demande %(n)d : %(m)s") % {"n": number, "m": message})
            elif path in form.fields:
                form.add_error(path, message)
            elif path == "occurred_at":
                form.add_error("time", message)
            else:
                form.add_error(None, message)


def _legend(day):
    return {
        "partners": taxonomy.vocabulary("partner").valid_on(day),
        "themes": taxonomy.vocabulary("theme").valid_on(day),
        "helps": taxonomy.vocabulary("help_kind").valid_on(day),
        "outcomes": taxonomy.vocabulary("outcome").valid_on(day),
    }


def _log_row(visit, user: User, vocab) -> dict:
    return {
        "visit": visit,
        "channel": vocab["channel"].by_id[visit.channel_id].label,
        "requests": [
            {
                "partner": vocab["partner"].by_id[r.partner_id].label if r.partner_id else "—",
                "theme": vocab["theme"].by_id[r.theme_id].label,
                "help": vocab["help_kind"].by_id[r.help_kind_id].label,
                "outcome": vocab["outcome"].by_id[r.outcome_id].label,
                "follow_up": r.follow_up,
            }
            for r in visit.requests.all()
        ],
        "mine": visit.agent_id == user.pk,
    }


def _log_rows(visits, user: User) -> list[dict]:
    vocab = taxonomy.vocabularies()
    return [_log_row(visit, user, vocab) for visit in visits]


def desk_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    site, sites = _desk_site(request)
    zone = site_timezone(site)
    today = timezone.localdate(timezone=zone)
    recorded = None
    if request.method == "POST":
        form = VisitForm(request.POST, day=today)
        if form.is_valid():
            try:
                if form.is_repeat:
                    result = services.visit_repeat_last(
                        agent=request.user,
                        site_id=site.pk,
                        idempotency_key=request.POST.get("idempotency_key") or None,
                    )
                else:
                    result = services.visit_input_record(
                        agent=request.user,
                        site_id=site.pk,
                        data=form.visit_input(zone),
                        idempotency_key=request.POST.get("idempotency_key") or None,
                    )
            except ValidationError as error:
                _add_errors(form, error)
            else:
                recorded = result.object
                text = _("Passage enregistré (%(n)d demande(s)).") % {
                    "n": len(recorded.requests.all())
                }
                if not request.headers.get("HX-Request"):
                    messages.success(request, text)
                    return redirect(f"{reverse('activity:desk')}?site={site.pk}")
                form = VisitForm(day=today)
    else:
        form = VisitForm(day=today)
    log = selectors.desk_log(user=request.user, site=site, day=today)
    context = {
        "form": form,
        "site": site,
        "sites": sites,
        "today": today,
        "log": _log_rows(log, request.user),
        "recorded": recorded,
        "idempotency_key": services.new_idempotency_key(),
        **_legend(today),
    }
    status = (
        422
        if request.method == "POST" and form.errors and not request.headers.get("HX-Request")
        else 200
    )
    return render(request, "activity/desk.html", context, status=status)


def visit_edit_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    visit = selectors.visit_get(user=request.user, pk=pk)
    services.visit_require_change(user=request.user, visit=visit)
    zone = site_timezone(visit.site)
    rows = max(len(visit.requests.all()) + 1, 3)
    if request.method == "POST":
        form = VisitForm(request.POST, day=visit.day, rows=rows)
        if form.is_valid():
            try:
                services.visit_input_update(
                    actor=request.user, visit=visit, data=form.visit_input(zone)
                )
            except ValidationError as error:
                _add_errors(form, error)
            else:
                messages.success(request, _("Passage modifié."))
                return redirect(f"{reverse('activity:desk')}?site={visit.site_id}")
    else:
        form = VisitForm(initial=VisitForm.initial_from(visit, zone), day=visit.day, rows=rows)
    form.fields["quick"].widget.attrs.pop("autofocus", None)
    return render(
        request,
        "activity/visit_edit.html",
        {"form": form, "visit": visit, "correction": visit.agent_id != request.user.pk},
    )


@require_POST
def visit_delete_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    visit = selectors.visit_get(user=request.user, pk=pk)
    services.visit_delete(actor=request.user, visit=visit)
    messages.success(request, _("Passage supprimé."))
    return redirect(f"{reverse('activity:desk')}?site={visit.site_id}")


def _counted_view(request, *, form_class, listing, template, success):
    """The page of outreach acts or of workshops: the form of the shared create path and the
    last ones recorded."""
    site, sites = _desk_site(request)
    today = timezone.localdate(timezone=site_timezone(site))
    if request.method == "POST":
        form = form_class(request.POST, day=today)
        if form.is_valid():
            try:
                counted.record(
                    form.kind,
                    agent=request.user,
                    site_id=site.pk,
                    data=form.to_input(),
                    idempotency_key=request.POST.get("idempotency_key") or None,
                )
            except ValidationError as error:
                _add_errors(form, error)
            else:
                messages.success(request, success)
                return redirect(f"{request.path}?site={site.pk}")
    else:
        form = form_class(day=today)
    items = listing(user=request.user, site_id=site.pk)[:20]
    vocab = taxonomy.vocabularies()
    return render(
        request,
        template,
        {
            "form": form,
            "site": site,
            "sites": sites,
            "items": items,
            "vocab": vocab,
            "idempotency_key": services.new_idempotency_key(),
        },
    )


def outreach_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    return _counted_view(
        request,
        form_class=OutreachForm,
        listing=selectors.outreach_list,
        template="activity/outreach.html",
        success=_("Médiation sortante enregistrée."),
    )


def workshop_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    return _counted_view(
        request,
        form_class=WorkshopForm,
        listing=selectors.workshop_list,
        template="activity/workshop.html",
        success=_("Atelier enregistré."),
    )
