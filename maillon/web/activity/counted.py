"""Outreach acts and workshops listed by day or week, edited and deleted like visits: the same
window (`counted.require_change`), a confirmation page before a delete (no JavaScript), the
journal and the rollups kept by the services. One set of views for both kinds (`Page`)."""

import datetime
from dataclasses import dataclass

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy

from maillon.activity import counted, history, selectors, taxonomy
from maillon.activity.history import Span
from maillon.activity.models import OutreachAct, Workshop
from maillon.activity.policy import ChangeRight, change_rights
from maillon.core.errors import NotFound
from maillon.network.selectors import site_timezone
from maillon.web.activity.forms import OutreachForm, WorkshopForm
from maillon.web.activity.history import VIEWS
from maillon.web.activity.undo import undo_offer, undo_offer_set
from maillon.web.activity.views import _add_errors, _desk_site
from maillon.web.http import AuthenticatedHttpRequest


@dataclass(frozen=True)
class Page:
    kind: counted.Kind
    form_class: type[OutreachForm] | type[WorkshopForm]
    listing: object  # the selector of the kind (`selectors.outreach_list`…)
    name: str  # url names: <name>_list, <name>_edit, <name>_delete
    title: str | Promise
    updated: str | Promise
    deleted: str | Promise


OUTREACH = Page(
    counted.OUTREACH,
    OutreachForm,
    selectors.outreach_list,
    "outreach",
    gettext_lazy("Médiations sortantes"),
    gettext_lazy("Médiation sortante modifiée."),
    gettext_lazy("Médiation sortante supprimée."),
)
WORKSHOPS = Page(
    counted.WORKSHOP,
    WorkshopForm,
    selectors.workshop_list,
    "workshop",
    gettext_lazy("Ateliers collectifs"),
    gettext_lazy("Atelier modifié."),
    gettext_lazy("Atelier supprimé."),
)


class SpanForm(forms.Form):
    jour = forms.DateField(
        label=gettext_lazy("Jour"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    vue = forms.ChoiceField(label=gettext_lazy("Vue"), choices=VIEWS, required=False)

    def span(self, today: datetime.date) -> Span:
        data = self.cleaned_data if self.is_valid() else {}
        return Span(data.get("jour") or today, week=data.get("vue", "semaine") != "jour")


def _list_view(request: AuthenticatedHttpRequest, page: Page) -> HttpResponse:
    site, sites = _desk_site(request)
    today = timezone.localdate(timezone=site_timezone(site))
    form = SpanForm(request.GET or None, initial={"vue": "semaine"})
    span = form.span(today)
    items = list(
        history.counted_span(page.kind.model, user=request.user, site_id=site.pk, span=span)
    )
    # the list offers « Modifier » / « Supprimer » only where they would answer
    rights = change_rights(user=request.user, site=site, records=items)
    rows = [(item, rights[item.pk] is not ChangeRight.NONE) for item in items]
    people = sum(
        item.people_reached if isinstance(item, OutreachAct) else item.participants
        for item in items
    )
    query = request.GET.copy()
    query["site"] = str(site.pk)
    links = {}
    for key, day in (("previous", span.previous), ("next", span.next), ("today", today)):
        query["jour"] = day.isoformat()
        links[key] = "?" + query.urlencode()
    return render(
        request,
        "activity/counted_list.html",
        {
            "page": page,
            "site": site,
            "sites": sites,
            "form": form,
            "span": span,
            "items": items,
            "rows": rows,
            "people": people,
            "links": links,
            "outreach": page.kind is counted.OUTREACH,
            "new_url": reverse("activity:outreach" if page is OUTREACH else "activity:workshops"),
            "undo": undo_offer(request),
        },
    )


def _get(request: AuthenticatedHttpRequest, page: Page, pk: int) -> OutreachAct | Workshop:
    item = page.listing(user=request.user).filter(pk=pk).first()  # type: ignore[operator]
    if item is None:
        raise NotFound
    return item


def _list_url(page: Page, item) -> str:
    return f"{reverse(f'activity:{page.name}_list')}?site={item.site_id}&jour={item.day}"


def _initial(item: OutreachAct | Workshop) -> dict:
    vocab = taxonomy.vocabularies()
    if isinstance(item, OutreachAct):
        return {
            "day": item.day,
            "place": vocab["place"].by_id[item.place_id].code,
            "partner": vocab["partner"].by_id[item.partner_id].code if item.partner_id else "",
            "people_reached": item.people_reached,
        }
    return {
        "day": item.day,
        "theme": vocab["theme"].by_id[item.theme_id].code,
        "title": item.title,
        "participants": item.participants,
        "duration_minutes": item.duration_minutes,
    }


def _edit_view(request: AuthenticatedHttpRequest, page: Page, pk: int) -> HttpResponse:
    item = _get(request, page, pk)
    counted.require_change(actor=request.user, obj=item)
    if request.method == "POST":
        form = page.form_class(request.POST, day=item.day)
        if form.is_valid():
            try:
                counted.update(page.kind, actor=request.user, obj=item, data=form.to_input())
            except ValidationError as error:
                _add_errors(form, error)
            else:
                messages.success(request, str(page.updated))
                return redirect(_list_url(page, item))
    else:
        form = page.form_class(initial=_initial(item), day=item.day)
    return render(
        request,
        "activity/counted_edit.html",
        {"page": page, "item": item, "form": form, "list_url": _list_url(page, item)},
    )


def _delete_view(request: AuthenticatedHttpRequest, page: Page, pk: int) -> HttpResponse:
    """GET: the confirmation page; POST: delete, then back to the list."""
    item = _get(request, page, pk)
    counted.require_change(actor=request.user, obj=item)
    if request.method == "POST":
        entry = counted.delete(page.kind, actor=request.user, obj=item)
        undo_offer_set(request, entry, str(page.deleted).rstrip("."))
        return redirect(_list_url(page, item))
    return render(
        request,
        "activity/counted_delete.html",
        {"page": page, "item": item, "list_url": _list_url(page, item)},
    )


def outreach_list_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    return _list_view(request, OUTREACH)


def outreach_edit_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return _edit_view(request, OUTREACH, pk)


def outreach_delete_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return _delete_view(request, OUTREACH, pk)


def workshop_list_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    return _list_view(request, WORKSHOPS)


def workshop_edit_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return _edit_view(request, WORKSHOPS, pk)


def workshop_delete_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return _delete_view(request, WORKSHOPS, pk)
