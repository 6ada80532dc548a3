"""Stamps of the tables whose contents the search keeps in memory: a few figures that change
when a row is added, removed or (for the sites) saved, read with one statement of scalar
subqueries that each use an index alone (`COUNT(*)` on an index, `MAX` at the end of one),
written in SQL because the query compiler would cost more than the statement itself."""

from django.db import connection

from maillon.labels.models import LabelDecision
from maillon.network.models import Site


def _scalars(*subqueries: str, params: tuple = ()) -> tuple:
    with connection.cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(f"({sql})" for sql in subqueries), params)
        return tuple(cursor.fetchone())


def label_decisions_stamp() -> tuple:
    """Count, last id and last recording time of the label decisions."""
    table = connection.ops.quote_name(LabelDecision._meta.db_table)
    return _scalars(
        f"SELECT COUNT(*) FROM {table}",  # noqa: S608 - a model's table name, no input
        f"SELECT MAX(id) FROM {table}",  # noqa: S608
        f"SELECT MAX(created_at) FROM {table}",  # noqa: S608
    )


def public_sites_stamp() -> tuple:
    """Count and last change of the public sites (every write of a site sets `updated_at`)."""
    table = connection.ops.quote_name(Site._meta.db_table)
    return _scalars(
        f"SELECT COUNT(*) FROM {table} WHERE is_public = %s",  # noqa: S608
        f"SELECT MAX(updated_at) FROM {table} WHERE is_public = %s",  # noqa: S608
        params=(True, True),
    )
