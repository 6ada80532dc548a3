"""The desk: record a visit in a few keystrokes, today's log, outreach acts and workshops.

Every page works as plain forms (post, redirect, get); with htmx the desk form swaps only the
`#desk` region (same view, `hx-select`), so the focus returns to the quick entry at once.
"""

import datetime
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from maillon.accounts.models import User
from maillon.activity import bounds, counted, selectors, services, taxonomy
from maillon.activity.policy import ChangeRight, request_defaults
from maillon.activity.referrals import referral_of
from maillon.network.models import Site
from maillon.network.selectors import site_timezone
from maillon.web.activity.forms import DeleteForm, OutreachForm, VisitForm, WorkshopForm
from maillon.web.activity.undo import undo_offer, undo_offer_set
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


def _log_row(visit, user: User, vocab, can_correct: bool) -> dict:
    return {
        "visit": visit,
        "channel": vocab["channel"].by_id[visit.channel_id].label,
        "requests": [
            {
                "partner": vocab["partner"].by_id[r.partner_id].label if r.partner_id else "—",
                "theme": vocab["theme"].by_id[r.theme_id].label,
                "help": vocab["help_kind"].by_id[r.help_kind_id].label,
                "help_defaulted": r.help_defaulted,
                "outcome": vocab["outcome"].by_id[r.outcome_id].label,
                "outcome_defaulted": r.outcome_defaulted,
                "follow_up": r.follow_up,
                "referral": referral_of(r),
            }
            for r in visit.requests.all()
        ],
        "mine": visit.agent_id == user.pk,
        "changeable": visit.agent_id == user.pk or can_correct,
    }


def _log_rows(visits, user: User, can_correct: bool) -> list[dict]:
    vocab = taxonomy.vocabularies()
    return [_log_row(visit, user, vocab, can_correct) for visit in visits]


def _asked_day(request: AuthenticatedHttpRequest, today: datetime.date) -> datetime.date:
    """The day of the log: `?date=YYYY-MM-DD` (a day to come or unreadable: today)."""
    try:
        day = datetime.date.fromisoformat(request.GET.get("date", ""))
    except ValueError:
        return today
    return day if bounds.EARLIEST_DAY <= day <= today else today


def _desk_url(site_id: int, day: datetime.date, today: datetime.date) -> str:
    url = f"{reverse('activity:desk')}?site={site_id}"
    return url if day == today else f"{url}&date={day.isoformat()}"


def _record(request: AuthenticatedHttpRequest, form: VisitForm, site: Site, zone):
    """Record the desk form's visit (or repeat the last one): the service's result."""
    key = request.POST.get("idempotency_key") or None
    if form.is_repeat:
        return services.visit_repeat_last(agent=request.user, site_id=site.pk, idempotency_key=key)
    return services.visit_input_record(
        agent=request.user, site_id=site.pk, data=form.visit_input(zone), idempotency_key=key
    )


def desk_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    site, sites = _desk_site(request)
    zone = site_timezone(site)
    today = timezone.localdate(timezone=zone)
    day = _asked_day(request, today)
    defaults = request_defaults(site)
    recorded = None
    data = request.POST if request.method == "POST" else None
    form = VisitForm(data, day=day, today=today, defaults=defaults)
    if request.method == "POST" and form.is_valid():
        try:
            result = _record(request, form, site, zone)
        except ValidationError as error:
            _add_errors(form, error)
        else:
            recorded = result.object
            text = _("Passage enregistré (%(n)d demande(s)).") % {"n": len(recorded.requests.all())}
            if not request.headers.get("HX-Request"):
                messages.success(request, text)
                return redirect(_desk_url(site.pk, recorded.day, today))
            day = recorded.day
            form = VisitForm(day=day, today=today, defaults=defaults)
    can_correct = services.visit_can_correct_on(user=request.user, site=site)
    log = selectors.desk_log(user=request.user, site=site, day=day)
    context = {
        "form": form,
        "site": site,
        "sites": sites,
        "today": today,
        "day": day,
        "previous_day": day - datetime.timedelta(days=1),
        "next_day": day + datetime.timedelta(days=1) if day < today else None,
        "default_help": form.default_labels[0],
        "default_outcome": form.default_labels[1],
        "log": _log_rows(log, request.user, can_correct),
        "recorded": recorded,
        "idempotency_key": services.new_idempotency_key(),
        "undo": undo_offer(request),
        **_legend(day),
    }
    status = (
        422
        if request.method == "POST" and form.errors and not request.headers.get("HX-Request")
        else 200
    )
    return render(request, "activity/desk.html", context, status=status)


def _locked(request: AuthenticatedHttpRequest, visit) -> HttpResponse:
    """The French page of a visit the user may no longer change: why, and whom to ask (403)."""
    return render(
        request,
        "activity/visit_locked.html",
        {"visit": visit, "reason": services.visit_locked_reason(visit=visit)},
        status=403,
    )


def visit_edit_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    visit = selectors.visit_get(user=request.user, pk=pk)
    right = services.visit_change_right(user=request.user, visit=visit)
    if right is ChangeRight.NONE:
        return _locked(request, visit)
    zone = site_timezone(visit.site)
    today = timezone.localdate(timezone=zone)
    options: dict[str, Any] = {
        "day": visit.day,
        "today": today,
        "rows": max(len(visit.requests.all()) + 1, 3),
        "defaults": request_defaults(visit.site),
        "edit": True,
        "correction": right is ChangeRight.CORRECTION,
    }
    if request.method == "POST":
        form = VisitForm(request.POST, **options)
        if form.is_valid():
            try:
                services.visit_input_update(
                    actor=request.user,
                    visit=visit,
                    data=form.visit_input(zone),
                    reason=form.cleaned_data.get("reason", ""),
                )
            except ValidationError as error:
                _add_errors(form, error)
            except PermissionDenied:
                return _locked(request, visit)
            else:
                messages.success(request, _("Passage modifié."))
                return redirect(_desk_url(visit.site_id, visit.day, today))
    else:
        form = VisitForm(initial=VisitForm.initial_from(visit, zone), **options)
    return render(
        request,
        "activity/visit_edit.html",
        {
            "form": form,
            "visit": visit,
            "correction": right is ChangeRight.CORRECTION,
            "back": _desk_url(visit.site_id, visit.day, today),
        },
    )


def visit_delete_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """A confirmation page (GET), then the deletion (POST): no JavaScript needed."""
    visit = selectors.visit_get(user=request.user, pk=pk)
    right = services.visit_change_right(user=request.user, visit=visit)
    if right is ChangeRight.NONE:
        return _locked(request, visit)
    today = timezone.localdate(timezone=site_timezone(visit.site))
    data = request.POST if request.method == "POST" else None
    form = DeleteForm(data, correction=right is ChangeRight.CORRECTION)
    if request.method == "POST" and form.is_valid():
        try:
            entry = services.visit_delete(
                actor=request.user, visit=visit, reason=form.cleaned_data.get("reason", "")
            )
        except ValidationError as error:
            _add_errors(form, error)
        except PermissionDenied:
            return _locked(request, visit)
        else:
            undo_offer_set(request, entry, _("Passage supprimé"))
            return redirect(_desk_url(visit.site_id, visit.day, today))
    return render(
        request,
        "activity/visit_delete.html",
        {
            "form": form,
            "visit": visit,
            "row": _log_row(visit, request.user, taxonomy.vocabularies(), True),
            "correction": right is ChangeRight.CORRECTION,
            "back": _desk_url(visit.site_id, visit.day, today),
        },
    )


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
