"""A fake TMDB v3 API: a real HTTP server on 127.0.0.1 for the test suite and the benchmarks.

It serves `/3/search/movie`, `/3/movie/{id}` and `/3/configuration` from the films in
`tests/data/tmdb_catalog.json` (built by `scripts/build_fake_tmdb_catalog.py`), checks auth like
TMDB does, and has knobs for the failures the client must survive: latency, a requests-per-second
cap answered with 429, forced error statuses, responses that never come or come a byte at a time,
and answers the client cannot read (a lying Content-Encoding, wrong types, absurd nesting).

From a script:

    with FakeTMDB(latency=0.05, max_rps=40) as tmdb:
        client = TMDBClient(api_key=FAKE_API_KEY, api_url=tmdb.url, cache_alias=None)

From a test: the `fake_tmdb` fixture (one server per session, reset around every test), or
`tmdb_settings` / `tmdb_client`, which point the app's settings at it.
"""

import json
import math
import re
import threading
import time
from collections import Counter, deque
from collections.abc import Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

import pytest

from catalog.titles import normalize_title

FAKE_API_KEY = "fake-tmdb-api-key-9f3c2a71d04b"
FAKE_READ_ACCESS_TOKEN = "fake-tmdb-read-access-token-5e8b61c0a9f2"
CATALOG_FILE = Path(__file__).resolve().parent / "data" / "tmdb_catalog.json"
PAGE_SIZE = 20
IMAGE_BASE_URL = "https://image.tmdb.org/t/p/"

_MOVIE_PATH = re.compile(r"^/3/movie/(\d+)$")
# TMDB's own error bodies, so the client is tested against what it will really see.
_ERRORS = {
    401: (7, "Invalid API key: You must be granted a valid key."),
    404: (34, "The resource you requested could not be found."),
    422: (22, "Invalid page: Pages start at 1 and max at 500. They are expected to be an integer."),
    429: (25, "Your request count is over the allowed limit."),
    500: (11, "Internal error: Something went wrong, contact TMDB."),
    502: (11, "Internal error: Something went wrong, contact TMDB."),
    503: (9, "Service offline: This service is temporarily offline, try again later."),
    504: (24, "Your request to the backend server timed out. Try again."),
}


@dataclass(frozen=True)
class ReceivedRequest:
    """One request as the fake saw it, for asserting on auth and on what leaked where."""

    path: str
    query_string: str
    params: dict[str, str]
    headers: dict[str, str]
    at: float


@dataclass(frozen=True)
class _Forced:
    status: int = 0
    retry_after: int | None = None
    timeout: bool = False
    close_socket: bool = False
    # The variants below answer the request as usual, then spoil the answer.
    drip: float = 0.0
    body: bytes | None = None
    headers: tuple[tuple[str, str], ...] = ()
    fields: tuple[tuple[str, object], ...] = ()

    @property
    def spoils(self) -> bool:
        return bool(self.drip or self.body is not None or self.headers or self.fields)


def load_catalog(path: Path = CATALOG_FILE) -> list[dict]:
    return json.loads(path.read_text(encoding="utf-8"))["movies"]


