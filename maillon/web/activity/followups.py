"""The site's follow-up list (suites à donner): due today, late, later, each with the context of
its visit; a follow-up is closed from the list (its final outcome) or edited on its own page
(due date, reference). Plain forms: post, redirect, get; no JavaScript needed."""

import datetime

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from maillon.activity import followups, history, taxonomy
from maillon.activity.models import MAX_REFERENCE_LENGTH, FollowUp
from maillon.network.selectors import site_timezone
from maillon.web.activity.views import _desk_site
from maillon.web.forms import choice_field
from maillon.web.http import AuthenticatedHttpRequest
from maillon.web.network.forms import add_service_errors

REFERENCE_HELP = gettext_lazy(
    "Facultative : un numéro de dossier ou de ticket (40 caractères au plus). "
    "Jamais le nom de la personne ni aucune donnée personnelle."
)
# closed follow-ups shown under the list, and counted by final outcome
CLOSED_DAYS = 30
# open follow-ups shown (the most urgent first); the count above the list is complete
LIST_LIMIT = 300


def _reference_field() -> forms.CharField:
    return forms.CharField(
        label=gettext_lazy("Référence"),
        max_length=MAX_REFERENCE_LENGTH,
        required=False,
        help_text=REFERENCE_HELP,
    )


class CloseForm(forms.Form):
    outcome = forms.ChoiceField(label=gettext_lazy("Issue finale"))
    closed_on = forms.DateField(
        label=gettext_lazy("Close le"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    reference = _reference_field()

    def __init__(self, *args, day: datetime.date, **kwargs):
        super().__init__(*args, **kwargs)
        choice_field(self, "outcome").choices = [
            (term.code, term.label)
            for term in taxonomy.vocabulary("outcome").valid_on(day)
            if term.code != followups.TO_REVIEW
        ]
        self.fields["closed_on"].initial = day


class FollowUpForm(forms.Form):
    due_on = forms.DateField(
        label=gettext_lazy("Échéance"), widget=forms.DateInput(attrs={"type": "date"})
    )
    reference = _reference_field()


def followup_list_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    site, sites = _desk_site(request)
    today = timezone.localdate(timezone=site_timezone(site))
    items = history.followup_list(user=request.user, site_id=site.pk)
    board = history.followup_board(items[:LIST_LIMIT], today=today)
    since = today - datetime.timedelta(days=CLOSED_DAYS)
    closed = history.followup_list(user=request.user, site_id=site.pk, closed=True).filter(
        closed_on__gte=since
    )
    return render(
        request,
        "activity/followups.html",
        {
            "site": site,
            "sites": sites,
            "today": today,
            "board": board,
            "open_count": items.count(),
            "limit": LIST_LIMIT,
            "closed": closed[:50],
            "final_outcomes": history.final_outcome_counts(
                user=request.user, site_id=site.pk, start=since, end=today
            ),
            "closed_days": CLOSED_DAYS,
            "outcomes": choice_field(CloseForm(day=today), "outcome").choices,
            "reference_help": REFERENCE_HELP,
        },
    )


def _list_url(item: FollowUp) -> str:
    return f"{reverse('activity:followups')}?site={item.site_id}"


def _today(item: FollowUp) -> datetime.date:
    return timezone.localdate(timezone=site_timezone(item.site))


def followup_edit_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    item = history.followup_get(user=request.user, pk=pk)
    today = _today(item)
    close_form = CloseForm(day=today)
    if request.method == "POST":
        form = FollowUpForm(request.POST)
        if form.is_valid():
            try:
                followups.followup_update(actor=request.user, followup=item, **form.cleaned_data)
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("Suite à donner modifiée."))
                return redirect(_list_url(item))
    else:
        form = FollowUpForm(initial={"due_on": item.due_on, "reference": item.reference})
    return _edit_page(request, item, form, close_form)


def _edit_page(request, item, form, close_form, status=200) -> HttpResponse:
    return render(
        request,
        "activity/followup_edit.html",
        {"item": item, "form": form, "close_form": close_form},
        status=status,
    )


@require_POST
def followup_close_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    item = history.followup_get(user=request.user, pk=pk)
    today = _today(item)
    close_form = CloseForm(request.POST, day=today)
    if close_form.is_valid():
        data = close_form.cleaned_data
        try:
            closed = followups.followup_close(
                actor=request.user,
                followup=item,
                outcome=data["outcome"],
                closed_on=data["closed_on"],
                reference=data["reference"] or None,
            )
        except ValidationError as error:
            add_service_errors(close_form, error)
        else:
            text = _("Suite close : %(o)s.") % {"o": closed.final_outcome}
            messages.success(request, text)
            return redirect(_list_url(item))
    form = FollowUpForm(initial={"due_on": item.due_on, "reference": item.reference})
    return _edit_page(request, item, form, close_form, status=422)
