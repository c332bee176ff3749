"""Project folders: create, open, atomic save with a kept previous version, corrupt and newer files."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from introstudio.core.captions.cues import Cue
from introstudio.core.errors import NotFoundError, ProjectError
from introstudio.core.project import CaptionTrack, Clinician, Script, Take, create_project, open_project
from introstudio.core.project.store import BACKUP_FILE, PROJECT_FILE


def _new(tmp_path: Path, name: str = "proj"):
    return create_project(tmp_path / name, Clinician(name="Maria Lopez", specialty="Endocrinology"),
                          Script(template_id="physician-intro"))


def test_create_makes_folders_and_file(tmp_path):
    pf = _new(tmp_path)
    for sub in ("media", "captions", "exports"):
        assert (pf.folder / sub).is_dir()
    data = json.loads((pf.folder / PROJECT_FILE).read_text(encoding="utf-8"))
    assert data["schema_version"] == 1
    assert data["clinician"]["name"] == "Maria Lopez"


def test_round_trip_keeps_everything(tmp_path):
    pf = _new(tmp_path)
    pf.project.takes.append(Take(id=1, file="media/a.mp4", source="/x/a.mp4", added_at="t", media={"duration": 3.0},
                                 warnings=["w"], trim_in=0.5, trim_out=2.5, script_match=0.9))
    pf.project.captions.append(CaptionTrack(take_id=1, cues=[Cue(0.5, 2.0, ("Hello", "world"), ("added: 'um'",))]))
    pf.save()
    again = open_project(pf.folder)
    assert again.project.to_dict() == pf.project.to_dict()


def test_save_keeps_previous_version(tmp_path):
    pf = _new(tmp_path)
    pf.project.clinician.credentials = "MD"
    pf.save()
    pf.project.clinician.credentials = "MD, PhD"
    pf.save()
    previous = json.loads((pf.folder / BACKUP_FILE).read_text(encoding="utf-8"))
    assert previous["clinician"]["credentials"] == "MD"
    assert open_project(pf.folder).project.clinician.credentials == "MD, PhD"
    leftovers = [p.name for p in pf.folder.iterdir() if p.name.endswith(".tmp")]
    assert leftovers == []


def test_failed_write_leaves_old_file(tmp_path, monkeypatch):
    pf = _new(tmp_path)
    before = (pf.folder / PROJECT_FILE).read_bytes()

    def boom(src, dst):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", boom)
    pf.project.clinician.name = "Changed"
    with pytest.raises(OSError):
        pf.save()
    monkeypatch.undo()
    assert (pf.folder / PROJECT_FILE).read_bytes() == before
    assert not [p for p in pf.folder.iterdir() if p.name.endswith(".tmp")]


def test_refuses_non_empty_or_existing(tmp_path):
    _new(tmp_path)
    with pytest.raises(ProjectError, match="already holds a project"):
        _new(tmp_path)
    (tmp_path / "busy").mkdir()
    (tmp_path / "busy" / "notes.txt").write_text("mine")
    with pytest.raises(ProjectError, match="not empty"):
        _new(tmp_path, "busy")


def test_open_missing_and_not_a_project(tmp_path):
    with pytest.raises(NotFoundError, match="No project folder"):
        open_project(tmp_path / "nope")
    with pytest.raises(NotFoundError, match="has no project.json"):
        open_project(tmp_path)


def test_corrupt_file_is_reported_and_untouched(tmp_path):
    pf = _new(tmp_path)
    pf.save()  # now a backup exists
    broken = b'{"schema_version": 1, "clinician": {'
    (pf.folder / PROJECT_FILE).write_bytes(broken)
    with pytest.raises(ProjectError) as err:
        open_project(pf.folder)
    assert "corrupt" in err.value.message and "line 1" in err.value.message
    assert BACKUP_FILE in err.value.hint
    assert (pf.folder / PROJECT_FILE).read_bytes() == broken


def test_newer_version_is_refused_and_never_overwritten(tmp_path):
    pf = _new(tmp_path)
    data = json.loads((pf.folder / PROJECT_FILE).read_text())
    data["schema_version"] = 99
    newer = json.dumps(data)
    (pf.folder / PROJECT_FILE).write_text(newer)
    with pytest.raises(ProjectError, match="newer IntroStudio"):
        open_project(pf.folder)
    with pytest.raises(ProjectError, match="not overwriting"):
        pf.save()  # an older app that had it open must not clobber the newer file
    assert (pf.folder / PROJECT_FILE).read_text() == newer


def test_non_ascii_and_apostrophe_paths(tmp_path):
    pf = create_project(tmp_path / "Dr O'Brien – Señora", Clinician(name="Siobhán O'Brien"), Script(free_text="Hi."))
    assert open_project(pf.folder).project.clinician.name == "Siobhán O'Brien"
