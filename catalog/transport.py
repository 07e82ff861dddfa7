"""A transport whose every socket call ends by the current attempt's deadline."""

import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

import httpcore
import httpx

# When the current attempt must be over (a `time.monotonic()` value), for each socket call.
_answer_by: ContextVar[float | None] = ContextVar("tmdb_answer_by", default=None)


def _clamped(timeout: float | None, expired: type[Exception]) -> float | None:
    end = _answer_by.get()
    if end is None:
        return timeout
    left = end - time.monotonic()
    if left <= 0:
        raise expired("TMDB did not answer within this attempt's deadline")
    return left if timeout is None else min(timeout, left)


class _DeadlineStream(httpcore.NetworkStream):
    """A connection whose every read and write ends by the attempt's deadline. httpx's read
    timeout restarts with each byte, so a server sending one byte every few seconds would
    otherwise hold a request (and a gunicorn worker) for as long as it likes."""

    def __init__(self, stream: httpcore.NetworkStream):
        self._stream = stream

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self._stream.read(max_bytes, _clamped(timeout, httpcore.ReadTimeout))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self._stream.write(buffer, _clamped(timeout, httpcore.WriteTimeout))

    def close(self) -> None:
        self._stream.close()

    def start_tls(self, ssl_context, server_hostname=None, timeout=None) -> "_DeadlineStream":
        timeout = _clamped(timeout, httpcore.ConnectTimeout)
        return _DeadlineStream(self._stream.start_tls(ssl_context, server_hostname, timeout))

    def get_extra_info(self, info: str) -> Any:
        return self._stream.get_extra_info(info)


class _DeadlineBackend(httpcore.NetworkBackend):
    def __init__(self):
        self._backend = httpcore.SyncBackend()

    def connect_tcp(self, host, port, timeout=None, local_address=None, socket_options=None):
        timeout = _clamped(timeout, httpcore.ConnectTimeout)
        return _DeadlineStream(
            self._backend.connect_tcp(host, port, timeout, local_address, socket_options)
        )

    def connect_unix_socket(self, path, timeout=None, socket_options=None):
        timeout = _clamped(timeout, httpcore.ConnectTimeout)
        return _DeadlineStream(self._backend.connect_unix_socket(path, timeout, socket_options))

    def sleep(self, seconds: float) -> None:
        self._backend.sleep(seconds)


def deadline_transport(limits: httpx.Limits) -> httpx.HTTPTransport:
    transport = httpx.HTTPTransport(limits=limits)
    # httpx has no parameter for it, but its connection pool (httpcore's) takes a backend.
    transport._pool._network_backend = _DeadlineBackend()
    return transport


@contextmanager
def sockets_end_by(end: float) -> Iterator[None]:
    """Every read, write and connect of a `deadline_transport` made inside ends by `end`, a
    `time.monotonic()` value, or raises httpx's timeout for it."""
    token = _answer_by.set(end)
    try:
        yield
    finally:
        _answer_by.reset(token)
