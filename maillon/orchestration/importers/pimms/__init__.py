"""The PIMMS network import: `importing` reads and checks the curated dataset
(maillon/orchestration/data/pimms/), `loaders` writes it once every row has been checked."""

from maillon.orchestration.importers.pimms.importing import (
    DATA_DIR,
    PimmsDatasetError,
    PimmsImportResult,
    pimms_network_import,
)
from maillon.orchestration.importers.pimms.loaders import SITE_FIELDS

__all__ = [
    "DATA_DIR",
    "SITE_FIELDS",
    "PimmsDatasetError",
    "PimmsImportResult",
    "pimms_network_import",
]
