"""Done means: a roster of 5 clinicians with footage, a batch killed midway and run again, one correct export each.

Runs the real captions (faster-whisper tiny.en) and the real renderer on tiny 3 s clips with the preview
preset, on the local process pool (through the CLI, killed with SIGKILL) and on a Dask LocalCluster.
"""

from __future__ import annotations

import csv
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from introstudio.core.batch.report import read_report_csv
from introstudio.core.jobs import run_job
from introstudio.core.project import open_project
from introstudio.core.render.records import ExportRecord, verify_recorded

pytestmark = pytest.mark.slow

CLINICIANS = [  # name, specialty, footage cell (empty: matched by file name), file written
    ("Maria Lopez", "Endocrinology", "footage/maria.mp4", "footage/maria.mp4"),
    ("Dr. John Smith", "Family medicine", "", "Smith_John.mp4"),
    ("Ana Kim", "Dermatology", "", "ana-kim-final.mp4"),
    ("Omar Haddad", "Cardiology", "footage/omar haddad.mp4", "footage/omar haddad.mp4"),
    ("Grace Okafor", "Pediatrics", "", "grace okafor.mov"),
]
FOLDERS = ["ana-kim", "grace-okafor", "john-smith", "maria-lopez", "omar-haddad"]


@pytest.fixture(scope="module")
def roster(tmp_path_factory) -> Path:
    from introstudio.core.media.testmedia import make_clip

    folder = tmp_path_factory.mktemp("roster")
    (folder / "footage").mkdir()
    for i, (_, _, _, file) in enumerate(CLINICIANS):
        make_clip(folder / file, seconds=3.0, size=(320, 240), tone_hz=300 + 90 * i)
    path = folder / "roster.csv"
    with open(path, "w", newline="", encoding="utf-8-sig") as fh:
        writer = csv.writer(fh)
        writer.writerow(["Full name", "Degree", "Specialty", "Footage"])
        for name, specialty, footage, _ in CLINICIANS:
            writer.writerow([name, "MD", specialty, footage])
    return path


def introstudio(tmp_path: Path) -> list[str]:
    """The installed `introstudio` command."""
    return [str(Path(sys.executable).with_name("introstudio"))]


def statuses(report: Path) -> dict[str, str]:
    try:
        return {r["folder"].rsplit("/", 1)[-1]: r["status"] for r in read_report_csv(report)}
    except (OSError, csv.Error, KeyError):
        return {}


