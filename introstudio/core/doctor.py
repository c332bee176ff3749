"""Health checks: is each part IntroStudio needs present and working here, and how to fix what is not."""

from __future__ import annotations

import importlib.util
import os
import shutil
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass

from introstudio.core.paths import AppPaths
from introstudio.core.processes import run

OK, WARN, FAIL = "ok", "warn", "fail"


@dataclass(frozen=True)
class Check:
    """One line of the doctor's report."""

    name: str
    status: str  # ok | warn | fail
    detail: str
    hint: str = ""

    def to_dict(self) -> dict[str, str]:
        return asdict(self)


def run_checks(paths: AppPaths) -> Iterator[Check]:
    """Run every check in turn; each is independent, so one failure never hides the others."""
    checks: list[Callable[[], Check]] = [
        _check_python, _check_ffmpeg, _check_probe, _check_whisper_model, lambda: _check_models(paths),
        _check_faster_whisper,
        _check_qt, lambda: _check_keyring(), lambda: _check_folders(paths),
    ]
    for check in checks:
        try:
            yield check()
        except Exception as exc:  # a broken check is itself a finding, not a crash of the doctor
            yield Check(getattr(check, "__name__", "check").removeprefix("_check_"), FAIL,
                        f"the check itself failed: {exc!r}")


def _check_python() -> Check:
    v = sys.version_info
    status = OK if v >= (3, 11) else FAIL
    return Check("python", status, f"Python {v.major}.{v.minor}.{v.micro} at {sys.executable}",
                 "" if status == OK else "IntroStudio needs Python 3.11 or newer.")


def _check_ffmpeg() -> Check:
    from introstudio.core.errors import IntroStudioError
    from introstudio.core.media.tools import ffmpeg_exe

    try:
        exe = ffmpeg_exe()
    except IntroStudioError as exc:
        return Check("ffmpeg", FAIL, exc.message, exc.hint)
    out = run([exe, "-hide_banner", "-version"], text=True, timeout=30)
    first = (out.stdout.splitlines() or ["? ? ?"])[0].split()
    version = first[2] if len(first) > 2 else "unknown version"
    conf = out.stdout
    filters = run([exe, "-hide_banner", "-filters"], text=True, timeout=30).stdout
    needed = {"libx264": "--enable-libx264" in conf, "libass": "--enable-libass" in conf,
              "loudnorm": " loudnorm " in filters, "subtitles": " subtitles " in filters}
    missing = [k for k, present in needed.items() if not present]
    if missing:
        return Check("ffmpeg", FAIL, f"{exe} ({version}) lacks {', '.join(missing)}",
                     "Install the bundled build: pip install --force-reinstall imageio-ffmpeg")
    return Check("ffmpeg", OK, f"{version} at {exe} (libx264, libass, loudnorm)")


def _check_probe() -> Check:
    if importlib.util.find_spec("av") is None:
        return Check("media probe", FAIL, "PyAV (av) is not installed", "pip install av")
    import av

    ffprobe = shutil.which("ffprobe")
    extra = f"; ffprobe at {ffprobe}" if ffprobe else "; no ffprobe (not needed)"
    return Check("media probe", OK, f"PyAV {av.__version__}{extra}")


def _check_whisper_model() -> Check:
    from introstudio.core.captions.models import bundled_model_path
    from introstudio.core.errors import IntroStudioError

    try:
        path = bundled_model_path()
    except IntroStudioError as exc:
        return Check("whisper model", FAIL, exc.message, exc.hint)
    size = (path / "model.bin").stat().st_size / 1e6
    return Check("whisper model", OK, f"bundled Whisper tiny.en (CTranslate2, {size:.0f} MB) at {path}")


def _check_models(paths: AppPaths) -> Check:
    """The installed models (checked by size against their install record) and whether Spanish can be captioned."""
    from introstudio.core.captions.models import list_models

    models = list_models(paths.cache_dir)
    installed = [m for m in models if m.state not in ("bundled", "not installed")]
    damaged = [m for m in installed if m.state == "damaged"]
    multilingual = [m for m in installed if m.multilingual and m.state != "damaged"]
    listed = ", ".join(f"{m.name} ({m.languages}, {m.size / 1e6:.0f} MB, {m.state})" for m in installed)
    detail = f"installed: {listed or 'none besides the bundled tiny.en'}; Spanish captions: " + (
        f"yes (--model {multilingual[0].name})" if multilingual else "no")
    if damaged:
        return Check("models", FAIL, detail + "; damaged: " + "; ".join(f"{m.name}: {m.problem}" for m in damaged),
                     f"Install it again: introstudio models install {damaged[0].name}")
    if not multilingual:
        how = next((m.source for m in models if m.state == "not installed" and m.name == "base"), "")
        return Check("models", WARN, detail, "Only English can be captioned. For Spanish takes: " + (
            how or "introstudio models install base"))
    return Check("models", OK, detail)


