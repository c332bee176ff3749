"""Exports that are checked before they are trusted, one record for every path, and only our own files touched.

Real ffmpeg, real processes: a CLI export skipped by the batch, a changed file re-rendered and refused by
publish, an export killed with SIGKILL then run again, a damaged encode refused, and a user's files next to
`render -o` left alone.
"""

from __future__ import annotations

import hashlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from introstudio.core.batch.tasks import TaskOptions, process_project
from introstudio.core.captions.cues import Cue
from introstudio.core.errors import MediaError
from introstudio.core.jobs import run_job
from introstudio.core.media.testmedia import make_clip
from introstudio.core.project import CaptionTrack, Clinician, Script, create_project, open_project
from introstudio.core.project.ops import import_takes
from introstudio.core.render.export import render_project
from introstudio.core.render.outputs import staged_files
from introstudio.core.render.records import export_path, export_records, verify_recorded
from introstudio.core.render.verify import decode_all

pytestmark = pytest.mark.slow

RENDER = TaskOptions(steps=("render",), preset="preview")


def make_project(root: Path, seconds: float = 2.5, captions: bool = True, **clip):
    root.mkdir(parents=True, exist_ok=True)
    source = make_clip(root / "source.mp4", seconds=seconds, size=clip.pop("size", (320, 240)), **clip)
    pf = create_project(root / "maria-lopez", Clinician(name="Maria Lopez", title="Dr."), Script(free_text="Hi."))
    run_job(import_takes(pf, [source]))
    if captions:
        pf.project.captions.append(CaptionTrack(take_id=1, cues=[Cue(0.2, 1.8, ("Hello, I'm Dr Lopez.",))]))
    pf.save()
    return pf


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def flip_middle(path: Path) -> None:
    """Change bytes in the middle of a file, keeping its size (as a disk error or a hand edit would)."""
    data = bytearray(path.read_bytes())
    middle = len(data) // 2
    data[middle:middle + 64] = bytes(b ^ 0xFF for b in data[middle:middle + 64])
    path.write_bytes(bytes(data))


def test_a_cli_export_is_up_to_date_for_the_batch_until_its_file_changes(tmp_path, cli):
    pf = make_project(tmp_path)
    rendered = cli("render", pf.folder, "--preset", "preview", "--json")
    assert rendered.code == 0, rendered.err
    video = Path(rendered.json()["video"])
    assert video == export_path(pf, "preview")  # the one naming rule
    skipped = process_project(pf.folder, RENDER)
    assert [(s.step, s.status, s.message) for s in skipped.steps] == [
        ("render", "skipped", "unchanged since the last export")]
    flip_middle(video)
    again = process_project(pf.folder, RENDER)
    assert [(s.step, s.status) for s in again.steps] == [("render", "done")]
    records = export_records(open_project(pf.folder).project)
    assert len(records) == 1 and verify_recorded(open_project(pf.folder), records[0]) == video
    assert run_job(decode_all(video)).errors == 0
    # ...and the other way round: what the batch recorded is what the CLI's inputs hash expects.
    assert process_project(pf.folder, RENDER).status == "skipped"


def test_an_export_made_in_the_app_is_up_to_date_for_the_batch(tmp_path, qtbot):
    from introstudio.gui.pages.export import ExportPage

    pf = make_project(tmp_path)
    page = ExportPage()
    qtbot.addWidget(page)
    page.refresh(pf)
    page.preset.setCurrentIndex(page.preset.findData("preview"))
    operation = page.start_export()
    assert operation is not None
    if operation.running:
        with qtbot.waitSignal(operation.finished, timeout=120_000):
            pass
    records = export_records(open_project(pf.folder).project)  # recorded by the app's own save
    assert [(r.preset, r.file) for r in records] == [("preview", "exports/maria-lopez-preview.mp4")]
    assert records[0].inputs_hash and records[0].sha256
    skipped = process_project(pf.folder, RENDER)
    assert [(s.step, s.status) for s in skipped.steps] == [("render", "skipped")]


def test_publish_refuses_an_export_changed_after_it_was_recorded(tmp_path):
    from introstudio.core.publish.publish import publish_project

    pf = make_project(tmp_path)
    result = run_job(render_project(pf, "preview"))
    with open(result.video, "ab") as fh:
        fh.write(b"\0" * 16)

    def connect(scopes):
        raise AssertionError("publish connected to YouTube with a changed file")

    with pytest.raises(MediaError, match="changed after it was exported") as error:
        run_job(publish_project(open_project(pf.folder), confirmed=True, connect=connect))
    assert "Export the project again" in error.value.hint


def test_render_next_to_a_users_files_leaves_them_alone(tmp_path, cli):
    pf = make_project(tmp_path / "p")
    out = tmp_path / "intro.mp4"
    theirs = {tmp_path / "intro.srt": b"1\n00:00:00,000 --> 00:00:01,000\nMine.\n", tmp_path / "intro.jpg": b"JPEG"}
    for path, data in theirs.items():
        path.write_bytes(data)
    refused = cli("render", pf.folder, "--preset", "preview", "-o", out)
    assert refused.code == 2 and str(tmp_path / "intro.jpg") in refused.err and "did not write it" in refused.err
    assert "Choose another output name" in refused.err
    (tmp_path / "intro.jpg").unlink()
    refused = cli("render", pf.folder, "--preset", "preview", "-o", out)
    assert refused.code == 2 and str(tmp_path / "intro.srt") in refused.err
    assert not out.exists() and not staged_files(out)
    # Without captions the export writes no .srt, and leaves the user's one in place (it used to delete it).
    pf.project.captions.clear()
    pf.save()
    assert cli("render", pf.folder, "--preset", "preview", "-o", out).code == 0
    assert (tmp_path / "intro.srt").read_bytes() == theirs[tmp_path / "intro.srt"] and out.is_file()
    assert cli("render", pf.folder, "--preset", "preview", "-o", out).code == 0  # our own thumbnail: replaced
    (tmp_path / "intro.jpg").write_bytes(b"edited by hand")
    refused = cli("render", pf.folder, "--preset", "preview", "-o", out)
    assert refused.code == 2 and "intro.jpg" in refused.err
    assert (tmp_path / "intro.jpg").read_bytes() == b"edited by hand"


