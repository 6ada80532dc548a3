"""Typed handles on a form's fields, shared by the back office's forms.

`form.fields` maps names to `forms.Field`; a form's `__init__` that narrows the choices or the
queryset of one of them needs the field's real class. These return it, checked at run time, so
a field renamed or retyped in a form fails loudly where it is set up."""

from django import forms


def choice_field(form: forms.BaseForm, name: str) -> forms.ChoiceField:
    field = form.fields[name]
    if not isinstance(field, forms.ChoiceField):
        raise TypeError(f"{type(form).__name__}.{name} is not a choice field")
    return field


def model_choice_field(form: forms.BaseForm, name: str) -> forms.ModelChoiceField:
    field = form.fields[name]
    if not isinstance(field, forms.ModelChoiceField):
        raise TypeError(f"{type(form).__name__}.{name} is not a model choice field")
    return field
