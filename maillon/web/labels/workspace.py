"""The network head's labelling workspace: the pipeline of every site, a site's label file with
its steps (file an application, plan and record its audit, withdraw the label, correct a
decision), the committee session and the label settings. Managers read their own sites."""

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from maillon.access.selectors import network_get_for_admin
from maillon.core.dates import french_date
from maillon.geo.models import Department, Region
from maillon.labels.enums import FRANCE_SERVICES, ApplicationStatus, PipelineState
from maillon.labels.models import Certification, LabelApplication, Wave
from maillon.labels.pipeline import (
    label_pipeline,
    pipeline_scope,
    pipeline_settings,
    site_get_for_label,
    sites_headed_by,
)
from maillon.labels.publications import labelled_sites_list
from maillon.labels.selectors import label_history
from maillon.labels.services import (
    LabelError,
    application_file,
    audit_record,
    audit_start,
    certification_record,
    committee_record,
    decision_correct,
    label_settings_update,
    label_withdraw,
    wave_create,
)
from maillon.network.models import Organisation, Site
from maillon.reports.keyfigures import key_figures
from maillon.reports.periods import Period
from maillon.reports.rendering.block import key_figures_block
from maillon.reports.rendering.pdf import render_pdf
from maillon.reports.scopes import scope_get
from maillon.web.labels.exports import describe, pipeline_csv, pipeline_xlsx
from maillon.web.labels.forms import (
    ApplicationFileForm,
    AuditPlanForm,
    AuditRecordForm,
    CertificationForm,
    CommitteeForm,
    CorrectionForm,
    PipelineForm,
    PressKitForm,
    SettingsForm,
    WaveForm,
    WithdrawForm,
)
from maillon.web.labels.presskit import DOCX, press_kit_docx
from maillon.web.reports.downloads import PDF, download, pdf_errors


def pipeline_view(request):
    scope = pipeline_scope(user=request.user, network=request.GET.get("reseau"))
    departments = Department.objects.filter(
        pk__in=scope.sites.values("commune__department_id")
    ).order_by("code")
    regions = Region.objects.filter(pk__in=departments.values("region_id")).order_by("name")
    waves = Wave.objects.filter(programme__slug=FRANCE_SERVICES).order_by("date")
    form = PipelineForm(request.GET or None, regions=regions, departments=departments, waves=waves)
    form.is_valid()
    data = getattr(form, "cleaned_data", {})
    day = data.get("on") or timezone.localdate()
    pipeline = label_pipeline(
        sites=scope.sites,
        network=scope.network,
        day=day,
        region=data.get("region") or "",
        department=data.get("departement") or "",
        state=data.get("etat") or "",
        wave=int(data["vague"]) if data.get("vague") else None,
    )
    fmt = request.GET.get("format")
    if fmt in ("csv", "xlsx"):
        stem = f"parcours-label-{scope.network.slug if scope.network else 'sites'}-{day:%Y-%m-%d}"
        if fmt == "csv":
            response = HttpResponse(pipeline_csv(pipeline), content_type="text/csv; charset=utf-8")
        else:
            title = _("Parcours de labellisation au %(date)s") % {"date": french_date(day)}
            response = HttpResponse(
                pipeline_xlsx(pipeline, title=title),
                content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            )
        response["Content-Disposition"] = f'attachment; filename="{stem}.{fmt}"'
        return response
    query = request.GET.copy()
    query.pop("format", None)
    return render(
        request,
        "labels/pipeline.html",
        {
            "scope": scope,
            "form": form,
            "pipeline": pipeline,
            "day": day,
            "entries": [(row, describe(row)) for row in pipeline.rows],
            "counts": [(state, pipeline.counts[state.value]) for state in PipelineState],
            "query": query.urlencode(),
        },
    )


def _correctable(history: list) -> list:
    """The decisions no later one corrects yet (a correction corrects the newest)."""
    return [d for d in history if not hasattr(d, "superseded_by")]


