"""Writes of labels: the lifecycle of an application (`lifecycle`), committee sessions and
corrections of decisions (`committee`), a network's label settings, waves and certifications
(`programme`). Every service is keyword-only, atomic, and journals who did what."""

from maillon.labels.services.committee import committee_record, decision_correct
from maillon.labels.services.lifecycle import (
    LabelError,
    application_create,
    application_file,
    application_submit,
    audit_record,
    audit_start,
    date_bounds,
    label_change,
    label_decide,
    label_reinstate,
    label_suspend,
    label_withdraw,
    self_check_snapshot,
)
from maillon.labels.services.programme import (
    certification_record,
    label_settings_for,
    label_settings_update,
    wave_create,
)

__all__ = [
    "LabelError",
    "application_create",
    "application_file",
    "application_submit",
    "audit_record",
    "audit_start",
    "certification_record",
    "committee_record",
    "date_bounds",
    "decision_correct",
    "label_change",
    "label_decide",
    "label_reinstate",
    "label_settings_for",
    "label_settings_update",
    "label_suspend",
    "label_withdraw",
    "self_check_snapshot",
    "wave_create",
]
