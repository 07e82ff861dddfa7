"""What the upload costs for files built to be expensive, against the budget every upload has.

    .venv/bin/python -m benchmarks.hostile_files [name-substring …]

Builds each hostile file in memory (the cases of issue 13's table and more: 10 MB of one line,
of hyphens, brackets, quotes, commas, and ZIP bombs of every compression method), posts it
to the upload page in-process as a signed-in person (Django's test client, a throwaway SQLite
database), so the whole request is measured: reading the multipart body, the size check, the
parse, the message or storing the new import. It prints, per file, the CPU time, the peak
memory traced by tracemalloc and the growth of the process's resident high-water mark
(ru_maxrss), and what the person would see. Every file runs in a forked child, so one case's
memory never hides the next one's, and the child is capped at 3 GB and 300 s (tracing makes
some cases ten times slower), so a regression cannot take the machine down.
The last lines give the worst of each measure against the targets: 2 s CPU, 200 MB.
"""

import csv
import html
import io
import multiprocessing
import os
import re
import resource
import sys
import tempfile
import time
import tracemalloc
import zipfile
from collections.abc import Callable

LIMIT_MB = 10
LIMIT = LIMIT_MB * 1024 * 1024
CPU_TARGET_S = 2.0
DATABASE = os.path.join(tempfile.gettempdir(), f"hostile-files-{os.getpid()}.sqlite3")
USERNAME = "hostile"
MEMORY_TARGET_MB = 200

V3_HEADER = (
    '"Date Watched","Type","Title","Episode Title","Global Title Identifier",'
    '"Episode Global Title Identifier","Path","Episode Path","Image URL"'
)
FOUR_COLUMN_HEADER = "Date Watched,Type,Title,Episode"
LEGACY_HEADER = (
    "\ufeffPlayback Hour,Operating System,Browser,Delivery Type,City,Country,ISP,State,"
    "Content Quality Entitled,Entitlement Type,Video Type,Audio Language,Title"
)
LEGACY_PREFIX = "05/09/2017 14:00:00,Windows 10,Chrome 57,,springfield,us,ExampleNet,il,HD,"


def v3(titles: list[str], kind: str = "Movie") -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, quoting=csv.QUOTE_ALL, lineterminator="\n")
    for n, title in enumerate(titles):
        writer.writerow(["2025-01-02 10:00:00.000", kind, title, "", f"gti.{n}", "", "", "", ""])
    return (V3_HEADER + "\n" + out.getvalue()).encode()


def legacy(titles: list[str]) -> bytes:
    lines = [LEGACY_HEADER, *(f"{LEGACY_PREFIX}PRIME_SUBSCRIPTION,Feature,en,{t}" for t in titles)]
    return ("\n".join(lines) + "\n").encode()


def four_column(lines: list[str]) -> bytes:
    return ("\n".join([FOUR_COLUMN_HEADER, *lines]) + "\n").encode()