class FakeTMDB:
    """The server and its knobs. Every knob and counter is safe to use from any thread."""

    def __init__(
        self,
        movies: list[dict] | None = None,
        *,
        api_key: str = FAKE_API_KEY,
        read_access_token: str = FAKE_READ_ACCESS_TOKEN,
        latency: float = 0.0,
        max_rps: int | None = None,
        timeout_hold: float = 5.0,
    ):
        self.movies = {movie["id"]: movie for movie in movies or load_catalog()}
        self.api_key = api_key
        self.read_access_token = read_access_token
        # How long a `timeout_next` response is held back; longer than any client timeout.
        self.timeout_hold = timeout_hold
        self._names = {
            movie_id: {normalize_title(name) for name in _searchable_names(movie)}
            for movie_id, movie in self.movies.items()
        }
        self._lock = threading.Lock()
        self._latency = latency
        self._max_rps = max_rps
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self._reset_state()

    # Lifecycle

    def start(self) -> "FakeTMDB":
        if self._server is None:
            self._server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
            self._server.daemon_threads = True
            self._server.fake = self  # type: ignore[attr-defined]
            self._thread = threading.Thread(
                target=self._server.serve_forever, name="fake-tmdb", daemon=True
            )
            self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._release.set()
            self._server.shutdown()
            self._server.server_close()
            self._server = None
            self._thread = None

    def __enter__(self) -> "FakeTMDB":
        return self.start()

    def __exit__(self, *exc_info) -> None:
        self.stop()

    @property
    def port(self) -> int:
        if self._server is None:
            raise RuntimeError("FakeTMDB is not running; call start() first")
        return self._server.server_address[1]

    @property
    def url(self) -> str:
        """The API base URL, like TMDB_API_URL: `http://127.0.0.1:PORT/3`."""
        return f"http://127.0.0.1:{self.port}/3"

    # Knobs

    @property
    def latency(self) -> float:
        with self._lock:
            return self._latency

    @latency.setter
    def latency(self, seconds: float) -> None:
        with self._lock:
            self._latency = seconds

    @property
    def max_rps(self) -> int | None:
        with self._lock:
            return self._max_rps

    @max_rps.setter
    def max_rps(self, cap: int | None) -> None:
        with self._lock:
            self._max_rps = cap
            self._window.clear()

    def fail_next(self, n: int = 1, status: int = 500, retry_after: int | None = None) -> None:
        """Answer the next n requests with `status` (500, 503, 429, 401, ...), whatever they ask."""
        with self._lock:
            self._forced.extend(_Forced(status=status, retry_after=retry_after) for _ in range(n))

    def timeout_next(self, n: int = 1, *, close_socket: bool = False) -> None:
        """Never answer the next n requests: hold them for `timeout_hold` seconds (or until
        `reset()`/`stop()`), or with `close_socket` drop the connection without a response."""
        with self._lock:
            self._forced.extend(_Forced(timeout=True, close_socket=close_socket) for _ in range(n))

    def drip_next(self, n: int = 1, *, interval: float = 4.0) -> None:
        """Send the next n answers (status line and headers included) one byte every
        `interval` seconds: no single read ever waits long enough to time out."""
        with self._lock:
            self._forced.extend(_Forced(drip=interval) for _ in range(n))

    def gzip_lie_next(self, n: int = 1) -> None:
        """Label the next n answers `Content-Encoding: gzip` but send them uncompressed."""
        with self._lock:
            lie = (("Content-Encoding", "gzip"),)
            self._forced.extend(_Forced(headers=lie) for _ in range(n))

    def corrupt_next(self, n: int = 1, **fields: object) -> None:
        """Set `fields` (e.g. `id="abc"`) in every film of the next n answers."""
        with self._lock:
            self._forced.extend(_Forced(fields=tuple(fields.items())) for _ in range(n))

    def answer_next(self, n: int, body: bytes) -> None:
        """Answer the next n requests with this body, with the status they would have had."""
        with self._lock:
            self._forced.extend(_Forced(body=body) for _ in range(n))

    def nest_next(self, n: int = 1, *, depth: int = 100_000) -> None:
        """Answer the next n requests with a JSON array nested `depth` deep."""
        self.answer_next(n, b"[" * depth + b"]" * depth)

    def reset(self) -> None:
        """Back to a healthy server: no forced failures, no latency or cap, counters at zero."""
        with self._lock:
            self._release.set()
            self._latency = 0.0
            self._max_rps = None
            self._reset_state()

    def _reset_state(self) -> None:
        self._release = threading.Event()
        self._forced: deque[_Forced] = deque()
        self._window: deque[float] = deque()
        self._received: list[ReceivedRequest] = []
        self._path_counts: Counter[str] = Counter()
        self._rate_limited = 0

    # Counters

    @property
    def request_count(self) -> int:
        with self._lock:
            return len(self._received)

    @property
    def path_counts(self) -> dict[str, int]:
        with self._lock:
            return dict(self._path_counts)

    @property
    def rate_limited_count(self) -> int:
        """How many 429s the rate cap sent (forced ones from `fail_next` are not counted)."""
        with self._lock:
            return self._rate_limited

    @property
    def received(self) -> list[ReceivedRequest]:
        with self._lock:
            return list(self._received)

    def requests_to(self, path: str) -> list[ReceivedRequest]:
        """The requests for one path, e.g. "/3/search/movie"."""
        return [request for request in self.received if request.path == path]

    # Catalog helpers for tests

    def find(self, title: str, year: int | None = None) -> dict:
        """The catalog film with exactly this title (and year), to get its id in a test."""
        for movie in self.movies.values():
            if movie["title"] == title and (year is None or _year(movie) == year):
                return movie
        raise LookupError(f"{title!r} ({year}) is not in the fake TMDB catalog")

    # Request handling (called on the server's threads)

    def _handle(self, handler: "_Handler") -> None:
        url = urlsplit(handler.path)
        params = dict(parse_qsl(url.query, keep_blank_values=True))
        with self._lock:
            self._received.append(
                ReceivedRequest(url.path, url.query, params, dict(handler.headers), time.time())
            )
            self._path_counts[url.path] += 1
            forced = self._forced.popleft() if self._forced else None
            release, latency = self._release, self._latency

        if forced and forced.timeout:
            if not forced.close_socket:
                release.wait(self.timeout_hold)
            handler.close_connection = True
            return
        if forced and not forced.spoils:
            headers = {}
            if forced.retry_after is not None:
                headers["Retry-After"] = str(forced.retry_after)
            handler.send_json(forced.status, _error(forced.status), headers)
            return
        if not self._authorized(params, handler.headers.get("Authorization", "")):
            handler.send_json(401, _error(401))
            return
        if self._over_rate_cap():
            handler.send_json(429, _error(429), {"Retry-After": "1"})
            return
        if latency:
            time.sleep(latency)
        status, payload = self._route(url.path, params)
        if not forced:
            handler.send_json(status, payload)
            return
        for movie in payload.get("results", [payload]):
            movie.update(forced.fields)
        # Escaped, so that a lone surrogate in `fields` goes out as "\ud800", as JSON allows.
        body = json.dumps(payload).encode() if forced.body is None else forced.body
        handler.send_body(status, body, dict(forced.headers), drip=forced.drip, release=release)

    def _authorized(self, params: dict[str, str], authorization: str) -> bool:
        return (bool(self.api_key) and params.get("api_key") == self.api_key) or (
            bool(self.read_access_token) and authorization == f"Bearer {self.read_access_token}"
        )

    def _over_rate_cap(self) -> bool:
        with self._lock:
            if not self._max_rps:
                return False
            now = time.monotonic()
            while self._window and self._window[0] <= now - 1.0:
                self._window.popleft()
            if len(self._window) >= self._max_rps:
                self._rate_limited += 1
                return True
            self._window.append(now)
            return False

    def _route(self, path: str, params: dict[str, str]) -> tuple[int, dict]:
        if path == "/3/search/movie":
            return self._search(params)
        if path == "/3/configuration":
            return 200, _configuration()
        if match := _MOVIE_PATH.match(path):
            movie = self.movies.get(int(match[1]))
            if movie is None:
                return 404, _error(404)
            appended = set(params.get("append_to_response", "").split(","))
            return 200, _details(movie, params.get("language", ""), appended)
        return 404, _error(404)

    def _search(self, params: dict[str, str]) -> tuple[int, dict]:
        page = params.get("page", "1")
        if not page.isdigit() or not 1 <= int(page) <= 500:
            return 422, _error(422)
        query = normalize_title(params.get("query", ""))
        year = params.get("primary_release_year") or params.get("year") or ""
        ranked = []
        for movie_id, names in self._names.items():
            movie = self.movies[movie_id]
            rank = _match_rank(query, names)
            if rank is None or (year.isdigit() and _year(movie) != int(year)):
                continue
            ranked.append((rank, -movie["popularity"], movie_id))
        ranked.sort()
        start = (int(page) - 1) * PAGE_SIZE
        language = params.get("language", "")
        results = [
            _summary(self.movies[movie_id], language)
            for _, _, movie_id in ranked[start : start + PAGE_SIZE]
        ]
        return 200, {
            "page": int(page),
            "results": results,
            "total_pages": max(1, math.ceil(len(ranked) / PAGE_SIZE)),
            "total_results": len(ranked),
        }


