"""Recognise which Prime Video export a file is and read its rows, repairing Amazon's defects."""

import csv
import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from enum import StrEnum
from functools import lru_cache
from typing import NamedTuple

from .files import ACCEPTED, PrimeFileError, too_many_rows

# No film is called anything this long; refusing such titles up front keeps every later step
# (title grammar, episode detection, matching) bounded by the length of a real title.
MAX_TITLE_CHARS = 1_000
# Nor is any row's line this long (one with a title and an episode at the limit is ~2,500).
MAX_LINE_CHARS = 10 * MAX_TITLE_CHARS


class Format(StrEnum):
    EXPORTER_V3 = "exporter_v3"
    EXPORTER_4COL = "exporter_4col"
    EXPORTER_LOCALIZED = "exporter_localized"
    AMAZON_LEGACY = "amazon_legacy"
    AMAZON_CURRENT = "amazon_current"


FORMAT_LABELS = {
    Format.EXPORTER_V3: "Prime Video exporter (v3)",
    Format.EXPORTER_4COL: "Prime Video exporter (4 columns)",
    Format.EXPORTER_LOCALIZED: "Prime Video exporter (4 columns, {language})",
    Format.AMAZON_LEGACY: "Amazon data request (legacy, up to 2022)",
    Format.AMAZON_CURRENT: "Amazon data request (2024+)",
}


_LOCALIZED_DATE_HEADERS = {
    "date watched": ("", ""),
    "datum angesehen": ("de", "German"),
    "date regardée": ("fr", "French"),
    "fecha de visualización": ("es", "Spanish"),
    "fecha vista": ("es", "Spanish"),
    "data assistida": ("pt", "Portuguese"),
    "data de visualização": ("pt", "Portuguese"),
    "視聴日": ("ja", "Japanese"),
    "觀看日期": ("zh", "Chinese"),
    "观看日期": ("zh", "Chinese"),
}
LANGUAGE_NAMES = {code: name for code, name in _LOCALIZED_DATE_HEADERS.values() if code}


@dataclass(frozen=True)
class Layout:
    format: Format
    delimiter: str
    columns: dict[str, int]
    width: int
    language: str = ""
    language_name: str = ""
    complete: bool = True  # every column in `columns` is present in the header

    @property
    def label(self) -> str:
        return FORMAT_LABELS[self.format].format(language=self.language_name)


def detect(lines: list[str], filename: str) -> tuple[Layout, list[str]]:
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
    header = [
        unicodedata.normalize("NFC", cell).strip(' "\ufeff').casefold()
        for cell in _split_line(header_line, delimiter)
    ]
    layout = _layout_for(header, delimiter)
    if layout is None:
        raise PrimeFileError(_unrecognised(header, header_line, filename))
    return layout, lines[start + 1 :]


def _layout_for(header: list[str], delimiter: str) -> Layout | None:
    names = {name: i for i, name in reversed(list(enumerate(header)))}
    width = len(header)
    if not header:
        return None
    if "date watched" in names and "global title identifier" in names:
        columns = {
            "date": names["date watched"],
            "type": names.get("type", -1),
            "title": names.get("title", -1),
            "episode": names.get("episode title", -1),
            "gti": names["global title identifier"],
            "image": names.get("image url", -1),
        }
        complete = min(columns.values()) >= 0
        return Layout(Format.EXPORTER_V3, delimiter, columns, width, complete=complete)
    if header[0] in _LOCALIZED_DATE_HEADERS and width >= 3:
        language, language_name = _LOCALIZED_DATE_HEADERS[header[0]]
        fmt = Format.EXPORTER_LOCALIZED if language else Format.EXPORTER_4COL
        columns = {"date": 0, "type": 1, "title": 2, "episode": 3}
        return Layout(fmt, delimiter, columns, width, language, language_name)
    if header[0] == "playback hour" and "title" in names:
        columns = {
            "date": 0,
            "entitlement": names.get("entitlement type", -1),
            "video": names.get("video type", -1),
        }
        return Layout(Format.AMAZON_LEGACY, delimiter, columns, width)
    if {"playback start datetime (utc)", "title"} <= names.keys():
        columns = {
            "date": names["playback start datetime (utc)"],
            "title": names["title"],
            "material": names.get("material type description", -1),
            "seconds": names.get("seconds viewed", -1),
        }
        return Layout(Format.AMAZON_CURRENT, delimiter, columns, width)
    return None


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


