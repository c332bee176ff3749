"""From private upload to the patient, through the CLI against the local YouTube stand-in: approvals with hashes,
go-live refused until they are current (naming what is missing), stale after an edit, videos.update counted by
the quota ledger, the web team's files, take-down back to private, and the audit chain (verify fails on an
edited or deleted line)."""

from __future__ import annotations

import io
import json
import re
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:  # `tests.fakes` lives beside the tests, not in the installed package
    sys.path.insert(0, str(ROOT))

from tests.fakes.publishing import CHUNK, TOKEN, make_project  # noqa: E402


@pytest.fixture
def yt(yt_env):
    return yt_env  # the CLI and the app read the stand-in's address from the environment


@pytest.fixture
def uploaded(yt, cli, tmp_path):
    """A project whose export (random bytes, SRT, thumbnail) was uploaded privately with `introstudio publish`."""
    ex = make_project(tmp_path / "lopez", size=600 * 1024)
    r = cli("publish", ex.pf.folder, "--yes", "--chunk-size", CHUNK, "--json")
    assert r.code == 0, r.err
    return ex


def _ledger(home: Path) -> dict:
    data = json.loads((home / "config" / "youtube" / "quota.json").read_text())
    return next(iter(data["days"].values()))


def test_golive_needs_current_approvals_then_goes_live_and_comes_down(yt, cli, uploaded, home, monkeypatch):
    folder = uploaded.pf.folder
    video = yt.state.only_video()
    assert video.privacy == "private"

    r = cli("golive", folder, "--yes")  # no approval at all: both required roles are named
    assert r.code == 2
    assert "the clinician: no approval recorded" in r.err and "communications/compliance: no approval" in r.err
    assert yt.state.privacy_changes == []

    r = cli("approve", folder, "--as", "Maria Lopez", "--role", "clinician", "--json")
    assert r.code == 0, r.err
    first = r.json()["approval"]
    assert first["digest"] and r.json()["state"] == "in review"
    r = cli("golive", folder, "--yes")  # one of two
    assert r.code == 2 and "communications/compliance: no approval recorded" in r.err and "clinician:" not in r.err

    # An edit after approval (the title) makes the clinician's approval stale, naming what changed.
    from introstudio.core.project import open_project

    pf = open_project(folder)
    pf.project.publish.title = "Dr. Maria Lopez, Endocrinology"
    pf.save()
    r = cli("approve", folder, "--as", "Sam Carter", "--role", "communications")
    assert r.code == 0, r.err
    r = cli("golive", folder, "--yes")
    assert r.code == 2 and "stale: the title changed since Maria Lopez approved" in r.err
    assert yt.state.privacy_changes == []

    r = cli("approve", folder, "--as", "Maria Lopez", "--role", "clinician")
    assert r.code == 0
    units_before = _ledger(home)["units"]
    r = cli("golive", folder, "--yes", "--json")
    assert r.code == 0, r.err
    out = r.json()
    assert out["before"] == "private" and out["after"] == "public" and out["units"] == 51
    assert video.privacy == "public" and yt.state.privacy_changes == [(video.id, "public")]
    # status properties sent back as they were (videos.update resets what a request leaves out)
    assert video.body["status"]["selfDeclaredMadeForKids"] is False
    ledger = _ledger(home)
    assert ledger["units"] - units_before == 51 and ledger["calls"]["videos.update"] == 1

    # The web team's files.
    web = Path(out["web"]["folder"])
    embed = (web / "embed.html").read_text()
    src = re.search(r'src="([^"]+)"', embed).group(1)
    assert re.fullmatch(rf"https://www\.youtube-nocookie\.com/embed/{re.escape(video.id)}\?[^\"]*cc_load_policy=1.*",
                        src.replace("&amp;", "&"))
    data = json.loads((web / "video.jsonld").read_text())
    for key in ("name", "description", "thumbnailUrl", "uploadDate", "embedUrl", "transcript"):
        assert data[key], key
    assert data["@context"] == "https://schema.org" and data["@type"] == "VideoObject"
    assert data["embedUrl"] == f"https://www.youtube-nocookie.com/embed/{video.id}"
    assert data["name"] == "Dr. Maria Lopez, Endocrinology"
    assert "Hello, I'm Dr. Maria Lopez. I'm an endocrinologist at Riverside Health." in data["transcript"]
    snippet = (web / "snippet.html").read_text()
    ld = re.search(r'<script type="application/ld\+json">(.*?)</script>', snippet, re.S).group(1)
    assert json.loads(ld) == data
    transcript = (web / "transcript.html").read_text()
    assert 'aria-labelledby="transcript-heading"' in transcript and "<h2" in transcript

    r = cli("takedown", folder, "--reason", "Dr. Lopez left in March", "--json")
    assert r.code == 0, r.err
    assert r.json()["after"] == "private" and video.privacy == "private"
    assert not (web / "embed.html").exists() and "left in March" in (web / "TAKEN-DOWN.txt").read_text()
    assert _ledger(home)["calls"]["videos.update"] == 2
    r = cli("golive", folder, "--yes")  # a take-down withdraws the approvals
    assert r.code == 2 and "withdrawn when the video was taken down" in r.err
    assert video.privacy == "private"

    r = cli("audit", folder, "--verify")
    assert r.code == 0, r.err
    log = (folder / "audit.jsonl").read_text()
    events = [json.loads(line)["event"] for line in log.splitlines()]
    assert events == ["upload", "approval", "approval", "approval", "golive", "takedown"]
    assert f"Audit log intact: {len(events)} entries" in r.out
    assert TOKEN not in log and "ya29." not in log


