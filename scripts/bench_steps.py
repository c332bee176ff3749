"""How long the app's step states take after each save: with the export's inputs hashed vs without (the quick
look the start panel's cards use, about what the old done/not-done checks cost), for 3 and 2,000 captions."""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path


def main() -> int:
    from introstudio.core.captions.cues import Cue
    from introstudio.core.jobs import run_job
    from introstudio.core.media.testmedia import make_clip
    from introstudio.core.project import Clinician, Script, create_project
    from introstudio.core.project.model import CaptionTrack
    from introstudio.core.project.ops import import_takes
    from introstudio.core.project.progress import step_statuses
    from introstudio.core.render.records import ExportRecord, inputs_hash, put_records

    root = Path(tempfile.mkdtemp(prefix="bench-steps-"))
    clip = make_clip(root / "take.mp4", seconds=1.0, size=(160, 120))
    pf = create_project(root / "p", Clinician(name="Maria Lopez", specialty="Cardiology"),
                       Script(template_id="physician-intro"))
    run_job(import_takes(pf, [clip]))
    print(f"{'captions':>9}  {'with the export hashed':>23}  {'quick look (baseline)':>22}")
    for n in (3, 2000):
        pf.project.captions = [CaptionTrack(take_id=1, cues=[Cue(i, i + 0.9, (f"word {i}",)) for i in range(n)])]
        pf.exports_dir.mkdir(exist_ok=True)
        video = pf.exports_dir / "p-youtube-1080p.mp4"
        video.write_bytes(b"x")
        pf.project.exports = []
        put_records(pf, [ExportRecord(file=pf.relative(video), preset="youtube-1080p", take_id=1, size=1,
                                      burn_captions=True, inputs_hash=inputs_hash(pf, "youtube-1080p"))])
        timings = []
        for deep in (True, False):
            step_statuses(pf, deep=deep)
            started = time.perf_counter()
            for _ in range(20):
                step_statuses(pf, deep=deep)
            timings.append((time.perf_counter() - started) / 20 * 1000)
        print(f"{n:>9}  {timings[0]:>20.1f} ms  {timings[1]:>19.1f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
