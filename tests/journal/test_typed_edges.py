"""Edges that the type checker made explicit: a journal entry whose model is gone, the journal's
filter on a content type id, and the typed handles on a form's fields."""

import pytest
from django import forms
from django.contrib.contenttypes.models import ContentType

from maillon.journal.enums import JournalAction
from maillon.journal.models import JournalEntry
from maillon.journal.selectors import JournalFilters, journal_filter
from maillon.network.models import Site
from maillon.web.forms import choice_field, model_choice_field
from maillon.web.journal.forms import JournalFilterForm

pytestmark = pytest.mark.django_db


def test_kind_label_of_an_entry_whose_model_no_longer_exists():
    gone = ContentType.objects.create(app_label="retired", model="oldthing")
    entry = JournalEntry.objects.create(
        action=JournalAction.DELETE, content_type=gone, object_id="1", object_repr="x"
    )
    assert entry.kind_label == "Oldthing"


def test_journal_filter_on_a_content_type_id():
    site_type = ContentType.objects.get_for_model(Site)
    site_entry = JournalEntry.objects.create(
        action=JournalAction.CREATE, content_type=site_type, object_id="1", object_repr="s"
    )
    JournalEntry.objects.create(
        action=JournalAction.CREATE,
        content_type=ContentType.objects.get_for_model(JournalEntry),
        object_id="2",
        object_repr="j",
    )
    form = JournalFilterForm({"kind": str(site_type.pk)}, kinds=[site_type])
    assert form.is_valid(), form.errors
    assert form.cleaned_data["kind"] == site_type.pk
    filtered = journal_filter(JournalEntry.objects.all(), JournalFilters(kind=site_type.pk))
    assert list(filtered) == [site_entry]


class _Form(forms.Form):
    name = forms.CharField()
    kind = forms.ChoiceField(choices=[])
    site = forms.ModelChoiceField(queryset=Site.objects.none())


def test_field_handles_return_the_field_or_refuse_another_class():
    form = _Form()
    assert choice_field(form, "kind") is form.fields["kind"]
    assert choice_field(form, "site") is form.fields["site"]  # a model choice is a choice
    assert model_choice_field(form, "site") is form.fields["site"]
    with pytest.raises(TypeError):
        choice_field(form, "name")
    with pytest.raises(TypeError):
        model_choice_field(form, "kind")
