"""Fixtures for the review tests: a project with a real, playable export (ffmpeg lavfi), captions and a departure."""

from __future__ import annotations

import hashlib
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
if str(ROOT) not in sys.path:  # `tests.fakes` lives beside the tests, not in the installed package
    sys.path.insert(0, str(ROOT))

CUES = (("Hello, I'm Dr. Maria Lopez.",), ("I'm an endocrinologist", "at Riverside Health."),
        ("I look forward to meeting you.",))


@dataclass
class Playable:
    pf: object
    video: Path
    srt: Path
    cue_count: int
    departure_text: str


@pytest.fixture
def playable(tmp_path) -> Playable:
    """A project whose export is a 4 s H.264/AAC clip with 3 captions, recorded as the render records it."""
    from introstudio.core.captions.formats import write_captions
    from introstudio.core.captions.cues import Cue
    from introstudio.core.media.testmedia import make_clip
    from introstudio.core.project import Clinician, Script, create_project
    from introstudio.core.project.model import CaptionTrack, Take, now_iso
    from introstudio.core.project.ops import filled_script
    from introstudio.core.render.records import ExportRecord, record_export

    pf = create_project(tmp_path / "lopez", Clinician(
        name="Maria Lopez", title="Dr.", credentials="MD", specialty="Endocrinology",
        department="Endocrinology, Diabetes and Metabolism", organisation="Riverside Health",
        languages="English and Spanish"), Script(template_id="physician-intro"))
    take_file = make_clip(pf.media_dir / "take1.mp4", seconds=4.0, size=(640, 360))
    pf.project.takes = [Take(1, "media/take1.mp4", "test", now_iso(), {})]
    phrase = " ".join(filled_script(pf.project).paragraphs[0].split()[:4])
    cues = [Cue(0.2 + i * 1.2, 1.2 + i * 1.2, lines) for i, lines in enumerate(CUES)]
    pf.project.captions = [CaptionTrack(1, cues=cues, departures=[
        {"kind": "changed", "script_text": phrase, "heard_text": "Hi there, I am", "start": 0.2, "end": 1.2}])]
    pf.save()
    video = pf.exports_dir / "lopez-youtube-1080p.mp4"
    shutil.copyfile(take_file, video)
    srt, vtt = video.with_suffix(".srt"), video.with_suffix(".vtt")
    write_captions(cues, srt)
    write_captions(cues, vtt)
    record_export(pf, ExportRecord(
        file=pf.relative(video), preset="youtube-1080p", take_id=1, created_at=now_iso(), duration=4.0,
        srt=pf.relative(srt), vtt=pf.relative(vtt), size=video.stat().st_size,
        sha256=hashlib.sha256(video.read_bytes()).hexdigest(),
        sidecar_sha256={"srt": hashlib.sha256(srt.read_bytes()).hexdigest()}))
    return Playable(pf, video, srt, len(cues), phrase)
