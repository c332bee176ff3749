#!/usr/bin/env python3
"""Regenerate resources/sample/sample-take.mp4: espeak-ng reading the sample script over a plain picture.

Needs espeak-ng (Debian: apt-get install espeak-ng). The result is committed (~0.4 MB), so a fresh
machine needs neither espeak-ng nor this script; rerun it when the sample script or template changes.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from introstudio.core.media.tools import run_ffmpeg  # noqa: E402
from introstudio.core.project import Clinician, Project, Script  # noqa: E402
from introstudio.core.project.ops import filled_script  # noqa: E402

SAMPLE = ROOT / "resources" / "sample"


def main() -> None:
    spec = json.loads((SAMPLE / "profile.json").read_text(encoding="utf-8"))
    project = Project(clinician=Clinician.from_dict(spec["clinician"]), script=Script(template_id=spec["template"]))
    text = filled_script(project).text
    out = SAMPLE / spec["footage"]
    with tempfile.TemporaryDirectory() as tmp:
        wav = Path(tmp) / "speech.wav"
        # 150 words per minute, US English; paragraphs become sentence pauses.
        subprocess.run(["espeak-ng", "-v", "en-us", "-s", "150", "-w", str(wav), text], check=True)
        run_ffmpeg([
            "-y", "-i", wav,
            "-f", "lavfi", "-i", "color=c=0x2b4c7e:s=320x180:r=15",
            "-filter_complex",
            "[1:v]drawbox=x=120:y=40:w=80:h=100:color=0xe8c4a0:t=fill,"
            "drawbox=x=100:y=130:w=120:h=50:color=0x1d3557:t=fill,format=yuv420p[v]",
            "-map", "[v]", "-map", "0:a", "-shortest",
            "-c:v", "libx264", "-preset", "slow", "-crf", "36", "-g", "150",
            "-c:a", "aac", "-b:a", "24k", "-ac", "1", "-ar", "16000",
            "-movflags", "+faststart", out,
        ])
    print(f"wrote {out} ({out.stat().st_size / 1e3:.0f} kB)")


if __name__ == "__main__":
    main()
