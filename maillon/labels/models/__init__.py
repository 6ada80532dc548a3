"""Labels as history: programmes, committee waves and dated decisions on sites
(`history`); certifications, a network's label settings and printed lists (`documents`)."""

from maillon.labels.models.documents import (
    Certification,
    CertificationQuerySet,
    LabelSettings,
    Publication,
    PublicationEntry,
)
from maillon.labels.models.history import (
    Audit,
    AuditResult,
    Criterion,
    CriterionQuerySet,
    DecisionIsPermanent,
    LabelApplication,
    LabelApplicationQuerySet,
    LabelDecision,
    LabelDecisionQuerySet,
    LabelProgramme,
    Wave,
)

__all__ = [
    "Audit",
    "AuditResult",
    "Certification",
    "CertificationQuerySet",
    "Criterion",
    "CriterionQuerySet",
    "DecisionIsPermanent",
    "LabelApplication",
    "LabelApplicationQuerySet",
    "LabelDecision",
    "LabelDecisionQuerySet",
    "LabelProgramme",
    "LabelSettings",
    "Publication",
    "PublicationEntry",
    "Wave",
]