def _check_faster_whisper() -> Check:
    if importlib.util.find_spec("faster_whisper") is None:
        return Check("faster-whisper", FAIL, "faster-whisper is not installed", "pip install faster-whisper")
    code = ("import time,sys;t=time.perf_counter();from faster_whisper import WhisperModel;"
            "WhisperModel(sys.argv[1],device='cpu',compute_type='int8');print(round(time.perf_counter()-t,2))")
    from introstudio.core.captions.models import bundled_model_path

    try:
        model = str(bundled_model_path())
    except Exception as exc:  # reported by the model check
        return Check("faster-whisper", WARN, f"installed, model not loaded ({exc})")
    out = run([sys.executable, "-c", code, model], text=True, timeout=120)
    if out.returncode != 0:
        return Check("faster-whisper", FAIL, "the model does not load: " + _last_line(out.stderr),
                     "Reinstall: pip install --force-reinstall faster-whisper ctranslate2")
    return Check("faster-whisper", OK, f"loads the bundled model on the CPU (int8) in {out.stdout.strip()} s")


def _check_qt() -> Check:
    if importlib.util.find_spec("PySide6") is None:
        return Check("qt", FAIL, "PySide6 is not installed",
                     "pip install PySide6-Essentials==6.11.3 PySide6-Addons==6.11.3")
    # In a child process: a missing system library can abort the interpreter, which must not take us down.
    code = ("import PySide6, PySide6.QtCore as c; from PySide6.QtWidgets import QApplication;"
            "a=QApplication([]); import PySide6.QtMultimedia as m;"
            "print(PySide6.__version__, a.platformName(), len(m.QMediaDevices.videoInputs()),"
            " len(m.QMediaDevices.audioInputs()))")
    env = dict(os.environ)
    if sys.platform.startswith("linux") and not env.get("DISPLAY") and not env.get("WAYLAND_DISPLAY"):
        env["QT_QPA_PLATFORM"] = "offscreen"
    started = time.perf_counter()
    out = run([sys.executable, "-c", code], text=True, env=env, timeout=120)
    if out.returncode != 0:
        err = out.stderr
        hint = "Reinstall PySide6-Essentials and PySide6-Addons."
        if "libpulse" in err:
            hint = "QtMultimedia needs PulseAudio's client library: sudo apt-get install libpulse0"
        elif "xcb" in err:
            hint = "Install Qt's X11 libraries: sudo apt-get install libxcb-cursor0 libxkbcommon-x11-0"
        return Check("qt", FAIL, "Qt does not start: " + _last_line(err), hint)
    version, platform, cams, mics = out.stdout.split()
    detail = (f"PySide6 {version} ({platform} display, {cams} camera(s), {mics} microphone(s), "
              f"{time.perf_counter() - started:.1f} s to start)")
    if platform == "offscreen":
        return Check("qt", WARN, detail, "No screen here: the GUI needs a desktop session (or xvfb-run).")
    if cams == "0" or mics == "0":
        return Check("qt", WARN, detail, "Recording needs a camera and a microphone; you can still import footage.")
    return Check("qt", OK, detail)


def _check_keyring() -> Check:
    if importlib.util.find_spec("keyring") is None:
        return Check("keyring", FAIL, "keyring is not installed", "pip install keyring")
    import keyring
    from keyring.backends import fail

    backend = keyring.get_keyring()
    name = f"{type(backend).__module__}.{type(backend).__name__}"
    if isinstance(backend, fail.Keyring) or "null" in name.lower():
        return Check("keyring", WARN, f"no usable keyring ({name})",
                     "YouTube sign-in will not be remembered between runs. Install and unlock a Secret Service "
                     "keyring (GNOME Keyring or KWallet); IntroStudio never falls back to a plain-text file "
                     "unless you ask it to.")
    return Check("keyring", OK, f"{name} (priority {getattr(backend, 'priority', '?')})")


def _check_folders(paths: AppPaths) -> Check:
    problems = []
    for label, folder in (("settings", paths.config_dir), ("logs", paths.log_dir), ("cache", paths.cache_dir)):
        try:
            folder.mkdir(parents=True, exist_ok=True)
            probe = folder / ".write-test"
            probe.write_text("ok")
            probe.unlink()
        except OSError as exc:
            problems.append(f"{label} folder {folder}: {exc.strerror}")
    if problems:
        return Check("folders", FAIL, "; ".join(problems), "Check the permissions of these folders.")
    free = shutil.disk_usage(paths.cache_dir).free / 1e9
    status = OK if free >= 2 else WARN
    return Check("folders", status, f"settings {paths.config_dir}, logs {paths.log_dir}; {free:.1f} GB free",
                 "" if status == OK else "Video needs room: free at least 2 GB.")


def _last_line(text: str) -> str:
    lines = [ln for ln in text.strip().splitlines() if ln.strip()]
    return lines[-1] if lines else "(no message)"
