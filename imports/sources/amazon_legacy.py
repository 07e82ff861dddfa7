"""Amazon's legacy "Request your data" file, Digital.PrimeVideo.Viewinghistory.csv (to 2022).

No type column, ids or images; dates are hour buckets; the title is the last column, and
Amazon neither quotes it nor escapes the quotes in it.
"""

import re
from collections.abc import Iterator
from functools import lru_cache

from .base import LIVE_TYPES, Format, Header, Layout, Row, Rows
from .tables import cell, read_table


class AmazonLegacy:
    labels = {Format.AMAZON_LEGACY: "Amazon data request (legacy, up to 2022)"}
    members = ("digital.primevideo.viewinghistory.csv",)

    def recognise(self, header: Header) -> Layout | None:
        if header.cells[0] != "playback hour" or "title" not in header.index:
            return None
        columns = {
            "date": 0,
            "entitlement": header.index.get("entitlement type", -1),
            "video": header.index.get("video type", -1),
        }
        label = self.labels[Format.AMAZON_LEGACY]
        width = len(header.cells)
        return Layout(
            Format.AMAZON_LEGACY, label, header.delimiter, columns, width, amazon_hours=True
        )

    def read(self, layout: Layout, body: list[str], max_rows: int) -> Rows:
        return read_table(layout, body, max_rows, _records, _legacy_row)


def _records(lines: list[str], layout: Layout) -> Iterator[list[str]]:
    # Amazon never quotes this file, so a plain split is exact (quoted rows are re-read).
    return (line.split(layout.delimiter) for line in lines)


def _legacy_row(fields: list[str], layout: Layout) -> Row | None:
    head_width = layout.width - 1
    if len(fields) <= head_width:
        return None
    if '"' in "".join(fields[:head_width]):
        fields = _requote(layout.delimiter.join(fields), layout.delimiter, head_width)
    # Title is the last column and Amazon does not quote it: commas in it spill into extra fields.
    title = (
        fields[-1] if len(fields) == layout.width else layout.delimiter.join(fields[head_width:])
    )
    if '"' in title:
        title = _unquote(title)
    video = cell(fields, layout.columns["video"]).casefold()
    hint = ""
    if video == "trailer" or cell(fields, layout.columns["entitlement"]).casefold() == "trailer":
        hint = "extra"
    elif video in LIVE_TYPES:
        hint = "live"
    return Row(fields[0].strip(), title.strip(), "", hint)


@lru_cache(maxsize=8)
def _field_pattern(delimiter: str) -> re.Pattern[str]:
    d = re.escape(delimiter)
    return re.compile(rf'"(?:[^"]|"")*"(?={d})|[^{d}]*')


def _requote(line: str, delimiter: str, head_width: int) -> list[str]:
    """Split a legacy line whose leading columns are CSV-quoted, keeping the title raw."""
    pattern, fields, pos = _field_pattern(delimiter), [], 0
    for _ in range(head_width):
        match = pattern.match(line, pos)
        assert match is not None  # its second alternative matches the empty string
        fields.append(_unquote(match.group()))
        pos = match.end() + 1
        if pos > len(line):
            return fields
    return [*fields, line[pos:]]


def _unquote(text: str) -> str:
    """Undo CSV quoting when the cell is one properly quoted field, else keep literal quotes."""
    text = text.strip()
    if len(text) >= 2 and text[0] == text[-1] == '"' and '"' not in text[1:-1].replace('""', ""):
        return text[1:-1].replace('""', '"')
    return text