# --- Rows ----------------------------------------------------------------------------------


class Row(NamedTuple):
    date: str
    title: str
    episode: str
    hint: str  # movie | series | extra | live | unviewed | "" (unknown: use title grammar)
    gti: str = ""
    image: str = ""


@dataclass
class Rows:
    records: int = 0
    unreadable: int = 0
    rows: list[Row] = field(default_factory=list)


_TYPE_HINTS = {
    **dict.fromkeys(("movie", "film", "película", "pelicula", "filme"), "movie"),
    **dict.fromkeys(("映画", "電影", "电影"), "movie"),
    **dict.fromkeys(("series", "serie", "série", "séries", "tv show", "episode"), "series"),
    **dict.fromkeys(("シリーズ", "劇集系列", "剧集系列", "劇集", "剧集"), "series"),
}
_LIVE_TYPES = ("live", "livestreaming", "live streaming", "event")
_EXTRA_TYPES = ("trailer", "promo", "short", "bonus")
_NOT_AVAILABLE = ("not available", "not applicable")


# Stands in for a line longer than MAX_LINE_CHARS: a record holding it is unreadable. The text
# never holds NUL (load_text removes it), so no real line reads the same.
_TOO_LONG = "\x00"


def read_rows(layout: Layout, body: list[str], max_rows: int) -> Rows:
    result = Rows()
    body = [line if len(line) <= MAX_LINE_CHARS else _TOO_LONG for line in body]
    records: Iterable[list[str]]
    if layout.format is Format.AMAZON_LEGACY:
        # Amazon never quotes this file, so a plain split is exact (quoted rows are re-read).
        records = (line.split(layout.delimiter) for line in body)
        make = _legacy_row
    elif layout.format in (Format.EXPORTER_4COL, Format.EXPORTER_LOCALIZED):
        records = _four_column_records(body, layout.delimiter)
        make = _four_column_row
    else:
        records = _csv_records(body, layout.delimiter, layout.width)
        make = _v3_row if layout.format is Format.EXPORTER_V3 else _current_row
    append = result.rows.append
    for fields in records:
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


def _csv_records(lines: list[str], delimiter: str, width: int) -> Iterator[list[str]]:
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
                yield _split_line(line, delimiter)
        else:
            yield fields
        done = reader.line_num


def _split_line(line: str, delimiter: str, skipinitialspace: bool = False) -> list[str]:
    try:
        return next(csv.reader([line], delimiter=delimiter, skipinitialspace=skipinitialspace), [])
    except csv.Error:  # a field beyond csv's size limit: no real row has one
        return line.split(delimiter)


def _cell(fields: list[str], index: int) -> str:
    return fields[index].strip() if 0 <= index < len(fields) else ""


def _v3_row(fields: list[str], layout: Layout) -> Row:
    c = layout.columns
    if len(fields) == layout.width and layout.complete:  # well-formed rows: index directly
        get = fields.__getitem__
        date, kind, title = get(c["date"]), get(c["type"]), get(c["title"])
        episode, gti, image = get(c["episode"]), get(c["gti"]), get(c["image"])
    else:
        names = ("date", "type", "title", "episode", "gti", "image")
        date, kind, title, episode, gti, image = (_cell(fields, c[name]) for name in names)
    hint = _TYPE_HINTS.get(kind.strip().casefold(), "")
    return Row(date.strip(), title.strip(), episode.strip(), hint, gti.strip(), image.strip())


def _four_column_records(lines: list[str], delimiter: str) -> Iterator[list[str]]:
    for line in lines:
        fields = _four_column_split(line, delimiter)
        yield fields if fields is not None else _split_line(line, delimiter, skipinitialspace=True)


_SPACE_RUN = re.compile(" *")


def _past_spaces(line: str, pos: int) -> int:
    """Where the spaces starting at `pos` end."""
    spaces = _SPACE_RUN.match(line, pos)
    assert spaces is not None  # " *" matches the empty string too
    return spaces.end()


