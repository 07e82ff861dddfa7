"""How fast a 500-film Prime import is matched against TMDB, and how fast reviewing it feels.

    .venv/bin/python -m benchmarks.import_bench [--skip-sequential] [--budget S] [--cache db]
                                                [--german] [--gunicorn]

Runs the app on a throwaway SQLite database (database cache, as in production) against the
fake TMDB server with 100 ms latency and a 40 requests/second cap that it enforces with 429s,
serving 500 synthetic films. A user uploads a watch history of those 500 films and the
benchmark drives matching the way the wizard page does: htmx POSTs in the page's two lanes
(the stage's section and the hidden second lane), each after the delay its element's
`hx-trigger` asks for, until the session is ready for review. For comparison it then
searches the same 500 titles one at a time with a fresh cache.
Finally it times 100 Adds, 100 Undos and 100 Skips on the 500-card session.

`--german` uploads a German exporter file instead, whose titles are the films' German titles:
each costs two searches (the catalog's own titles, then the account's language), so the floor
doubles to 25 s.

`--gunicorn` runs the app as deployed instead: gunicorn (4 workers × 8 threads) on a fresh
PostgreSQL database (`mr_import_bench` on 127.0.0.1) with Redis (its database 13, emptied
first) as the cache, driven over HTTP the same way; it times matching only.

Targets: matching within 1.10 × the rate-limit floor (500 / 40 = 12.5 s) with no 429s; review
actions median < 30 ms and p95 < 50 ms of server time.
"""

import argparse
import os
import random
import re
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

from tests import fake_tmdb
from tests.fake_tmdb import FAKE_API_KEY, FakeTMDB

# The fake writes headers and body in two sends; with Nagle on, each answer then waits for the
# client's delayed ACK (~40 ms on Linux), which would add to the 100 ms latency measured here.
fake_tmdb._Handler.disable_nagle_algorithm = True

FILMS = 500
LATENCY = 0.1
MAX_RPS = 40
ACTIONS = 100
HX = {"HX-Request": "true"}
# As deployed: the default CACHE_URL of settings.py.
CACHES = {
    "db": "dbcache://django_cache?max_entries=50000",
    "locmem": "locmemcache://import-bench?max_entries=50000",
}
SEED = 20240501

ADJECTIVES = ["Silent", "Broken", "Golden", "Hidden", "Crimson", "Frozen", "Burning", "Lost"]
ADJECTIVES += ["Wandering", "Midnight"]
NOUNS = ["River", "Garden", "Empire", "Lantern", "Harbor", "Orchard", "Machine", "Mirror"]
NOUNS += ["Kingdom", "Voyage"]
PLACES = ["Glass", "Ashes", "Tomorrow", "the North", "Saint Clare"]
# German titles share no word with the English ones, as "Die Verurteilten" and "The Shawshank
# Redemption" do not.
ADJECTIVES_DE = ["Stumme", "Zerbrochene", "Goldene", "Verborgene", "Karminrote", "Gefrorene"]
ADJECTIVES_DE += ["Brennende", "Verlorene", "Wandernde", "Mitternächtliche"]
NOUNS_DE = ["Strom", "Hain", "Reich", "Leuchter", "Hafen", "Obstgarten", "Apparat", "Spiegel"]
NOUNS_DE += ["Königtum", "Seefahrt"]
PLACES_DE = ["Kristall", "Asche", "Morgen", "Norden", "Sankt Klara"]


def synthetic_films() -> list[dict]:
    """500 distinct films in the fake's catalog format, each with a German title."""
    rng = random.Random(SEED)
    titles = [f"The {a} {n} of {p}" for a in ADJECTIVES for n in NOUNS for p in PLACES]
    german = [f"Der {a} {n} aus {p}" for a in ADJECTIVES_DE for n in NOUNS_DE for p in PLACES_DE]
    films = []
    for n, (title, german_title) in enumerate(zip(titles[:FILMS], german, strict=False)):
        year = rng.randint(1950, 2023)
        films.append(
            {
                "id": 900_000 + n,
                "imdb_id": f"tt{9_100_000 + n}",
                "title": title,
                "original_title": title,
                "original_language": "en",
                "release_date": f"{year}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
                "overview": f"A synthetic drama from {year}.",
                "popularity": round(rng.uniform(1, 80), 1),
                "vote_average": round(rng.uniform(4, 9), 1),
                "vote_count": rng.randint(10, 20_000),
                "poster_path": f"/bench{n}.jpg",
                "runtime": rng.randint(80, 160),
                "genres": [{"id": 18, "name": "Drama"}],
                "alternative_titles": [{"iso_3166_1": "DE", "title": german_title, "type": ""}],
                "translations": {"de-DE": german_title},
            }
        )
    return films


