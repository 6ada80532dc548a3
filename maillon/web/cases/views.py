"""The case pages: the queues (`/dossiers/`), a case's thread with the actions of the user's
side, the opening form from a desk request, and the download of attachments through the
access check. Plain forms: post, redirect, get; no JavaScript needed."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from maillon.access.rules import grants_of
from maillon.activity.models import Request
from maillon.activity.selectors import writable_site
from maillon.cases import selectors, services
from maillon.cases.enums import CaseAnswer, CaseStatus, Side
from maillon.cases.models import Case
from maillon.cases.validators import IDENTIFIER_FIELDS
from maillon.core.http import private_download
from maillon.core.ids import id_in_range
from maillon.network.models import Partner, Site
from maillon.web.cases import forms
from maillon.web.http import AuthenticatedHttpRequest

QUEUE_LABELS = {
    "late": _("En retard"),
    "soon": _("À traiter sous 24 h"),
    "waiting": _("En attente de moi"),
    "all": _("Tous"),
}
LIST_LIMIT = 200


def _number(request, name: str) -> int | None:
    value = request.GET.get(name, "")
    return int(value) if value.isdigit() and id_in_range(int(value)) else None


def queues_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The queues of the user's side (a referent's, else the site's): tabs and filters."""
    # no side (a partner viewer…): the site's side, empty
    sides = selectors.sides_of(request.user) or [Side.SITE]
    wanted = request.GET.get("cote", "")
    side = wanted if wanted in sides else sides[0]
    name = request.GET.get("file", "waiting")
    name = name if name in selectors.QUEUES else "waiting"
    filters = selectors.Filters(
        partner_id=_number(request, "partenaire"),
        site_id=_number(request, "site"),
        status=request.GET.get("statut") or None,
    )
    cases = selectors.queue(user=request.user, side=side, name=name, filters=filters)
    base = selectors.queue_base(request.user, side)
    grants, is_referent = grants_of(request.user), Side.PARTNER in sides
    return render(
        request,
        "cases/queues.html",
        {
            "side": side,
            "sides": sides,
            "queue": name,
            "tabs": [
                (key, QUEUE_LABELS[key], count)
                for key, count in selectors.queue_counts(user=request.user, side=side).items()
            ],
            "cases": list(cases[:LIST_LIMIT]),
            "limit": LIST_LIMIT,
            "filters": filters,
            "partners": Partner.objects.filter(pk__in=base.values("partner_id")),
            "sites": Site.objects.filter(pk__in=base.values("site_id")).order_by("name"),
            "statuses": CaseStatus.choices,
            "today": timezone.localdate(),
            # where the network head sets the case rules and invites referents (a referent
            # invites colleagues of his partner)
            "may_set_rules": bool(grants.admin_network_ids),
            "may_invite": bool(grants.admin_network_ids) or is_referent,
        },
    )


def _thread_context(request: AuthenticatedHttpRequest, case: Case, **forms_: object) -> dict:
    side = selectors.side_of(request.user, case)
    context: dict[str, object] = {
        "case": case,
        "side": side,
        "thread": selectors.case_messages(case=case, side=side),
        "opening_files": case.attachments.filter(message=None),
        "message_form": forms.MessageForm(),
        "note_form": forms.NoteForm(),
        "answer_form": forms.AnswerForm(),
        "close_form": forms.CloseForm(),
        "reroute_form": forms.RerouteForm(),
        "is_open": case.status != CaseStatus.CLOSED,
        "may_reroute": case.status == CaseStatus.ANSWERED
        and case.answer == CaseAnswer.WRONG_PARTNER,
        "today": timezone.localdate(),
    }
    context.update(forms_)
    return context


def case_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    case = selectors.case_get(user=request.user, pk=pk)
    return render(request, "cases/detail.html", _thread_context(request, case))


def _add_errors(form, error: ValidationError | PermissionDenied) -> None:
    if isinstance(error, PermissionDenied):
        form.add_error(None, str(error))
        return
    for name, texts in error.message_dict.items():
        for text in texts:
            form.add_error(name if name in form.fields else None, text)


