"""Staged files of dead runs are swept, live ones and other outputs' files are not; sidecar ownership."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from introstudio.core.errors import InvalidInputError
from introstudio.core.project import Clinician, Script, create_project
from introstudio.core.render.outputs import (
    owned_by_us,
    refuse_if_not_ours,
    remove_if_ours,
    run_tag,
    staged_files,
    staged_path,
    sweep_staged,
)
from introstudio.core.render.records import ExportRecord, file_sha256, record_export


def dead_pid() -> int:
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


@pytest.mark.skipif(os.name == "nt", reason="asks the OS whether a process id is alive")
def test_only_staged_files_of_dead_runs_of_this_output_are_swept(tmp_path):
    out = tmp_path / "intro.mp4"
    mine = staged_path(out, run_tag())
    dead = [staged_path(out, f"{dead_pid()}-0badc0de", suffix) for suffix in (".mp4", ".srt", ".jpg")]
    alive = staged_path(out, f"{os.getppid()}-12345678")  # the process that started the tests
    legacy_old, legacy_new = tmp_path / ".intro.partial.mp4", tmp_path / ".intro.partial.srt"
    other = staged_path(tmp_path / "intro.v2.mp4", f"{dead_pid()}-0badc0de")  # another output's
    unrelated = [tmp_path / ".intro.mp4.lock", tmp_path / ".intro.notes.txt"]
    for path in (mine, *dead, alive, legacy_old, legacy_new, other, *unrelated):
        path.write_bytes(b"x")
    os.utime(legacy_old, (1, 1))
    assert set(staged_files(out)) == {mine, *dead, alive, legacy_old, legacy_new}
    assert set(sweep_staged(out)) == {*dead, legacy_old}
    assert {p for p in tmp_path.iterdir()} == {mine, alive, legacy_new, other, *unrelated}


def test_sidecars_are_ours_only_while_they_hold_what_we_recorded(tmp_path):
    pf = create_project(tmp_path / "p", Clinician(name="Ana Kim"), Script(free_text="Hi."))
    out = tmp_path / "intro.mp4"
    srt, jpg = tmp_path / "intro.srt", tmp_path / "intro.jpg"
    assert owned_by_us(pf, srt, "srt")  # nothing there
    srt.write_text("theirs", encoding="utf-8")
    with pytest.raises(InvalidInputError, match=f"{srt} is already there and IntroStudio did not write it") as error:
        refuse_if_not_ours(pf, out, ["thumbnail", "srt"])
    assert "Choose another output name" in error.value.hint
    remove_if_ours(pf, out, "srt")
    assert srt.read_text(encoding="utf-8") == "theirs"  # not ours: never deleted
    assert owned_by_us(pf, srt, "srt", new_sha256=file_sha256(srt))  # replacing it with the same bytes is harmless
    out.write_bytes(b"video")
    jpg.write_bytes(b"ours")
    record_export(pf, ExportRecord(str(out), "preview", srt=str(srt), thumbnail=str(jpg),
                                   sidecar_sha256={"srt": "0" * 64, "thumbnail": file_sha256(jpg)}))
    assert owned_by_us(pf, jpg, "thumbnail") and not owned_by_us(pf, srt, "srt")  # the srt is not what we wrote
    jpg.write_bytes(b"edited")
    assert not owned_by_us(pf, jpg, "thumbnail")
    record_export(pf, ExportRecord(str(out), "preview", srt=str(srt)))  # an older version's record: no hashes
    assert owned_by_us(pf, srt, "srt")
    remove_if_ours(pf, out, "srt")
    assert not srt.exists()
