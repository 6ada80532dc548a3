"""Retention: the personal data of a case is erased N months after its closure (the network's
`CasePolicy.retention_months`, 6 by default).

Erased: the `PERSONAL_FIELDS` (description and identifiers), every message body (replaced by a
neutral text), the attachment files (deleted from storage) and their rows. Kept, so figures
survive: partner, site, subject, dates, status, answer, usefulness, due day, the thread's
shape (who wrote, when). Each erasure is journaled without the erased values.
"""

import calendar
import datetime
import logging
from collections.abc import Callable, Iterable

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from maillon.cases.deadlines import case_policy_for_site, local_day
from maillon.cases.enums import CaseStatus
from maillon.cases.models import PERSONAL_FIELDS, Case, CaseAttachment, CaseMessage, CasePolicy
from maillon.journal.enums import JournalAction
from maillon.journal.services import journal_record

logger = logging.getLogger("maillon.cases")


def erased_message_body() -> str:
    return _("Message effacé après la durée de conservation.")


def months_later(day: datetime.date, months: int) -> datetime.date:
    """The same day `months` later (the month's last day when that month is shorter)."""
    year, month = divmod(day.year * 12 + day.month - 1 + months, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return datetime.date(year, month + 1, min(day.day, last))


def erasure_day(case: Case, policy: CasePolicy) -> datetime.date | None:
    """The first day the case's personal data may be erased: its closure day (in the site's
    time zone) plus the retention months."""
    if case.closed_at is None:
        return None
    return months_later(local_day(case.site, case.closed_at), policy.retention_months)


def cases_to_erase(day: datetime.date) -> list[Case]:
    """Closed, not yet erased cases whose retention ended on or before `day`."""
    policies: dict[int, CasePolicy] = {}
    due = []
    candidates = (
        Case.objects.filter(status=CaseStatus.CLOSED, erased_at__isnull=True)
        .select_related("site__commune", "site__organisation", "partner")
        .order_by("closed_at", "pk")
    )
    for case in candidates:
        if case.site_id not in policies:
            policies[case.site_id] = case_policy_for_site(case.site, on=day)
        erase_on = erasure_day(case, policies[case.site_id])
        if erase_on is not None and erase_on <= day:
            due.append(case)
    return due


def case_erasure_summary(case: Case) -> dict[str, int]:
    """What erasing the case would remove: fields filled, messages, attachment files."""
    return {
        "fields": sum(1 for name in PERSONAL_FIELDS if getattr(case, name)),
        "messages": CaseMessage.objects.filter(case=case).count(),
        "attachments": CaseAttachment.objects.filter(case=case).count(),
    }


def case_erase(case: Case) -> dict[str, int]:
    """Erase one case's personal data (atomic: a storage failure rolls it back)."""
    with transaction.atomic():
        case = Case.objects.select_for_update().get(pk=case.pk)
        if case.erased_at is not None:
            return {"fields": 0, "messages": 0, "attachments": 0}
        summary = case_erasure_summary(case)
        for name in PERSONAL_FIELDS:
            setattr(case, name, "")
        case.erased_at = timezone.now()
        case.save(update_fields=[*PERSONAL_FIELDS, "erased_at"])
        CaseMessage.objects.filter(case=case).update(body=erased_message_body())
        attachments = list(CaseAttachment.objects.filter(case=case))
        names = [a.file.name for a in attachments if a.file.name]
        storage = CaseAttachment._meta.get_field("file").storage
        CaseAttachment.objects.filter(pk__in=[a.pk for a in attachments]).delete()
        journal_record(
            actor=None,
            action=JournalAction.UPDATE,
            obj=case,
            # names and counts only: the erased values are never written anywhere
            changes={
                "erased_at": [None, case.erased_at],
                **{k: [v, 0] for k, v in summary.items()},
            },
            note=_("Données personnelles effacées (durée de conservation)"),
            site_id=case.site_id,
        )
        # last: a file that cannot be deleted rolls the erasure back, and the job retries
        for name in names:
            storage.delete(name)
    return summary


def cases_erase(cases: Iterable[Case], *, progress: Callable[[Case], None] | None = None) -> int:
    """Erase each case; `progress(case)` after each one. The number erased."""
    erased = 0
    for case in cases:
        case_erase(case)
        erased += 1
        if progress is not None:
            progress(case)
    return erased
