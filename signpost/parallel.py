"""Work split over the cores, for the one-shot command-line build: the one place that forks.

fork: workers start in milliseconds and inherit the loaded modules; only the command-line
build uses this, and it has no threads that forking could upset. The preview never does.
Workers die with the build: one that is killed must not leave them waiting forever.
"""
from __future__ import annotations

import ctypes
import os
import signal
import sys
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:
    from concurrent.futures import Future, ProcessPoolExecutor

T = TypeVar("T")

# Below this many items, starting worker processes costs more than it saves.
PARALLEL_FROM = 100
CHUNK = 50   # items per task sent to a worker
STREAM_CHUNK = 25   # pages per task in stream_chunks


def map_chunks(work: Callable[..., list[T]], items: list[Any], workers: int, *args: object) -> list[T]:
    """[result per item], in order, where work(*args, chunk) returns one result per item of chunk;
    done in `workers` processes when there are enough items, else here.

    Small chunks: what crosses between processes at any one time stays small, so a site of
    thousands of pages never holds all its sources or results twice, once pickled."""
    workers = min(workers, os.cpu_count() or 1)
    if workers < 2 or len(items) < PARALLEL_FROM:
        return work(*args, items)
    chunks = [items[start:start + CHUNK] for start in range(0, len(items), CHUNK)]
    with fork_pool(workers) as pool:
        return [result for chunk_results in pool.map(work, *zip(*[(*args, chunk) for chunk in chunks]))
                for result in chunk_results]


def stream_chunks(work: Callable[..., list[T]], count: int, workers: int,
                  job: tuple[object, ...]) -> Iterator[T]:
    """Yield work(*job, start, stop)'s results for consecutive ranges of range(count), in order.

    The workers inherit `job` through fork, so nothing is pickled but the ranges and results,
    and only a few chunks' results wait at a time: a big site never piles up in memory."""
    with fork_pool(workers, initializer=_take_job, initargs=(work, job)) as pool:
        waiting: deque[Future[list[T]]] = deque()
        for start in range(0, count, STREAM_CHUNK):
            waiting.append(pool.submit(_run_job, start, min(start + STREAM_CHUNK, count)))
            if len(waiting) > 2 * workers:
                yield from waiting.popleft().result()
        while waiting:
            yield from waiting.popleft().result()


def fork_pool(workers: int, initializer: Callable[..., object] | None = None,
              initargs: tuple[object, ...] = ()) -> ProcessPoolExecutor:
    """A pool of `workers` forked processes, each of which dies if this process does."""
    from concurrent.futures import ProcessPoolExecutor  # imported only when used (30 ms)
    from multiprocessing import get_context

    start_args: tuple[int, Callable[..., object] | None, *tuple[object, ...]] = (os.getpid(), initializer, *initargs)
    return ProcessPoolExecutor(workers, mp_context=get_context("fork"), initializer=_start_worker,
                               initargs=start_args)


def _start_worker(parent: int, initializer: Callable[..., object] | None = None, *initargs: object) -> None:
    """In a new worker: die with `parent`, then run the pool's own initializer.

    A killed build's workers would otherwise wait forever on the task pipe, which their
    siblings hold open. Linux kills them as the parent dies (PR_SET_PDEATHSIG: strictly, as the
    thread that forked them ends; with fork the pool forks from the thread that submits work,
    the build's main one); elsewhere a thread sees the worker handed to another parent."""
    if not ask_linux_to_end_me_with_my_parent():
        threading.Thread(target=_exit_when_orphaned, args=(parent,), daemon=True).start()
    if os.getppid() != parent:   # the parent died before the request above took effect
        os._exit(1)
    if initializer:
        initializer(*initargs)


_PR_SET_PDEATHSIG = 1   # linux/prctl.h


def ask_linux_to_end_me_with_my_parent(signal_number: int = signal.SIGKILL) -> bool:
    """prctl(PR_SET_PDEATHSIG, signal_number) in a child process: Linux sends it the signal as its
    parent dies. False where the system has no such call. serve.py uses it for decap-server too."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        prctl = ctypes.CDLL(None, use_errno=True).prctl
    except (OSError, AttributeError):
        return False
    return int(prctl(_PR_SET_PDEATHSIG, signal_number, 0, 0, 0)) == 0


def _exit_when_orphaned(parent: int) -> None:
    """The portable fallback: a dead parent's children get a new parent pid."""
    while os.getppid() == parent:
        time.sleep(0.5)
    os._exit(1)


_job: tuple[Callable[..., list[Any]], tuple[object, ...]] | None = None   # in a stream_chunks worker: (work, job)


def _take_job(work: Callable[..., list[Any]], job: tuple[object, ...]) -> None:
    global _job
    _job = (work, job)


def _run_job(start: int, stop: int) -> list[Any]:
    if _job is None:
        raise RuntimeError("_run_job runs only in a stream_chunks worker, which is given its job first")
    work, job = _job
    return work(*job, start, stop)
