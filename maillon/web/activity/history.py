"""« Mes passages »: the agent's history of visits by day or week, with filters and counts;
managers see every visit of their sites and filter by agent. Each row opens the visit's page
(which explains a lock). A GET form: the URL is the state, no JavaScript needed."""

import datetime

from django import forms
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from maillon.activity import history, selectors, taxonomy
from maillon.activity.history import HISTORY_LIMIT, HistoryFilters, Span
from maillon.activity.referrals import referral_of
from maillon.web.forms import choice_field
from maillon.web.http import AuthenticatedHttpRequest

VIEWS = [("jour", gettext_lazy("Jour")), ("semaine", gettext_lazy("Semaine"))]


def _terms(name: str, blank) -> list[tuple[str, str]]:
    return [("", blank), *((str(t.id), t.label) for t in taxonomy.vocabulary(name).terms)]


class HistoryForm(forms.Form):
    jour = forms.DateField(
        label=gettext_lazy("Jour"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    vue = forms.ChoiceField(label=gettext_lazy("Vue"), choices=VIEWS, required=False)
    site = forms.ChoiceField(label=gettext_lazy("Point d'accueil"), required=False)
    agent = forms.ChoiceField(label=gettext_lazy("Agent"), required=False)
    partenaire = forms.ChoiceField(label=gettext_lazy("Partenaire"), required=False)
    theme = forms.ChoiceField(label=gettext_lazy("Thème"), required=False)
    issue = forms.ChoiceField(label=gettext_lazy("Issue"), required=False)

    def __init__(self, *args, sites, agents, **kwargs):
        super().__init__(*args, **kwargs)
        every = gettext_lazy("Tous")
        choice_field(self, "site").choices = [("", every), *((str(s.pk), s.name) for s in sites)]
        if agents:
            choice_field(self, "agent").choices = [
                ("", every),
                *((str(a.pk), str(a)) for a in agents),
            ]
        else:
            del self.fields["agent"]
        choice_field(self, "partenaire").choices = _terms("partner", every)
        choice_field(self, "theme").choices = _terms("theme", every)
        choice_field(self, "issue").choices = _terms("outcome", gettext_lazy("Toutes"))

    def filters(self, today: datetime.date) -> HistoryFilters:
        if not self.is_bound:
            return HistoryFilters(span=Span(today))
        self.full_clean()
        data = self.cleaned_data

        def number(name: str) -> int | None:
            if name in self.errors:  # a value out of the choices (a foreign site): no row
                return -1
            value = data.get(name)
            return int(value) if value else None

        span = Span(data.get("jour") or today, week=data.get("vue") == "semaine")
        return HistoryFilters(
            span=span,
            site_id=number("site"),
            agent_id=number("agent"),
            partner_id=number("partenaire"),
            theme_id=number("theme"),
            outcome_id=number("issue"),
        )


def _referral_text(row) -> list[str]:
    """« réorienté vers … » when the request names its target (prefetched with the visit)."""
    target = referral_of(row)
    return [] if target is None else [_("réorienté vers %(target)s") % {"target": target}]


def _rows(visits, vocab) -> list[dict]:
    rows = []
    for visit in visits:
        requests = [
            " · ".join(
                [
                    vocab["partner"].by_id[r.partner_id].label if r.partner_id else "—",
                    vocab["theme"].by_id[r.theme_id].label,
                    vocab["outcome"].by_id[r.outcome_id].label,
                    *_referral_text(r),
                ]
            )
            for r in visit.requests.all()
        ]
        rows.append({"visit": visit, "requests": requests})
    return rows


def _day_link(request, day: datetime.date) -> str:
    query = request.GET.copy()
    query["jour"] = day.isoformat()
    return "?" + urlencode(query, doseq=True)


def history_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    user = request.user
    sites = list(selectors.desk_sites(user=user))
    agents = list(history.history_agents(user=user))
    today = timezone.localdate()
    form = HistoryForm(request.GET or None, sites=sites, agents=agents)
    filters = form.filters(today)
    visits, counts = history.history_list(user=user, filters=filters)
    shown = list(visits[: HISTORY_LIMIT + 1])
    vocab = taxonomy.vocabularies()
    return render(
        request,
        "activity/history.html",
        {
            "form": form,
            "span": filters.span,
            "counts": counts,
            "rows": _rows(shown[:HISTORY_LIMIT], vocab),
            "truncated": len(shown) > HISTORY_LIMIT,
            "limit": HISTORY_LIMIT,
            "manager": bool(agents),
            "site": sites[0] if len(sites) == 1 else None,
            "previous_url": _day_link(request, filters.span.previous),
            "next_url": _day_link(request, filters.span.next),
            "today_url": _day_link(request, today),
        },
    )
