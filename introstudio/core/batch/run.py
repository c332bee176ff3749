"""Run a batch over every project in a folder: overall progress, a line per finished clinician, a report.

Captions and renders run on workers (local processes or Dask). Publishing runs here, in the batch's own
process, one project at a time as renders finish: uploads need the network rather than CPU, the quota
ledger is one file, and the YouTube sign-in never has to travel to cluster workers.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from functools import partial
from pathlib import Path
from typing import Any

from introstudio.core.batch.report import ReportInfo, step_text, write_report
from introstudio.core.batch.scheduler import DEFAULT_RETRIES, Backend, make_backend, schedule
from introstudio.core.batch.tasks import (
    DONE,
    FAILED,
    NOT_RUN,
    SKIPPED,
    STEP_FUNCTIONS,
    STEPS,
    ItemResult,
    StepResult,
    TaskOptions,
    export_file,
)
from introstudio.core.errors import Cancelled, IntroStudioError, InvalidInputError, NotFoundError, UserError
from introstudio.core.jobs import Job, Progress, scaled
from introstudio.core.locks import batch_lock
from introstudio.core.project.model import now_iso
from introstudio.core.project.store import PROJECT_FILE, ProjectFolder, open_project

DEFAULT_STEPS = ("captions", "render")
Publisher = Callable[[ProjectFolder], Job[Any]]  # e.g. publish_project with the sign-in bound (see the CLI)

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class BatchProgress(Progress):
    """Progress of the whole batch. When a clinician has just finished (or failed), `item` is set and the
    message is that clinician's one-line result; `counter` always says e.g. "3/5 finished"."""

    item: ItemResult | None = None
    will_retry: bool = False
    counter: str = ""


@dataclass(frozen=True)
class BatchSummary:
    """How the batch went: one result per project, where the report is, what could not run."""

    folder: Path
    steps: tuple[str, ...]
    results: tuple[ItemResult, ...]
    report_html: Path
    report_csv: Path
    seconds: float
    runner: str

    def count(self, status: str) -> int:
        return sum(1 for r in self.results if r.status == status)

    @property
    def failed(self) -> tuple[ItemResult, ...]:
        return tuple(r for r in self.results if r.status == FAILED)

    @property
    def ok(self) -> bool:
        return not self.failed


def item_line(item: ItemResult, will_retry: bool = False) -> str:
    """One console line per finished clinician: status, name, what came out or what went wrong."""
    if item.status == FAILED:
        line = f"FAILED  {item.name}: {item.error}" + (f" (hint: {item.hint})" if item.hint else "")
        return line + (" - will retry" if will_retry else "")
    parts = [step_text(s) for s in item.steps if s.status != NOT_RUN]
    if item.duration is not None:
        parts.append(f"{int(item.duration // 60)}:{int(round(item.duration % 60)):02d}")
    if item.loudness_lufs is not None:
        parts.append(f"{item.loudness_lufs:.1f} LUFS")
    if item.caption_check:
        parts.append(f"captions {item.caption_check}")
    if item.published_url:
        parts.append(item.published_url)
    return f"{item.status:7} {item.name}: " + ", ".join(parts) + f" [{item.seconds:.1f} s]"


def parse_steps(steps: str | Iterable[str]) -> tuple[str, ...]:
    """'captions,render' -> ('captions', 'render') in pipeline order; unknown names raise."""
    names = [s.strip().lower() for s in (steps.split(",") if isinstance(steps, str) else steps) if s.strip()]
    unknown = [s for s in names if s not in STEPS]
    if unknown or not names:
        raise InvalidInputError(f"Unknown batch step(s): {', '.join(unknown) or 'none given'}.",
                                f"Choose from: {', '.join(STEPS)} (comma-separated, e.g. captions,render).")
    return tuple(s for s in STEPS if s in names)


def find_projects(folder: Path) -> list[Path]:
    """Project folders directly inside `folder` (or `folder` itself when it is one), sorted by name."""
    folder = Path(folder).expanduser().absolute()
    if not folder.is_dir():
        raise NotFoundError(f"There is no folder {folder}.", "Check the path to the batch folder.")
    if (folder / PROJECT_FILE).is_file():
        return [folder]
    return sorted((p for p in folder.iterdir() if (p / PROJECT_FILE).is_file()), key=lambda p: p.name.casefold())