class _Handler(BaseHTTPRequestHandler):
    # HTTP/1.1 keeps connections alive, as TMDB does, so client pooling is exercised too.
    protocol_version = "HTTP/1.1"
    # Headers and body go out in separate writes; with Nagle's algorithm and delayed ACKs every
    # kept-alive response would stall ~40 ms, which no real TMDB does.
    disable_nagle_algorithm = True
    server_version = "FakeTMDB/1.0"

    def do_GET(self) -> None:
        self.server.fake._handle(self)  # type: ignore[attr-defined]

    def send_json(self, status: int, payload: dict, headers: dict[str, str] | None = None) -> None:
        self.send_body(status, _encode(payload), headers)

    def send_body(
        self,
        status: int,
        body: bytes,
        headers: dict[str, str] | None = None,
        *,
        drip: float = 0.0,
        release: threading.Event | None = None,
    ) -> None:
        head = [f"{self.protocol_version} {status} {self.responses[status][0]}"]
        head += ["Content-Type: application/json;charset=utf-8", f"Content-Length: {len(body)}"]
        head += [f"{name}: {value}" for name, value in (headers or {}).items()]
        data = ("\r\n".join(head) + "\r\n\r\n").encode() + body
        try:
            if not drip:
                self.wfile.write(data)
                return
            self.close_connection = True
            for at in range(len(data)):
                self.wfile.write(data[at : at + 1])
                if release is not None and release.wait(drip):
                    return
        except (BrokenPipeError, ConnectionResetError):
            # The client gave up (its timeout): nothing left to answer.
            self.close_connection = True

    def log_message(self, format: str, *args) -> None:
        """Silent: request lines would carry the api_key into test output."""


