"""A network's settings of a label programme, its committee sessions (waves) and the
certifications of its organisations: data the network head keeps, journalled."""

import datetime

from django.db import transaction
from django.utils.translation import gettext as _

from maillon.journal.enums import JournalAction
from maillon.journal.services import Actor, diff, journal_created, journal_record, snapshot
from maillon.labels.enums import FRANCE_SERVICES, DatePrecision
from maillon.labels.models import Certification, LabelProgramme, LabelSettings, Wave
from maillon.labels.services.lifecycle import LabelError, _fmt, date_bounds
from maillon.network.models import Network, Organisation

SETTINGS_FIELDS = ("renewal_months", "warning_days")


def label_settings_for(*, network: Network, programme: str = FRANCE_SERVICES) -> LabelSettings:
    """The network's settings of `programme` (the defaults, unsaved, until it changes them)."""
    found = LabelSettings.objects.filter(network=network, programme__slug=programme).first()
    return found or LabelSettings(
        network=network, programme=LabelProgramme.objects.get(slug=programme)
    )


@transaction.atomic
def label_settings_update(
    *,
    actor: Actor,
    network: Network,
    renewal_months: int,
    warning_days: int,
    programme: str = FRANCE_SERVICES,
) -> LabelSettings:
    if renewal_months < 1 or renewal_months > 240:
        raise LabelError(_("La durée du label doit être comprise entre 1 et 240 mois."))
    if warning_days > 730:
        raise LabelError(_("L'alerte ne peut pas précéder l'échéance de plus de 730 jours."))
    settings = label_settings_for(network=network, programme=programme)
    is_new = settings.pk is None
    before = snapshot(settings, SETTINGS_FIELDS)
    settings.renewal_months, settings.warning_days = renewal_months, warning_days
    settings.save()
    journal_record(
        actor=actor,
        action=JournalAction.CREATE if is_new else JournalAction.UPDATE,
        obj=settings,
        changes=diff({} if is_new else before, snapshot(settings, SETTINGS_FIELDS)),
    )
    return settings


@transaction.atomic
def wave_create(
    *,
    actor: Actor,
    name: str,
    date: datetime.date,
    effective_date: datetime.date | None = None,
    programme: str = FRANCE_SERVICES,
) -> Wave:
    """Announce a committee session (its date, and the date its labels take effect)."""
    programme_obj = LabelProgramme.objects.get(slug=programme)
    if Wave.objects.filter(programme=programme_obj, date=date).exists():
        raise LabelError(
            _("Un comité du %(date)s existe déjà pour ce programme.") % {"date": _fmt(date)}
        )
    if not name.strip():
        raise LabelError(_("Donnez un nom au comité."))
    wave = Wave.objects.create(
        programme=programme_obj, name=name.strip(), date=date, effective_date=effective_date
    )
    journal_created(actor=actor, obj=wave, fields=("name", "date", "effective_date"))
    return wave


@transaction.atomic
def certification_record(
    *,
    actor: Actor,
    organisation: Organisation,
    standard: str,
    name: str,
    certifier: str,
    granted_on: datetime.date,
    source: str,
    valid_until: datetime.date | None = None,
    precision: str = DatePrecision.DAY,
    granted_latest: datetime.date | None = None,
) -> Certification:
    """A dated certification of an organisation (AFNOR XP X60-600, MSAP recognition…)."""
    start, end = date_bounds(precision=precision, day=granted_on, latest=granted_latest)
    if valid_until is not None and valid_until < end:
        raise LabelError(
            _("L'échéance (%(until)s) précède l'obtention (%(granted)s).")
            % {"until": _fmt(valid_until), "granted": _fmt(end)}
        )
    if not standard.strip() or not source.strip():
        raise LabelError(_("Le référentiel et la source sont obligatoires."))
    if Certification.objects.filter(
        organisation=organisation, standard=standard.strip(), granted_on=start
    ).exists():
        raise LabelError(_("Cette certification est déjà enregistrée à cette date."))
    certification = Certification.objects.create(
        organisation=organisation,
        standard=standard.strip(),
        name=name.strip() or standard.strip(),
        certifier=certifier.strip(),
        granted_on=start,
        granted_latest=end,
        precision=precision,
        valid_until=valid_until,
        source=source.strip(),
    )
    journal_created(
        actor=actor,
        obj=certification,
        fields=("standard", "name", "certifier", "granted_on", "valid_until", "source"),
    )
    return certification
