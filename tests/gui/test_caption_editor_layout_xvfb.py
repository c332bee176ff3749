"""The caption editor on a 1366x768 laptop and at 200% on 1920x1080 (Xvfb): the Text column gets the room;
the Takes page with a moved take at 200%: the path and Locate file… are on screen, whole."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from introstudio.core.captions.cues import Cue
from introstudio.core.project.model import CaptionTrack

REPO = Path(__file__).resolve().parents[2]
CHILD = Path(__file__).with_name("captions_child.py")
OUTPUT = REPO / "tests" / "output" / "screenshots"
MIN_TEXT_CHARS = 30  # a caption line is up to 42 characters; fewer than this and every row wraps to pieces

pytestmark = pytest.mark.skipif(shutil.which("Xvfb") is None, reason="Xvfb is not installed")

LINES = ["Hello, I'm Dr. Maria Lopez.", "I'm a cardiologist at St Mary's Hospital,",
         "and I care for people with heart failure.", "Um, in my clinic we take time to listen.",
         "We'll make a plan together", "that fits your life and your family.",
         "Bring your medicines to the first visit.", "I look forward to meeting you."]


@pytest.fixture
def long_captions(project):
    """Eight realistic cues (one too fast, one off-script) on the 2-second test take's timeline."""
    cues = [Cue(round(i * 0.25, 2), round(i * 0.25 + 0.24, 2), (line,)) for i, line in enumerate(LINES)]
    cues[3] = Cue(cues[3].start, cues[3].end, cues[3].lines, flags=("departure: added 'um'",))
    project.project.captions.append(CaptionTrack(take_id=1, engine="test", cues=cues, departures=[
        {"kind": "added", "script_text": "", "heard_text": "Um", "start": 0.75, "end": 0.8}]))
    project.project.selected_take = 1
    project.save()
    return project


@pytest.mark.parametrize(("size", "scale", "name"), [((1366, 768), "1", "captions-1366x768"),
                                                     ((1920, 1080), "2", "captions-200pct-1920x1080")])
def test_the_text_column_gets_the_space(long_captions, tmp_path, size, scale, name):
    from tests.gui.conftest import xvfb_server

    shot = tmp_path / f"{name}.png"
    with xvfb_server(*size) as display:
        env = {**os.environ, "DISPLAY": display, "QT_QPA_PLATFORM": "xcb", "QT_SCALE_FACTOR": scale,
               "INTROSTUDIO_HOME": str(tmp_path / "home")}
        env.pop("WAYLAND_DISPLAY", None)
        done = subprocess.run([sys.executable, str(CHILD), str(long_captions.folder), str(tmp_path / "home"),
                               str(shot)], cwd=REPO, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-3000:]
    report = json.loads(done.stdout.strip().splitlines()[-1])
    OUTPUT.mkdir(parents=True, exist_ok=True)
    shutil.copy(shot, OUTPUT / shot.name)
    print(f"{name}: {OUTPUT / shot.name} {report}")
    assert report["sideways"] == 0, "the page scrolls sideways"
    assert report["text_chars"] >= MIN_TEXT_CHARS, report
    assert report["text_px"] > report["table_px"] / 2, "the Text column has less than half the table"
    assert "said" in report["detail"] or "differs" in report["detail"].lower() or report["detail"], report


def test_a_moved_take_at_200_percent(project, tmp_path):
    from tests.gui.conftest import xvfb_server

    gone = project.resolve(project.project.take(1).file)
    gone.rename(tmp_path / "moved away.mp4")
    shot = tmp_path / "takes-moved-200pct-1920x1080.png"
    with xvfb_server(1920, 1080) as display:
        env = {**os.environ, "DISPLAY": display, "QT_QPA_PLATFORM": "xcb", "QT_SCALE_FACTOR": "2",
               "INTROSTUDIO_HOME": str(tmp_path / "home")}
        env.pop("WAYLAND_DISPLAY", None)
        done = subprocess.run([sys.executable, str(CHILD), str(project.folder), str(tmp_path / "home"), str(shot),
                               "takes"], cwd=REPO, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-3000:]
    report = json.loads(done.stdout.strip().splitlines()[-1])
    OUTPUT.mkdir(parents=True, exist_ok=True)
    shutil.copy(shot, OUTPUT / shot.name)
    print(f"takes, moved file: {OUTPUT / shot.name} {report}")
    assert report["info"].startswith(f"File not found: {gone}")
    assert report["visible"]["locateTake"] and report["squeezed"] == [] and report["sideways"] == 0
