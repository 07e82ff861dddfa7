"""How fast the offline catalog loads and searches. Target: mean and p95 under 20 ms a query.

    .venv/bin/python -m benchmarks.offline_search_bench

The ~300 queries are drawn from the catalog itself with a fixed seed, in the shapes people and
the Prime import produce: exact titles, lower case, accents and punctuation stripped, typos,
prefixes, titles with a year, long pasted text and nonsense.
"""

import random
import statistics
import string
import time

from catalog.builtin import BuiltinCatalog
from catalog.titles import fold

SEED = 20140101


def typo(title: str, rng: random.Random) -> str:
    if len(title) < 4:
        return title + "x"
    i = rng.randrange(1, len(title) - 2)
    return title[:i] + title[i + 1] + title[i] + title[i + 2 :]


def prefix(title: str, rng: random.Random) -> str:
    words = title.split()
    return " ".join(words[: rng.randint(1, max(1, len(words) - 1))])


def nonsense(rng: random.Random) -> str:
    return "".join(rng.choice(string.ascii_lowercase + " ") for _ in range(rng.randint(3, 25)))


def queries(catalog: BuiltinCatalog) -> list[tuple[str, int | None]]:
    rng = random.Random(SEED)
    films = list(catalog)
    sample = rng.sample(films, 240)
    accented = [film for film in films if not film.title.isascii()]
    batches: list[list[tuple[str, int | None]]] = [
        [(film.title, None) for film in sample[:50]],
        [(film.title.lower(), None) for film in sample[50:100]],
        [(fold(film.title), None) for film in rng.sample(accented, 30)],
        [(typo(film.title, rng), None) for film in sample[100:160]],
        [(prefix(film.title, rng), None) for film in sample[160:200]],
        [(film.title, film.year) for film in sample[200:240]],
        [(nonsense(rng), None) for _ in range(25)],
        [(" ".join(film.title for film in sample[i : i + 20]), None) for i in range(0, 100, 20)],
        [("amelie", None), ("godfather part ii", None), ("se7en", None), ("the matrix", None)],
        [("spiderman", None), ("WALL·E", None), ("the intouchables extended cut", None)],
    ]
    return [query for batch in batches for query in batch]


def main() -> None:
    started = time.perf_counter()
    catalog = BuiltinCatalog.load()
    print(f"Loaded {len(catalog):,} films in {(time.perf_counter() - started) * 1000:.0f} ms")
    print(catalog.describe())

    runs = queries(catalog)
    catalog.search("warm up")
    timings = []
    for title, year in runs:
        started = time.perf_counter()
        catalog.search(title, year=year)
        timings.append((time.perf_counter() - started) * 1000)

    timings.sort()
    p95 = timings[int(len(timings) * 0.95) - 1]
    print(f"{len(timings)} queries, ms per query:")
    print(f"  mean {statistics.fmean(timings):.2f}  median {statistics.median(timings):.2f}")
    print(f"  p95 {p95:.2f}  max {timings[-1]:.2f}")


if __name__ == "__main__":
    main()