def _site_page(request, site: Site, *, status: int = 200, **bound):
    """The label file of `site`; `bound` replaces an action's blank form by the submitted one
    (with its errors)."""
    today = timezone.localdate()
    may_act = sites_headed_by(request.user).filter(pk=site.pk).exists()
    pipeline = label_pipeline(sites=Site.objects.filter(pk=site.pk), day=today)
    history = list(label_history(site=site))
    application = (
        LabelApplication.objects.filter(site=site)
        .open()
        .select_related("programme")
        .prefetch_related("audits")
        .order_by("-created_at")
        .first()
    )
    row = pipeline.rows[0]
    forms = {
        "file_form": ApplicationFileForm(initial={"filed_on": today}, prefix="file"),
        "plan_form": AuditPlanForm(prefix="plan"),
        "audit_form": AuditRecordForm(initial={"date": today}, prefix="audit"),
        "withdraw_form": WithdrawForm(initial={"effective_date": today}, prefix="withdraw"),
        "correction_form": CorrectionForm(decisions=_correctable(history), prefix="correction"),
    }
    forms.update(bound)
    return render(
        request,
        "labels/site_label.html",
        {
            "site": site,
            "row": row,
            "state": describe(row),
            "history": history,
            "application": application,
            "may_act": may_act,
            "certifications": Certification.objects.filter(organisation__sites=site).order_by(
                "-granted_on"
            ),
            **forms,
        },
        status=status,
    )


def site_label_view(request, pk: int):
    return _site_page(request, site_get_for_label(user=request.user, pk=pk))


def _act(request, pk: int, form_class, form_name: str, action, form_kwargs=None):
    """Run one label step on a site the user heads: a valid form calls `action(site, data)`
    (a service); a refused step shows the form again with the service's French message."""
    site = site_get_for_label(user=request.user, pk=pk, act=True)
    prefix = form_name.removesuffix("_form")
    form = form_class(request.POST, prefix=prefix, **(form_kwargs(site) if form_kwargs else {}))
    if form.is_valid():
        try:
            message = action(site, form.cleaned_data)
        except LabelError as error:
            form.add_error(None, error.messages[0])
        else:
            messages.success(request, message)
            return redirect("labels:site_label", pk=site.pk)
    return _site_page(request, site, status=400, **{form_name: form})


def _open_application(site: Site, *statuses: str) -> LabelApplication:
    application = LabelApplication.objects.filter(site=site, status__in=statuses).first()
    if application is None:
        raise LabelError(_("Ce point d'accueil n'a pas de candidature à cette étape."))
    return application


@require_POST
def application_file_view(request, pk: int):
    def action(site, data):
        application_file(
            actor=request.user,
            site=site,
            filed_on=data["filed_on"],
            kind=data["kind"],
            source=data["source"],
        )
        return _("Candidature déposée le %(date)s, avec l'autodiagnostic de ce jour.") % {
            "date": french_date(data["filed_on"])
        }

    return _act(request, pk, ApplicationFileForm, "file_form", action)


@require_POST
def audit_plan_view(request, pk: int):
    def action(site, data):
        application = _open_application(site, ApplicationStatus.SUBMITTED)
        audit_start(actor=request.user, application=application, planned_on=data["planned_on"])
        return _("Audit prévu le %(date)s.") % {"date": french_date(data["planned_on"])}

    return _act(request, pk, AuditPlanForm, "plan_form", action)


@require_POST
def audit_record_view(request, pk: int):
    def action(site, data):
        application = _open_application(
            site, ApplicationStatus.SUBMITTED, ApplicationStatus.UNDER_AUDIT
        )
        audit_record(
            actor=request.user,
            application=application,
            auditor=data["auditor"],
            date=data["date"],
            outcome=data["outcome"],
            conclusion=data["conclusion"],
        )
        return _("Audit du %(date)s enregistré.") % {"date": french_date(data["date"])}

    return _act(request, pk, AuditRecordForm, "audit_form", action)


@require_POST
def label_withdraw_view(request, pk: int):
    def action(site, data):
        label_withdraw(
            actor=request.user,
            site=site,
            effective_date=data["effective_date"],
            reason=data["reason"],
            source=_("Retrait décidé par la tête de réseau"),
        )
        return _("Label retiré à compter du %(date)s.") % {
            "date": french_date(data["effective_date"])
        }

    return _act(request, pk, WithdrawForm, "withdraw_form", action)


@require_POST
def decision_correct_view(request, pk: int):
    def decisions(site):
        return {"decisions": _correctable(list(label_history(site=site)))}

    def action(site, data):
        decision = next(d for d in decisions(site)["decisions"] if str(d.pk) == data["decision"])
        decision_correct(
            actor=request.user,
            decision=decision,
            outcome=data["outcome"],
            effective_date=data["effective_date"],
            reason=data["reason"],
        )
        return _("Décision corrigée : l'ancienne reste dans l'historique.")

    return _act(request, pk, CorrectionForm, "correction_form", action, form_kwargs=decisions)