def processes_mentioning(text: str) -> list[int]:
    """Live processes whose command line contains `text` (e.g. orphaned ffmpeg writing into the batch)."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if text.encode() in (entry / "cmdline").read_bytes():
                    found.append(int(entry.name))
            except OSError:
                pass
    return found


def check_exports(into: Path, preset: str = "preview", captions: bool = True) -> None:
    """Every clinician has exactly one export of `preset`: the file is there, whole, and the report agrees."""
    from introstudio.core.media.probe import probe

    rows = {Path(r["folder"]).name: r for r in read_report_csv(into / "batch-report.csv")}
    page = (into / "batch-report.html").read_text(encoding="utf-8")
    assert sorted(rows) == FOLDERS
    for folder in FOLDERS:
        pf = open_project(into / folder)
        entries = [e for e in pf.project.exports if e.get("preset") == preset]
        assert len(entries) == 1, (folder, pf.project.exports)
        video = pf.resolve(entries[0]["file"])
        assert sorted(p.name for p in pf.exports_dir.iterdir() if p.suffix == ".mp4") == [video.name]
        assert not [p for p in pf.exports_dir.iterdir() if ".partial." in p.name], "partial files left"
        record = ExportRecord.from_dict(entries[0])
        assert record.inputs_hash and record.sha256 and verify_recorded(pf, record) == video  # unchanged since
        assert not (pf.folder / ".introstudio.lock").exists()
        info = probe(video)
        assert info.video is not None and (info.video.width, info.video.height) == (640, 360)
        assert info.audio is not None
        assert abs(info.duration - float(entries[0]["duration"])) < 0.2 and info.duration > 3.0
        row = rows[folder]
        assert row["status"] in ("done", "skipped"), row
        assert Path(row["video"]) == video and float(row["duration_seconds"]) == pytest.approx(info.duration, abs=0.2)
        # The test clips hold a tone, not speech: their captions are made, and empty.
        assert row["loudness_lufs"] and row["caption_check"].startswith("empty" if captions else "no captions")
        assert Path(row["thumbnail"]).is_file()
        assert f'src="{folder}/exports/{Path(row["thumbnail"]).name}"' in page
        assert pf.project.clinician.name in page


def test_local_pool_batch_killed_midway_then_resumed(roster, tmp_path):
    cli = introstudio(tmp_path)
    into, home = tmp_path / "batch", tmp_path / "home"
    imported = subprocess.run([*cli, "--home", str(home), "roster", "import", str(roster), "--into", str(into),
                               "--json"], capture_output=True, text=True, timeout=120)
    assert imported.returncode == 0, imported.stdout + imported.stderr
    projects = json.loads(imported.stdout)["projects"]
    assert sorted(Path(p["folder"]).name for p in projects) == FOLDERS and all(p["take"] == 1 for p in projects)

    batch = [*cli, "--home", str(home), "batch", str(into), "--steps", "captions,render", "--preset", "preview",
             "--workers", "2"]
    with open(tmp_path / "first.out", "w") as out:
        proc = subprocess.Popen(batch, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
        deadline = time.monotonic() + 100
        while "done" not in statuses(into / "batch-report.csv").values():
            assert proc.poll() is None, (tmp_path / "first.out").read_text()
            assert time.monotonic() < deadline, "no clinician finished in time"
            time.sleep(0.1)
        os.killpg(proc.pid, signal.SIGKILL)  # the whole batch: main process and workers, like a power cut
        proc.wait(timeout=30)
    at_kill = statuses(into / "batch-report.csv")
    finished = {f for f, s in at_kill.items() if s == "done"}
    assert finished and len(finished) < len(FOLDERS), at_kill  # killed midway
    assert set(at_kill.values()) <= {"done", "pending"}  # the report written before the crash is accurate
    for folder in finished:
        assert any(p.suffix == ".mp4" and not p.name.startswith(".") for p in (into / folder / "exports").iterdir())
    deadline = time.monotonic() + 15
    while processes_mentioning(str(into)) and time.monotonic() < deadline:
        time.sleep(0.2)  # ffmpeg runs in its own session; it stops when its progress pipe breaks
    assert not processes_mentioning(str(into))

    again = subprocess.run([*batch, "--json"], capture_output=True, text=True, timeout=180)
    assert again.returncode == 0, again.stdout + again.stderr
    summary = json.loads(again.stdout)
    assert summary["ok"] and summary["counts"]["failed"] == 0
    by_folder = {Path(i["folder"]).name: i for i in summary["items"]}
    for folder in FOLDERS:
        status = by_folder[folder]["status"]
        if folder in finished:
            assert status == "skipped", by_folder[folder]
        else:  # pending in the report at the kill; its export may have landed just before the report did
            assert status in ("done", "skipped"), by_folder[folder]
    assert any(by_folder[f]["status"] == "done" for f in FOLDERS if f not in finished)  # real work was resumed
    check_exports(into)


def test_dask_local_cluster_of_two_workers(roster, tmp_path):
    from dask.distributed import LocalCluster

    from introstudio.core.batch.create import import_roster
    from introstudio.core.batch.run import run_batch

    into = tmp_path / "batch"
    run_job(import_roster(roster, into))
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        summary = run_job(run_batch(into, "captions,render", preset="preview",
                                    scheduler_address=cluster.scheduler_address))
        assert summary.ok and summary.count("done") == 5, [r.error for r in summary.results]
        assert "Dask" in summary.runner and len({r.worker for r in summary.results}) == 2
        check_exports(into)

        pf = open_project(into / "ana-kim")
        pf.project.clinician.title = "Dr."  # new inputs: only this clinician is rendered again
        pf.save()
        summary = run_job(run_batch(into, "captions,render", preset="preview",
                                    scheduler_address=cluster.scheduler_address))
    by_folder = {Path(r.folder).name: r for r in summary.results}
    assert by_folder["ana-kim"].status == "done" and summary.count("skipped") == 4
    assert [(s.step, s.status) for s in by_folder["ana-kim"].steps] == [("captions", "skipped"), ("render", "done")]
    check_exports(into)


def test_a_worker_killed_mid_item_is_retried_alone(roster, tmp_path):
    from introstudio.core.batch.create import import_roster
    from introstudio.core.batch.run import run_batch
    from introstudio.core.batch.scheduler import LocalBackend

    into = tmp_path / "batch"
    run_job(import_roster(roster, into))
    backend = LocalBackend(2)
    killed: list[int] = []

    def kill_one_worker(progress) -> None:
        if killed or getattr(progress, "item", None) is None:
            return  # wait for the first finished clinician: the others are then in flight
        processes = list((getattr(backend._pool, "_processes", None) or {}).values())
        killed.append(processes[0].pid)
        os.kill(processes[0].pid, signal.SIGKILL)  # like the kernel's out-of-memory killer

    summary = run_job(run_batch(into, "render", preset="preview", backend=backend), kill_one_worker)
    assert killed
    assert summary.ok, [(r.name, r.error) for r in summary.results]
    assert any(r.attempt == 2 for r in summary.results)
    check_exports(into, captions=False)