def test_audit_verify_names_an_edited_and_a_deleted_line(yt, cli, uploaded):
    folder = uploaded.pf.folder
    for name, role in (("Maria Lopez", "clinician"), ("Sam Carter", "communications")):
        assert cli("approve", folder, "--as", name, "--role", role).code == 0
    assert cli("golive", folder, "--yes").code == 0
    file = folder / "audit.jsonl"
    good = file.read_text().splitlines(keepends=True)
    assert cli("audit", folder, "--verify").code == 0

    edited = list(good)
    line = next(i for i, text in enumerate(edited) if '"role":"communications"' in text)
    edited[line] = edited[line].replace("Sam Carter", "Sam Carver")
    file.write_text("".join(edited))
    r = cli("audit", folder, "--verify")
    assert r.code == 1 and f"line {line + 1} (entry" in r.err and "was edited" in r.err

    file.write_text("".join(good[:line] + good[line + 1:]))  # delete a line in the middle
    r = cli("audit", folder, "--verify")
    assert r.code == 1 and "missing: deleted from the log" in r.err

    file.write_text("".join(good[:-1]))  # cut the go-live off the end: project.json recorded it
    r = cli("audit", folder, "--verify")
    assert r.code == 1 and "the go-live was recorded at entry" in r.err and "deleted from its end" in r.err

    file.write_text("".join(good))
    r = cli("audit", folder, "--verify")
    assert r.code == 0


def _record_hash(ex) -> None:
    """Give the export record the size and SHA-256 a real render records."""
    import hashlib

    from introstudio.core.project import open_project

    pf = open_project(ex.pf.folder)
    pf.project.exports[-1].update(size=ex.video.stat().st_size,
                                  sha256=hashlib.sha256(ex.video.read_bytes()).hexdigest())
    pf.save()


def test_an_export_changed_by_hand_cannot_be_approved(yt, cli, uploaded):
    _record_hash(uploaded)
    with open(uploaded.video, "r+b") as fh:
        fh.write(b"changed")
    r = cli("approve", uploaded.pf.folder, "--as", "Maria Lopez", "--role", "clinician")
    assert r.code == 2 and "changed after it was exported" in r.err


