"""The limit of `maillon bench import`: a raw COPY of the same file into an unlogged table of
text columns — what PostgreSQL takes in at best, with no parsing, validation or write."""

import time
from collections.abc import Sequence
from pathlib import Path

from django.db import connection

TABLE = "bench_raw_copy"


def raw_copy_rate(path: Path, columns: Sequence[str], rows: int) -> float:
    """Rows/s of `COPY … FROM STDIN` of the CSV file `path` (`;`-separated, with a header)."""
    names = ", ".join(f'"{column}" text' for column in columns)
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {TABLE}")
        cursor.execute(f"CREATE UNLOGGED TABLE {TABLE} ({names})")
        started = time.perf_counter()
        sql = f"COPY {TABLE} FROM STDIN (FORMAT csv, DELIMITER ';', HEADER true)"
        with cursor.cursor.copy(sql) as copy, path.open("rb") as handle:
            while chunk := handle.read(1 << 20):
                copy.write(chunk)
        elapsed = time.perf_counter() - started
        cursor.execute(f"DROP TABLE {TABLE}")
    return rows / elapsed
