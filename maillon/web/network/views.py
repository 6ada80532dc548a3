"""Back-office pages: organisations, sites, opening hours, stops, agreements, partners.

Every page fetches through a selector that applies the user's permissions: a foreign id is a
404, exactly like a missing one. Writes go through `maillon.network.services`.
"""

from collections.abc import Callable

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.forms.utils import ErrorDict
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from maillon.access.rules import (
    is_network_admin,
    organisations_managed_by,
    partners_editable_by,
)
from maillon.access.selectors import (
    organisation_get,
    organisation_list,
    site_can_manage,
    site_get,
    site_get_managed,
    site_list,
)
from maillon.geo.models import Department
from maillon.geo.selectors import communes_for_postal_code
from maillon.journal.selectors import journal_for_object, journal_for_organisation, journal_for_site
from maillon.labels.selectors import label_history
from maillon.network import hours, services
from maillon.network.hours_editor import editor_from_osm, weekly_total
from maillon.network.models import Site, Stop
from maillon.network.selectors import (
    agreement_get_managed,
    partner_list,
    site_agreements,
    site_hours_status,
    stop_get_managed,
)
from maillon.web.network.forms import (
    AgreementForm,
    HoursEditorForm,
    OrganisationForm,
    PartnerForm,
    SiteForm,
    StopForm,
    add_service_errors,
)


def _modified_meanwhile() -> str:
    return _(
        "Ce point d'accueil a été modifié entre-temps par quelqu'un d'autre : vos changements "
        "n'ont pas été enregistrés. Rechargez la page pour voir la version actuelle, puis "
        "refaites vos modifications."
    )


def _refresh_only(request, form) -> bool:
    """Without JavaScript, "Chercher les communes" re-displays the form with the communes of
    the postal code typed, without validating nor saving anything."""
    if request.method == "POST" and "_communes" in request.POST:
        form._errors = ErrorDict()
        return True
    return False


def _submit(request, form, save: Callable[[dict], object], message: str) -> bool:
    """The POST half of every back-office form: validate, call the service, put its errors at
    the fields (a site saved meanwhile is a form-level error). True once saved."""
    if request.method != "POST" or _refresh_only(request, form) or not form.is_valid():
        return False
    try:
        save(form.cleaned_data)
    except services.ConcurrentModification:
        form.add_error(None, _modified_meanwhile())
    except hours.HoursError as error:
        form.add_error(None, str(error))
    except ValidationError as error:
        add_service_errors(form, error)
    else:
        messages.success(request, message)
        return True
    return False


# --- sites ------------------------------------------------------------------------------------


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


def _site_context(request, site, tab: str) -> dict:
    return {"site": site, "tab": tab, "can_manage": site_can_manage(user=request.user, site=site)}


def site_detail_view(request, pk: int):
    site = site_get(user=request.user, pk=pk)
    stops = list(site.stops.select_related("commune"))
    return render(
        request,
        "network/site_detail.html",
        {
            **_site_context(request, site, "detail"),
            "hours": site_hours_status(site, at=timezone.now()),
            "decisions": label_history(site=site),
            "stops": stops,
            "agreements": site_agreements(site=site),
        },
    )


def communes_options_view(request):
    """htmx: the <option>s of the communes served by a postal code."""
    postal_code = (request.GET.get("postal_code") or request.GET.get("code_postal") or "").strip()
    communes = communes_for_postal_code(postal_code=postal_code) if len(postal_code) == 5 else []
    return render(request, "network/_commune_options.html", {"communes": communes})


def site_edit_view(request, pk: int):
    site = site_get_managed(user=request.user, pk=pk)
    form = SiteForm(request.POST or None, instance=site)

    def save(data: dict) -> None:
        services.site_update(
            actor=request.user,
            site=site,
            data={k: v for k, v in data.items() if k != "version"},
            expected_version=data["version"],
        )

    if _submit(request, form, save, _("Le point d'accueil a été enregistré.")):
        return redirect("network:site_detail", pk=site.pk)
    return render(
        request, "network/site_form.html", {**_site_context(request, site, "edit"), "form": form}
    )


def _hours_preview(form: HoursEditorForm) -> dict:
    if not form.is_valid():
        return {"preview_errors": True}
    return _preview(form.expression, form.editor)


