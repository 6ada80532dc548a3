"""Writes of the back-office on organisations, sites, hours, stops, partners and agreements.

Each service is atomic, validates, saves and journals. Site writes use optimistic locking on
`Site.version`: the caller passes the version it read, and a site changed meanwhile is refused
with `ConcurrentModification` — nothing is overwritten.
"""

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from maillon.geo.models import Commune
from maillon.geo.selectors import communes_for_postal_code
from maillon.journal.enums import JournalAction
from maillon.journal.services import Actor, created, diff, journal_created, journal_record, snapshot
from maillon.network import hours
from maillon.network.models import Agreement, Organisation, Partner, Site, Stop

ORGANISATION_FIELDS = ("name", "siret", "kind", "address", "commune", "website", "email", "phone")
SITE_FIELDS = (
    "name",
    "kind",
    "address",
    "address_complement",
    "postal_code",
    "commune",
    "latitude",
    "longitude",
    "phone",
    "email",
    "appointment_url",
    "appointment_required",
    "public_note",
    "wheelchair_accessible",
    "is_public",
)
STOP_FIELDS = ("commune", "place", "latitude", "longitude", "schedule")
PARTNER_FIELDS = (
    *("code", "name", "short_name", "kind", "valid_from", "valid_until", "website"),
    "owner",
)
AGREEMENT_FIELDS = ("partner", "site", "organisation", "start_date", "end_date", "scope")


class ConcurrentModification(Exception):
    """The site was saved by someone else since the editor read it."""


def _apply(obj, data: dict[str, Any], fields: tuple[str, ...]) -> None:
    for name in fields:
        if name in data:
            setattr(obj, name, data[name])


def _default_coordinates(obj: Site | Stop) -> None:
    """A place without coordinates is put at the centre of its commune (adjustable later)."""
    if obj.commune is not None and (obj.latitude is None or obj.longitude is None):
        obj.latitude, obj.longitude = obj.commune.latitude, obj.commune.longitude


def _check_commune(postal_code: str, commune: Commune | None) -> None:
    if commune is None or not postal_code:
        return
    if commune.pk not in {c.pk for c in communes_for_postal_code(postal_code=postal_code)}:
        raise ValidationError(
            {
                "commune": _("La commune %(commune)s ne correspond pas au code postal %(cp)s.")
                % {"commune": commune.name, "cp": postal_code}
            }
        )


@transaction.atomic
def organisation_update(
    *, actor: Actor, organisation: Organisation, data: dict[str, Any]
) -> Organisation:
    # a ModelForm may have changed the instance already: compare with the stored row
    before = snapshot(Organisation.objects.get(pk=organisation.pk), ORGANISATION_FIELDS)
    _apply(organisation, data, ORGANISATION_FIELDS)
    organisation.full_clean()
    organisation.save()
    journal_record(
        actor=actor,
        action=JournalAction.UPDATE,
        obj=organisation,
        changes=diff(before, snapshot(organisation, ORGANISATION_FIELDS)),
    )
    return organisation


def _save_site_locked(*, site: Site, expected_version: int, fields: tuple[str, ...]) -> None:
    """UPDATE … WHERE version = expected: 0 rows means someone saved in between."""
    columns = {field.name: field.attname for field in Site._meta.concrete_fields}
    values = {columns[name]: getattr(site, columns[name]) for name in fields}
    updated = Site.objects.filter(pk=site.pk, version=expected_version).update(
        **values, version=F("version") + 1, updated_at=timezone.now()
    )
    if not updated:
        raise ConcurrentModification
    site.version = expected_version + 1


@transaction.atomic
def site_update(*, actor: Actor, site: Site, data: dict[str, Any], expected_version: int) -> Site:
    """Change a site's identity, address and contact. Coordinates default to the commune's."""
    current = Site.objects.select_for_update().get(pk=site.pk)
    if current.version != expected_version:
        raise ConcurrentModification
    before = snapshot(current, SITE_FIELDS)
    _apply(current, data, SITE_FIELDS)
    _check_commune(current.postal_code, current.commune)
    _default_coordinates(current)
    current.full_clean(exclude=["version"])
    _save_site_locked(site=current, expected_version=expected_version, fields=SITE_FIELDS)
    journal_record(
        actor=actor,
        action=JournalAction.UPDATE,
        obj=current,
        changes=diff(before, snapshot(current, SITE_FIELDS)),
    )
    return current


@transaction.atomic
def site_create(*, actor: Actor, organisation: Organisation, data: dict[str, Any]) -> Site:
    site = Site(organisation=organisation)
    _apply(site, data, SITE_FIELDS)
    _check_commune(site.postal_code, site.commune)
    _default_coordinates(site)
    site.full_clean()
    site.save()
    journal_created(actor=actor, obj=site, fields=SITE_FIELDS)
    return site


@transaction.atomic
def site_hours_set(*, actor: Actor, site: Site, expression: str, expected_version: int) -> Site:
    """Store new opening hours (OSM syntax, already validated by the editor)."""
    hours.parse(expression)  # raises HoursError with a French message
    current = Site.objects.select_for_update().get(pk=site.pk)
    if current.version != expected_version:
        raise ConcurrentModification
    before = current.opening_hours
    current.opening_hours = expression
    _save_site_locked(site=current, expected_version=expected_version, fields=("opening_hours",))
    journal_record(
        actor=actor,
        action=JournalAction.UPDATE,
        obj=current,
        changes={"opening_hours": [before, expression]} if before != expression else {},
    )
    return current


