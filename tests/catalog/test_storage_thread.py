"""Storage work handed from catalog threads to the thread that owns the connections."""

import contextvars
import queue
import threading
import time

import pytest

from catalog.deadlines import deadline, on_storage_thread, storage_thread


def _on_a_thread(work) -> threading.Thread:
    """Start `work` on a new thread in a copy of this context, as the matcher's workers run."""
    context = contextvars.copy_context()
    thread = threading.Thread(target=context.run, args=(work,))
    thread.start()
    return thread


def test_work_asked_for_on_another_thread_runs_on_the_storage_thread():
    errands: queue.SimpleQueue = queue.SimpleQueue()
    answers = []

    with storage_thread(errands.put):
        worker = _on_a_thread(
            lambda: answers.append(on_storage_thread(lambda: threading.current_thread().name))
        )
        errands.get(timeout=2).run()
        worker.join(2)

    assert answers == [threading.current_thread().name]


def test_without_a_storage_thread_or_on_it_the_work_runs_where_it_is_asked():
    assert on_storage_thread(lambda: 42) == 42
    with storage_thread(lambda errand: pytest.fail("handed over")):
        assert on_storage_thread(lambda: 43) == 43


def test_an_error_in_the_work_reaches_the_thread_that_asked():
    errands: queue.SimpleQueue = queue.SimpleQueue()
    failures = []

    def ask() -> None:
        try:
            on_storage_thread(lambda: 1 / 0)
        except ZeroDivisionError as exc:
            failures.append(exc)

    with storage_thread(errands.put):
        worker = _on_a_thread(ask)
        errands.get(timeout=2).run()
        worker.join(2)

    assert len(failures) == 1


def test_errands_the_storage_thread_leaves_behind_fail_at_once_instead_of_waiting():
    errands: queue.SimpleQueue = queue.SimpleQueue()
    failures = []

    def ask() -> None:
        with deadline(30):
            try:
                on_storage_thread(lambda: "never run")
            except TimeoutError as exc:
                failures.append(exc)

    with storage_thread(errands.put):
        worker = _on_a_thread(ask)
        errands.get(timeout=2)
        later = contextvars.copy_context()
    started = time.monotonic()
    worker.join(5)

    assert len(failures) == 1 and time.monotonic() - started < 1
    # A thread asking only now is not left waiting either.
    late = threading.Thread(target=later.run, args=(ask,))
    late.start()
    late.join(5)
    assert len(failures) == 2 and time.monotonic() - started < 1
