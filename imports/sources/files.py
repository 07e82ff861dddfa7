"""From uploaded bytes to text: size limits, ZIP archives, binary look-alikes, encodings."""

import codecs
import io
import re
import zipfile
import zlib
from collections.abc import Collection

MAX_ZIP_MEMBERS = 1_000
# Real viewing histories deflate 10-50x; far beyond that only comes from a crafted archive.
MAX_ZIP_RATIO = 200

ACCEPTED = (
    "This importer reads Amazon Prime Video history: the CSV saved by the Prime Video "
    "watch-history exporter script, or Amazon's “Request your data” download "
    "(Prime Video.zip, or the Viewing History.csv inside it)."
)


class PrimeFileError(ValueError):
    """The upload cannot be read as a Prime Video history; `message` says why, for the user."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


_BINARY_SIGNATURES = (
    (b"%PDF", "a PDF document"),
    (b"\x89PNG", "an image"),
    (b"\xff\xd8\xff", "an image"),
    (b"GIF8", "an image"),
    (b"\x1f\x8b", "a gzip archive"),
    (b"Rar!", "a RAR archive"),
    (b"7z\xbc\xaf", "a 7-Zip archive"),
    (b"\xd0\xcf\x11\xe0", "an Excel workbook (.xls); save it as CSV and upload that"),
    (b"{\\rtf", "a rich-text document"),
)
_JSON_START = re.compile(r"\{|\[\s*[{\]]")
_ARCHIVE_SUFFIXES = (".zip", ".gz", ".tgz", ".tar", ".7z", ".rar")


# zipfile inflates bzip2 and LZMA members without an output bound, whatever read() asks for.
_READABLE_METHODS = (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED)
# No UTF-8 encoder takes a lone surrogate, so no database can store one.
_SURROGATE = re.compile(r"[\ud800-\udfff]")


def load_text(data: bytes, max_bytes: int, members: Collection[str]) -> str:
    """The upload as text; from a ZIP, the first of `members` in it (casefolded base names)."""
    if len(data) > max_bytes:
        raise PrimeFileError(f"The file is larger than the {_limit(max_bytes)} limit. " + ACCEPTED)
    if data[:4] in (b"PK\x03\x04", b"PK\x05\x06"):
        data = _unzip(data, max_bytes, members)
    blank = b" \t\r\n\x00\x1a" + codecs.BOM_UTF8 + codecs.BOM_UTF16_LE + codecs.BOM_UTF16_BE
    if not data[:4096].strip(blank) and not data.strip(blank):
        raise PrimeFileError("The file is empty. " + ACCEPTED)
    for signature, what in _BINARY_SIGNATURES:
        if data.startswith(signature):
            raise PrimeFileError(f"This is {what}, not a CSV file. " + ACCEPTED)
    # Old Windows tools end text files with Ctrl-Z.
    text = _decode(data).rstrip("\x1a")
    sample = text[:8192]
    controls = sum(1 for ch in sample if ch < " " and ch not in "\t\r\n\f")
    if "\x00" in sample or controls > max(2, len(sample) // 100):
        raise PrimeFileError("This is a binary file, not a CSV file. " + ACCEPTED)
    head = sample.lstrip().lower()
    if head.startswith(("<!doctype html", "<html")):
        raise PrimeFileError(
            "This is a saved web page, not a CSV file. Run the exporter script on the "
            "watch-history page and upload the CSV it downloads. " + ACCEPTED
        )
    if _JSON_START.match(head):
        raise PrimeFileError(
            "This is a JSON file. Choose CSV in the exporter and upload that file. " + ACCEPTED
        )
    return _storable(text)


def _storable(text: str) -> str:
    """The text without the characters a database refuses in text columns.

    PostgreSQL refuses NUL; the check above only looks at the first 8 KB, and a NUL that
    reached a title would turn the upload into a server error.
    """
    if "\x00" in text:
        text = text.replace("\x00", "")
    if not text.isascii() and _SURROGATE.search(text):
        text = _SURROGATE.sub("\ufffd", text)
    return text


def _decode(data: bytes) -> str:
    if data.startswith(codecs.BOM_UTF8):
        return data[3:].decode("utf-8", errors="replace")
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16", errors="replace").lstrip("\ufeff")
    head = data[:1000]
    # Plain ASCII saved as UTF-16 without a BOM has a NUL in every other byte.
    if len(head) >= 4 and head[1::2].count(0) > len(head) * 0.4:
        return data.decode("utf-16-le", errors="replace")
    if len(head) >= 4 and head[0::2].count(0) > len(head) * 0.4:
        return data.decode("utf-16-be", errors="replace")
    for encoding in ("utf-8", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return data.decode("latin-1")


def _unzip(data: bytes, max_bytes: int, wanted: Collection[str]) -> bytes:
    damaged = PrimeFileError("This ZIP file is damaged and cannot be opened. " + ACCEPTED)
    # Counted from the directory entries' signature before zipfile builds an object for each.
    if data.count(b"PK\x01\x02") > MAX_ZIP_MEMBERS:
        raise _too_many_members(data.count(b"PK\x01\x02"))
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = archive.infolist()
    # NotImplementedError: a directory entry claiming a newer ZIP version than zipfile reads.
    except (
        zipfile.BadZipFile,
        zipfile.LargeZipFile,
        NotImplementedError,
        OSError,
        EOFError,
        ValueError,
    ):
        raise damaged from None
    if len(members) > MAX_ZIP_MEMBERS:
        raise _too_many_members(len(members))
    names = [m.filename for m in members if not m.is_dir()]
    if "[Content_Types].xml" in names and any(n.startswith("xl/") for n in names):
        raise PrimeFileError(
            "This is an Excel workbook (.xlsx). Save it as CSV and upload that. " + ACCEPTED
        )
    member = _pick_member(members, wanted)
    if member is None:
        nested = [n for n in names if n.lower().endswith(_ARCHIVE_SUFFIXES)]
        if nested:
            raise PrimeFileError(
                f"This ZIP contains other archives ({_list_names(nested)}). Unzip it and upload "
                "Prime Video.zip, or the Viewing History.csv inside it."
            )
        found = f"It contains {_list_names(names)}." if names else "It is empty."
        raise PrimeFileError(f"This ZIP has no Viewing History.csv. {found} " + ACCEPTED)
    name = member.filename.rsplit("/", 1)[-1]
    too_big = PrimeFileError(
        f"{name} inside the ZIP unpacks to more than {_limit(max_bytes)}, the upload limit. "
        + ACCEPTED
    )
    if member.flag_bits & 0x1:
        raise PrimeFileError("This ZIP is password-protected. " + ACCEPTED)
    if member.compress_type not in _READABLE_METHODS:
        raise PrimeFileError(
            "This ZIP uses a compression method we do not read; upload the CSV inside it instead."
        )
    if member.file_size > max_bytes:
        raise too_big
    ratio = member.file_size // max(member.compress_size, 1)
    if member.file_size > 1024 * 1024 and ratio > MAX_ZIP_RATIO:
        raise PrimeFileError(
            f"{name} inside the ZIP is compressed {ratio:,} "
            "to 1, far beyond any real viewing history, so we do not unpack it. " + ACCEPTED
        )
    # The sizes in the ZIP directory can lie, so count what actually comes out as well.
    chunks, total = [], 0
    try:
        with archive.open(member) as stream:
            while chunk := stream.read(64 * 1024):
                total += len(chunk)
                if total > max_bytes:
                    raise too_big
                chunks.append(chunk)
    except PrimeFileError:  # too_big, itself a ValueError
        raise
    except (
        zipfile.BadZipFile,
        NotImplementedError,
        RuntimeError,
        OSError,
        EOFError,
        ValueError,  # a doctored local header has zipfile seek before the start of the data
        zlib.error,
    ):
        raise damaged from None
    return b"".join(chunks)


def _too_many_members(count: int) -> PrimeFileError:
    return PrimeFileError(
        f"This ZIP holds {count:,} files, more than a Prime Video download ever has. " + ACCEPTED
    )


def _pick_member(members: list[zipfile.ZipInfo], wanted: Collection[str]) -> zipfile.ZipInfo | None:
    files = [m for m in members if not m.is_dir()]
    for member in files:
        if member.filename.rsplit("/", 1)[-1].casefold() in wanted:
            return member
    tables = [m for m in files if m.filename.lower().endswith((".csv", ".tsv", ".txt"))]
    # A lone CSV is probably the user's own zipped export; the header check decides.
    return tables[0] if len(tables) == 1 and len(files) == 1 else None


def _list_names(names: list[str]) -> str:
    shown = ", ".join(names[:5])
    return shown + (f" and {len(names) - 5} more" if len(names) > 5 else "")


def _limit(max_bytes: int) -> str:
    """The limit as people configure it: "10 MB", not "10.0 MB"."""
    mb = max_bytes / (1024 * 1024)
    return f"{mb:g} MB" if mb >= 1 and mb == round(mb, 1) else _size(max_bytes)


def _size(size: int) -> str:
    if size >= 1024 * 1024:
        return f"{size / (1024 * 1024):.1f} MB"
    return f"{size / 1024:.0f} KB" if size >= 1024 else f"{size} bytes"


# Rows are at most this many lines each, counting blank lines and quoted newlines.
LINES_PER_ROW = 3


def too_many_rows(max_rows: int) -> PrimeFileError:
    return PrimeFileError(
        f"The file has more than {max_rows:,} rows, more than we can import at once. "
        "Split it into smaller files and import them one after another."
    )


def split_lines(text: str, max_rows: int) -> list[str]:
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    # Counted before splitting: millions of tiny lines would cost more memory than the text.
    if text.count("\n") > LINES_PER_ROW * max_rows:
        raise too_many_rows(max_rows)
    return text.split("\n")
