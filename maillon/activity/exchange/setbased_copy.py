"""The set-based import's staging of a plain CSV file (`reading.plain_csv`): PostgreSQL parses
it (`COPY … (FORMAT csv)`), fed the file's lines by large chunks, each line prefixed by Python
with its line number, run, position and first-row texts (`SetBasedImport._copy_rows` computes
the same from `iter_columns`): Python splits each line but parses, strips and quotes nothing.
Anything PostgreSQL refuses (a row of another width, bytes that are not UTF-8, a NUL) rolls back
to a savepoint: the caller then reads the file row by row."""

from collections.abc import Iterator
from pathlib import Path

import psycopg

from maillon.activity.exchange.reading import CHUNK, COLUMNS, PlainCsv

SAVEPOINT = "maillon_import_csv"


def copy_plain_csv(
    cursor, path: Path, plan: PlainCsv, rows: str, head: tuple[str, ...]
) -> int | None:
    """Stage the file into `rows` (line, run, pos, COLUMNS with '' as default, h_ of `head`):
    the number of rows, or None (nothing staged) when PostgreSQL refused the file."""
    last = {key: i for i, key in enumerate(plan.keys)}  # a repeated header: the last wins
    targets = [
        key if key in COLUMNS and last[key] == i else f"ignored_{i}"
        for i, key in enumerate(plan.keys)
    ]
    ignored = [target for target in targets if target.startswith("ignored_")]
    cursor.execute(f"SAVEPOINT {SAVEPOINT}")
    try:
        if ignored:
            cursor.execute(
                f"ALTER TABLE {rows} {', '.join(f'ADD COLUMN {c} text' for c in ignored)}"
            )
        columns = ", ".join(("line", "run", "pos", *(f"h_{c}" for c in head), *targets))
        with (
            cursor.copy(
                f"COPY {rows} ({columns}) FROM STDIN (FORMAT csv, DELIMITER"
                f" '{plan.delimiter}', ENCODING 'UTF8', FORCE_NOT_NULL ({', '.join(targets)}))"
            ) as copy,
            path.open("rb") as handle,
        ):
            handle.seek(plan.offset)
            count = 0
            for block, lines in _prefixed(handle, plan, head):
                copy.write(block)
                count += lines
    except psycopg.DataError:
        cursor.execute(f"ROLLBACK TO SAVEPOINT {SAVEPOINT}")
        cursor.execute(f"RELEASE SAVEPOINT {SAVEPOINT}")
        return None
    cursor.execute(f"RELEASE SAVEPOINT {SAVEPOINT}")
    return count


def _prefixed(handle, plan: PlainCsv, head: tuple[str, ...]) -> Iterator[tuple[bytes, int]]:
    """(block of lines, how many), each line prefixed by `line;run;pos;h_…;`: a run starts at a
    row without key or with another key than the row before; a later row of a run carries each
    `head` text of the run's first row where it differs (else NULL: nothing; an empty text is
    `""`). No value begins or ends with white space (`plan.spaced` is false), so the raw bytes
    compare as the stripped values do."""
    separator, d = plan.delimiter.encode(), plan.delimiter
    where = {key: i for i, key in enumerate(plan.keys)}
    key_at, head_at = where["passage"], [where.get(c, -1) for c in head]
    line, run, pos, previous, first = 1, 0, 0, b"", [b""] * len(head)
    nulls = separator * len(head)
    for lines in _lines(handle):
        block = []
        for raw in lines:
            fields = raw.split(separator)
            width = len(fields)
            key = fields[key_at] if key_at < width else b""
            texts = [fields[i] if 0 <= i < width else b"" for i in head_at]
            if key and key == previous:
                pos += 1
                heads = (
                    nulls
                    if texts == first
                    else b"".join(
                        (b"" if h == v else h or b'""') + separator
                        for h, v in zip(first, texts, strict=True)
                    )
                )
            else:
                run, pos, first, heads = run + 1, 0, texts, nulls
            previous, line = key, line + 1
            block.append(f"{line}{d}{run}{d}{pos}{d}".encode() + heads + raw)
        yield b"\n".join(block) + b"\n", len(block)


def _lines(handle) -> Iterator[list[bytes]]:
    """The file's lines (without their line break), by lists of about CHUNK bytes."""
    tail = b""
    while chunk := handle.read(CHUNK):
        lines = (tail + chunk).split(b"\n")
        tail = lines.pop()
        yield lines
    if tail:
        yield [tail]
