"""Read an uploaded watch-history file into a clean list of watched movies.

The first stage of the import wizard. Pure Python (no Django) so it is fast to test and reuse.
`read_history(data)` accepts the bytes a person uploaded, finds the source the file belongs to
from its content, repairs that source's known defects, drops episodes, extras and duplicates,
and returns one `PrimeMovie` per film, or raises `PrimeFileError` whose `message` can be shown
as is.

Each source is one family of files, one module, registered in `SOURCES` below:

    prime_exporter.py  the Prime Video exporter script's CSV, v3 and the older 4 columns
    amazon_legacy.py   Amazon's legacy data request, Digital.PrimeVideo.Viewinghistory.csv
    amazon_current.py  Amazon's current data request, Viewing History.csv or Prime Video.zip

and what they share:

    base.py       the `Source` interface, the `Layout` it recognises and the `Row`s it reads
    files.py      bytes to text: size limits, ZIP archives, binary look-alikes, encodings
    detection.py  which source a file belongs to; look-alikes named in the refusal
    tables.py     delimited text to records, counted
    history.py    rows to films: grouping, episodes and extras, counts
    titles.py     edition tags, year hints, extras, episodes versus movies
    dates.py      watch dates and the per-file day/month decision
"""

from collections.abc import Sequence

from .amazon_current import AmazonCurrent
from .amazon_legacy import AmazonLegacy
from .base import Format, Source
from .detection import detect
from .files import ACCEPTED, PrimeFileError, load_text, split_lines
from .history import History, PrimeMovie, summarise
from .prime_exporter import LANGUAGE_NAMES, PrimeExporter
from .titles import clean_title

__all__ = [
    "ACCEPTED",
    "DEFAULT_MAX_BYTES",
    "DEFAULT_MAX_ROWS",
    "FORMAT_LABELS",
    "LANGUAGE_NAMES",
    "SOURCES",
    "Format",
    "History",
    "PrimeFileError",
    "PrimeMovie",
    "Source",
    "clean_title",
    "read_history",
]

DEFAULT_MAX_BYTES = 10 * 1024 * 1024
DEFAULT_MAX_ROWS = 200_000

# The registry: a file belongs to the first source here that recognises it.
SOURCES: tuple[Source, ...] = (PrimeExporter(), AmazonLegacy(), AmazonCurrent())

FORMAT_LABELS = {fmt: label for source in SOURCES for fmt, label in source.labels.items()}


def read_history(
    data: bytes,
    *,
    filename: str = "",
    max_bytes: int = DEFAULT_MAX_BYTES,
    max_rows: int = DEFAULT_MAX_ROWS,
    sources: Sequence[Source] = SOURCES,
) -> History:
    """Parse an uploaded file. `filename` is only used in messages, never to pick the format.

    `max_bytes` limits the upload and, for a ZIP, what it unpacks to; `max_rows` the records.
    """
    members = {name for source in sources for name in source.members}
    text = load_text(data, max_bytes, members)
    lines = split_lines(text, max_rows)
    del text
    source, layout, body = detect(lines, filename, sources)
    read = source.read(layout, body, max_rows)
    if not read.records:
        raise PrimeFileError(
            f"This is a {layout.label} file, but it has no rows below the header. "
            "Export your watch history again and upload the new file."
        )
    return summarise(layout, read)