def committee_view(request):
    network = network_get_for_admin(user=request.user, slug=request.GET.get("reseau"))
    applications = (
        LabelApplication.objects.filter(
            status=ApplicationStatus.AUDITED, site__in=Site.objects.in_network(network)
        )
        .select_related("site__commune")
        .order_by("site__name")
    )
    form = CommitteeForm(request.POST or None, applications=applications)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            result = committee_record(
                actor=request.user,
                date=data["date"],
                effective_date=data["effective_date"],
                name=data["name"],
                source=data["source"],
                verdicts=form.verdicts(),
            )
        except LabelError as error:
            form.add_error(None, error.messages[0])
        else:
            messages.success(
                request,
                _(
                    "Comité du %(date)s enregistré : %(decisions)s décision(s), "
                    "%(postponed)s ajournée(s)."
                )
                % {
                    "date": french_date(result.wave.date),
                    "decisions": len(result.decisions),
                    "postponed": len(result.postponed),
                },
            )
            return redirect(f"{reverse('labels:pipeline')}?reseau={network.slug}")
    return render(
        request,
        "labels/committee.html",
        {"network": network, "form": form},
        status=400 if form.errors else 200,
    )


def settings_view(request):
    network = network_get_for_admin(user=request.user, slug=request.GET.get("reseau"))
    settings = pipeline_settings(network, FRANCE_SERVICES)
    organisations = Organisation.objects.in_network(network).order_by("name")
    action = request.POST.get("action") if request.method == "POST" else None
    forms = {
        "settings_form": SettingsForm(
            request.POST if action == "settings" else None,
            initial={
                "renewal_months": settings.renewal_months,
                "warning_days": settings.warning_days,
            },
        ),
        "wave_form": WaveForm(request.POST if action == "wave" else None),
        "certification_form": CertificationForm(
            request.POST if action == "certification" else None, organisations=organisations
        ),
    }
    steps = {
        "settings": lambda d: label_settings_update(actor=request.user, network=network, **d),
        "wave": lambda d: wave_create(actor=request.user, **d),
        "certification": lambda d: certification_record(
            actor=request.user,
            organisation=organisations.get(pk=d.pop("organisation")),
            name="",
            **d,
        ),
    }
    form = forms.get(f"{action}_form")
    if form is not None and form.is_valid():
        try:
            steps[str(action)](dict(form.cleaned_data))
        except LabelError as error:
            form.add_error(None, error.messages[0])
        else:
            messages.success(request, _("Enregistré."))
            return redirect(f"{reverse('labels:settings')}?reseau={network.slug}")
    return render(
        request,
        "labels/settings.html",
        {
            "network": network,
            "waves": Wave.objects.filter(programme__slug=FRANCE_SERVICES).order_by("-date"),
            "certifications": Certification.objects.filter(organisation__in=organisations)
            .select_related("organisation")
            .order_by("organisation__name", "-granted_on"),
            **forms,
        },
        status=400 if form is not None and form.errors else 200,
    )


@pdf_errors
def press_kit_view(request):
    """The press kit draft of the network, DOCX (to edit) or PDF (`format=pdf`): list at a
    date, new ones marked, key figures of a year."""
    network = network_get_for_admin(user=request.user, slug=request.GET.get("reseau"))
    today = timezone.localdate()
    form = PressKitForm(
        request.GET if "on" in request.GET else None,
        initial={"on": today, "year": today.year - 1},
    )
    if not form.is_bound or not form.is_valid():
        return render(
            request,
            "labels/press_kit.html",
            {"network": network, "form": form},
            status=400 if form.errors else 200,
        )
    data = form.cleaned_data
    listing = labelled_sites_list(network=network, on=data["on"], new_since=data["new_since"])
    figures = key_figures(
        scope=scope_get(user=request.user, key=f"network:{network.slug}"),
        period=Period.year(data["year"]),
        labelled_on=data["on"],
    )
    block = key_figures_block(figures)
    name = f"dossier-de-presse-{network.slug}-{data['on']:%Y-%m-%d}"
    if request.GET.get("format") == "pdf":
        context = {"network": network, "listing": listing, "key_block": block}
        content = render_pdf("labels/press_kit_pdf.html", context, request=request)
        return download(content, filename=f"{name}.pdf", content_type=PDF)
    return download(
        press_kit_docx(listing=listing, block=block), filename=f"{name}.docx", content_type=DOCX
    )
