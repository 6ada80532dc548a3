from django import template
from django.core.exceptions import FieldDoesNotExist

register = template.Library()


def _label(model, name: str) -> str:
    if model is None:
        return name
    try:
        return str(model._meta.get_field(name).verbose_name)
    except FieldDoesNotExist:
        return name


@register.filter
def change_lines(entry) -> list[tuple[str, object, object]]:
    """[(field label in French, before, after)] of a journal entry."""
    model = entry.content_type.model_class()
    return [
        (_label(model, name), values[0], values[1])
        for name, values in sorted(entry.changes.items())
    ]
