"""`introstudio batch --steps publish` as a real process against the fake YouTube server: a captioned project is
published, an uncaptioned one is skipped with the reason (console, JSON, report) until --no-captions is given,
which then publishes it and records the choice; the captioned one is not uploaded twice."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path


ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:  # `tests.fakes` lives beside the tests, not in the installed package
    sys.path.insert(0, str(ROOT))

from introstudio.core.batch.report import read_report_csv  # noqa: E402
from introstudio.core.project import open_project  # noqa: E402
from tests.fakes.publishing import TOKEN, make_project  # noqa: E402


def batch(yt, folder: Path, home: Path, *extra: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "INTROSTUDIO_YOUTUBE_API_ROOT": yt.url, "INTROSTUDIO_YOUTUBE_ACCESS_TOKEN": TOKEN,
           "INTROSTUDIO_HOME": str(home), "PYTHONPATH": str(ROOT)}
    return subprocess.run([sys.executable, "-m", "introstudio", "batch", str(folder), "--steps", "publish",
                           "--yes", "--workers", "1", *extra], env=env, cwd=ROOT, capture_output=True, text=True,
                          check=False, timeout=120)


def test_batch_publish_skips_uncaptioned_projects_unless_told(yt, tmp_path):
    folder = tmp_path / "cardiology"
    captioned = make_project(folder / "maria-lopez", size=300 * 1024)
    bare = make_project(folder / "omar-haddad", size=280 * 1024, seed=9)
    bare.srt.unlink()
    bare.pf.project.exports[-1]["srt"] = None
    bare.pf.save()

    first = batch(yt, folder, tmp_path / "home", "--json")
    assert first.returncode == 0, first.stderr
    items = {Path(i["folder"]).name: i for i in json.loads(first.stdout)["items"]}
    video = yt.state.only_video()  # the captioned one only
    assert video.sha256 == captioned.sha256 and len(video.captions) == 1
    assert items["maria-lopez"]["published_url"] == f"https://youtu.be/{video.id}"
    skipped = items["omar-haddad"]["steps"][-1]
    assert skipped["step"] == "publish" and skipped["status"] == "skipped"
    assert "no captions" in skipped["message"] and "--no-captions" in skipped["message"]
    assert items["omar-haddad"]["published_url"] is None
    rows = {r["folder"].rsplit("/", 1)[-1]: r for r in read_report_csv(folder / "batch-report.csv")}
    assert "publish skipped (the export has no captions" in rows["omar-haddad"]["steps"]
    assert open_project(bare.pf.folder).project.publish.captions_waived is None

    second = batch(yt, folder, tmp_path / "home", "--no-captions")
    assert second.returncode == 0, second.stderr
    assert "publish skipped (already published)" in second.stdout  # maria: not uploaded twice
    assert len(yt.state.videos) == 2
    published = open_project(bare.pf.folder).project.publish
    new = yt.state.videos[published.video_id]
    assert new.sha256 == bare.sha256 and new.captions == []
    assert published.captions_waived["by"].startswith("introstudio batch --no-captions (")
    assert published.captions_waived["reason"] == "the export has no captions"
    assert open_project(captioned.pf.folder).project.publish.captions_waived is None
