"""Work split over the cores, for the one-shot command-line build.

fork: workers start in milliseconds and inherit the loaded modules; only the command-line
build uses this, and it has no threads that forking could upset. The preview never does.
"""
from __future__ import annotations

import os

# Below this many items, starting worker processes costs more than it saves.
PARALLEL_FROM = 100
CHUNK = 50   # items per task sent to a worker


def map_chunks(work, items: list, workers: int, *args) -> list:
    """[result per item], in order, where work(*args, chunk) returns one result per item of chunk;
    done in `workers` processes when there are enough items, else here.

    Small chunks: what crosses between processes at any one time stays small, so a site of
    thousands of pages never holds all its sources or results twice, once pickled."""
    workers = min(workers, os.cpu_count() or 1)
    if workers < 2 or len(items) < PARALLEL_FROM:
        return work(*args, items)
    from concurrent.futures import ProcessPoolExecutor  # imported only when used (30 ms)
    from multiprocessing import get_context

    chunks = [items[start:start + CHUNK] for start in range(0, len(items), CHUNK)]
    with ProcessPoolExecutor(workers, mp_context=get_context("fork")) as pool:
        return [result for chunk_results in pool.map(work, *zip(*[(*args, chunk) for chunk in chunks]))
                for result in chunk_results]
