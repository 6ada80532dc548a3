"""Desk activity: visits and their requests, outreach acts, workshops, and their daily rollups.

Taxonomies (channel, theme, help given, outcome, outreach place, age band) are data tables with
validity dates, edited by the network head; their starting values come from the data migration
`0002_taxonomies`. No personal data of citizens is stored and a visit has no free-text field.

Rollups (`*DailyRollup`) are kept exactly equal to the fact tables *in the same transaction* as
every write (see `maillon.activity.rollups`): reports read them and never scan the facts.
"""

from maillon.activity.models.facts import (
    OutreachAct,
    OutreachActQuerySet,
    Request,
    Visit,
    VisitQuerySet,
    Workshop,
)
from maillon.activity.models.followups import MAX_REFERENCE_LENGTH, FollowUp, FollowUpQuerySet
from maillon.activity.models.policy import ActivityPolicy
from maillon.activity.models.records import ActivityImport, IdempotencyKey
from maillon.activity.models.referrals import MAX_STRUCTURE_LENGTH, Referral
from maillon.activity.models.rollups import (
    OutreachDailyRollup,
    OutreachMonthlyRollup,
    RequestDailyRollup,
    RequestMonthlyRollup,
    Rollup,
    VisitDailyRollup,
    VisitMonthlyRollup,
    WorkshopDailyRollup,
)
from maillon.activity.models.taxonomies import (
    AgeBand,
    Channel,
    HelpKind,
    Outcome,
    OutreachPlace,
    Taxonomy,
    TaxonomyQuerySet,
    Theme,
)

__all__ = [
    "MAX_REFERENCE_LENGTH",
    "MAX_STRUCTURE_LENGTH",
    "ActivityImport",
    "ActivityPolicy",
    "AgeBand",
    "Channel",
    "FollowUp",
    "FollowUpQuerySet",
    "HelpKind",
    "IdempotencyKey",
    "Outcome",
    "OutreachAct",
    "OutreachActQuerySet",
    "OutreachDailyRollup",
    "OutreachMonthlyRollup",
    "OutreachPlace",
    "Referral",
    "Request",
    "RequestDailyRollup",
    "RequestMonthlyRollup",
    "Rollup",
    "Taxonomy",
    "TaxonomyQuerySet",
    "Theme",
    "Visit",
    "VisitDailyRollup",
    "VisitMonthlyRollup",
    "VisitQuerySet",
    "Workshop",
    "WorkshopDailyRollup",
]
