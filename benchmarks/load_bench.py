"""Ten people importing at once: errors, TMDB 429s, request times and PostgreSQL connections.

    .venv/bin/python -m benchmarks.load_bench [--users N] [--cache redis|db|both]
                                              [--workers 4] [--threads 8]

Runs the app as deployed: gunicorn (4 workers, gthread) on a fresh PostgreSQL database
(`mr_load_bench` on 127.0.0.1), against the fake TMDB server (100 ms latency, 40 requests a
second, more answered with 429), once with Redis as the cache (its database 13, emptied first)
and once with the default database cache. Each user uploads a 60-film watch history at the
same moment (neighbours share 10 films), then drives matching as the wizard page does (htmx
POSTs in the page's two lanes, each after the delay its `hx-trigger` asks for) and reviews
20 cards (Add and Skip in turn). A thread polls `pg_stat_activity` for the database every 50 ms.

Targets for both caches: 0 errors, 0 × 429, peak connections ≤ 40, review POST p95 < 200 ms.
"""

import argparse
import random
import re
import statistics
import sys
import threading
import time
from dataclasses import dataclass, field

import httpx

from benchmarks import server
from benchmarks.import_bench import drive_matching, synthetic_films, watch_history
from tests.fake_tmdb import FakeTMDB

DATABASE = "mr_load_bench"
FILMS_EACH = 60
SHIFT = 50
LATENCY = 0.1
MAX_RPS = 40
REVIEWS = 20
# So that a broken run ends: seconds for the whole run.
RUN_SECONDS = 300
CACHES = {"redis": server.REDIS, "db": "dbcache://django_cache?max_entries=50000"}
_CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
_ITEM = re.compile(r'action="/settings/import/\d+/items/(\d+)/add/"')
_FILM = re.compile(r'name="film" value="([^"]+)"')


class Failed(Exception):
    pass


@dataclass
class Results:
    lock: threading.Lock = field(default_factory=threading.Lock)
    errors: list[str] = field(default_factory=list)
    match_ms: list[float] = field(default_factory=list)
    review_ms: list[float] = field(default_factory=list)
    pauses: int = 0
    finished: list[float] = field(default_factory=list)

    def error(self, message: str) -> None:
        with self.lock:
            self.errors.append(message)


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))] if ordered else 0.0


def one_user(url: str, cookie: str, history: bytes, start: threading.Event, results: Results):
    """Upload, match until review, review REVIEWS cards; every failure is recorded."""
    end = time.monotonic() + RUN_SECONDS
    with httpx.Client(base_url=url, cookies={"sessionid": cookie}, timeout=40) as http:
        page = http.get("/settings/import/")
        found = _CSRF.search(page.text)
        assert found, "the upload page carries no CSRF token"
        token = found[1]
        headers = {"X-CSRFToken": token, "HX-Request": "true"}
        start.wait()
        began = time.monotonic()
        uploaded = http.post(
            "/settings/import/",
            data={"csrfmiddlewaretoken": token},
            files={"file": ("watch-history.csv", history, "text/csv")},
        )
        wizard = re.search(r"/settings/import/(\d+)/", uploaded.headers.get("location", ""))
        if uploaded.status_code != 302 or not wizard:
            return results.error(f"upload answered {uploaded.status_code}")

        def post(client):
            def send(path: str) -> str:
                if time.monotonic() > end:
                    raise Failed("matching did not finish in time")
                sent = time.perf_counter()
                response = client.post(path, headers=headers)
                with results.lock:
                    results.match_ms.append((time.perf_counter() - sent) * 1000)
                if response.status_code != 200:
                    raise Failed(f"match answered {response.status_code}")
                if "Matching is paused" in response.text:
                    with results.lock:
                        results.pauses += 1
                return response.text

            return send

        # The page's second lane: the same browser, so the same cookies.
        with httpx.Client(base_url=url, cookies=http.cookies, timeout=40) as second:
            try:
                text = drive_matching(
                    post(http), http.get(wizard[0]).text, post(second), paused_ok=True
                ).last_page
            except Failed as failure:
                return results.error(str(failure))
        with results.lock:
            results.finished.append(time.monotonic() - began)
        rng = random.Random(cookie)
        for n in range(REVIEWS):
            item, film = _ITEM.search(text), _FILM.search(text)
            if not item:
                break
            base = f"{wizard[0]}items/{item[1]}/"
            if n % 2 == 0 and film:
                data = {"film": film[1], "rating": rng.randint(1, 5), "rated_on": "2024-06-02"}
                action = ("add/", data)
            else:
                action = ("skip/", {})
            sent = time.perf_counter()
            response = http.post(base + action[0], data=action[1], headers=headers)
            with results.lock:
                results.review_ms.append((time.perf_counter() - sent) * 1000)
            if response.status_code != 200:
                return results.error(f"{action[0][:-1]} answered {response.status_code}")
            text = response.text


