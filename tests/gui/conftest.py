"""GUI test fixtures: a thread-leak check, no real dialogs, and a project with one imported take."""

from __future__ import annotations

import shutil
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

import pytest

pytest.importorskip("PySide6")
pytest.importorskip("pytestqt")


@pytest.fixture(autouse=True)
def _dangling_qthreads(monkeypatch, qtbot, request):
    """Fail a test that leaves a QThread running (after napari's fixture of the same name)."""
    from PySide6.QtCore import QThread, QThreadPool

    started: list[QThread] = []
    base_start = QThread.start

    def start_and_remember(self, *args):
        started.append(self)
        base_start(self, *args)

    monkeypatch.setattr(QThread, "start", start_and_remember)
    yield
    running = []
    for thread in started:
        with suppress(RuntimeError):  # the C++ object is gone: it certainly is not running
            if thread.isRunning():
                running.append(thread.objectName() or repr(thread))
    if running:
        from introstudio.gui.operations import Operation

        Operation.cancel_all()  # do not let the leak crash the next test
        pytest.fail(f"{request.node.name} left {len(running)} QThread(s) running: {running}")
    pool = QThreadPool.globalInstance()
    if pool.activeThreadCount() and not pool.waitForDone(2000):  # Qt's own short tasks may still be ending
        pytest.fail(f"{request.node.name} left {pool.activeThreadCount()} QThreadPool thread(s) busy")


@pytest.fixture(autouse=True)
def shown_errors(monkeypatch) -> list[BaseException]:
    """Every exception that reached errors.show_error during the test (no message box is opened)."""
    from introstudio.gui import errors

    shown: list[BaseException] = []
    monkeypatch.setattr(errors, "show_error", lambda parent, exc: shown.append(exc))
    return shown


@pytest.fixture(autouse=True)
def _no_real_dialogs(monkeypatch):
    """Dialogs answer 'yes'/nothing unless a test says otherwise; they never block a test."""
    from introstudio.gui.widgets.dialogs import Ask

    monkeypatch.setattr(Ask, "confirm", classmethod(lambda cls, *a, **k: True))
    monkeypatch.setattr(Ask, "footage_files", classmethod(lambda cls, *a, **k: []))
    monkeypatch.setattr(Ask, "open_folder", classmethod(lambda cls, folder: True))
    for name in ("roster_file", "projects_folder", "brand_kit_file", "project_folder", "new_project_folder",
                 "new_video"):
        monkeypatch.setattr(Ask, name, classmethod(lambda cls, *a, **k: None))


@pytest.fixture(scope="session")
def clip_file(tmp_path_factory) -> Path:
    """A 2-second generated test clip (made once per session)."""
    from introstudio.core.media.testmedia import make_clip

    return make_clip(tmp_path_factory.mktemp("media") / "clinic take.mp4", seconds=2.0, size=(320, 240))


@pytest.fixture
def app_paths(tmp_path):
    from introstudio.core.paths import AppPaths

    return AppPaths.for_user(tmp_path / "home")


@pytest.fixture
def project(tmp_path, clip_file):
    """A project for Dr. Maria Lopez with the physician template and the clip imported as take 1."""
    from introstudio.core.jobs import run_job
    from introstudio.core.project import Clinician, Script, create_project
    from introstudio.core.project.ops import import_takes

    clinician = Clinician(name="Maria Lopez", title="Dr.", credentials="MD", specialty="Cardiology",
                          organisation="St Mary's Hospital", phone="555-0100")
    pf = create_project(tmp_path / "lopez", clinician, Script(template_id="physician-intro"))
    source = tmp_path / "incoming" / clip_file.name
    source.parent.mkdir()
    shutil.copy(clip_file, source)
    run_job(import_takes(pf, [source]))
    return pf


@pytest.fixture
def captioned_project(project):
    """The project with captions (one too fast, one off-script) and a chosen take: every page has content."""
    from introstudio.core.captions.cues import Cue
    from introstudio.core.project.model import CaptionTrack

    project.project.captions.append(CaptionTrack(take_id=1, engine="test", cues=[
        Cue(0.0, 1.6, ("Hello, I'm Dr. Lopez.",)),
        Cue(1.68, 1.9, ("I'm a physician specializing in cardiology at St Mary's",)),
        Cue(2.0, 3.4, ("Um, welcome to the clinic.",), flags=("departure: added 'um'",)),
    ]))
    project.project.takes[0].script_match = 0.93
    project.project.selected_take = 1
    project.save()
    return project


@pytest.fixture
def wait_op(qtbot):
    """wait_op(op): wait until an Operation has delivered its outcome (callbacks done, thread stopped)."""

    def wait(op, timeout: int = 30000) -> None:
        if op.running:
            with qtbot.waitSignal(op.finished, timeout=timeout):
                pass

    return wait


def free_display() -> int:
    for n in range(90, 200):
        if not Path(f"/tmp/.X{n}-lock").exists() and not Path(f"/tmp/.X11-unix/X{n}").exists():
            return n
    raise RuntimeError("no free X display number")


@contextmanager
def xvfb_server(width: int, height: int) -> Iterator[str]:
    """A private Xvfb server with one screen of `width` x `height` pixels; yields its DISPLAY value."""
    for _attempt in range(3):
        n = free_display()
        proc = subprocess.Popen(["Xvfb", f":{n}", "-screen", "0", f"{width}x{height}x24", "-nolisten", "tcp"],
                                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and proc.poll() is None:
            if Path(f"/tmp/.X11-unix/X{n}").exists():
                break
            time.sleep(0.05)
        if proc.poll() is None:
            break
    else:
        pytest.skip("Xvfb did not start")
    try:
        yield f":{n}"
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


@pytest.fixture
def xvfb():
    """A private 1600x1000 X display (room for the 1280x800 window)."""
    with xvfb_server(1600, 1000) as display:
        yield display


@pytest.fixture
def xvfb_full_hd():
    """A private 1920x1080 X display: at 200% scaling the app sees 960x540 (a laptop at 200%)."""
    with xvfb_server(1920, 1080) as display:
        yield display