def _preview(expression: str, editor) -> dict:
    if not expression or not hours.is_valid(expression):
        return {}
    return {
        "preview_summary": hours.render_french(expression),
        "preview_lines": hours.render_french_lines(expression),
        "preview_total": hours.duration_french(weekly_total(editor)),
        "preview_exceptions": editor.exceptions,
        "preview_expression": expression,
    }


def site_hours_view(request, pk: int):
    """The opening-hours editor: a usual week, public holidays and dated exceptions."""
    site = site_get_managed(user=request.user, pk=pk)
    editor = editor_from_osm(site.opening_hours)
    if request.method == "POST":
        form = HoursEditorForm(request.POST)
        if "_more" in request.POST:  # more exception rows, nothing saved
            form = HoursEditorForm(request.POST, exception_rows=form.exception_rows + 3)
        elif "_preview" not in request.POST and _submit(
            request,
            form,
            lambda data: services.site_hours_set(
                actor=request.user,
                site=site,
                expression=form.expression,
                expected_version=data["version"],
            ),
            _("Les horaires ont été enregistrés."),
        ):
            return redirect("network:site_detail", pk=site.pk)
        preview = _hours_preview(form)
    else:
        form = HoursEditorForm(initial=HoursEditorForm.initial_from(editor, site.version))
        preview = _preview(site.opening_hours, editor)
    return render(
        request,
        "network/site_hours.html",
        {
            **_site_context(request, site, "hours"),
            "form": form,
            "unsupported": editor.unsupported,
            **preview,
        },
    )


@require_POST
def site_hours_preview_view(request, pk: int):
    """htmx: the French rendering and weekly total of the hours being typed."""
    site_get_managed(user=request.user, pk=pk)
    form = HoursEditorForm(request.POST)
    return render(request, "network/_hours_preview.html", {"form": form, **_hours_preview(form)})


def site_history_view(request, pk: int):
    site = site_get_managed(user=request.user, pk=pk)
    page = Paginator(journal_for_site(site_id=site.pk), 100).get_page(request.GET.get("page"))
    return render(
        request,
        "network/site_history.html",
        {**_site_context(request, site, "history"), "page": page},
    )


# --- stops ------------------------------------------------------------------------------------


def _stop_data(data: dict) -> dict:
    return {"commune": data["commune"], "place": data["place"], "schedule": data["schedule"]}


def _stops(site: Site) -> list[Stop]:
    return list(site.stops.select_related("commune"))


def stop_list_view(request, pk: int):
    site = site_get_managed(user=request.user, pk=pk)
    form = StopForm(request.POST or None)

    def save(data: dict) -> None:
        services.stop_create(actor=request.user, site=site, data=_stop_data(data))

    if _submit(request, form, save, _("L'arrêt a été ajouté.")):
        return redirect("network:stop_list", pk=site.pk)
    return render(
        request,
        "network/stop_list.html",
        {**_site_context(request, site, "stops"), "form": form, "stops": _stops(site)},
    )


def stop_edit_view(request, pk: int, stop_pk: int):
    site = site_get_managed(user=request.user, pk=pk)
    stop = stop_get_managed(site=site, pk=stop_pk)
    if request.method == "POST":
        form = StopForm(request.POST, current=stop.commune)
    else:
        form = StopForm(initial=StopForm.initial_from(stop), current=stop.commune)

    def save(data: dict) -> None:
        services.stop_update(actor=request.user, stop=stop, data=_stop_data(data))

    if _submit(request, form, save, _("L'arrêt a été modifié.")):
        return redirect("network:stop_list", pk=site.pk)
    return render(
        request,
        "network/stop_form.html",
        {**_site_context(request, site, "stops"), "form": form, "stop": stop},
    )


@require_POST
def stop_delete_view(request, pk: int, stop_pk: int):
    site = site_get_managed(user=request.user, pk=pk)
    stop = stop_get_managed(site=site, pk=stop_pk)
    services.stop_delete(actor=request.user, stop=stop)
    messages.success(request, _("L'arrêt a été supprimé."))
    return redirect("network:stop_list", pk=site.pk)


# --- agreements -------------------------------------------------------------------------------