def _four_column_split(line: str, d: str) -> list[str] | None:
    """Split `date,type,title,episode` as the early exporter wrote it, in one pass.

    The exporter wrote `"title"` without doubling inner quotes in its early versions, so a
    quoted title ends at the first quote after which the rest of the line still reads as
    `,episode` and trailing delimiters, not at the first quote. Written as one backtracking
    regex this took seconds on a line of `",` repeated; the only quotes that can end the
    title are found with string searches instead. None when the line is not in that shape.
    """
    first = line.find(d)
    second = line.find(d, first + 1) if first >= 0 else -1
    if second < 0:
        return None
    date = line[:first].lstrip(" ").strip('"')
    kind = line[first + 1 : second].lstrip(" ").strip('"')
    start = _past_spaces(line, second + 1)
    end = len(line.rstrip(" " + d))  # the rest is spaces and delimiters
    closed = end > 0 and line[end - 1] == '"'  # the line's last quote can close a field
    if line.startswith('"', start):
        if closed:  # `"title","episode"` at the first `","` that leaves a closed episode
            both = _quote_delimiter_quote(d).search(line, start + 1, end - 1)
            if both:
                title, episode = line[start + 1 : both.start()], line[both.end() : end - 1]
                return [date, kind, title.replace('""', '"'), episode.replace('""', '"')]
            if end - 1 > start:
                return [date, kind, line[start + 1 : end - 1].replace('""', '"'), ""]
        else:  # `"title",episode`: the title's quote stands right before the last delimiter
            last = line.rfind(d, start, end)
            quote = len(line[:last].rstrip(" ")) - 1 if last > start else -1
            if quote > start and line[quote] == '"' and line.find('"', last, end) < 0:
                title = line[start + 1 : quote].replace('""', '"')
                return [date, kind, title, line[last + 1 : end]]
    stop = line.find(d, start)
    if stop < 0 or stop >= end:
        return [date, kind, line[start : len(line) if stop < 0 else stop], ""]
    title, at = line[start:stop], _past_spaces(line, stop + 1)
    if line[at] == '"':
        closed = closed and end - 1 > at
        return [date, kind, title, line[at + 1 : end - 1].replace('""', '"')] if closed else None
    if line.find(d, at, end) < 0 and line.find('"', at, end) < 0:
        return [date, kind, title, line[at:end]]
    return None


@lru_cache(maxsize=8)
def _quote_delimiter_quote(delimiter: str) -> re.Pattern[str]:
    return re.compile(rf'" *{re.escape(delimiter)} *"')


def _four_column_row(fields: list[str], layout: Layout) -> Row | None:
    if len(fields) < 3:
        return None
    return Row(
        date=fields[0].strip(),
        title=fields[2].strip(),
        episode=_cell(fields, 3),
        hint=_TYPE_HINTS.get(fields[1].strip().casefold(), ""),
    )


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
    video = _cell(fields, layout.columns["video"]).casefold()
    hint = ""
    if video == "trailer" or _cell(fields, layout.columns["entitlement"]).casefold() == "trailer":
        hint = "extra"
    elif video in _LIVE_TYPES:
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


def _unquote(cell: str) -> str:
    """Undo CSV quoting when the cell is one properly quoted field, else keep literal quotes."""
    cell = cell.strip()
    if len(cell) >= 2 and cell[0] == cell[-1] == '"' and '"' not in cell[1:-1].replace('""', ""):
        return cell[1:-1].replace('""', '"')
    return cell


def _current_row(fields: list[str], layout: Layout) -> Row:
    c = layout.columns
    seconds = _layer(_cell(fields, c["seconds"]))
    material = _layer(_cell(fields, c["material"])).casefold()
    hint = ""
    try:
        if seconds and float(seconds) == 0:
            hint = "unviewed"
    except ValueError:
        pass
    if not hint and material in _LIVE_TYPES:
        hint = "live"
    elif not hint and material in _EXTRA_TYPES:
        hint = "extra"
    return Row(
        date=_layer(_cell(fields, c["date"])),
        title=_layer(_cell(fields, c["title"])),
        episode="",
        hint=hint,
    )


def _layer(cell: str) -> str:
    """Remove the extra quotes the 2024+ export wraps around strings, and its placeholders."""
    if len(cell) >= 2 and cell[0] == cell[-1] == '"':
        cell = cell[1:-1].strip()
    return "" if cell.casefold() in _NOT_AVAILABLE else cell
