"""What every source of history files speaks: the header it recognises, the layout, the rows.

A source is one family of files (one exporter, one service's download). It recognises a file's
header, or the name of the ZIP member that holds its history, and reads the records below the
header into rows; `history.py` turns the rows into films, whatever source they came from.
"""

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import NamedTuple, Protocol

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


@dataclass(frozen=True)
class Header:
    """A file's first line, split on its delimiter and normalised for comparing names.

    Sources are only asked about a header with at least one cell.
    """

    cells: list[str]  # NFC, without surrounding spaces, quotes or BOM, casefolded
    delimiter: str
    index: dict[str, int] = field(init=False)  # each name's first column

    def __post_init__(self) -> None:
        index = {name: i for i, name in reversed(list(enumerate(self.cells)))}
        object.__setattr__(self, "index", index)


@dataclass(frozen=True)
class Layout:
    """How to read the rows of one file, as its source recognised them from the header."""

    format: Format
    label: str  # shown to the person and stored with the import
    delimiter: str
    columns: dict[str, int]
    width: int
    language: str = ""
    complete: bool = True  # every column in `columns` is present in the header
    # Dates are Amazon's own hour buckets, written month first unless a spreadsheet re-saved them.
    amazon_hours: bool = False


# Video types both of Amazon's downloads give live sport and events.
LIVE_TYPES = ("live", "livestreaming", "live streaming", "event")


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


class Source(Protocol):
    """One family of history files: which files are its own, and how to read their rows."""

    @property
    def labels(self) -> Mapping[Format, str]:
        """The name of each format of the family, as people know it."""

    @property
    def members(self) -> tuple[str, ...]:
        """The names (casefolded, without folders) of the ZIP members holding its history."""

    def recognise(self, header: Header) -> Layout | None:
        """How to read a file that starts with `header`; None when the file is not its own."""

    def read(self, layout: Layout, body: list[str], max_rows: int) -> Rows:
        """The records below the header: every one counted, the readable ones as rows.

        Raises `PrimeFileError` beyond `max_rows` records.
        """
