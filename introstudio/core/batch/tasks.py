"""Per-project batch steps (captions, render) as top-level functions a worker process can call.

`process_project(folder, options)` opens the project itself, holds the project's batch lock while it works,
skips a step whose inputs have not changed since it last ran, and always returns an `ItemResult`
(never raises for a failure of the project, so one bad clip cannot stop a batch). Publishing runs in
the batch's own process instead (run.py), where the YouTube sign-in and the quota ledger live; so does go-live.
"""

from __future__ import annotations

import logging
import os
import socket
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from introstudio.core.errors import Cancelled, IntroStudioError, ToolError, UserError
from introstudio.core.jobs import run_job
from introstudio.core.locks import batch_lock
from introstudio.core.project.model import Take, now_iso
from introstudio.core.project.store import ProjectFolder, open_project

log = logging.getLogger(__name__)

STEPS = ("captions", "render", "publish", "golive")
DONE, SKIPPED, FAILED, NOT_RUN = "done", "skipped", "failed", "not run"


@dataclass(frozen=True)
class TaskOptions:
    """What to do for each project; picklable, so the same value reaches local and Dask workers."""

    steps: tuple[str, ...] = ("captions", "render")
    preset: str | None = None  # None: each project's own design.preset
    caption_engine: str = "faster-whisper"
    caption_model: str | None = None
    caption_profile: str | None = None  # None: each project's own design.caption_profile
    cache_dir: str | None = None  # where engines keep derived files (AppContext.captions().cache_dir)
    lock_wait: float = 0.0
    force: bool = False  # redo steps even when their inputs are unchanged
    attempt: int = 1


@dataclass(frozen=True)
class StepResult:
    """How one step went for one project."""

    step: str
    status: str  # done / skipped / failed / not run
    seconds: float = 0.0
    message: str = ""  # why it was skipped, or what went wrong
    hint: str = ""


@dataclass(frozen=True)
class ItemResult:
    """Everything the report shows for one clinician after a batch worked on their project."""

    folder: str
    name: str
    status: str  # done / skipped / failed
    steps: tuple[StepResult, ...] = ()
    error: str = ""
    hint: str = ""
    seconds: float = 0.0
    duration: float | None = None
    loudness_lufs: float | None = None
    true_peak: float | None = None
    caption_check: str = ""
    caption_problems: int | None = None
    script_match: float | None = None
    video: str | None = None
    srt: str | None = None
    vtt: str | None = None
    thumbnail: str | None = None
    published_url: str | None = None
    review_state: str = ""  # exported, uploaded, in review, approved, live, taken down (core/review)
    attempt: int = 1
    worker: str = ""
    finished_at: str = field(default_factory=now_iso)


# --- the task --------------------------------------------------------------------------------------------

def process_project(folder: str | Path, options: TaskOptions) -> ItemResult:
    """Run the steps for one project under its lock; failures become a failed ItemResult, never an exception."""
    folder = Path(folder)
    started = time.monotonic()
    worker = f"{socket.gethostname()}:{os.getpid()}"
    name = folder.name
    base = ItemResult(str(folder), name, FAILED, attempt=options.attempt, worker=worker)
    try:
        with batch_lock(folder, f"a batch worker ({worker})", wait=options.lock_wait):
            pf = open_project(folder)
            name = pf.project.clinician.name or folder.name
            results: list[StepResult] = []
            facts: dict[str, Any] = {}
            for step in options.steps:
                if results and results[-1].status == FAILED:
                    results.append(StepResult(step, NOT_RUN, message=f"not run: {results[-1].step} failed"))
                    continue
                results.append(_run_step(step, pf, options, facts))
            from introstudio.core.batch.report import project_facts

            facts.update(project_facts(pf, options.preset or pf.project.design.preset))
    except (Cancelled, KeyboardInterrupt):
        raise
    except IntroStudioError as exc:  # the project cannot be opened, or another worker holds it
        return replace(base, name=name, error=exc.message, hint=exc.hint, seconds=time.monotonic() - started)
    except Exception as exc:  # a bug; keep it in this item
        log.exception("batch: unexpected error in %s", folder)
        return replace(base, name=name, error=f"Unexpected error: {exc!r}",
                       hint="This is a bug; the details are in the log.", seconds=time.monotonic() - started)
    failed = next((r for r in results if r.status == FAILED), None)
    status = FAILED if failed else DONE if any(r.status == DONE for r in results) else SKIPPED
    return replace(base, name=name, status=status, steps=tuple(results), seconds=time.monotonic() - started,
                   error=f"{failed.step}: {failed.message}" if failed else "", hint=failed.hint if failed else "",
                   **facts)