def prime_titles(films: list[dict], german: bool) -> list[str]:
    return [film["translations"]["de-DE"] if german else film["title"] for film in films]


def watch_history(films: list[dict], german: bool) -> bytes:
    """An exporter file (v3, or the German 4-column one): every film watched once, newest
    first, after its release."""
    from tests.imports.conftest import v3_file

    views = [
        (date(2024, 6, 1) - timedelta(days=n), title)
        for n, title in enumerate(prime_titles(films, german), start=1)
    ]
    if german:
        lines = ["Datum angesehen,Typ,Titel,Folge"]
        lines += [f'{day.isoformat()},Film,"{title}",' for day, title in views]
        return "\n".join(lines).encode()
    return v3_file([(f"{day} 20:00:00.000", "Movie", title) for day, title in views])


def configure(workdir: Path, api_url: str, cache_url: str) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "movieranking.settings")
    os.environ["SECRET_KEY"] = "benchmark-only-not-a-secret-0123456789abcdef"
    os.environ["DEBUG"] = "0"
    os.environ["ALLOWED_HOSTS"] = "testserver"
    os.environ["DATABASE_URL"] = f"sqlite:///{workdir / 'bench.sqlite3'}"
    os.environ["CACHE_URL"] = cache_url
    os.environ["TMDB_API_KEY"] = FAKE_API_KEY
    os.environ["TMDB_READ_ACCESS_TOKEN"] = ""
    os.environ["TMDB_API_URL"] = api_url
    os.environ["TMDB_MAX_RPS"] = str(MAX_RPS)
    os.environ["LOG_LEVEL"] = "WARNING"

    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)
    call_command("createcachetable", verbosity=0)


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


# The page's match requests: the stage's section (the first lane) and, with TMDB, the hidden
# second lane; each answer brings the element that sends the next POST, after its delay.
_LANE = re.compile(r'hx-post="([^"]*/match/(?:helper/)?)"\s+hx-trigger="load delay:(\d+)(ms|s)"')


def _lane(page: str, helper: bool) -> tuple[str, float] | None:
    for found in _LANE.finditer(page):
        if found[1].endswith("/helper/") == helper:
            return found[1], int(found[2]) / (1000 if found[3] == "ms" else 1)
    return None


def drive_matching(
    post: Callable[[str], str], page: str, helper_post=None, *, paused_ok: bool = False
) -> "Lanes":
    """Send the match POSTs the wizard page sends, from its first answer `page`, until the
    page shows no more: the first lane here, the second (`helper_post`, a client of its own)
    on a thread. Exits when matching pauses, unless `paused_ok` (the page then retries)."""
    lanes = Lanes()

    def run(send: Callable[[str], str], text: str, helper: bool) -> str:
        while lane := _lane(text, helper):
            if "Matching is paused" in text and not paused_ok:
                sys.exit(f"matching paused: {text[text.index('Matching is paused') :][:200]}")
            if lanes.posts > 400:
                sys.exit("matching did not finish in 400 requests")
            time.sleep(lane[1])
            sent = time.perf_counter()
            text = send(lane[0])
            lanes.add(time.perf_counter() - sent, helper)
        return text

    failures: list[BaseException] = []

    def run_second() -> None:
        try:
            run(helper_post, page, True)
        except BaseException as exc:  # sys.exit included: a thread would end silently
            failures.append(exc)

    second = threading.Thread(target=run_second)
    if helper_post and _lane(page, helper=True):
        second.start()
    lanes.last_page = run(post, page, False)
    if second.is_alive():
        second.join()
    if failures:
        raise failures[0]
    return lanes


class Lanes:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.posts = self.helper_posts = 0
        self.times: list[float] = []
        self.last_page = ""

    def add(self, seconds: float, helper: bool) -> None:
        with self.lock:
            self.posts += 1
            self.helper_posts += helper
            self.times.append(seconds)


