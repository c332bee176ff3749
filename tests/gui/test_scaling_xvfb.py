"""The real window at 200% scaling on Full HD and 2560x1440 screens (Xvfb): every page fits, reads, works by keys."""

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
sys.path.insert(0, str(CHILD.parent))  # conftest.xvfb_server
SHOTS = REPO / "tests" / "output" / "screenshots"
# (screen in device pixels, what the app sees at 200%, where the screenshots go)
SCREENS = {"1920x1080": ((1920, 1080), (960, 540), SHOTS / "scale-200"),
           "2560x1440": ((2560, 1440), (1280, 720), SHOTS / "scale-200-2560")}

pytestmark = pytest.mark.skipif(shutil.which("Xvfb") is None, reason="Xvfb is not installed")


@pytest.mark.parametrize("screen", list(SCREENS))
def test_every_page_is_usable_at_200_percent(screen, captioned_project, tmp_path):
    from conftest import xvfb_server  # type: ignore[import-not-found]

    device, logical, output = SCREENS[screen]
    with xvfb_server(*device) as display:
        report = audit_in_child(display, captioned_project, tmp_path)
    assert report["scale"] == 2.0 and report["screen"] == list(logical)  # logical pixels
    window = report["window"]
    assert window[0] <= logical[0] and window[1] <= logical[1], "the window is larger than the screen"
    problems = [f"{page}: {p}" for page, found in report["pages"].items() for p in found["problems"]]
    assert problems == []
    assert report["pages"]["clinician"]["controls"] == 15  # the audit saw the whole form
    assert all(found["controls"] >= 3 for name, found in report["pages"].items() if name != "publish")
    output.mkdir(parents=True, exist_ok=True)
    for page, found in report["pages"].items():
        kept = output / f"{page}.png"
        shutil.copy(found["screenshot"], kept)
        print(f"200% on {screen} {page}: {kept} (scrolls {found['scrolls']} px, {found['controls']} controls)")


def audit_in_child(display: str, captioned_project, tmp_path: Path) -> dict:
    """Run scale_child.py at QT_SCALE_FACTOR=2 on `display`; its JSON report."""
    env = {**os.environ, "DISPLAY": display, "QT_QPA_PLATFORM": "xcb", "QT_SCALE_FACTOR": "2",
           "INTROSTUDIO_HOME": str(tmp_path / "home")}
    env.pop("WAYLAND_DISPLAY", None)
    shots = tmp_path / "shots"
    done = subprocess.run([sys.executable, str(CHILD), str(captioned_project.folder), str(tmp_path / "home"),
                           str(shots)], cwd=REPO, env=env, capture_output=True, text=True, timeout=180)
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])
