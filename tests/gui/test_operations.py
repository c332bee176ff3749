"""The one background-operation API: off the UI thread, ordered progress, cancel, one error report."""

from __future__ import annotations

import threading
import time

from PySide6.QtCore import Qt

from introstudio.core.errors import Cancelled, ToolError, UserError
from introstudio.core.jobs import Progress
from introstudio.gui.operations import Operation


def counting_job(seen_threads: list[int], steps: int = 5):
    for i in range(steps):
        seen_threads.append(threading.get_ident())
        time.sleep(0.01)
        yield Progress((i + 1) / steps, f"step {i + 1}")
    return "the result"


def test_job_runs_off_the_ui_thread_with_ordered_progress_and_a_result(qtbot, wait_op, shown_errors):
    seen_threads: list[int] = []
    progress: list[Progress] = []
    results: list[str] = []
    finished: list[bool] = []
    op = Operation(None, lambda: counting_job(seen_threads), "Counting", min_interval=0)
    op.progress.connect(lambda p: (progress.append(p), seen_threads.append(-threading.get_ident())))
    op.on_success(results.append).on_finished(lambda: finished.append(True)).run()
    assert op.running
    wait_op(op)
    ui = threading.get_ident()
    worker_ids = {t for t in seen_threads if t > 0}
    assert worker_ids and ui not in worker_ids, "the job ran on the UI thread"
    assert {-t for t in seen_threads if t < 0} == {ui}, "progress was delivered off the UI thread"
    assert [p.message for p in progress] == [f"step {i}" for i in range(1, 6)]
    assert [p.fraction for p in progress] == sorted(p.fraction for p in progress)
    assert results == ["the result"] and finished == [True]
    assert not op.running and shown_errors == []


def test_cancel_closes_the_generator_so_its_finally_runs(qtbot, wait_op, shown_errors):
    state = {"finally": False, "steps": 0}

    def endless():
        try:
            while True:
                state["steps"] += 1
                time.sleep(0.005)
                yield Progress(None, "working")
        finally:
            state["finally"] = True  # where a real job kills its ffmpeg

    successes, failures = [], []
    op = Operation(None, endless, "Endless", min_interval=0).on_success(successes.append).on_failure(failures.append)
    with qtbot.waitSignal(op.progress, timeout=5000):
        op.run()
    op.cancel()
    wait_op(op, timeout=5000)
    assert state["finally"] is True
    assert successes == []
    assert len(failures) == 1 and isinstance(failures[0], Cancelled)
    assert shown_errors == [], "a cancel must not be reported as an error"


def test_an_exception_reaches_show_error_exactly_once(qtbot, wait_op, shown_errors):
    def failing():
        yield Progress(0.5, "half way")
        raise UserError("The take is too short.", "Record at least a second.")

    failures, successes = [], []
    op = Operation(None, failing, "Failing").on_success(successes.append).on_failure(failures.append).run()
    wait_op(op)
    assert len(shown_errors) == 1 and shown_errors[0].message == "The take is too short."
    assert failures == shown_errors and successes == []


def test_a_failing_callback_is_reported_too(qtbot, wait_op, shown_errors):
    def quick():
        yield Progress(1.0, "done")
        return 1

    def broken(_result):
        raise RuntimeError("bug in a page")

    wait_op(Operation(None, quick, "Quick").on_success(broken).run())
    assert [str(e) for e in shown_errors] == ["bug in a page"]


def test_show_error_shows_message_hint_and_tool_details_and_nothing_for_cancelled(qtbot, monkeypatch):
    from introstudio.gui import errors

    monkeypatch.undo()  # the real show_error, not the recorder
    assert errors.show_error(None, Cancelled()) is None
    exc = ToolError("ffmpeg failed (exit code 1): Invalid data", command=["ffmpeg", "-i", "x.mp4"],
                    stderr="x.mp4: Invalid data found when processing input", hint="Check the file.")
    box = errors.show_error(None, exc)
    qtbot.addWidget(box)
    assert box.text() == exc.message
    assert box.informativeText() == "Check the file."
    assert "Invalid data found" in box.detailedText() and "ffmpeg -i x.mp4" in box.detailedText()
    box.close()


