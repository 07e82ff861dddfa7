"""Which source a file belongs to, from its header; known look-alikes named in the refusal."""

import unicodedata
from collections.abc import Sequence

from .base import MAX_LINE_CHARS, Header, Layout, Source
from .files import ACCEPTED, PrimeFileError
from .tables import split_line


def detect(
    lines: list[str], filename: str, sources: Sequence[Source]
) -> tuple[Source, Layout, list[str]]:
    """The first source in `sources` that recognises the header, its layout, and the lines below."""
    start = next((i for i, line in enumerate(lines) if line.strip()), None)
    if start is None:
        raise PrimeFileError("The file is empty. " + ACCEPTED)
    header_line = lines[start]
    delimiter = None
    if header_line.lower().startswith("sep=") and len(header_line.strip()) == 5:
        delimiter = header_line.strip()[4]  # Excel's "sep=;" hint line
        start = next((i for i in range(start + 1, len(lines)) if lines[i].strip()), len(lines))
        header_line = lines[start] if start < len(lines) else ""
    if len(header_line) > MAX_LINE_CHARS:  # no export's header is; splitting it could be costly
        raise PrimeFileError(_unrecognised([], header_line, filename))
    delimiter = delimiter or max(",;\t|", key=header_line.count)
    cells = [
        unicodedata.normalize("NFC", cell).strip(' "\ufeff').casefold()
        for cell in split_line(header_line, delimiter)
    ]
    if cells:
        header = Header(cells, delimiter)
        for source in sources:
            layout = source.recognise(header)
            if layout is not None:
                return source, layout, lines[start + 1 :]
    raise PrimeFileError(_unrecognised(cells, header_line, filename))


def _unrecognised(header: list[str], header_line: str, filename: str) -> str:
    names = set(header)
    if header[:2] == ["title", "date"]:
        return "This looks like a Netflix viewing history (Title, Date). " + ACCEPTED
    if {"profile name", "start time", "title"} <= names:
        return "This looks like a Netflix viewing activity file (ViewingActivity.csv). " + ACCEPTED
    if {"listid", "catalogtitle"} <= names or "itemaddeddate" in names:
        return (
            "This looks like a Prime Video watchlist: titles saved for later, not titles "
            "watched. " + ACCEPTED
        )
    first = header_line.strip()
    first = first[:80] + "…" if len(first) > 80 else first
    name = f"“{filename}”" if filename else "this file"
    return f"We could not recognise {name}: its first line reads “{first}”. " + ACCEPTED
