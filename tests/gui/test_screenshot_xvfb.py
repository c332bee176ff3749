"""Start the real app under a real X display (Xvfb, not offscreen) and save a screenshot of every page."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
OUTPUT = REPO / "tests" / "output" / "screenshots"
PAGES = ("clinician", "script", "record", "takes", "captions", "look", "export", "publish")
WINDOW_SIZE = (1280, 800)

pytestmark = pytest.mark.skipif(shutil.which("Xvfb") is None, reason="Xvfb is not installed")


def introstudio_command() -> list[str]:
    """`introstudio` as a command line for this interpreter."""
    return [sys.executable, "-m", "introstudio"]


def is_blank(image) -> bool:
    """True when the PNG is (nearly) one colour."""
    small = image.convert("RGB").resize((64, 40))
    colours = small.getcolors(64 * 40) or []
    return len(colours) < 8


def test_screenshot_of_every_page_under_xvfb(xvfb, captioned_project, tmp_path):
    from PIL import Image

    project = captioned_project
    env = {**os.environ, "DISPLAY": xvfb, "QT_QPA_PLATFORM": "xcb", "INTROSTUDIO_HOME": str(tmp_path / "home")}
    env.pop("WAYLAND_DISPLAY", None)
    shots = {page: tmp_path / f"{page}.png" for page in PAGES}
    command = introstudio_command()
    procs = {page: subprocess.Popen([*command, "gui", str(project.folder),
                                     "--page", page, "--screenshot", str(out)],
                                    cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for page, out in shots.items()}
    failures = []
    for page, proc in procs.items():
        try:
            out, err = proc.communicate(timeout=90)
        except subprocess.TimeoutExpired:
            proc.kill()
            out, err = proc.communicate()
        if proc.returncode != 0:
            failures.append(f"{page}: exit {proc.returncode}\n{out}\n{err[-2000:]}")
    assert not failures, "\n".join(failures)
    OUTPUT.mkdir(parents=True, exist_ok=True)
    for page, png in shots.items():
        assert png.is_file(), f"no screenshot of {page}"
        with Image.open(png) as image:
            assert image.size == WINDOW_SIZE, f"{page}: {image.size}"
            assert not is_blank(image), f"{page}: the screenshot is blank"
        kept = OUTPUT / png.name
        shutil.copy(png, kept)
        print(f"screenshot {page}: {kept}")