def filling(unit: str, size: int = LIMIT - 4096) -> str:
    return unit * (size // len(unit))


def many(make, size: int = LIMIT - 4096) -> list[str]:
    """Distinct titles of just under 1,000 characters filling `size`: the worst the cap allows."""
    titles, total, n = [], 0, 0
    while total < size:
        title = make(n)
        titles.append(title)
        total += len(title) + 120
        n += 1
    return titles


def zip_bomb(method: int, inflated: int = 256 * 1024 * 1024, understate: bool = True) -> bytes:
    """A ZIP whose one member inflates to `inflated` bytes, its sizes rewritten to 100 bytes."""
    buffer = io.BytesIO()
    chunk = b"\n" * (16 * 1024 * 1024)
    with (
        zipfile.ZipFile(buffer, "w", method) as archive,
        archive.open("Viewing History.csv", "w") as member,
    ):
        member.write(FOUR_COLUMN_HEADER.encode() + b"\n")
        for _ in range(inflated // len(chunk)):
            member.write(chunk)
    data = bytearray(buffer.getvalue())
    if understate:
        local, central = data.index(b"PK\x03\x04"), data.rindex(b"PK\x01\x02")
        data[local + 22 : local + 26] = (100).to_bytes(4, "little")
        data[central + 24 : central + 28] = (100).to_bytes(4, "little")
    return bytes(data)


def zip_of_many_members(count: int = 100_000) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as archive:
        for n in range(count):
            archive.writestr(f"{n}", b"")
    return buffer.getvalue()


def nul_after_8_kb() -> bytes:
    titles = [f"Film number {n}" for n in range(300)]
    titles[200] = "Heat\x00 (1995)"
    return v3(titles)


CASES: dict[str, Callable[[], bytes]] = {
    # The rows of issue 13's table, at the sizes it measured.
    "table: bzip2 zip, sizes understated": lambda: zip_bomb(zipfile.ZIP_BZIP2),
    "table: lzma zip, sizes understated": lambda: zip_bomb(zipfile.ZIP_LZMA),
    "table: legacy title of 16,000 hyphenated parts": lambda: legacy(["-".join(["a"] * 16_000)]),
    "table: legacy title of 48,000 hyphenated parts": lambda: legacy(["-".join(["a"] * 48_000)]),
    "table: v3 title in 8,000 nested brackets": lambda: v3(["[" * 8000 + "x" + "]" * 8000]),
    "table: 4-column line of 8,000 quote-commas": lambda: four_column(
        ['2022-01-02,Movie,"' + '",' * 8000 + "x"]
    ),
    "table: NUL byte after the first 8 KB": nul_after_8_kb,
    # Zip bombs of each method readable or not, honest and lying sizes.
    "zip: deflate, sizes understated": lambda: zip_bomb(zipfile.ZIP_DEFLATED),
    "zip: deflate, honest sizes": lambda: zip_bomb(zipfile.ZIP_DEFLATED, understate=False),
    "zip: stored, sizes understated": lambda: zip_bomb(zipfile.ZIP_STORED, 9 * 1024 * 1024),
    "zip: bzip2, honest sizes": lambda: zip_bomb(zipfile.ZIP_BZIP2, understate=False),
    "zip: 100,000 empty members": zip_of_many_members,
    # 10 MB of one thing, on one line.
    "10 MB: one line of letters, no header": lambda: filling("a").encode(),
    "10 MB: one line of commas, no header": lambda: filling(",").encode(),
    "10 MB: v3 title of letters": lambda: v3([filling("a")]),
    "10 MB: legacy title of hyphens": lambda: legacy([filling("a-")]),
    "10 MB: v3 title of brackets": lambda: v3([filling("[(")]),
    "10 MB: v3 line of quotes": lambda: (V3_HEADER + "\n" + filling('"')).encode(),
    "10 MB: legacy line of commas": lambda: legacy([filling(",")]),
    "10 MB: 4-column line of quote-commas": lambda: four_column(['2022,Movie,"' + filling('",')]),
    # 10 MB of lines just under the 1,000-character cap, every title different.
    "10 MB: legacy hyphen titles of 999 characters": lambda: legacy(
        many(lambda n: f"{n}-" + "-".join(["a"] * 496))
    ),
    "10 MB: legacy seasonless hyphen titles": lambda: legacy(
        many(lambda n: "-".join(["a"] * 490) + f"-Show {n % 7}")
    ),
    "10 MB: v3 titles in 499 nested brackets": lambda: v3(
        many(lambda n: "[" * 495 + f"{n}" + "]" * 495)
    ),
    "10 MB: v3 titles of parentheses and tags": lambda: v3(
        many(lambda n: f"{n} " + "(4K UHD) [OV] " * 70)
    ),
    "10 MB: v3 untyped titles of episode words": lambda: v3(
        many(lambda n: f"{n} " + "Episode 1: Trailer - " * 45), kind=""
    ),
    "10 MB: v3 accented titles of 999 characters": lambda: v3(
        many(lambda n: f"{n} " + "Amélie à Montréal " * 53, size=LIMIT * 9 // 10)
    ),
    "10 MB: legacy episodes and seasonless titles": lambda: legacy(
        many(lambda n: f"E{n}-" + "-".join(["Show"] * 150) + (" - Season 1" if n % 2 else ""))
    ),
    "10 MB: 4-column lines of quote-commas": lambda: four_column(
        [f'2022-01-{n % 28 + 1:02d},Movie,"{n}' + '",' * 4900 + "x" for n in range(1040)]
    ),
    "10 MB: v3 lines of quotes and newlines": lambda: (V3_HEADER + "\n" + filling('"\n')).encode(),
    "10 MB: short lines": lambda: (V3_HEADER + "\n" + filling("ab\n")).encode(),
    "10 MB: NULs after the first 8 KB": lambda: nul_after_8_kb() + b"\x00" * (LIMIT - 40_000),
    "just over the limit": lambda: v3(["Heat"]).ljust(LIMIT + 1, b"\n"),
}


def signed_in():
    """A browser of the benchmark's person, with no import of theirs left from a case before."""
    from django.contrib.auth import get_user_model
    from django.test import Client

    from imports.models import ImportSession

    ImportSession.objects.all().delete()
    client = Client()
    client.force_login(get_user_model().objects.get(username=USERNAME))
    return client


def upload(client, data: bytes):
    """The whole request of posting the file to the upload page: reading the multipart body,
    the form, and storing the new import."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    return client.post("/settings/import/", {"file": SimpleUploadedFile("history.csv", data)})


def answer(page) -> str:
    """What the person sees: the error shown, or how many films their new import holds."""
    from imports.models import ImportSession

    if page.status_code == 302:
        session = ImportSession.objects.get()
        films = session.items.count() + session.truncated
        return f"import of {films} films ({session.total_entries} entries read)"
    if page.status_code != 200:
        return f"HTTP {page.status_code}"
    errors = re.findall(r'role="alert">(.*?)</', page.content.decode(), re.S)
    return " ".join(html.unescape(e) for e in errors) or "no session and no message"


def _measure(data: bytes, results) -> None:
    limit = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024 + 3 * 1024**3
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    try:
        upload(signed_in(), data[:100])  # import and warm up outside the measurement
        # Signing in and clearing the last import stay outside the measurements.
        client = signed_in()
        rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        cpu = time.process_time()
        page = upload(client, data)
        cpu = time.process_time() - cpu
        rss = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - rss_before) / 1024
        shown = answer(page)
        client = signed_in()
        tracemalloc.start()
        upload(client, data)
        peak = tracemalloc.get_traced_memory()[1] / 1024**2
        tracemalloc.stop()
        results.put((cpu, peak, rss, shown))
    except BaseException as error:  # a failed budget is a result to print, not a crash
        results.put((float("nan"), float("nan"), float("nan"), f"{type(error).__name__}"))


def run(name: str, data: bytes) -> tuple[float, float, float, str]:
    context = multiprocessing.get_context("fork")
    results = context.Queue()
    child = context.Process(target=_measure, args=(data, results))
    child.start()
    child.join(300)
    if child.is_alive():
        child.kill()
        child.join()
        return float("inf"), float("nan"), float("nan"), "still running after 300 s"
    return results.get() if not results.empty() else (float("nan"),) * 3 + ("child died",)


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "movieranking.settings")
    os.environ["IMPORT_MAX_UPLOAD_MB"] = str(LIMIT_MB)
    os.environ.setdefault("SECRET_KEY", "hostile-files-benchmark-only-not-a-real-secret-key")
    os.environ["DATABASE_URL"] = f"sqlite:///{DATABASE}"
    os.environ["CACHE_URL"] = "locmemcache://"
    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db import connections

    settings.ALLOWED_HOSTS = ["testserver"]
    call_command("migrate", verbosity=0)
    get_user_model().objects.create_user(USERNAME, password="hostile-files-benchmark")
    # Each file runs in a forked child: it must open its own connection to the database file.
    connections.close_all()
    try:
        _run_cases(sys.argv[1:])
    finally:
        for suffix in ("", "-wal", "-shm"):
            if os.path.exists(DATABASE + suffix):
                os.remove(DATABASE + suffix)


def _run_cases(wanted: list[str]) -> None:
    worst_cpu = worst_peak = worst_rss = 0.0
    print(f"{'file':<50}{'size':>9}{'cpu s':>8}{'traced':>9}{'rss':>8}  answer")
    for name, build in CASES.items():
        if wanted and not any(w in name for w in wanted):
            continue
        data = build()
        cpu, peak, rss, answer = run(name, data)
        worst_cpu, worst_peak, worst_rss = (
            max(worst_cpu, cpu, key=_ordered),
            max(worst_peak, peak, key=_ordered),
            max(worst_rss, rss, key=_ordered),
        )
        print(
            f"{name:<50}{len(data) / 1e6:>7.2f}MB{cpu:>8.3f}{peak:>7.1f}MB{rss:>6.0f}MB  "
            f"{answer[:90]}"
        )
    verdict = _verdict(worst_cpu, CPU_TARGET_S)
    print(f"worst CPU {worst_cpu:.3f} s (target ≤ {CPU_TARGET_S} s): {verdict}")
    for label, value in (("traced peak", worst_peak), ("ru_maxrss growth", worst_rss)):
        print(
            f"worst {label} {value:.1f} MB (target ≤ {MEMORY_TARGET_MB} MB): "
            f"{_verdict(value, MEMORY_TARGET_MB)}"
        )


def _ordered(value: float) -> float:
    return float("inf") if value != value else value  # a failed run (NaN) is the worst


def _verdict(value: float, target: float) -> str:
    return "met" if value <= target else "MISSED"


if __name__ == "__main__":
    main()