def _case_action(request, pk: int, form_class, form_name: str, act, done: str) -> HttpResponse:
    """Run `act(case, cleaned_data)` from a posted form, then back to the thread; the thread
    again with the form's errors (422) when the form or the service refuses."""
    case = selectors.case_get(user=request.user, pk=pk)
    form = form_class(request.POST, request.FILES)
    if form.is_valid():
        try:
            result = act(case, form.cleaned_data)
        except (ValidationError, PermissionDenied) as error:
            _add_errors(form, error)
        else:
            messages.success(request, done)
            target = result if isinstance(result, Case) else case
            return redirect("cases:detail", pk=target.pk)
    context = _thread_context(request, case, **{form_name: form})
    return render(request, "cases/detail.html", context, status=422)


@require_POST
def message_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    def act(case, data):
        return services.message_post(
            case=case, by=request.user, body=data["body"], attachments=data["attachments"]
        )

    return _case_action(request, pk, forms.MessageForm, "message_form", act, _("Message envoyé."))


@require_POST
def note_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    def act(case, data):
        return services.internal_note_post(case=case, by=request.user, body=data["body"])

    return _case_action(request, pk, forms.NoteForm, "note_form", act, _("Note enregistrée."))


@require_POST
def answer_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    def act(case, data):
        return services.case_answer(
            case=case, by=request.user, answer=data["answer"], body=data["body"]
        )

    return _case_action(request, pk, forms.AnswerForm, "answer_form", act, _("Dossier traité."))


@require_POST
def close_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    def act(case, data):
        return services.case_close(case=case, by=request.user, useful=data["useful"])

    return _case_action(request, pk, forms.CloseForm, "close_form", act, _("Dossier clos."))


@require_POST
def reroute_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    def act(case, data):
        return services.case_reroute(case=case, by=request.user, partner_id=data["partner"].pk)

    done = _("Dossier réorienté : un nouveau dossier est transmis.")
    return _case_action(request, pk, forms.RerouteForm, "reroute_form", act, done)


def attachment_view(request: AuthenticatedHttpRequest, pk: int, attachment_pk: int):
    """The file, after the case's access check; never a public media address."""
    attachment = selectors.attachment_get(user=request.user, case_pk=pk, pk=attachment_pk)
    return private_download(
        attachment.file.open("rb"), filename=attachment.name, content_type=attachment.content_type
    )


def _request_to_send(request: AuthenticatedHttpRequest) -> Request:
    """The desk request of `?request=` (or the posted one), if the user may write on its site."""
    raw = request.POST.get("request") or request.GET.get("request") or ""
    pk = int(raw) if raw.isdigit() and id_in_range(int(raw)) else None
    row = (
        Request.objects.select_related("visit__site", "partner", "theme").filter(pk=pk).first()
        if pk
        else None
    )
    if row is None or writable_site(user=request.user, site_id=row.visit.site_id) is None:
        raise Http404
    return row


def case_open_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    row = _request_to_send(request)
    existing = Case.objects.filter(request=row).first()
    if existing is not None:
        messages.info(request, _("Cette demande a déjà été transmise : voici son dossier."))
        return redirect("cases:detail", pk=existing.pk)
    if request.method == "POST":
        form = forms.CaseOpenForm(request.POST, request.FILES)
        if form.is_valid():
            data = form.cleaned_data
            try:
                case = services.case_open(
                    request_id=row.pk,
                    by=request.user,
                    partner_id=data["partner"].pk,
                    subject=data["subject"],
                    description=data["description"],
                    identifiers={name: data[name] for name in IDENTIFIER_FIELDS},
                    consent_kind=data["consent_kind"],
                    consent_on=data["consent_on"],
                    attachments=data["attachments"],
                )
            except ValidationError as error:
                _add_errors(form, error)
            else:
                messages.success(request, _("Dossier transmis au partenaire."))
                return redirect("cases:detail", pk=case.pk)
        status = 422
    else:
        form = forms.CaseOpenForm(
            initial={
                "partner": row.partner_id,
                "subject": f"{row.partner or ''} — {row.theme}".strip(" —"),
                "consent_on": timezone.localdate(),
            }
        )
        status = 200
    context = {"form": form, "row": row, "back": reverse("activity:desk")}
    return render(request, "cases/open.html", context, status=status)
