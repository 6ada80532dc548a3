"""The Django admin: superusers only (see `site`). Importing the package registers every model
admin; Django's autodiscovery imports it as the `admin` module of the `web` app."""

from maillon.web.admin import (  # noqa: F401
    accounts,
    activity,
    directory,
    geo,
    journal,
    labels,
    network,
)
