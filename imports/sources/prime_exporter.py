"""The Prime Video watch-history exporter's CSV: v3 (9 columns) and the older 4-column files.

The browser-console script most people use. Its 4-column versions (2023 to October 2025) wrote
the date only, localized the header and the type in 2025, and in its first versions joined the
fields with `, ` and did not double the quotes inside a title.
"""

import re
from collections.abc import Iterator
from functools import lru_cache

from .base import Format, Header, Layout, Row, Rows
from .tables import cell, csv_records, read_table, split_line

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

_TYPE_HINTS = {
    **dict.fromkeys(("movie", "film", "película", "pelicula", "filme"), "movie"),
    **dict.fromkeys(("映画", "電影", "电影"), "movie"),
    **dict.fromkeys(("series", "serie", "série", "séries", "tv show", "episode"), "series"),
    **dict.fromkeys(("シリーズ", "劇集系列", "剧集系列", "劇集", "剧集"), "series"),
}


class PrimeExporter:
    labels = {
        Format.EXPORTER_V3: "Prime Video exporter (v3)",
        Format.EXPORTER_4COL: "Prime Video exporter (4 columns)",
        Format.EXPORTER_LOCALIZED: "Prime Video exporter (4 columns, {language})",
    }
    members = ()  # a zipped export is found as the archive's only table

    def recognise(self, header: Header) -> Layout | None:
        names, width, delimiter = header.index, len(header.cells), header.delimiter
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
            label = self.labels[Format.EXPORTER_V3]
            return Layout(Format.EXPORTER_V3, label, delimiter, columns, width, complete=complete)
        if header.cells[0] in _LOCALIZED_DATE_HEADERS and width >= 3:
            language, language_name = _LOCALIZED_DATE_HEADERS[header.cells[0]]
            fmt = Format.EXPORTER_LOCALIZED if language else Format.EXPORTER_4COL
            label = self.labels[fmt].format(language=language_name)
            columns = {"date": 0, "type": 1, "title": 2, "episode": 3}
            return Layout(fmt, label, delimiter, columns, width, language)
        return None

    def read(self, layout: Layout, body: list[str], max_rows: int) -> Rows:
        if layout.format is Format.EXPORTER_V3:
            return read_table(layout, body, max_rows, csv_records, _v3_row)
        return read_table(layout, body, max_rows, _four_column_records, _four_column_row)


def _v3_row(fields: list[str], layout: Layout) -> Row:
    c = layout.columns
    if len(fields) == layout.width and layout.complete:  # well-formed rows: index directly
        get = fields.__getitem__
        date, kind, title = get(c["date"]), get(c["type"]), get(c["title"])
        episode, gti, image = get(c["episode"]), get(c["gti"]), get(c["image"])
    else:
        names = ("date", "type", "title", "episode", "gti", "image")
        date, kind, title, episode, gti, image = (cell(fields, c[name]) for name in names)
    hint = _TYPE_HINTS.get(kind.strip().casefold(), "")
    return Row(date.strip(), title.strip(), episode.strip(), hint, gti.strip(), image.strip())


def _four_column_records(lines: list[str], layout: Layout) -> Iterator[list[str]]:
    delimiter = layout.delimiter
    for line in lines:
        fields = _four_column_split(line, delimiter)
        yield fields if fields is not None else split_line(line, delimiter, skipinitialspace=True)


def _four_column_row(fields: list[str], layout: Layout) -> Row | None:
    if len(fields) < 3:
        return None
    return Row(
        date=fields[0].strip(),
        title=fields[2].strip(),
        episode=cell(fields, 3),
        hint=_TYPE_HINTS.get(fields[1].strip().casefold(), ""),
    )


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
