"""Work split over the cores, for the one-shot command-line build: the one place that forks.

fork: workers start in milliseconds and inherit the loaded modules; only the command-line
build uses this, and it has no threads that forking could upset. The preview never does.
"""
from __future__ import annotations

import os
from collections import deque

# Below this many items, starting worker processes costs more than it saves.
PARALLEL_FROM = 100
CHUNK = 50   # items per task sent to a worker
STREAM_CHUNK = 25   # pages per task in stream_chunks


def map_chunks(work, items: list, workers: int, *args) -> list:
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


def stream_chunks(work, count: int, workers: int, job: tuple):
    """Yield work(*job, start, stop)'s results for consecutive ranges of range(count), in order.

    The workers inherit `job` through fork, so nothing is pickled but the ranges and results,
    and only a few chunks' results wait at a time: a big site never piles up in memory."""
    with fork_pool(workers, initializer=_take_job, initargs=(work, job)) as pool:
        waiting: deque = deque()
        for start in range(0, count, STREAM_CHUNK):
            waiting.append(pool.submit(_run_job, start, min(start + STREAM_CHUNK, count)))
            if len(waiting) > 2 * workers:
                yield from waiting.popleft().result()
        while waiting:
            yield from waiting.popleft().result()


def fork_pool(workers: int, **options):
    from concurrent.futures import ProcessPoolExecutor  # imported only when used (30 ms)
    from multiprocessing import get_context

    return ProcessPoolExecutor(workers, mp_context=get_context("fork"), **options)


_job: tuple = ()   # in a stream_chunks worker: (work, job), inherited through fork


def _take_job(*job) -> None:
    global _job
    _job = job


def _run_job(start: int, stop: int) -> list:
    work, job = _job
    return work(*job, start, stop)