def _encode(payload: dict) -> bytes:
    return json.dumps(payload, ensure_ascii=False).encode()


def _searchable_names(movie: dict) -> list[str]:
    # TMDB matches a query against every title a film is known by, in any language.
    return [
        movie["title"],
        movie["original_title"],
        *(alt["title"] for alt in movie["alternative_titles"]),
        *movie["translations"].values(),
    ]


def _match_rank(query: str, names: set[str]) -> int | None:
    """0 exact, 1 prefix, 2 whole words inside, 3 from a word start, 4 all words anywhere."""
    if not query:
        return None
    words = set(query.split())
    best = None
    for name in names:
        if name == query:
            return 0
        if name.startswith(query):
            rank = 1
        elif f" {query} " in f" {name} ":
            rank = 2
        elif f" {query}" in f" {name}":
            rank = 3
        elif words <= set(name.split()):
            rank = 4
        else:
            continue
        best = rank if best is None else min(best, rank)
    return best


def _year(movie: dict) -> int | None:
    return int(movie["release_date"][:4]) if movie["release_date"] else None


def _localized_title(movie: dict, language: str) -> str:
    translations = movie["translations"]
    if language in translations:
        return translations[language]
    # "de" alone picks any German translation, as TMDB does.
    for tag, title in translations.items():
        if tag.split("-")[0] == language:
            return title
    return movie["title"]


def _summary(movie: dict, language: str) -> dict:
    return {
        "adult": False,
        "backdrop_path": None,
        "genre_ids": [genre["id"] for genre in movie["genres"]],
        "id": movie["id"],
        "original_language": movie["original_language"],
        "original_title": movie["original_title"],
        "overview": movie["overview"],
        "popularity": movie["popularity"],
        "poster_path": movie["poster_path"],
        "release_date": movie["release_date"],
        "title": _localized_title(movie, language),
        "video": False,
        "vote_average": movie["vote_average"],
        "vote_count": movie["vote_count"],
    }


def _details(movie: dict, language: str, appended: set[str]) -> dict:
    details = {
        **_summary(movie, language),
        "belongs_to_collection": None,
        "budget": 0,
        "genres": movie["genres"],
        "homepage": "",
        "imdb_id": movie["imdb_id"],
        "revenue": 0,
        "runtime": movie["runtime"],
        "status": "Released" if movie["release_date"] else "In Production",
        "tagline": "",
    }
    del details["genre_ids"]
    if "alternative_titles" in appended:
        details["alternative_titles"] = {"titles": movie["alternative_titles"]}
    return details


def _configuration() -> dict:
    return {
        "images": {
            "base_url": IMAGE_BASE_URL.replace("https:", "http:"),
            "secure_base_url": IMAGE_BASE_URL,
            "poster_sizes": ["w92", "w154", "w185", "w342", "w500", "w780", "original"],
        },
        "change_keys": [],
    }


def _error(status: int) -> dict:
    code, message = _ERRORS.get(status, (11, "Internal error: Something went wrong."))
    return {"success": False, "status_code": code, "status_message": message}


# Pytest fixtures (tests/conftest.py loads this module as a plugin)


@pytest.fixture(scope="session")
def fake_tmdb_server() -> Iterator[FakeTMDB]:
    with FakeTMDB() as server:
        yield server


@pytest.fixture
def fake_tmdb(fake_tmdb_server: FakeTMDB) -> Iterator[FakeTMDB]:
    """The session's fake TMDB, healthy and with zeroed counters at the start of each test."""
    fake_tmdb_server.reset()
    yield fake_tmdb_server
    fake_tmdb_server.reset()


@pytest.fixture
def tmdb_settings(settings, fake_tmdb: FakeTMDB, db):
    """Settings that make `get_catalog()` return a TMDB client talking to the fake.

    Uses the api_key (not the bearer token) and the default database cache, hence `db`.
    """
    from catalog.active import get_catalog

    settings.TMDB_API_URL = fake_tmdb.url
    settings.TMDB_API_KEY = FAKE_API_KEY
    settings.TMDB_READ_ACCESS_TOKEN = ""
    get_catalog.cache_clear()
    yield settings
    get_catalog.cache_clear()


@pytest.fixture
def tmdb_client(tmdb_settings):
    """A `TMDBClient` built from `tmdb_settings`, closed after the test."""
    from catalog.tmdb import TMDBClient

    client = TMDBClient.from_settings()
    yield client
    client.close()
