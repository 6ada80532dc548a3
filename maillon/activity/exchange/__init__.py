"""Bulk import and export of visits and requests (CSV or XLSX), one row per request.

Columns (French headers; the English names in brackets are accepted too):

| colonne | contenu |
|---|---|
| passage (visit) | visit id in the file; consecutive rows with one value = one visit |
| point_accueil (site) | Maillon id of the site, or `fs:<id France Services>` |
| date | `AAAA-MM-JJ` or `JJ/MM/AAAA` (local day of the site) |
| heure (time) | `HH:MM`, optional (12:00 if empty) |
| canal (channel) | code or label of the channel |
| tranche_age (age_band) | code or label, optional |
| qpv | oui / non / empty |
| premiere_visite (first_visit) | oui / non / empty |
| duree (duration) | minutes, optional |
| partenaire (partner) | code or name of the partner, optional |
| theme | code or label |
| aide (help) | code or label; empty: the default of the site's network (`ActivityPolicy`) |
| issue (outcome) | code or label; empty: the network's default (none chosen: required) |
| suite (follow_up) | oui / non (default: non) |

A visit is a run of consecutive rows with the same `passage`. The import runs in ONE
transaction: set-based on PostgreSQL (`setbased`: COPY into a staging table, checks by joins),
row by row with batches of `executemany` elsewhere, the rollups updated in the same transaction.
By default any bad row means nothing is written; with `skip_invalid` the visits with a bad row
are left out and their rows are written to a rejects file with the reason.
"""

from maillon.activity.exchange.exporting import export_csv, export_rows, export_xlsx
from maillon.activity.exchange.importing import (
    BATCH_VISITS,
    ImportReport,
    activity_import,
    import_agent,
)
from maillon.activity.exchange.parsing import VisitRow
from maillon.activity.exchange.reading import COLUMNS, iter_rows
from maillon.activity.exchange.writing import BatchWriter, copy_available

__all__ = [
    "BATCH_VISITS",
    "COLUMNS",
    "BatchWriter",
    "ImportReport",
    "VisitRow",
    "activity_import",
    "copy_available",
    "export_csv",
    "export_rows",
    "export_xlsx",
    "import_agent",
    "iter_rows",
]
