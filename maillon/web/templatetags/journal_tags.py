from django import template
from django.core.exceptions import FieldDoesNotExist

register = template.Library()


def _label(model, name: str) -> str:
    if model is None:
        return name
    try:
        field = model._meta.get_field(name)
    except FieldDoesNotExist:
        return name
    if hasattr(field, "verbose_name"):
        return str(field.verbose_name)
    # a reverse relation (a visit's « requests »): the related model's plural name
    return str(field.related_model._meta.verbose_name_plural) if field.related_model else name


@register.filter
def change_lines(entry) -> list[tuple[str, object, object]]:
    """[(field label in French, before, after)] of a journal entry. A name starting with « _ »
    is data kept for the application (e.g. the rows a deletion may restore), not a change."""
    model = entry.content_type.model_class()
    return [
        (_label(model, name), values[0], values[1])
        for name, values in sorted(entry.changes.items())
        if not name.startswith("_")
    ]
