"""Amazon's current "Request your data" download: Viewing History.csv, or the Prime Video.zip.

About sixty columns in alphabetical order; string cells wrapped in an extra layer of quotes,
missing values written as words, and zero-second rows that are autoplayed promotions.
"""

from .base import LIVE_TYPES, Format, Header, Layout, Row, Rows
from .tables import cell, csv_records, read_table

_EXTRA_TYPES = ("trailer", "promo", "short", "bonus")
_NOT_AVAILABLE = ("not available", "not applicable")


class AmazonCurrent:
    labels = {Format.AMAZON_CURRENT: "Amazon data request (2024+)"}
    members = ("viewing history.csv",)

    def recognise(self, header: Header) -> Layout | None:
        names = header.index
        if not {"playback start datetime (utc)", "title"} <= names.keys():
            return None
        columns = {
            "date": names["playback start datetime (utc)"],
            "title": names["title"],
            "material": names.get("material type description", -1),
            "seconds": names.get("seconds viewed", -1),
        }
        label = self.labels[Format.AMAZON_CURRENT]
        return Layout(Format.AMAZON_CURRENT, label, header.delimiter, columns, len(header.cells))

    def read(self, layout: Layout, body: list[str], max_rows: int) -> Rows:
        return read_table(layout, body, max_rows, csv_records, _current_row)


def _current_row(fields: list[str], layout: Layout) -> Row:
    c = layout.columns
    seconds = _layer(cell(fields, c["seconds"]))
    material = _layer(cell(fields, c["material"])).casefold()
    hint = ""
    try:
        if seconds and float(seconds) == 0:
            hint = "unviewed"
    except ValueError:
        pass
    if not hint and material in LIVE_TYPES:
        hint = "live"
    elif not hint and material in _EXTRA_TYPES:
        hint = "extra"
    return Row(
        date=_layer(cell(fields, c["date"])),
        title=_layer(cell(fields, c["title"])),
        episode="",
        hint=hint,
    )


def _layer(text: str) -> str:
    """Remove the extra quotes the 2024+ export wraps around strings, and its placeholders."""
    if len(text) >= 2 and text[0] == text[-1] == '"':
        text = text[1:-1].strip()
    return "" if text.casefold() in _NOT_AVAILABLE else text