def test_render_onto_someone_elses_video_is_refused(tmp_path, cli):
    pf = make_project(tmp_path / "p")
    wedding = tmp_path / "videos" / "wedding.mp4"
    wedding.parent.mkdir()
    wedding.write_bytes((tmp_path / "p" / "source.mp4").read_bytes())
    before = sha(wedding)
    refused = cli("render", pf.folder, "--preset", "preview", "-o", wedding)
    assert refused.code == 2 and "not an export of this project" in refused.err
    assert sha(wedding) == before and sorted(p.name for p in wedding.parent.iterdir()) == ["wedding.mp4"]
    mine = tmp_path / "videos" / "intro.mp4"  # a video this project exported may be exported again
    assert cli("render", pf.folder, "--preset", "preview", "-o", mine).code == 0
    assert cli("render", pf.folder, "--preset", "preview", "-o", mine).code == 0


def test_an_export_never_writes_onto_a_take_or_its_original(tmp_path, cli):
    pf = make_project(tmp_path)
    take = pf.resolve(pf.project.takes[0].file)
    before = {p: sha(p) for p in (tmp_path / "source.mp4", take)}
    for target, what in ((tmp_path / "source.mp4", "original footage of take 1"), (take, "one of the project's takes")):
        refused = cli("render", pf.folder, "--preset", "preview", "-o", target)
        assert refused.code == 2 and what in refused.err
    assert {p: sha(p) for p in before} == before


def test_a_damaged_encode_is_refused_and_nothing_is_recorded(tmp_path):
    pf = make_project(tmp_path)
    out = export_path(pf, "preview")
    job = render_project(pf, "preview")
    with pytest.raises(MediaError, match=r"maria-lopez-preview\.\d+-[0-9a-f]+\.partial\.mp4 is damaged") as error:
        for step in job:
            if step.message == "Checking the video":  # encoded, not yet checked: damage it as a stray writer would
                partial = next(p for p in staged_files(out) if p.suffix == ".mp4")
                partial.write_bytes(partial.read_bytes()[: partial.stat().st_size // 2])
    assert "It was not kept" in error.value.message
    assert not out.exists() and not staged_files(out) and not list(out.parent.glob("*.jpg"))
    assert open_project(pf.folder).project.exports == []


def test_an_export_killed_mid_encode_leaves_nothing_the_next_one_trusts(tmp_path, home):
    pf = make_project(tmp_path, seconds=12.0)
    out = export_path(pf, "preview")
    command = [str(Path(sys.executable).with_name("introstudio")), "--home", str(home), "render", str(pf.folder),
               "--preset", "preview"]
    proc = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 60
    killed: list[Path] = []
    try:
        while not killed:
            assert proc.poll() is None, proc.stderr.read().decode() if proc.stderr else ""
            assert time.monotonic() < deadline, "the export never started encoding"
            killed = [p for p in staged_files(out) if p.suffix == ".mp4" and p.stat().st_size > 0]
            time.sleep(0.02)
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
        result = run_job(render_project(open_project(pf.folder), "preview"))
        assert not any(p.exists() for p in killed) and not staged_files(out)
        report = run_job(decode_all(result.video))
        assert report.errors == 0 and report.first("video").frames > 0
        record = export_records(open_project(pf.folder).project)[-1]
        assert verify_recorded(open_project(pf.folder), record) == out and record.verified["decode_errors"] == 0
    finally:
        if proc.poll() is None:
            proc.kill()
        for pid in orphans_writing(killed):  # an ffmpeg the killed run left behind, if it outlived it
            os.kill(pid, signal.SIGKILL)


def test_a_second_export_to_the_same_file_is_refused_while_the_first_runs(tmp_path, home):
    from introstudio.core.locks import LockBusy

    pf = make_project(tmp_path, seconds=12.0)
    out = export_path(pf, "preview")
    command = [str(Path(sys.executable).with_name("introstudio")), "--home", str(home), "render", str(pf.folder),
               "--preset", "preview"]
    first = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 60
        while not [p for p in staged_files(out) if p.suffix == ".mp4"]:
            assert first.poll() is None and time.monotonic() < deadline, "the first export never started encoding"
            time.sleep(0.02)
        with pytest.raises(LockBusy, match=rf"an export of maria-lopez \(preview\) \(process {first.pid} "):
            run_job(render_project(open_project(pf.folder), "preview"))
        stdout, stderr = first.communicate(timeout=120)
    finally:
        if first.poll() is None:
            first.kill()
    assert first.returncode == 0, stderr
    assert run_job(decode_all(out)).errors == 0
    assert [r.file for r in export_records(open_project(pf.folder).project)] == ["exports/maria-lopez-preview.mp4"]


def orphans_writing(paths: list[Path]) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                cmdline = (entry / "cmdline").read_bytes()
            except OSError:
                continue
            if any(str(p).encode() in cmdline for p in paths):
                found.append(int(entry.name))
    return found
