"""Run `process_project` for many projects: local worker processes (spawn) or a Dask distributed cluster.

One item's failure never stops the others; failed items are retried at the end (once by default).
Items whose worker process died (a crash, the kernel's OOM killer) are retried alone, one at a time, so
a clip that crashes its worker cannot take innocent items down with it a second time. Stopping (Ctrl-C,
a GUI cancel, closing the generator) cancels queued items and stops running ones the way every child is
stopped (core/processes.py: ask, grace, kill the group); finished work stays in place, because every item
saved its own outputs when it finished. A worker whose parent dies (kill -9, a crash) stops by itself.
"""

from __future__ import annotations

import logging
import os
import time
import uuid
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Protocol

from introstudio.core.batch.tasks import FAILED, ItemResult, TaskOptions, process_project
from introstudio.core.errors import UserError
from introstudio.core.processes import WORKER_EXIT_GRACE, WorkerStopped, ask_to_stop, become_worker, stop

log = logging.getLogger(__name__)

DEFAULT_RETRIES = 1
STOP_GRACE_SECONDS = 10.0  # how long a stop waits for workers before killing them
WORKER_DIED = "The worker process stopped unexpectedly (it crashed or was killed)"


def default_workers(cpu_count: int | None = None) -> int:
    """How many local workers make this machine fastest: x264 and Whisper each use several threads.

    Measured with scripts/bench_batch.py on 2 cores (captions + render, best of 2 alternating rounds):
    6 x 20 s 720p clips, youtube-720p: 1 worker 9.2, 2 workers 10.4 clips/minute (+13%); 4 x 30 s 1080p
    clips, youtube-1080p: 1 worker 4.65, 2 workers 4.84 (+4%), 3 workers 4.52. A second worker overlaps
    one item's serial parts (model load, loudness pass, thumbnail) with another's encode; a third only
    competes for the cores. Past 4 cores, half the cores is an untested guess: run the benchmark there.
    """
    cores = cpu_count or os.cpu_count() or 1
    return max(1, min(cores, 2 if cores <= 4 else cores // 2))


@dataclass(frozen=True)
class Finished:
    """One item's result; `will_retry` when it failed and will run again at the end."""

    result: ItemResult
    will_retry: bool = False


class Backend(Protocol):
    """Where items run. `result` turns any failure to run the task into a failed ItemResult."""

    label: str
    capacity: int | None  # items to keep in flight; None = hand everything over at once

    def submit(self, folder: str, options: TaskOptions) -> Any: ...

    def wait(self, futures: set[Any], timeout: float) -> set[Any]: ...

    def result(self, future: Any, folder: str, options: TaskOptions) -> tuple[ItemResult, bool]: ...

    def close(self, cancel: bool) -> None: ...


def failed_result(folder: str, options: TaskOptions, message: str, hint: str = "") -> ItemResult:
    return ItemResult(str(folder), Path(folder).name, FAILED, error=message, hint=hint, attempt=options.attempt)


# --- local worker processes ------------------------------------------------------------------------------

def _worker_init(log_file: str | None = None) -> None:
    """In each worker: stop like every IntroStudio worker (own process group, a stop signal or the parent's
    death unwinds the item: ffmpeg stopped, lock released); log to the app's log."""
    become_worker(WORKER_EXIT_GRACE)
    if log_file:
        from introstudio.core.logs import setup_logging

        setup_logging(Path(log_file))


def _run_item(folder: str, options: TaskOptions) -> ItemResult:
    """In a worker: one item. Once a stop request has unwound the item, the worker ends at once: its
    result has nowhere to go, and the pool's loop would otherwise wait for more work."""
    try:
        return process_project(folder, options)
    except WorkerStopped as stopped:
        logging.shutdown()
        os._exit(stopped.code if isinstance(stopped.code, int) else 1)


class LocalBackend:
    """A ProcessPoolExecutor with the spawn start method (never fork: a GUI parent may run Qt threads)."""

    def __init__(self, workers: int, log_file: str | Path | None = None) -> None:
        self.workers = max(1, int(workers))
        self.log_file = str(log_file) if log_file else None
        self.label = f"{self.workers} local worker{'s' if self.workers > 1 else ''}"
        self.capacity: int | None = self.workers
        self._pool: Any = None
        self._dead_pools: list[Any] = []
        self._origin: dict[Any, Any] = {}  # future -> the pool it was submitted to

    def _executor(self) -> Any:
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        if self._pool is None:
            self._pool = ProcessPoolExecutor(max_workers=self.workers, initializer=_worker_init,
                                             initargs=(self.log_file,), mp_context=multiprocessing.get_context("spawn"))
        return self._pool

    def submit(self, folder: str, options: TaskOptions) -> Any:
        from concurrent.futures.process import BrokenProcessPool

        try:
            future = self._executor().submit(_run_item, folder, options)
        except BrokenProcessPool:
            self._replace_pool(self._pool)
            future = self._executor().submit(_run_item, folder, options)
        self._origin[future] = self._pool
        return future

    def wait(self, futures: set[Any], timeout: float) -> set[Any]:
        from concurrent.futures import FIRST_COMPLETED, wait

        return set(wait(futures, timeout=timeout, return_when=FIRST_COMPLETED).done)

    def result(self, future: Any, folder: str, options: TaskOptions) -> tuple[ItemResult, bool]:
        from concurrent.futures.process import BrokenProcessPool

        pool = self._origin.pop(future, None)
        try:
            return future.result(), False
        except BrokenProcessPool:
            self._replace_pool(pool)
            return failed_result(folder, options, WORKER_DIED + ".",
                                 "It is retried on its own; if it fails again, check the footage file and "
                                 "the free memory, and look in the log."), True
        except Exception as exc:  # the task itself never raises; this is pickling or the pool
            log.exception("batch: %s could not run", folder)
            return failed_result(folder, options, f"Could not run: {exc!r}", "See the log for details."), False

    def _replace_pool(self, broken: Any) -> None:
        """Retire a broken pool (only if it is still the current one); the next submit starts a new one."""
        if self._pool is not None and self._pool is broken:
            self._dead_pools.append(self._pool)
            self._pool.shutdown(wait=False, cancel_futures=True)
            self._pool = None

    def close(self, cancel: bool) -> None:
        pools = [*self._dead_pools, *([self._pool] if self._pool is not None else [])]
        self._pool, self._dead_pools = None, []
        for pool in pools:
            if not cancel:
                pool.shutdown(wait=True)
                continue
            # The executor has no "stop now"; its process table is private but stable since Python 3.3.
            processes = list((getattr(pool, "_processes", None) or {}).values())
            pool.shutdown(wait=False, cancel_futures=True)
            asked = os.name != "nt"  # Windows workers have no console group to ask: they are killed
            if asked:
                for proc in processes:
                    ask_to_stop(proc.pid)  # all at once, then one shared grace period
            deadline = time.monotonic() + STOP_GRACE_SECONDS
            for proc in processes:
                stop(proc, max(0.1, deadline - time.monotonic()), ask=_already_asked if asked else None)


def _already_asked(pid: int) -> bool:
    return True


# --- a Dask distributed cluster --------------------------------------------------------------------------

class DaskBackend:
    """Items as Dask tasks. Workers must see the project folders at the same paths and have IntroStudio
    installed; start them like the local default, e.g. `dask worker ADDRESS --nworkers 2 --nthreads 1`
    (one item per process: x264 and Whisper already use every core they are given)."""

    def __init__(self, address: str, connect_timeout: float = 15.0) -> None:
        try:
            from dask.distributed import Client
        except ImportError as exc:
            raise UserError("Running on a Dask cluster needs the dask[distributed] package.",
                            "pip install \"dask[distributed]\"") from exc
        try:
            self.client = Client(address, timeout=connect_timeout, set_as_default=False)
        except (OSError, TimeoutError) as exc:
            raise UserError(f"Cannot reach the Dask scheduler at {address} ({exc}).",
                            "Start it with `dask scheduler`, start workers with `dask worker ADDRESS` on "
                            "machines that see the project folders, and check the address and firewall.") from exc
        workers = len(self.client.scheduler_info().get("workers", {}))
        self.label = f"Dask at {address} ({workers} worker{'s' if workers != 1 else ''} now)"
        self.capacity: int | None = None
        self._futures: set[Any] = set()

    def submit(self, folder: str, options: TaskOptions) -> Any:
        key = f"introstudio-{Path(folder).name}-{options.attempt}-{uuid.uuid4().hex[:8]}"
        future = self.client.submit(process_project, folder, options, key=key, pure=False)
        self._futures.add(future)
        return future

    def wait(self, futures: set[Any], timeout: float) -> set[Any]:
        deadline = time.monotonic() + timeout
        while True:  # polling: dask's wait() needs a default client, which this one deliberately is not
            done = {f for f in futures if f.done()}
            if done or time.monotonic() >= deadline:
                return done
            time.sleep(0.05)

    def result(self, future: Any, folder: str, options: TaskOptions) -> tuple[ItemResult, bool]:
        self._futures.discard(future)
        try:
            return future.result(), False
        except Exception as exc:  # KilledWorker after Dask's own retries, a missing module on a worker, ...
            name = type(exc).__name__
            crashed = name == "KilledWorker"
            message = WORKER_DIED + " on every Dask worker that tried it." if crashed else f"Dask: {exc!r}"
            return failed_result(folder, options, message,
                                 "Check that every worker has IntroStudio installed and sees the project folder "
                                 "at the same path; see the worker logs."), crashed

    def close(self, cancel: bool) -> None:
        try:
            if cancel and self._futures:
                # Dask cannot interrupt a running task: queued items are dropped, running ones finish.
                self.client.cancel(list(self._futures))
        finally:
            self.client.close()


def make_backend(workers: int | None = None, scheduler_address: str | None = None,
                 log_file: str | Path | None = None) -> Backend:
    """Dask when an address is given, else local worker processes (default count: `default_workers`)."""
    if scheduler_address:
        return DaskBackend(scheduler_address)
    return LocalBackend(workers or default_workers(), log_file)


# --- the loop --------------------------------------------------------------------------------------------

def schedule(folders: Sequence[str | Path], options: TaskOptions, backend: Backend,
             retries: int = DEFAULT_RETRIES, poll_seconds: float = 0.5) -> Iterator[Finished | None]:
    """Yield a `Finished` per item as it completes (retries included), and None while waiting.

    The Nones let the caller check for cancel and redraw progress; closing the generator stops the
    backend (queued items are cancelled) and leaves finished items alone.
    """
    finished_normally = False
    try:
        todo = [(str(Path(f).absolute()), 1, False) for f in folders]
        while todo:
            retry: list[tuple[str, int, bool]] = []
            together = [(f, a) for f, a, alone in todo if not alone]
            alone = [(f, a) for f, a, alone_ in todo if alone_]
            groups = [together] + [[item] for item in alone]
            for group in groups:
                for folder, attempt, result, crashed in _run_group(backend, group, options, poll_seconds):
                    if result is None:
                        yield None
                        continue
                    again = result.status == FAILED and attempt <= retries
                    if again:
                        retry.append((folder, attempt + 1, crashed))
                    yield Finished(result, again)
            todo = retry
        finished_normally = True
    finally:
        backend.close(cancel=not finished_normally)


def _run_group(backend: Backend, group: list[tuple[str, int]], options: TaskOptions,
               poll_seconds: float) -> Iterator[tuple[str, int, ItemResult | None, bool]]:
    """Run a group, at most `backend.capacity` at once; yield (folder, attempt, result or None, crashed).

    Local pools get only as many items as they have workers, so when a worker dies only the items that
    were really running are marked as crashed, not everything queued behind them.
    """
    waiting = list(group)
    in_flight: dict[Any, tuple[str, int, TaskOptions]] = {}
    capacity = getattr(backend, "capacity", None) or len(waiting) or 1
    while waiting or in_flight:
        while waiting and len(in_flight) < capacity:
            folder, attempt = waiting.pop(0)
            item_options = replace(options, attempt=attempt)
            in_flight[backend.submit(folder, item_options)] = (folder, attempt, item_options)
        done = backend.wait(set(in_flight), timeout=poll_seconds)
        if not done:
            yield "", 0, None, False
            continue
        for future in done:
            folder, attempt, item_options = in_flight.pop(future)
            result, crashed = backend.result(future, folder, item_options)
            yield folder, attempt, result, crashed
