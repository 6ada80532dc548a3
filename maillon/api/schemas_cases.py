"""The schemas of the partner scorecard (`maillon.reports.cases`): the partner report and the
scorecard endpoint answer the same shapes."""

from ninja import Field, Schema


class CaseFiguresOut(Schema):
    sent: int = Field(..., description="Dossiers transmis pendant la période.")
    answer_owed: int = Field(
        ...,
        description="Dossiers dont la première réponse était due : répondus, ou sans réponse "
        "après leur échéance.",
    )
    answered_on_time: int = Field(
        ..., description="Première réponse du référent au plus tard le jour de son échéance."
    )
    answered_on_time_rate: float | None = Field(
        None, description="answered_on_time / answer_owed, en pourcentage (66.7)."
    )
    median_first_answer_days: float | None = Field(
        None, description="Délai médian de première réponse, en jours ouvrés."
    )
    median_resolution_days: float | None = Field(
        None, description="Délai médian jusqu'au « traité », en jours ouvrés."
    )
    rated: int = Field(..., description="Dossiers clos avec un avis d'utilité.")
    useful: int = Field(..., description="Dossiers clos jugés « utiles pour l'usager ».")
    useful_rate: float | None = Field(None, description="useful / rated, en pourcentage.")
    rerouted: int = Field(..., description="Dossiers réorientés (mauvais partenaire).")


class ScoreRowOut(Schema):
    key: str = Field(..., description="Id du partenaire ou du point d'accueil, code INSEE.")
    label: str
    figures: CaseFiguresOut
    previous: CaseFiguresOut = Field(..., description="La période précédente.")


class ScoreGroupingOut(Schema):
    code: str = Field(..., description="partners, departments ou sites.")
    title: str
    rows: list[ScoreRowOut]


class CaseScorecardOut(Schema):
    scope: str | None = None
    scope_label: str | None = None
    period: str
    previous_period: str
    total: CaseFiguresOut
    previous_total: CaseFiguresOut
    network: CaseFiguresOut | None = Field(
        None, description="Le même partenaire sur les points d'accueil du réseau."
    )
    groupings: list[ScoreGroupingOut]