def match_through_the_wizard(user, session, tmdb, titles: list[str], language: str) -> None:
    from django.db import connections
    from django.test import Client

    from catalog.pacing import RateLimiter
    from imports.models import ImportItem

    clients = [Client(), Client()]
    for client in clients:
        client.force_login(user)

    def post(client):
        def send(url: str) -> str:
            response = client.post(url, headers=HX)
            if response.status_code != 200:
                sys.exit(f"match POST answered {response.status_code}")
            return response.content.decode()

        return send

    def helper_post(url: str) -> str:
        try:
            return post(clients[1])(url)
        finally:
            connections.close_all()

    started = time.perf_counter()
    # Where the upload redirects to; the page starts matching with its first htmx POST.
    page = clients[0].get(f"/settings/import/{session.pk}/").content.decode()
    lanes = drive_matching(post(clients[0]), page, helper_post)
    wall = time.perf_counter() - started
    session.refresh_from_db()
    searches = FILMS * (2 if language else 1)
    floor = searches / MAX_RPS
    statuses = dict.fromkeys(ImportItem.MatchStatus.values, 0)
    for status in session.items.values_list("match_status", flat=True):
        statuses[status] += 1
    print(f"Matching {FILMS} distinct titles through the wizard (TMDB {LATENCY * 1000:.0f} ms,")
    print(f"  {MAX_RPS} req/s cap answered with 429, the page's two lanes of POSTs)")
    print(f"  wall time to review-ready   {wall:6.2f} s   (status {session.status})")
    print(f"  floor {searches} / {MAX_RPS}            {floor:6.2f} s")
    print(f"  ratio                       {wall / floor:6.3f}     (target ≤ 1.10)")
    pace = searches / (MAX_RPS * RateLimiter.HEADROOM)
    share = f"{RateLimiter.HEADROOM:.0%}"
    print(f"  client's own pace ({share})     {pace:6.2f} s   (ratio {pace / floor:.3f})")
    print(f"  requests to TMDB            {tmdb.request_count:6d}     ({FILMS} titles)")
    print(f"  429s received               {tmdb.rate_limited_count:6d}     (target 0)")
    print(
        f"  match POSTs                 {lanes.posts:6d}     ({lanes.helper_posts} by the "
        f"second lane; slowest {max(lanes.times):.2f} s)"
    )
    print(f"  items by match status       {statuses}")
    again = uncached_searches(titles, language, tmdb)
    print(f"  requests to search again    {again:6d}     (all answers cached: 0)")
    if again:
        print("    the cache dropped answers: Django's caches keep 300 entries unless")
        print("    OPTIONS MAX_ENTRIES (CACHE_URL ...?max_entries=N) says otherwise")


def uncached_searches(titles: list[str], language: str, tmdb) -> int:
    """Search every title again: the lookup threads must have cached every answer."""
    from catalog.active import get_catalog

    before = tmdb.request_count
    for title in titles:
        get_catalog().search(title)
        if language:
            get_catalog().search(title, language=language)
    return tmdb.request_count - before


def search_one_at_a_time(films: list[dict], tmdb) -> None:
    from django.core.cache import cache

    from catalog.tmdb import TMDBClient

    cache.clear()
    tmdb.reset()
    tmdb.latency, tmdb.max_rps = LATENCY, MAX_RPS
    with TMDBClient.from_settings() as client:
        started = time.perf_counter()
        for film in films:
            client.search(film["title"])
        wall = time.perf_counter() - started
    print(f"One search at a time, fresh cache: {wall:6.2f} s for {FILMS} titles")
    print(f"  ({tmdb.request_count} requests, {tmdb.rate_limited_count} 429s)")


class QueryCounter:
    def __init__(self):
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)


def time_review_actions(client, session) -> None:
    from django.db import connection

    from imports.models import ImportItem

    base = f"/settings/import/{session.pk}"
    rng = random.Random(SEED)
    timings: dict[str, list[float]] = {"add": [], "undo": [], "skip": []}
    queries: dict[str, list[int]] = {"add": [], "undo": [], "skip": []}

    def card() -> ImportItem:
        return session.items.pending_review().first()

    def run(action: str, url: str, data: dict | None = None) -> None:
        counter = QueryCounter()
        with connection.execute_wrapper(counter):
            started = time.perf_counter()
            response = client.post(url, data or {}, headers=HX)
            timings[action].append((time.perf_counter() - started) * 1000)
        queries[action].append(counter.count)
        if response.status_code != 200:
            sys.exit(f"{action} answered {response.status_code}")

    for _ in range(ACTIONS):
        item = card()
        data = {
            "film": item.candidates[0].catalog_id,
            "rating": str(rng.randint(1, 5)),
            "rated_on": "2024-05-02",
        }
        run("add", f"{base}/items/{item.pk}/add/", data)
    for _ in range(ACTIONS):
        run("undo", f"{base}/undo/")
    for _ in range(ACTIONS):
        run("skip", f"{base}/items/{card().pk}/skip/")

    print(f"Review actions on the {FILMS}-card session (server time, ms; target median < 30,")
    print("  p95 < 50):")
    for action, values in timings.items():
        counts = sorted(set(queries[action]))
        print(
            f"  {action:<5} ×{len(values)}  median {statistics.median(values):5.1f}  "
            f"p95 {percentile(values, 0.95):5.1f}  max {max(values):5.1f}  "
            f"SQL queries {'/'.join(map(str, counts))}"
        )


