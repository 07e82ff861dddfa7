"""Reading delimited text into records, for every source: splitting lines, counting records."""

import csv
from collections.abc import Callable, Iterable, Iterator

from .base import MAX_LINE_CHARS, MAX_TITLE_CHARS, Layout, Row, Rows
from .files import too_many_rows

# Stands in for a line longer than MAX_LINE_CHARS: a record holding it is unreadable. The text
# never holds NUL (load_text removes it), so no real line reads the same.
_TOO_LONG = "\x00"

Records = Callable[[list[str], Layout], Iterable[list[str]]]
MakeRow = Callable[[list[str], Layout], Row | None]


def read_table(
    layout: Layout, body: list[str], max_rows: int, split: Records, make: MakeRow
) -> Rows:
    """Count the records `split` finds in `body` and keep the rows `make` can read from them."""
    result = Rows()
    body = [line if len(line) <= MAX_LINE_CHARS else _TOO_LONG for line in body]
    append = result.rows.append
    for fields in split(body, layout):
        text = "".join(fields)
        if not text.strip():
            continue
        result.records += 1
        if result.records > max_rows:
            raise too_many_rows(max_rows)
        # A quoted field can span lines, an over-long one among them: that record is no row.
        row = None if _TOO_LONG in text else make(fields, layout)
        if row is None or not row.title or len(row.title) > MAX_TITLE_CHARS:
            result.unreadable += 1
        else:
            append(row)
    return result


def csv_records(lines: list[str], layout: Layout) -> Iterator[list[str]]:
    """The records of a quoted CSV, reading a line alone where a stray quote would swallow more."""
    delimiter, width = layout.delimiter, layout.width
    reader = csv.reader((line + "\n" for line in lines), delimiter=delimiter)
    done = 0
    while True:
        try:
            fields = next(reader)
        except StopIteration:
            return
        except csv.Error:
            fields = None
        if fields is None or (reader.line_num - done > 1 and len(fields) != width):
            # A stray quote opened a field that swallowed the lines after it: read each alone.
            for line in lines[done : reader.line_num]:
                yield split_line(line, delimiter)
        else:
            yield fields
        done = reader.line_num


def split_line(line: str, delimiter: str, skipinitialspace: bool = False) -> list[str]:
    try:
        return next(csv.reader([line], delimiter=delimiter, skipinitialspace=skipinitialspace), [])
    except csv.Error:  # a field beyond csv's size limit: no real row has one
        return line.split(delimiter)


def cell(fields: list[str], index: int) -> str:
    return fields[index].strip() if 0 <= index < len(fields) else ""
