"""Caption test fixtures: real speech from espeak-ng, muxed into a test-pattern video."""

from __future__ import annotations

import shutil
import subprocess
import wave
from dataclasses import dataclass
from pathlib import Path

import pytest

LEAD_SILENCE = 1.5  # seconds of silence put before the speech in the video
TAIL_SILENCE = 1.0


@dataclass(frozen=True)
class Speech:
    """A take with known speech: the script read, where speech starts and ends in the video, the files."""

    script_text: str
    wav: Path  # espeak-ng's output, speech only
    video: Path  # test pattern + the speech after LEAD_SILENCE s of silence
    onset: float  # seconds into `video` where the voice starts
    end: float  # seconds into `video` where the voice stops
    duration: float  # of `video`


def _voiced_span(wav_path: Path, threshold: float = 0.02) -> tuple[float, float, float]:
    """(first, last) loud sample time and the length of a 16-bit mono wav, in seconds."""
    import numpy as np

    with wave.open(str(wav_path)) as w:
        rate, frames = w.getframerate(), w.readframes(w.getnframes())
    samples = np.frombuffer(frames, dtype="<i2").astype(np.float32) / 32768.0
    loud = np.flatnonzero(np.abs(samples) > threshold)
    return loud[0] / rate, (loud[-1] + 1) / rate, len(samples) / rate


@pytest.fixture(scope="session")
def intro_speech(tmp_path_factory) -> Speech:
    """The first two paragraphs of physician-intro (example values, department Endocrinology), spoken."""
    from introstudio.core.media.tools import run_ffmpeg
    from introstudio.core.script.templates import load_template, render

    if shutil.which("espeak-ng") is None:
        pytest.skip("espeak-ng is not installed")
    template = load_template("physician-intro")
    values = {**template.example_values(), "department": "Endocrinology"}
    script_text = "\n\n".join(render(template, values).paragraphs[:2])
    folder = tmp_path_factory.mktemp("speech")
    (folder / "script.txt").write_text(script_text, encoding="utf-8")
    wav = folder / "speech.wav"
    subprocess.run(["espeak-ng", "-v", "en-us", "-s", "165", "-f", str(folder / "script.txt"), "-w", str(wav)],
                   check=True, capture_output=True, timeout=60)
    first, last, length = _voiced_span(wav)
    duration = LEAD_SILENCE + length + TAIL_SILENCE
    video = folder / "take.mp4"
    run_ffmpeg(["-y", "-f", "lavfi", "-i", f"testsrc2=size=320x240:rate=25:duration={duration:.3f}", "-i", str(wav),
                "-filter_complex", f"[1:a]adelay={round(LEAD_SILENCE * 1000)}:all=1,apad=whole_dur={duration:.3f}[a]",
                "-map", "0:v", "-map", "[a]", "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p",
                "-c:a", "aac", "-b:a", "96k", "-ar", "48000", str(video)], timeout=120)
    return Speech(script_text, wav, video, LEAD_SILENCE + float(first), LEAD_SILENCE + float(last), duration)
