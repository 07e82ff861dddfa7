"""Sample files and small builders shared by the tests of each source."""

import io
import zipfile
from datetime import UTC, datetime
from pathlib import Path

import pytest

from imports.sources import History, PrimeFileError, read_history

DATA = Path(__file__).resolve().parents[2] / "data" / "prime"


V3_HEADER = (
    '"Date Watched","Type","Title","Episode Title","Global Title Identifier",'
    '"Episode Global Title Identifier","Path","Episode Path","Image URL"'
)


LEGACY_HEADER = (
    "Playback Hour,Operating System,Browser,Delivery Type,City,Country,ISP,State,"
    "Content Quality Entitled,Entitlement Type,Video Type,Audio Language,Title"
)


LEGACY_DEVICE = "Windows 10,Chrome 57.0.2987.133,,springfield,us,ExampleNet,il,HD"


def read(name: str, **kwargs) -> History:
    return read_history((DATA / name).read_bytes(), filename=name, **kwargs)


def error_for(data: bytes, **kwargs) -> str:
    with pytest.raises(PrimeFileError) as caught:
        read_history(data, **kwargs)
    return caught.value.message


def titles(history: History) -> list[str]:
    return [movie.title for movie in history.movies]


def utc(
    year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0, micro: int = 0
) -> datetime:
    return datetime(year, month, day, hour, minute, second, micro, tzinfo=UTC)


def v3(*rows: str) -> bytes:
    return "\n".join([V3_HEADER, *rows, ""]).encode()


def v3_row(date: str, kind: str, title: str, gti: str = "", episode: str = "") -> str:
    return f'"{date}","{kind}","{title}","{episode}","{gti}","","","",""'


def zipped(files: dict[str, bytes], compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def legacy(*titles: str) -> bytes:
    rows = [
        f"10/{day:02d}/2019 15:00:00,{LEGACY_DEVICE},PRIME_SUBSCRIPTION,Feature,en,{title}"
        for day, title in enumerate(titles, start=1)
    ]
    return "\n".join([LEGACY_HEADER, *rows]).encode()