def test_progress_panel_shows_percent_time_left_and_cancels(qtbot, wait_op, shown_errors):
    from introstudio.gui.widgets.progress import ProgressPanel

    panel = ProgressPanel()
    qtbot.addWidget(panel)
    release = threading.Event()

    def slow():
        yield Progress(0.25, "a quarter", eta_seconds=75)
        while not release.wait(0.01):
            yield Progress(0.25, "a quarter", eta_seconds=75)

    op = Operation(None, slow, "Slow work", min_interval=0).with_progress(panel)
    with qtbot.waitSignal(op.progress, timeout=5000):
        op.run()
    assert not panel.isHidden()
    assert panel.bar.format() == "25%" and panel.time_left.text() == "about 1:15 left"
    assert panel.cancel_button.isEnabled()
    qtbot.mouseClick(panel.cancel_button, Qt.MouseButton.LeftButton)
    wait_op(op, timeout=5000)
    release.set()
    assert panel.message.text() == "Stopped." and not panel.cancel_button.isEnabled()
    assert shown_errors == []


def test_a_job_in_a_child_process_works_on_a_detached_copy(qtbot, wait_op, project, clip_file, shown_errors):
    from introstudio.gui.process_jobs import in_subprocess

    before = project.file.read_text(encoding="utf-8")
    detached = (project.folder, project.project.to_dict())
    outcomes = []
    op = Operation(None, lambda: in_subprocess("introstudio.core.project.ops:import_takes", [clip_file],
                                               detached=detached), "Import in a child").on_success(outcomes.append)
    wait_op(op.run())
    assert shown_errors == []
    (outcome,) = outcomes
    assert [t.id for t in outcome.result] == [2]
    assert [t.id for t in outcome.project.takes] == [1, 2]
    assert project.file.read_text(encoding="utf-8") == before, "the child must never save the project"


def test_a_child_error_arrives_with_its_hint_once(qtbot, wait_op, project, tmp_path, shown_errors):
    from introstudio.gui.process_jobs import in_subprocess

    missing = tmp_path / "no such take.mp4"
    op = Operation(None, lambda: in_subprocess("introstudio.core.project.ops:import_takes", [missing],
                                               detached=(project.folder, project.project.to_dict())), "Import")
    wait_op(op.run())
    assert len(shown_errors) == 1
    assert "no such take.mp4" in shown_errors[0].message and shown_errors[0].hint


def test_cancelling_a_child_job_stops_it_and_its_ffmpeg(qtbot, wait_op, tmp_path, shown_errors):
    import subprocess

    from introstudio.core.media.tools import ffmpeg_exe
    from introstudio.gui.process_jobs import in_subprocess

    marker = tmp_path / "never-finished-output.mp4"
    command = [ffmpeg_exe(), "-hide_banner", "-nostdin", "-y", "-re", "-f", "lavfi", "-i",
               "testsrc2=size=160x120:rate=25:duration=60", "-progress", "pipe:1", "-nostats", str(marker)]
    failures = []
    op = Operation(None, lambda: in_subprocess("introstudio.core.render.runner:run_ffmpeg_job", command, 60.0,
                                               "Encoding"), "Long encode", min_interval=0).on_failure(failures.append)
    seen = []
    op.progress.connect(seen.append)
    op.run()
    qtbot.waitUntil(lambda: any(p.fraction for p in seen), timeout=20000)  # ffmpeg is encoding
    started = time.monotonic()
    op.cancel()
    wait_op(op, timeout=20000)
    assert time.monotonic() - started < 5
    assert len(failures) == 1 and isinstance(failures[0], Cancelled) and shown_errors == []
    running = subprocess.run(["pgrep", "-f", str(marker)], check=False, capture_output=True, text=True).stdout.split()
    assert running == [], "ffmpeg outlived the cancel"