class ConnectionPeak(threading.Thread):
    """The most connections `pg_stat_activity` showed for the database (this one not counted)."""

    def __init__(self, database_url: str):
        super().__init__(daemon=True)
        self.database_url = database_url
        self.peak = 0
        self.stop = threading.Event()

    def run(self) -> None:
        import psycopg

        sql = (
            "SELECT count(*) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
        with psycopg.connect(self.database_url, autocommit=True) as connection:
            while not self.stop.wait(0.05):
                row = connection.execute(sql).fetchone()
                assert row is not None  # a count always answers one row
                self.peak = max(self.peak, row[0])


def run(cache: str, users: int, workers: int, threads: int, films: list[dict]) -> bool:
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db import connections

    connections.close_all()
    database_url = server.fresh_postgres(DATABASE)
    server.flush_redis()

    call_command("migrate", verbosity=0)
    call_command("createcachetable", verbosity=0)
    people = [get_user_model().objects.create(username=f"load{n}") for n in range(users)]
    cookies = [server.session_cookie(person) for person in people]
    connections.close_all()
    histories = [
        watch_history([films[(n * SHIFT + i) % len(films)] for i in range(FILMS_EACH)], False)
        for n in range(users)
    ]
    results = Results()
    with FakeTMDB(films, latency=LATENCY, max_rps=MAX_RPS) as tmdb:
        environment = server.app_environment(database_url, CACHES[cache], tmdb.url)
        with server.gunicorn(environment, workers=workers, threads=threads) as url:
            peak = ConnectionPeak(database_url)
            peak.start()
            start = threading.Event()
            people_threads = [
                threading.Thread(target=one_user, args=(url, cookie, history, start, results))
                for cookie, history in zip(cookies, histories, strict=True)
            ]
            for thread in people_threads:
                thread.start()
            time.sleep(1)
            began = time.monotonic()
            start.set()
            for thread in people_threads:
                thread.join(RUN_SECONDS + 60)
            wall = time.monotonic() - began
            peak.stop.set()
            peak.join()
        requests, rate_limited = tmdb.request_count, tmdb.rate_limited_count
    floor = (requests - rate_limited) / MAX_RPS
    errors = len(results.errors)
    review_p95 = percentile(results.review_ms, 0.95)
    label = {"redis": f"Redis ({server.REDIS})", "db": "the database cache (the default)"}[cache]
    print(f"{users} users × {FILMS_EACH} films at once, gunicorn {workers} workers × {threads}")
    print(f"threads, PostgreSQL, {label}; TMDB {LATENCY * 1000:.0f} ms, {MAX_RPS} req/s cap")
    print(f"  errors                      {errors:6d}     (target 0) {results.errors[:3]}")
    print(f"  TMDB 429s                   {rate_limited:6d}     (target 0)")
    print(f"  paused match answers        {results.pauses:6d}")
    for name, values in (("match", results.match_ms), ("review", results.review_ms)):
        print(
            f"  {name:<6} POSTs ×{len(values):<4}  p50 {percentile(values, 0.5):7.0f} ms  "
            f"p95 {percentile(values, 0.95):7.0f} ms  max {max(values, default=0):7.0f} ms"
        )
    print("                              (review target p95 < 200 ms)")
    print(f"  peak PostgreSQL connections {peak.peak:6d}     (target ≤ 40)")
    print(f"  TMDB requests answered      {requests - rate_limited:6d}     (floor {floor:.1f} s)")
    print(
        f"  last import review-ready    {max(results.finished, default=0):6.1f} s   "
        f"(median {statistics.median(results.finished or [0]):.1f} s; run {wall:.1f} s)"
    )
    met = not errors and not rate_limited and peak.peak <= 40 and review_p95 < 200
    print(f"  targets {'met' if met else 'NOT met'}\n")
    return met


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", type=int, default=10)
    parser.add_argument("--cache", choices=[*CACHES, "both"], default="both")
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--threads", type=int, default=8)
    args = parser.parse_args()
    films = synthetic_films()
    # The benchmark's own Django, on the same database, creates the users and their sessions.
    database_url = server.fresh_postgres(DATABASE)
    server.setup_django(server.app_environment(database_url, CACHES["db"], "http://127.0.0.1:9/3"))
    caches = list(CACHES) if args.cache == "both" else [args.cache]
    met = [run(cache, args.users, args.workers, args.threads, films) for cache in caches]
    sys.exit(0 if all(met) else 1)


if __name__ == "__main__":
    main()