def agreement_list_view(request, pk: int, agreement_pk: int | None = None):
    """The site's agreements with the form to add one, or (agreement_pk) to change one."""
    site = site_get_managed(user=request.user, pk=pk)
    agreement = agreement_get_managed(site=site, pk=agreement_pk) if agreement_pk else None
    form = AgreementForm(request.POST or None, instance=agreement)

    def save(data: dict) -> None:
        services.agreement_save(actor=request.user, agreement=agreement, site=site, data=data)

    message = _("La convention a été modifiée.") if agreement else _("La convention a été ajoutée.")
    if _submit(request, form, save, message):
        return redirect("network:agreement_list", pk=site.pk)
    return render(
        request,
        "network/agreement_form.html" if agreement else "network/agreement_list.html",
        {
            **_site_context(request, site, "agreements"),
            "form": form,
            "agreement": agreement,
            "agreements": site_agreements(site=site),
        },
    )


# --- organisations ----------------------------------------------------------------------------


def organisation_list_view(request):
    return render(
        request,
        "network/organisation_list.html",
        {"organisations": organisation_list(user=request.user)},
    )


def _organisation_context(request, organisation, tab: str) -> dict:
    return {
        "organisation": organisation,
        "tab": tab,
        "can_manage": organisations_managed_by(request.user).filter(pk=organisation.pk).exists(),
    }


def organisation_detail_view(request, pk: int):
    organisation = organisation_get(user=request.user, pk=pk)
    sites = organisation.sites.with_geography().order_by("name")
    return render(
        request,
        "network/organisation_detail.html",
        {**_organisation_context(request, organisation, "detail"), "sites": sites},
    )


def organisation_edit_view(request, pk: int):
    organisation = organisation_get(user=request.user, pk=pk, manage=True)
    form = OrganisationForm(request.POST or None, instance=organisation)

    def save(data: dict) -> None:
        data = {k: v for k, v in data.items() if k != "postal_code"}
        services.organisation_update(actor=request.user, organisation=organisation, data=data)

    if _submit(request, form, save, _("La structure a été enregistrée.")):
        return redirect("network:organisation_detail", pk=organisation.pk)
    return render(
        request,
        "network/organisation_form.html",
        {**_organisation_context(request, organisation, "edit"), "form": form},
    )


def organisation_history_view(request, pk: int):
    organisation = organisation_get(user=request.user, pk=pk, manage=True)
    entries = journal_for_organisation(organisation_id=organisation.pk)
    page = Paginator(entries, 100).get_page(request.GET.get("page"))
    return render(
        request,
        "network/organisation_history.html",
        {**_organisation_context(request, organisation, "history"), "page": page},
    )


def site_create_view(request, pk: int):
    organisation = organisation_get(user=request.user, pk=pk, manage=True)
    form = SiteForm(request.POST or None, initial={"version": 1})
    created = []

    def save(data: dict) -> None:
        data = {k: v for k, v in data.items() if k != "version"}
        created.append(
            services.site_create(actor=request.user, organisation=organisation, data=data)
        )

    if _submit(request, form, save, _("Le point d'accueil a été créé.")):
        return redirect("network:site_detail", pk=created[0].pk)
    return render(
        request,
        "network/site_create.html",
        {**_organisation_context(request, organisation, "detail"), "form": form},
    )


# --- partners (network head) ------------------------------------------------------------------


def _require_network_admin(request: HttpRequest) -> None:
    if not is_network_admin(request.user):
        raise Http404


def partner_list_view(request):
    _require_network_admin(request)
    editable = set(partners_editable_by(request.user).values_list("pk", flat=True))
    return render(
        request, "network/partner_list.html", {"partners": partner_list(), "editable": editable}
    )


def partner_edit_view(request, pk: int | None = None) -> HttpResponse:
    _require_network_admin(request)
    partner = None
    if pk is not None:
        # a shared partner, or another network's, answers like a missing one
        partner = partners_editable_by(request.user).filter(pk=pk).first()
        if partner is None:
            raise Http404
    form = PartnerForm(request.POST or None, instance=partner, user=request.user)

    def save(data: dict) -> None:
        services.partner_save(actor=request.user, partner=partner, data=data)

    if _submit(request, form, save, _("Le partenaire a été enregistré.")):
        return redirect("network:partner_list")
    history = journal_for_object(obj=partner) if partner else []
    return render(
        request,
        "network/partner_form.html",
        {"form": form, "partner": partner, "history": history},
    )
