"""`introstudio render` and `introstudio batch` ended abruptly mid-export: nothing of theirs keeps running.

Real commands in real processes on a real project: kill -9, SIGTERM and SIGHUP while ffmpeg encodes. After a
kill -9 the output must stop growing at once (the next export cleans the partial file up); after SIGTERM or
SIGHUP the command stops like Ctrl-C: ffmpeg stopped, the partial file removed, exit 128+signal.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.fakes.procs import processes, wait_for, writing_to

from introstudio.core.jobs import run_job
from introstudio.core.media.testmedia import make_clip
from introstudio.core.processes import WORKER_EXIT_GRACE, pid_alive
from introstudio.core.project import Clinician, Script, create_project
from introstudio.core.project.ops import import_takes

pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(not sys.platform.startswith("linux"), reason="finds processes through /proc")]

CLI = "import sys; from introstudio.cli import main; sys.exit(main())"


@pytest.fixture(scope="module")
def long_project(tmp_path_factory) -> Path:
    """A project whose 1080p export takes far longer than these tests wait."""
    root = tmp_path_factory.mktemp("lifetime")
    source = make_clip(root / "take.mp4", seconds=40, size=(640, 360), fps=25)
    pf = create_project(root / "proj", Clinician(name="Ana Kim", title="Dr."), Script(free_text="Hello."))
    run_job(import_takes(pf, [source]))
    return pf.folder


def videos(folder: Path) -> dict[str, int]:
    """Video files (final or partial) in an exports folder, with their sizes."""
    if not folder.is_dir():
        return {}
    return {p.name: p.stat().st_size for p in folder.iterdir() if p.suffix == ".mp4" or "partial" in p.name}


def start_cli(tmp_path: Path, *args: str) -> subprocess.Popen:
    env = dict(os.environ, TMPDIR=str(tmp_path / "tmp"))
    (tmp_path / "tmp").mkdir(exist_ok=True)
    return subprocess.Popen([sys.executable, "-c", CLI, "--home", str(tmp_path / "home"), *args], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def wait_until_encoding(cli: subprocess.Popen, exports: Path) -> list[int]:
    ok = wait_for(lambda: writing_to(exports) and any(videos(exports).values()) or cli.poll() is not None, 90)
    assert ok and cli.poll() is None, cli.communicate()
    return writing_to(exports)


def check_stopped(exports: Path, tmp_path: Path, killed: bool) -> None:
    assert wait_for(lambda: writing_to(exports) == [], 4), "ffmpeg outlived the command"
    before = videos(exports)
    time.sleep(1.0)
    assert videos(exports) == before, "something still writes the export"
    if not killed:  # the command's `finally` blocks ran: no partial video, no work folder
        assert before == {}, before
        assert not any((tmp_path / "tmp").glob("introstudio-render-*"))


@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGTERM, signal.SIGHUP], ids=lambda s: s.name)
def test_render_stopped_by_a_signal_leaves_nothing_running(long_project, tmp_path, sig):
    project = Path(shutil.copytree(long_project, tmp_path / "proj"))
    exports = project / "exports"
    cli = start_cli(tmp_path, "render", str(project), "--preset", "youtube-1080p")
    wait_until_encoding(cli, exports)
    cli.send_signal(sig)
    _, err = cli.communicate(timeout=15)
    check_stopped(exports, tmp_path, killed=sig == signal.SIGKILL)
    if sig != signal.SIGKILL:
        assert cli.returncode == 128 + sig and f"Stopped ({sig.name})." in err


@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGTERM], ids=lambda s: s.name)
def test_batch_worker_and_its_ffmpeg_stop_with_the_batch(long_project, tmp_path, sig):
    folder = tmp_path / "batch"
    project = Path(shutil.copytree(long_project, folder / "ana-kim"))
    exports = project / "exports"
    cli = start_cli(tmp_path, "batch", str(folder), "--steps", "render", "--preset", "youtube-1080p",
                    "--workers", "1", "--retries", "0")
    encoder = wait_until_encoding(cli, exports)
    parents = {pid: ppid for pid, ppid, _ in processes()}
    workers = [pid for pid, ppid, cmd in processes() if ppid == cli.pid and "spawn_main" in cmd]
    assert workers and any(parents.get(p) in workers for p in encoder), "ffmpeg should run in a pool worker"
    cli.send_signal(sig)
    _, err = cli.communicate(timeout=30)
    assert wait_for(lambda: not any(pid_alive(w) for w in workers), WORKER_EXIT_GRACE + 3), \
        "the worker outlived the batch"
    # A worker whose parent died stops by itself, so its `finally` blocks run even after a kill -9.
    check_stopped(exports, tmp_path, killed=False)
    if sig != signal.SIGKILL:
        assert cli.returncode == 128 + sig, err
