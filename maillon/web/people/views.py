"""Staff pages of an organisation: employees, contracts, training, exits."""

import datetime

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from maillon.access.selectors import organisation_get
from maillon.accounts.models import User
from maillon.people import services
from maillon.people.models import Employee
from maillon.people.selectors import (
    employee_get,
    employee_history,
    employee_list,
    positive_exit_rate,
)
from maillon.web.network.forms import add_service_errors
from maillon.web.people.forms import ContractForm, EmployeeForm, ExitForm, TrainingForm


def employee_list_view(request, pk: int):
    organisation = organisation_get(user=request.user, pk=pk, manage=True)
    form = EmployeeForm(request.POST or None, organisation=organisation)
    if request.method == "POST" and form.is_valid():
        try:
            employee = services.employee_create(
                actor=request.user, organisation=organisation, data=form.cleaned_data
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Le salarié a été ajouté."))
            return redirect("people:employee_detail", pk=employee.pk)
    year = datetime.date.today().year  # noqa: DTZ011
    return render(
        request,
        "people/employee_list.html",
        {
            "organisation": organisation,
            "tab": "staff",
            "can_manage": True,
            "employees": employee_list(user=request.user, organisation_id=organisation.pk),
            "form": form,
            "year": year,
            "rate": positive_exit_rate(organisations=[organisation.pk], year=year),
            "rate_previous": positive_exit_rate(organisations=[organisation.pk], year=year - 1),
        },
    )


def _ids(name: str) -> str:
    """Ids unique across the page's four forms (a contract's and a training's "start_date"
    would share `id_start_date`, and their labels point at one field)."""
    return f"id_{name}_%s"


def employee_detail_view(request, pk: int):
    employee = employee_get(user=request.user, pk=pk)
    forms_by_name = {
        "employee": EmployeeForm(
            auto_id=_ids("employee"),
            initial={
                "first_name": employee.first_name,
                "last_name": employee.last_name,
                "role": employee.role,
                "sites": list(employee.sites.all()),
            },
            organisation=employee.organisation,
        ),
        "contract": ContractForm(auto_id=_ids("contract")),
        "training": TrainingForm(auto_id=_ids("training")),
        "exit": ExitForm(auto_id=_ids("exit")),
    }
    action = request.POST.get("_form") if request.method == "POST" else None
    if action in forms_by_name:
        form: forms.Form
        if action == "employee":
            form = EmployeeForm(
                request.POST, auto_id=_ids(action), organisation=employee.organisation
            )
        else:
            form = {"contract": ContractForm, "training": TrainingForm, "exit": ExitForm}[action](
                request.POST, auto_id=_ids(action)
            )
        forms_by_name[action] = form
        if form.is_valid():
            try:
                _save(action, request.user, employee, form.cleaned_data)
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("Les informations du salarié ont été enregistrées."))
                return redirect("people:employee_detail", pk=employee.pk)
    history = employee_history(employee=employee)[:100]
    return render(
        request,
        "people/employee_detail.html",
        {
            "employee": employee,
            "organisation": employee.organisation,
            "contracts": employee.contracts.order_by("-start_date"),
            "trainings": employee.trainings.order_by("-start_date"),
            "exits": employee.exits.all(),
            "forms": forms_by_name,
            "history": history,
        },
    )


def _save(action: str, actor: User, employee: Employee, data: dict) -> None:
    if action == "employee":
        services.employee_update(actor=actor, employee=employee, data=data)
    elif action == "contract":
        services.contract_add(actor=actor, employee=employee, data=data)
    elif action == "training":
        services.training_record(actor=actor, employee=employee, data=data)
    else:
        services.exit_record(
            actor=actor, employee=employee, date=data["date"], outcome=data["outcome"]
        )
