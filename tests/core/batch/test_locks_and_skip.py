"""Per-project locks (stale ones do not last), skipping unchanged work, retries and failure isolation."""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
import time
from concurrent.futures import Future
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from introstudio.core.batch import tasks
from introstudio.core.batch.report import read_report_csv
from introstudio.core.batch.run import BatchProgress, run_batch
from introstudio.core.batch.scheduler import Finished, schedule
from introstudio.core.batch.tasks import ItemResult, TaskOptions, process_project
from introstudio.core.locks import BATCH_LOCK, LockBusy, batch_lock, is_locked
from introstudio.core.jobs import run_job
from introstudio.core.project import Clinician, Script, create_project, open_project
from introstudio.core.render.export import ExportResult
from introstudio.core.render.records import ExportRecord, file_sha256, inputs_hash, record_export

SRT = "1\n00:00:00,000 --> 00:00:01,450\nHello, I am Maria.\n"


# --- locks -------------------------------------------------------------------------------------------

HOLD = """
import sys, time
from introstudio.core.locks import batch_lock
batch_lock(sys.argv[1], "a batch worker (render-box-7)").acquire()
print("held", flush=True)
time.sleep(60)
"""


@contextlib.contextmanager
def held_elsewhere(folder: Path):
    """The project's batch lock held by another live process; killed (not released) at the end."""
    proc = subprocess.Popen([sys.executable, "-c", HOLD, str(folder)], stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout is not None and proc.stdout.readline().strip() == "held"
        yield proc
    finally:
        proc.kill()
        proc.wait()


def test_a_batch_lock_is_exclusive_and_names_its_holder(tmp_path):
    with held_elsewhere(tmp_path) as proc:
        with pytest.raises(LockBusy) as error:
            batch_lock(tmp_path).acquire()
        assert f"process {proc.pid}" in error.value.message and "render-box-7" in error.value.message
    with batch_lock(tmp_path).acquire(wait=0):  # a killed holder leaves nothing stale behind
        pass


# --- skipping unchanged work -------------------------------------------------------------------------



@pytest.fixture
def renders(monkeypatch) -> list[str]:
    """Replace the renderer with one that writes a file and records it the way render_project does."""
    calls: list[str] = []

    def fake_render(pf, preset, out):
        calls.append(pf.folder.name)
        out.write_bytes(b"video " + str(len(calls)).encode())
        out.with_suffix(".jpg").write_bytes(b"jpeg")
        record_export(pf, ExportRecord(pf.relative(out), preset, duration=9.5, loudness_lufs=-14.1, true_peak=-1.5,
                                       thumbnail=pf.relative(out.with_suffix(".jpg")),
                                       inputs_hash=inputs_hash(pf, preset), size=out.stat().st_size,
                                       sha256=file_sha256(out)))
        return ExportResult(out, None, None, out.with_suffix(".jpg"), preset, 9.5, -14.1, -1.5, 0.1)

    monkeypatch.setattr(tasks, "_render_job", fake_render)
    return calls


@pytest.fixture
def project(tmp_path):
    from introstudio.core.captions.pipeline import import_captions
    from introstudio.core.media.testmedia import make_clip
    from introstudio.core.project.ops import import_takes

    pf = create_project(tmp_path / "maria-lopez", Clinician(name="Maria Lopez", specialty="Endocrinology"),
                        Script(template_id="physician-intro"))
    run_job(import_takes(pf, [make_clip(tmp_path / "take.mp4", seconds=1.5, size=(160, 120))]))
    (tmp_path / "take.srt").write_text(SRT, encoding="utf-8")
    import_captions(pf, tmp_path / "take.srt")
    return pf.folder


OPTIONS = TaskOptions(steps=("captions", "render"), preset="preview")


def test_unchanged_projects_are_not_rendered_again(project, renders):
    first = process_project(project, OPTIONS)
    assert first.status == "done", first
    assert [(s.step, s.status) for s in first.steps] == [("captions", "skipped"), ("render", "done")]
    assert (first.duration, first.loudness_lufs) == (9.5, -14.1)
    assert first.caption_check.startswith("OK") and first.video.endswith("maria-lopez-preview.mp4")
    again = process_project(project, OPTIONS)
    assert again.status == "skipped" and renders == ["maria-lopez"]
    assert again.video == first.video and again.thumbnail == first.thumbnail


@pytest.mark.parametrize("change", ["clinician", "take", "captions", "design", "preset", "deleted"])
def test_changed_inputs_are_rendered_again(project, renders, change):
    options = OPTIONS
    process_project(project, options)
    pf = open_project(project)
    if change == "clinician":
        pf.project.clinician.title = "Dr."
    elif change == "take":
        os.utime(pf.resolve(pf.project.takes[0].file), (1, 1))
    elif change == "captions":
        track = pf.project.captions[0]
        track.cues[0] = replace(track.cues[0], lines=("Hello, I am Maria Lopez.",))
    elif change == "design":
        pf.project.design.lower_third = False
    elif change == "preset":
        options = replace(OPTIONS, preset="youtube-720p")
    elif change == "deleted":
        pf.exports_dir.joinpath("maria-lopez-preview.mp4").unlink()
    pf.save()
    assert process_project(project, options).status == "done"
    assert len(renders) == 2
    files = {e["file"] for e in open_project(project).project.exports}
    assert len(files) == len(open_project(project).project.exports)  # one entry per video file


def test_a_failing_project_is_a_failed_result_and_leaves_no_lock(tmp_path, renders):
    pf = create_project(tmp_path / "no-footage", Clinician(name="Ana Kim"), Script(free_text="Hello."))
    result = process_project(pf.folder, OPTIONS)
    assert result.status == "failed" and "footage" in result.error and "introstudio import" in result.hint
    assert [s.status for s in result.steps] == ["failed", "not run"]
    assert not is_locked(pf.folder / BATCH_LOCK)
    missing = process_project(tmp_path / "nothing-here", OPTIONS)
    assert missing.status == "failed" and missing.hint


def test_a_locked_project_fails_with_who_holds_it(project, renders):
    with held_elsewhere(project) as proc:
        result = process_project(project, OPTIONS)
    assert result.status == "failed" and f"process {proc.pid}" in result.error and renders == []


# --- scheduling: retries and isolation, with an in-process backend -----------------------------------

class InlineBackend:
    """Runs items synchronously with a scripted outcome per attempt (done / failed / crashed)."""

    label = "inline"
    capacity = None

    def __init__(self, script: dict[str, list[str]]) -> None:
        self.script = script
        self.calls: list[tuple[str, int]] = []
        self.closed: bool | None = None

    def submit(self, folder: str, options: TaskOptions) -> Future:
        name = Path(folder).name
        self.calls.append((name, options.attempt))
        outcome = self.script.get(name, ["done"])[options.attempt - 1]
        future: Future = Future()
        future.set_result((ItemResult(folder, name, "failed" if outcome != "done" else "done",
                                      error="boom" if outcome != "done" else "", attempt=options.attempt),
                           outcome == "crashed"))
        return future

    def wait(self, futures: set[Any], timeout: float) -> set[Any]:
        return {f for f in futures if f.done()}

    def result(self, future: Future, folder: str, options: TaskOptions) -> tuple[ItemResult, bool]:
        return future.result()

    def close(self, cancel: bool) -> None:
        self.closed = cancel


def test_failed_items_are_retried_once_at_the_end():
    backend = InlineBackend({"b": ["failed", "done"], "c": ["failed", "failed"], "d": ["crashed", "done"]})
    events = [e for e in schedule(["a", "b", "c", "d", "e"], TaskOptions(), backend, retries=1) if e is not None]
    order = [(Path(e.result.folder).name, e.result.attempt, e.will_retry) for e in events]
    assert sorted(order[:5]) == [("a", 1, False), ("b", 1, True), ("c", 1, True), ("d", 1, True), ("e", 1, False)]
    assert sorted(order[5:]) == [("b", 2, False), ("c", 2, False), ("d", 2, False)]
    assert order[-1] == ("d", 2, False)  # a crashed item runs alone, after the others
    assert backend.closed is False


def test_stopping_the_batch_cancels_the_backend():
    backend = InlineBackend({})
    events = schedule(["x", "y"], TaskOptions(), backend)
    assert isinstance(next(e for e in events if e is not None), Finished)
    events.close()
    assert backend.closed is True


def test_run_batch_writes_the_report_as_items_finish(tmp_path, project):
    class Backend(InlineBackend):
        def submit(self, folder: str, options: TaskOptions) -> Future:
            future: Future = Future()
            future.set_result((process_project(folder, options), False))
            return future

    lines: list[BatchProgress] = []
    job = run_batch(project.parent, "captions", backend=Backend({}))
    summary = run_job(job, lambda p: lines.append(p) if getattr(p, "item", None) else None)
    assert summary.ok and summary.count("skipped") == 1 and len(lines) == 1
    rows = read_report_csv(summary.report_csv)
    assert [(r["name"], r["status"]) for r in rows] == [("Maria Lopez", "skipped")]
    assert "Maria Lopez" in summary.report_html.read_text(encoding="utf-8")


# --- publishing runs in the batch's own process ------------------------------------------------------

class InProcess(InlineBackend):
    def submit(self, folder: str, options: TaskOptions) -> Future:
        future: Future = Future()
        future.set_result((process_project(folder, options), False))
        return future


def test_publish_runs_after_render_and_is_skipped_once_done(project, renders):
    from introstudio.core.publish.upload import hash_file

    published: list[str] = []

    def publisher(pf):
        video = pf.resolve(pf.project.exports[-1]["file"])
        sha = yield from hash_file(video)
        published.append(pf.folder.name)
        pf.project.publish.video_id = "abc123XYZ"
        pf.project.publish.upload = {"sha256": sha, "finished_at": "now"}
        pf.save()
        return "ok"

    first = run_job(run_batch(project.parent, "captions,render,publish", preset="preview",
                              publisher=publisher, backend=InProcess({})))
    item = first.results[0]
    assert [(s.step, s.status) for s in item.steps][-1] == ("publish", "done")
    assert item.published_url == "https://youtu.be/abc123XYZ"
    assert read_report_csv(first.report_csv)[0]["published_url"] == "https://youtu.be/abc123XYZ"
    again = run_job(run_batch(project.parent, "render,publish", preset="preview", publisher=publisher,
                              backend=InProcess({})))
    assert again.results[0].status == "skipped" and published == ["maria-lopez"]


def test_a_failed_publish_is_reported_with_what_to_do(project, renders):
    from introstudio.core.errors import UserError

    def publisher(pf):
        raise UserError("YouTube sign-in expired.", "Run `introstudio auth login`.")
        yield  # pragma: no cover

    summary = run_job(run_batch(project.parent, "render,publish", preset="preview", publisher=publisher,
                                backend=InProcess({})))
    item = summary.results[0]
    assert item.status == "failed" and item.error == "publish: YouTube sign-in expired." and "auth login" in item.hint
    assert "What to do: Run" in summary.report_html.read_text(encoding="utf-8")


def test_publish_needs_a_confirmed_publisher(project):
    from introstudio.core.errors import UserError

    with pytest.raises(UserError, match="confirmation"):
        next(run_batch(project.parent, "render,publish", backend=InlineBackend({})))


def test_a_worker_told_to_stop_mid_item_really_exits(project):
    import signal

    from introstudio.core.batch.scheduler import WORKER_EXIT_GRACE, LocalBackend

    backend = LocalBackend(1)
    try:
        with held_elsewhere(project):
            backend.submit(str(project), replace(OPTIONS, lock_wait=120))  # waits for our lock: mid-item
            deadline = time.monotonic() + 30
            while not getattr(backend._pool, "_processes", None) and time.monotonic() < deadline:
                time.sleep(0.05)
            worker = next(iter(backend._pool._processes.values()))
            time.sleep(2)  # let it import IntroStudio and start the item
            os.kill(worker.pid, signal.SIGTERM)
            worker.join(timeout=WORKER_EXIT_GRACE + 5)
            assert not worker.is_alive()
    finally:
        backend.close(cancel=True)