def run_batch(folder: str | Path, steps: str | Sequence[str] = DEFAULT_STEPS, preset: str | None = None,
              workers: int | None = None, scheduler_address: str | None = None,
              retries: int = DEFAULT_RETRIES, options: TaskOptions | None = None,
              publisher: Publisher | None = None, backend: Backend | None = None,
              log_file: str | Path | None = None, goliver: Publisher | None = None) -> Job[BatchSummary]:
    """Run `steps` for every project under `folder`, rewriting the report as each one finishes.

    `log_file`: where local workers log (the CLI passes the app log); Dask workers log where Dask says.
    """
    started = time.monotonic()
    folder = Path(folder).expanduser().absolute()
    chosen = parse_steps(steps)
    projects = find_projects(folder)
    if not projects:
        raise NotFoundError(f"{folder} holds no IntroStudio projects.",
                            "Create them with `introstudio roster import ROSTER --into FOLDER`.")
    if preset:
        from introstudio.core.render.presets import get_preset

        get_preset(preset)
    if "publish" in chosen and publisher is None:
        raise UserError("Publishing needs the YouTube sign-in and an explicit confirmation.",
                        "Run `introstudio batch` with --yes (see `introstudio auth login`).")
    if "golive" in chosen and goliver is None:
        raise UserError("Going live needs the YouTube sign-in and an explicit confirmation.",
                        "Run `introstudio batch` with --yes (each video goes live only with its approvals).")
    worker_steps = tuple(s for s in chosen if s in STEP_FUNCTIONS)
    options = replace(options or TaskOptions(), steps=worker_steps, preset=preset)
    backend = backend or make_backend(workers, scheduler_address, log_file)
    info = ReportInfo(folder, chosen, preset, now_iso(), backend.label)
    results: dict[str, ItemResult] = {str(p): pending_result(p) for p in projects}
    total, final = len(projects), 0
    finished = False
    write_report(list(results.values()), info, running=True)
    yield BatchProgress(0.0, f"{total} project(s) on {backend.label}", counter=f"0/{total} finished")
    try:
        for event in schedule(list(results), options, backend, retries=retries):
            eta = (time.monotonic() - started) / final * (total - final) if final else None
            if event is None:
                counter = f"{final}/{total} finished"
                yield BatchProgress(final / total, counter, eta, counter=counter)
                continue
            item = event.result
            # Publishing and going live run here as stages of this job: their progress shows, Cancel stops them.
            stage = partial(_stage, start=final / total, end=(final + 1) / total, name=item.name,
                            counter=f"{final}/{total} finished")
            if "publish" in chosen and publisher is not None and not event.will_retry:
                item = yield from _publish(item, publisher, options, stage)
            if "golive" in chosen and goliver is not None and not event.will_retry:
                item = yield from _golive(item, goliver, options, stage)
            results[item.folder] = item
            final += 0 if event.will_retry else 1
            write_report(list(results.values()), info, running=True)
            yield BatchProgress(final / total, item_line(item, event.will_retry), eta, item=item,
                                will_retry=event.will_retry, counter=f"{final}/{total} finished")
        finished = True
    finally:
        if not finished:
            stopped = replace(info, notes=(*info.notes, "The batch was stopped before the end; run it again to "
                                                   "finish: finished projects are skipped."))
            write_report(list(results.values()), stopped, running=False)
    html_path, csv_path = write_report(list(results.values()), info, running=False)
    yield BatchProgress(1.0, f"{total}/{total} finished", counter=f"{total}/{total} finished")
    return BatchSummary(folder, chosen, tuple(results.values()), html_path, csv_path,
                        time.monotonic() - started, backend.label)


def pending_result(folder: Path) -> ItemResult:
    """The report's row for a project no worker has finished yet (name from project.json, if readable)."""
    import json

    try:
        data = json.loads((folder / PROJECT_FILE).read_text(encoding="utf-8"))
        name = str(data.get("clinician", {}).get("name") or folder.name)
    except (OSError, ValueError, AttributeError):
        name = folder.name
    return ItemResult(str(folder), name, "pending", finished_at="")


Stage = Callable[[Job[Any], float, float, str], Job[Any]]


def _stage(job: Job[Any], a: float, b: float, step: str, *, start: float, end: float, name: str,
           counter: str) -> Job[Any]:
    """`job` as the a..b part of one clinician's share (start..end) of the batch's progress."""
    return scaled(job, start + (end - start) * a, start + (end - start) * b, f"{name}: {step}: ",
                  partial(BatchProgress, counter=f"{counter}; {step} {name}"))


