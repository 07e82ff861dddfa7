"""How fast `read_history` parses large Prime Video files, and how much memory it needs.

    .venv/bin/python -m benchmarks.parse_bench [rows]

Generates a v3 exporter file and a legacy "Request your data" file in memory (50,000 rows
each by default: mostly episodes, as in real histories, with rewatches, duplicates, edition
tags and comma-split legacy titles), then prints rows/second (best of three runs, title cache
cleared before each so every run pays for cleaning titles), the CPU time of that run (steadier
than wall time on a busy machine) and the peak memory traced while parsing. Target on a 2-core
machine: each file in under 1 s, peak under 150 MB.
"""

import csv
import io
import random
import sys
import time
import tracemalloc
import zlib
from datetime import UTC, datetime, timedelta

from imports.sources import clean_title, read_history
from tests.imports.conftest import V3_HEADER

LEGACY_HEADER = (
    "Playback Hour,Operating System,Browser,Delivery Type,City,Country,ISP,State,"
    "Content Quality Entitled,Entitlement Type,Video Type,Audio Language,Title"
)
EDITIONS = ("", "", "", " [OV]", " [dt./OV]", " (4K UHD)", " (English Subtitled)")
WORDS = [
    "red",
    "night",
    "river",
    "glass",
    "winter",
    "king",
    "shadow",
    "garden",
    "last",
    "broken",
    "silent",
    "iron",
    "city",
]


def _title(rng: random.Random, i: int) -> str:
    return f"{' '.join(rng.sample(WORDS, 2)).title()} {i}"


def v3_file(rows: int, seed: int = 1) -> bytes:
    rng = random.Random(seed)
    films = [_title(rng, i) + rng.choice(EDITIONS) for i in range(1500)]
    shows = [f"{_title(rng, i)} - Season {rng.randint(1, 6)}" for i in range(300)]
    out = io.StringIO()
    writer = csv.writer(out, quoting=csv.QUOTE_ALL, lineterminator="\n")
    writer.writerow(V3_HEADER)
    when = datetime(2026, 1, 1, tzinfo=UTC)
    for n in range(rows):
        when -= timedelta(seconds=rng.randint(600, 20000))
        date = when.strftime("%Y-%m-%d %H:%M:%S.") + f"{rng.randint(0, 999):03d}"
        image = f"https://m.media-amazon.com/images/S/pv-target-images/{n:x}._UX667_.jpg"
        if rng.random() < 0.25:
            title = rng.choice(films)
            gti = f"amzn1.dv.gti.{zlib.crc32(title.encode()):08x}"
            row = [date, "Movie", title, "", gti, "", f"/detail/{n:x}/ref=atv", "", image]
        else:
            title = rng.choice(shows)
            episode = f'Episode {rng.randint(1, 10)}: "{rng.choice(WORDS).title()}"'
            gti = f"amzn1.dv.gti.{zlib.crc32(title.encode()):08x}"
            row = [date, "Series", title, episode, gti, f"{gti}-{n}", "/d", "/e", image]
        writer.writerow(row)
        if rng.random() < 0.01:
            writer.writerow(row)
    return out.getvalue().encode("utf-8")


def legacy_file(rows: int, seed: int = 2) -> bytes:
    rng = random.Random(seed)
    films = [_title(rng, i) for i in range(1500)] + ["Oh, Canada", "Crouching Tiger, Hidden Dragon"]
    shows = [_title(rng, i) for i in range(300)]
    device = "Android9,,streaming,springfield,US,ExampleNet,IL,HD"
    lines = ["\ufeff" + LEGACY_HEADER]
    when = datetime(2022, 6, 1)
    for _ in range(rows):
        when -= timedelta(hours=rng.randint(1, 6))
        hour = when.strftime("%m/%d/%Y %H:00:00")
        roll = rng.random()
        if roll < 0.25:
            title, video, entitlement = rng.choice(films), "Feature", "PRIME_SUBSCRIPTION"
        elif roll < 0.27:
            title, video, entitlement = rng.choice(films), "Trailer", "TRAILER"
        else:
            episode = f"{rng.choice(WORDS).title()}, Part {rng.randint(1, 3)}"
            title = f"{episode}-{rng.choice(shows)} - Season {rng.randint(1, 5)}"
            video, entitlement = "Full", "PRIME_SUBSCRIPTION"
        lines.append(f"{hour},{device},{entitlement},{video},en-us,{title}")
    return ("\n".join(lines) + "\n").encode("utf-8")


def measure(name: str, data: bytes) -> None:
    limit = len(data) + 1
    best = best_cpu = float("inf")
    for _ in range(3):
        clean_title.cache_clear()
        started, started_cpu = time.perf_counter(), time.process_time()
        history = read_history(data, max_bytes=limit)
        best = min(best, time.perf_counter() - started)
        best_cpu = min(best_cpu, time.process_time() - started_cpu)
    clean_title.cache_clear()
    tracemalloc.start()
    read_history(data, max_bytes=limit)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    rows = history.total_rows
    print(
        f"{name:<7}{rows:>7,} rows {len(data) / 1e6:5.1f} MB  {best:.3f} s (cpu {best_cpu:.3f} s)"
        f"  {rows / best:>8,.0f} rows/s  peak {peak / 1e6:5.1f} MB  "
        f"→ {history.movie_count:,} films, {history.episode_rows:,} episodes, "
        f"{history.duplicate_rows:,} duplicates"
    )


def main() -> None:
    rows = int(sys.argv[1]) if len(sys.argv) > 1 else 50_000
    measure("v3", v3_file(rows))
    measure("legacy", legacy_file(rows))


if __name__ == "__main__":
    main()