def test_golive_refuses_when_youtube_holds_another_export(yt, cli, uploaded):
    folder = uploaded.pf.folder
    with open(uploaded.video, "r+b") as fh:  # a new export after the upload, recorded as the render does
        fh.write(b"a new render")
    _record_hash(uploaded)
    for name, role in (("Maria Lopez", "clinician"), ("Sam Carter", "communications")):
        assert cli("approve", folder, "--as", name, "--role", role).code == 0
    r = cli("golive", folder, "--yes")
    assert r.code == 2 and "uploaded from another export than the approved one" in r.err
    assert yt.state.privacy_changes == []


def test_golive_asks_first(yt, cli, uploaded, monkeypatch):
    folder = uploaded.pf.folder
    for name, role in (("Maria Lopez", "clinician"), ("Sam Carter", "communications")):
        assert cli("approve", folder, "--as", name, "--role", role).code == 0
    monkeypatch.setattr("sys.stdin", io.StringIO("n\n"))
    r = cli("golive", folder)
    assert r.code == 1 and "Nothing was changed" in r.err
    assert yt.state.privacy_changes == []


def test_batch_golive_makes_approved_projects_live_and_reports_each_state(yt, cli, tmp_path, home):
    import os
    import subprocess

    from introstudio.core.batch.report import read_report_csv

    folder = tmp_path / "cardiology"
    ready = make_project(folder / "maria-lopez", size=300 * 1024)
    waiting = make_project(folder / "omar-haddad", size=280 * 1024, seed=9)
    for ex in (ready, waiting):
        assert cli("publish", ex.pf.folder, "--yes", "--chunk-size", CHUNK).code == 0
    for name, role in (("Maria Lopez", "clinician"), ("Sam Carter", "communications")):
        assert cli("approve", ready.pf.folder, "--as", name, "--role", role).code == 0
    assert cli("approve", waiting.pf.folder, "--as", "Omar Haddad", "--role", "clinician").code == 0

    env = {**os.environ, "INTROSTUDIO_HOME": str(home), "PYTHONPATH": str(ROOT)}
    args = [sys.executable, "-m", "introstudio", "batch", str(folder), "--steps", "golive", "--workers", "1"]
    refused = subprocess.run(args, env=env, cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert refused.returncode == 2 and "--yes" in refused.stderr and yt.state.privacy_changes == []
    done = subprocess.run([*args, "--yes", "--json"], env=env, cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    items = {Path(i["folder"]).name: i for i in json.loads(done.stdout)["items"]}
    live, skipped = items["maria-lopez"], items["omar-haddad"]
    assert live["steps"][-1]["step"] == "golive" and live["steps"][-1]["status"] == "done"
    assert live["review_state"] == "live"
    assert skipped["steps"][-1]["status"] == "skipped" and skipped["review_state"] == "in review"
    assert "communications/compliance: no approval recorded" in skipped["steps"][-1]["message"]
    by_id = {v.id: v for v in yt.state.videos.values()}
    from introstudio.core.project import open_project

    assert by_id[open_project(ready.pf.folder).project.publish.video_id].privacy == "public"
    assert by_id[open_project(waiting.pf.folder).project.publish.video_id].privacy == "private"
    rows = {r["folder"].rsplit("/", 1)[-1]: r for r in read_report_csv(folder / "batch-report.csv")}
    assert rows["maria-lopez"]["review_state"] == "live" and rows["omar-haddad"]["review_state"] == "in review"
    assert "golive skipped (communications/compliance: no approval recorded" in rows["omar-haddad"]["steps"]
    assert (ready.pf.folder / "web" / "snippet.html").is_file()

    again = subprocess.run([*args, "--yes", "--json"], env=env, cwd=ROOT, capture_output=True, text=True, timeout=120)
    items = {Path(i["folder"]).name: i for i in json.loads(again.stdout)["items"]}
    assert items["maria-lopez"]["steps"][-1] == {**items["maria-lopez"]["steps"][-1], "status": "skipped",
                                                 "message": "already public"}
    assert len(yt.state.privacy_changes) == 1