def _run_step(step: str, pf: ProjectFolder, options: TaskOptions, facts: dict[str, Any]) -> StepResult:
    started = time.monotonic()
    try:
        status, message = STEP_FUNCTIONS[step](pf, options, facts)
        return StepResult(step, status, time.monotonic() - started, message)
    except (Cancelled, KeyboardInterrupt):
        raise
    except ToolError as exc:
        log.error("batch %s failed in %s: %s\n%s", step, pf.folder, exc.message, exc.stderr)
        detail = exc.details(3).replace("\n", " | ")
        return StepResult(step, FAILED, time.monotonic() - started,
                          exc.message + (f" ({detail})" if detail else ""), exc.hint)
    except IntroStudioError as exc:
        return StepResult(step, FAILED, time.monotonic() - started, exc.message, exc.hint)
    except Exception as exc:
        log.exception("batch %s: unexpected error in %s", step, pf.folder)
        return StepResult(step, FAILED, time.monotonic() - started, f"Unexpected error: {exc!r}",
                          "This is a bug; the details are in the log.")


def _take(pf: ProjectFolder) -> Take:
    take = pf.project.current_take()
    if take is None:
        raise UserError("The project has no footage yet.",
                        f"Add it with `introstudio import \"{pf.folder}\" FILE`, then run the batch again.")
    return take


def step_captions(pf: ProjectFolder, options: TaskOptions, facts: dict[str, Any]) -> tuple[str, str]:
    """Caption the current take, unless it already has captions (made or edited ones are never replaced)."""
    take = _take(pf)
    track = pf.project.captions_for(take.id)
    if track is not None and not (options.force and not track.edited):
        return SKIPPED, f"take {take.id} already has captions"
    from introstudio.core.captions.pipeline import caption_take

    profile = options.caption_profile or pf.project.design.caption_profile
    result = run_job(caption_take(pf, take.id, engine=options.caption_engine, model=options.caption_model,
                                  profile=profile, cache_dir=Path(options.cache_dir) if options.cache_dir else None))
    facts["script_match"] = result.script_match
    return DONE, f"{len(result.track.cues)} captions"


def step_render(pf: ProjectFolder, options: TaskOptions, facts: dict[str, Any]) -> tuple[str, str]:
    """Render with the preset unless an export made from exactly these inputs is still on disk, unchanged.

    The same record, inputs hash and file name as `introstudio render` and the app: an export made there is
    skipped here, and the other way round. The file's size and SHA-256 are checked again before it counts.
    """
    from introstudio.core.render.records import export_path, find_up_to_date, inputs_hash

    preset = options.preset or pf.project.design.preset
    _take(pf)
    if not options.force and find_up_to_date(pf, preset, inputs_hash(pf, preset)) is not None:
        return SKIPPED, "unchanged since the last export"
    result = _render_job(pf, preset, export_path(pf, preset))
    return DONE, f"rendered {Path(result.video).name}"


STEP_FUNCTIONS: dict[str, Callable[[ProjectFolder, TaskOptions, dict[str, Any]], tuple[str, str]]] = {
    "captions": step_captions, "render": step_render,
}


def _render_job(pf: ProjectFolder, preset: str, out: Path) -> Any:
    """Run the renderer (imported here, so a worker that only captions never loads it)."""
    from introstudio.core.render.export import render_project

    return run_job(render_project(pf, preset, out_path=out))


def export_file(pf: ProjectFolder, entry: dict[str, Any]) -> Path | None:
    """The video an export entry of project.json records, as an absolute path (None when it names none)."""
    from introstudio.core.render.records import ExportRecord, record_path

    record = ExportRecord.from_dict(entry)
    return record_path(pf, record) if record.file else None
