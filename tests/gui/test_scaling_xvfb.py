"""The real window at 200% scaling on a Full HD screen (Xvfb): every page fits, reads and works by keyboard."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
CHILD = Path(__file__).with_name("scale_child.py")
OUTPUT = REPO / "tests" / "output" / "screenshots" / "scale-200"

pytestmark = pytest.mark.skipif(shutil.which("Xvfb") is None, reason="Xvfb is not installed")


def test_every_page_is_usable_at_200_percent(xvfb_full_hd, captioned_project, tmp_path):
    env = {**os.environ, "DISPLAY": xvfb_full_hd, "QT_QPA_PLATFORM": "xcb", "QT_SCALE_FACTOR": "2",
           "INTROSTUDIO_HOME": str(tmp_path / "home")}
    env.pop("WAYLAND_DISPLAY", None)
    shots = tmp_path / "shots"
    done = subprocess.run([sys.executable, str(CHILD), str(captioned_project.folder), str(tmp_path / "home"),
                           str(shots)], cwd=REPO, env=env, capture_output=True, text=True, timeout=180)
    assert done.returncode == 0, done.stderr[-3000:]
    report = json.loads(done.stdout.strip().splitlines()[-1])
    assert report["scale"] == 2.0 and report["screen"] == [960, 540]  # logical pixels
    assert report["window"][0] <= 960 and report["window"][1] <= 540, "the window is larger than the screen"
    problems = [f"{page}: {p}" for page, found in report["pages"].items() for p in found["problems"]]
    assert problems == []
    assert report["pages"]["clinician"]["controls"] == 15  # the audit saw the whole form
    assert all(found["controls"] >= 3 for name, found in report["pages"].items() if name != "publish")
    OUTPUT.mkdir(parents=True, exist_ok=True)
    for page, found in report["pages"].items():
        kept = OUTPUT / f"{page}.png"
        shutil.copy(found["screenshot"], kept)
        print(f"200% {page}: {kept} (scrolls {found['scrolls']} px, {found['controls']} controls)")