@transaction.atomic
def site_confirm(*, actor: Actor, site: Site) -> Site:
    """Record that a manager checked the site's public information today (one click, no
    version: confirming changes none of the information itself)."""
    current = Site.objects.select_for_update().get(pk=site.pk)
    before, today = current.info_confirmed_on, timezone.localdate()
    Site.objects.filter(pk=current.pk).update(info_confirmed_on=today)
    current.info_confirmed_on = today
    journal_record(
        actor=actor,
        action=JournalAction.UPDATE,
        obj=current,
        changes={"info_confirmed_on": [before, today]},
        note="Informations publiques confirmées",
    )
    return current


def _check_stop(site: Site, commune: Commune, schedule: str) -> None:
    errors = {}
    home = site.commune
    if home is not None and home.region_id and commune.region_id != home.region_id:
        errors["commune"] = _(
            "%(commune)s est hors de la région du point d'accueil (%(region)s)."
        ) % {"commune": commune.name, "region": home.region.name}
    try:
        hours.parse(schedule)
    except hours.HoursError as exc:
        errors["schedule"] = str(exc)
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def stop_create(*, actor: Actor, site: Site, data: dict[str, Any]) -> Stop:
    stop = Stop(site=site)
    _apply(stop, data, STOP_FIELDS)
    _check_stop(site, stop.commune, stop.schedule)
    _default_coordinates(stop)
    stop.full_clean()
    stop.save()
    journal_created(actor=actor, obj=stop, fields=STOP_FIELDS)
    return stop


@transaction.atomic
def stop_update(*, actor: Actor, stop: Stop, data: dict[str, Any]) -> Stop:
    before = snapshot(stop, STOP_FIELDS)
    _apply(stop, data, STOP_FIELDS)
    _check_stop(stop.site, stop.commune, stop.schedule)
    stop.full_clean()
    stop.save()
    journal_record(
        actor=actor,
        action=JournalAction.UPDATE,
        obj=stop,
        changes=diff(before, snapshot(stop, STOP_FIELDS)),
    )
    return stop


@transaction.atomic
def stop_delete(*, actor: Actor, stop: Stop) -> None:
    before = snapshot(stop, STOP_FIELDS)
    journal_record(
        actor=actor,
        action=JournalAction.DELETE,
        obj=stop,
        changes={name: [value, None] for name, value in before.items()},
    )
    stop.delete()


@transaction.atomic
def partner_save(*, actor: Actor, partner: Partner | None, data: dict[str, Any]) -> Partner:
    """Create (partner=None) or update a partner. The caller fetched it through
    `partners_editable_by` and offered as owner only the networks the actor administers."""
    creating = partner is None
    partner = partner or Partner()
    before = {} if creating else snapshot(Partner.objects.get(pk=partner.pk), PARTNER_FIELDS)
    _apply(partner, data, PARTNER_FIELDS)
    partner.full_clean()
    partner.save()
    after = snapshot(partner, PARTNER_FIELDS)
    journal_record(
        actor=actor,
        action=JournalAction.CREATE if creating else JournalAction.UPDATE,
        obj=partner,
        changes=created(after) if creating else diff(before, after),
    )
    return partner


def _check_agreement(agreement: Agreement) -> None:
    partner = agreement.partner
    start, end = agreement.start_date, agreement.end_date
    errors = {}
    if end and start and end < start:
        errors["end_date"] = _("La fin de la convention doit suivre son début.")
    if partner.valid_until and start and start > partner.valid_until:
        errors["start_date"] = _("Ce partenaire n'est plus valable depuis le %(date)s.") % {
            "date": partner.valid_until.strftime("%d/%m/%Y")
        }
    if partner.valid_from and end and end < partner.valid_from:
        errors["end_date"] = _("Ce partenaire n'est valable qu'à partir du %(date)s.") % {
            "date": partner.valid_from.strftime("%d/%m/%Y")
        }
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def agreement_save(
    *, actor: Actor, agreement: Agreement | None, site: Site, data: dict[str, Any]
) -> Agreement:
    """Create (agreement=None) or update a site's agreement with a partner."""
    creating = agreement is None
    agreement = agreement or Agreement(site=site)
    return _agreement_write(actor=actor, agreement=agreement, creating=creating, data=data)


@transaction.atomic
def _agreement_write(
    *, actor: Actor, agreement: Agreement, creating: bool, data: dict[str, Any]
) -> Agreement:
    before = {} if creating else snapshot(Agreement.objects.get(pk=agreement.pk), AGREEMENT_FIELDS)
    _apply(agreement, data, ("partner", "start_date", "end_date", "scope"))
    _check_agreement(agreement)
    agreement.full_clean()
    agreement.save()
    after = snapshot(agreement, AGREEMENT_FIELDS)
    journal_record(
        actor=actor,
        action=JournalAction.CREATE if creating else JournalAction.UPDATE,
        obj=agreement,
        changes=created(after) if creating else diff(before, after),
    )
    return agreement