def _publish(item: ItemResult, publish: Publisher, options: TaskOptions, stage: Stage) -> Job[ItemResult]:
    """Publish one project that rendered fine, here and now; a failure stays in this item."""
    if item.status == FAILED:
        return _not_run(item, "publish")
    from introstudio.core.publish.safeguards import CaptionsMissingError
    from introstudio.core.publish.upload import hash_file

    started = time.monotonic()
    url = item.published_url
    try:
        with batch_lock(item.folder, "a batch (publishing)", wait=options.lock_wait):
            pf = open_project(Path(item.folder))
            state = pf.project.publish.upload or {}
            files = [f for e in pf.project.exports if (f := export_file(pf, e)) is not None and f.is_file()]
            sha = (yield from stage(hash_file(files[-1]), 0.0, 0.1, "checking")) if files else None
            if pf.project.publish.video_id and state.get("finished_at") and sha and state.get("sha256") == sha:
                step = StepResult("publish", SKIPPED, time.monotonic() - started, "already published")
            else:
                yield from stage(publish(pf), 0.1, 1.0, "publishing")
                step = StepResult("publish", DONE, time.monotonic() - started, "published")
            if pf.project.publish.video_id:
                url = f"https://youtu.be/{pf.project.publish.video_id}"
    except (Cancelled, KeyboardInterrupt):
        raise
    except CaptionsMissingError as exc:  # nothing was sent: an uncaptioned video waits for captions or a choice
        step = StepResult("publish", SKIPPED, time.monotonic() - started,
                          "the export has no captions: make them, or run the batch with --no-captions to publish "
                          "without", exc.hint.replace("pass --no-captions", "run the batch with --no-captions"))
    except Exception as exc:  # noqa: BLE001 - a failure (or a bug) stays in this item
        step = _failed_step("publish", started, exc)
    return _with_step(item, step, published_url=url)


def _golive(item: ItemResult, golive: Publisher, options: TaskOptions, stage: Stage) -> Job[ItemResult]:
    """Make one approved, uploaded project live; one without current approvals is skipped, saying what is missing."""
    from introstudio.core.batch.report import review_state
    from introstudio.core.review.approvals import NotReadyError

    if item.status == FAILED:
        return _not_run(item, "golive")
    started = time.monotonic()
    state = item.review_state
    try:
        with batch_lock(item.folder, "a batch (going live)", wait=options.lock_wait):
            pf = open_project(Path(item.folder))
            try:
                change = yield from stage(golive(pf), 0.0, 1.0, "going live")
                step = StepResult("golive", DONE if change.changed else SKIPPED, time.monotonic() - started,
                                  f"{'now' if change.changed else 'already'} {change.after}")
            finally:
                state = review_state(pf)
    except (Cancelled, KeyboardInterrupt):
        raise
    except NotReadyError as exc:  # nothing was sent: it waits for its approvals (or its upload)
        step = StepResult("golive", SKIPPED, time.monotonic() - started, exc.message.removeprefix("Not live: "),
                          exc.hint)
    except Exception as exc:  # noqa: BLE001 - a failure (or a bug) stays in this item
        step = _failed_step("golive", started, exc)
    return _with_step(item, step, review_state=state)


def _not_run(item: ItemResult, name: str) -> ItemResult:
    """`item` with step `name` not run, because an earlier step failed."""
    return replace(item, steps=(*item.steps, StepResult(name, NOT_RUN, message="not run: an earlier step failed")))


def _failed_step(name: str, started: float, exc: Exception) -> StepResult:
    """Step `name` failed with `exc`: its message and hint, or, for a bug, a pointer to the log."""
    if isinstance(exc, IntroStudioError):
        return StepResult(name, FAILED, time.monotonic() - started, exc.message, exc.hint)
    log.exception("%s failed", name)
    return StepResult(name, FAILED, time.monotonic() - started, f"Unexpected error: {exc!r}",
                      "This is a bug; the details are in the log.")


def _with_step(item: ItemResult, step: StepResult, **changes: Any) -> ItemResult:
    """`item` after one more step run in the batch's own process (publish, go live)."""
    steps = (*item.steps, step)
    failed = step.status == FAILED
    status = FAILED if failed else DONE if any(s.status == DONE for s in steps) else SKIPPED
    return replace(item, status=status, steps=steps, seconds=item.seconds + step.seconds,
                   error=f"{step.step}: {step.message}" if failed else item.error,
                   hint=step.hint if failed else item.hint, finished_at=now_iso(), **changes)