def match_on_gunicorn(films: list[dict], german: bool) -> None:
    """Upload and match through gunicorn + PostgreSQL + Redis, as the wizard page does."""
    import httpx

    from benchmarks import server

    database_url = server.fresh_postgres("mr_import_bench")
    server.flush_redis()
    with FakeTMDB(films, latency=LATENCY, max_rps=MAX_RPS) as tmdb:
        environment = server.app_environment(database_url, server.REDIS, tmdb.url)
        server.setup_django(environment)
        from django.contrib.auth import get_user_model
        from django.db import connections

        cookie = server.session_cookie(get_user_model().objects.create(username="bench"))
        connections.close_all()
        with (
            server.gunicorn(environment) as url,
            httpx.Client(base_url=url, cookies={"sessionid": cookie}, timeout=40) as http,
        ):
            page = http.get("/settings/import/").text
            found = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
            assert found, "the upload page carries no CSRF token"
            token = found[1]
            uploaded = http.post(
                "/settings/import/",
                data={"csrfmiddlewaretoken": token},
                files={"file": ("watch-history.csv", watch_history(films, german), "text/csv")},
            )
            wizard = uploaded.headers["location"]
            headers = {"X-CSRFToken": token, "HX-Request": "true"}

            def post(client):
                def send(path: str) -> str:
                    response = client.post(path, headers=headers)
                    if response.status_code != 200:
                        sys.exit(f"match POST answered {response.status_code}")
                    return response.text

                return send

            # The page's second lane: the same browser, so the same cookies (CSRF's too).
            with httpx.Client(base_url=url, cookies=http.cookies, timeout=40) as second:
                started = time.perf_counter()
                lanes = drive_matching(post(http), http.get(wizard).text, post(second))
                wall = time.perf_counter() - started
    searches = FILMS * (2 if german else 1)
    floor = searches / MAX_RPS
    print(f"Matching {FILMS} distinct titles on gunicorn ×4 + PostgreSQL + Redis (TMDB")
    print(f"  {LATENCY * 1000:.0f} ms, {MAX_RPS} req/s cap answered with 429)")
    print(f"  wall time to review-ready   {wall:6.2f} s")
    print(f"  floor {searches} / {MAX_RPS}            {floor:6.2f} s")
    print(f"  ratio                       {wall / floor:6.3f}     (target ≤ 1.10)")
    print(f"  requests to TMDB            {tmdb.request_count:6d}     ({FILMS} titles)")
    print(f"  429s received               {tmdb.rate_limited_count:6d}     (target 0)")
    print(
        f"  match POSTs                 {lanes.posts:6d}     ({lanes.helper_posts} by the "
        f"second lane; slowest {max(lanes.times):.2f} s)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--skip-sequential", action="store_true", help="skip the one-at-a-time comparison"
    )
    parser.add_argument(
        "--budget", type=float, help="seconds per match request (default: MATCH_BUDGET_SECONDS)"
    )
    parser.add_argument(
        "--cache", choices=CACHES, default="db", help="the Django cache (default: db, as deployed)"
    )
    parser.add_argument("--german", action="store_true", help="upload a German exporter file")
    parser.add_argument(
        "--gunicorn", action="store_true", help="gunicorn ×4 + PostgreSQL + Redis, over HTTP"
    )
    args = parser.parse_args()
    films = synthetic_films()
    if args.gunicorn:
        match_on_gunicorn(films, args.german)
        return
    with (
        tempfile.TemporaryDirectory(prefix="import-bench-") as workdir,
        FakeTMDB(films, latency=LATENCY, max_rps=MAX_RPS) as tmdb,
    ):
        configure(Path(workdir), tmdb.url, CACHES[args.cache])
        from django.contrib.auth import get_user_model
        from django.core.files.uploadedfile import SimpleUploadedFile
        from django.test import Client

        from imports import matcher
        from imports.models import ImportSession

        if args.budget:
            matcher.MATCH_BUDGET_SECONDS = args.budget

        user = get_user_model().objects.create_user("bench", password="not-used-here")
        client = Client()
        client.force_login(user)
        upload = SimpleUploadedFile(
            "watch-history.csv", watch_history(films, args.german), "text/csv"
        )
        client.post("/settings/import/", {"file": upload})
        session = ImportSession.objects.get(user=user)
        print(
            f"Uploaded {session.items.count()} films ({session.detected_format}); "
            f"{matcher.MATCH_BUDGET_SECONDS} s per match request\n"
        )

        titles = prime_titles(films, args.german)
        match_through_the_wizard(user, session, tmdb, titles, session.language)
        print()
        if not args.skip_sequential:
            search_one_at_a_time(films, tmdb)
            print()
        time_review_actions(client, session)


if __name__ == "__main__":
    main()
