"""Wrong-typed project.json fields: a ProjectError naming the field and the backup, never a crash or a write."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest

from introstudio.core.errors import ProjectError
from introstudio.core.project import open_project
from introstudio.core.project.fields import ProjectFieldError
from introstudio.core.project.model import Project
from introstudio.core.project.store import BACKUP_FILE, PROJECT_FILE

GOOD = json.loads((Path(__file__).parent / "data" / "project-v1.json").read_text(encoding="utf-8"))


def _set(path: str, value):
    """A change to the good document: `path` like 'takes.0.id' set to `value` (None deletes nothing)."""
    def change(doc: dict) -> None:
        *parents, last = path.split(".")
        target = doc
        for key in parents:
            target = target[int(key)] if isinstance(target, list) else target[key]
        if isinstance(target, list):
            target[int(last)] = value
        else:
            target[last] = value
    return change


# (change, the field the message must name)
CASES = {
    "takes is text": (_set("takes", "x"), '"takes"'),
    "take id is text": (_set("takes.0.id", "abc"), '"takes[0].id"'),
    "take id is numeric text": (_set("takes.0.id", "1"), '"takes[0].id"'),
    "cue start is null": (_set("captions.0.cues.1.start", None), '"captions[0].cues[1].start"'),
    "cue lines is text": (_set("captions.0.cues.0.lines", "Hello"), '"captions[0].cues[0].lines"'),
    "clinician is text": (_set("clinician", "Maria"), '"clinician"'),
    "clinician name is a list": (_set("clinician.name", ["Maria"]), '"clinician.name"'),
    "selected take is text": (_set("selected_take", "one"), '"selected_take"'),
    "design flag is text": (_set("design.burn_captions", "yes"), '"design.burn_captions"'),
    "loudness is text": (_set("design.loudness_target", "-14 LUFS"), '"design.loudness_target"'),
    "tags is text": (_set("publish.tags", "a, b"), '"publish.tags"'),
    "exports holds a number": (_set("exports.0", 7), '"exports[0]"'),
    "script wpm is text": (_set("script.words_per_minute", "fast"), '"script.words_per_minute"'),
    "take is a number": (_set("takes.0", 3), '"takes[0]"'),
    "trim is a bool": (_set("takes.0.trim_in", True), '"takes[0].trim_in"'),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_model_names_the_wrong_field(case):
    change, field = CASES[case]
    doc = copy.deepcopy(GOOD)
    change(doc)
    with pytest.raises(ProjectFieldError) as info:
        Project.from_dict(doc)
    assert field in info.value.message
    assert "project.json.bak" in info.value.hint


def test_missing_required_field_is_named():
    doc = copy.deepcopy(GOOD)
    del doc["takes"][0]["file"]
    with pytest.raises(ProjectFieldError, match=r'"takes\[0\].file" is missing'):
        Project.from_dict(doc)


def test_good_document_and_lenient_values_still_load():
    doc = copy.deepcopy(GOOD)
    doc["clinician"]["years_experience"] = 12  # a number typed by hand is taken as text
    doc["takes"][0]["trim_out"] = None
    doc["design"]["brand_kit"] = None
    doc["design"]["title_card"] = None  # null falls back to the default
    project = Project.from_dict(doc)
    assert project.clinician.years_experience == "12"
    assert project.takes[0].trim_out is None and project.design.title_card is True


@pytest.mark.parametrize("case", ["takes is text", "take id is text", "cue start is null"])
def test_open_project_reports_file_field_and_backup_and_writes_nothing(tmp_path, case):
    folder = tmp_path / "proj"
    folder.mkdir()
    (folder / BACKUP_FILE).write_text(json.dumps(GOOD), encoding="utf-8")
    doc = copy.deepcopy(GOOD)
    CASES[case][0](doc)
    damaged = json.dumps(doc, indent=2)
    (folder / PROJECT_FILE).write_text(damaged, encoding="utf-8")
    with pytest.raises(ProjectError) as info:
        open_project(folder)
    err = info.value
    assert str(folder / PROJECT_FILE) in err.message and CASES[case][1] in err.message
    assert str(folder / BACKUP_FILE) in err.hint and "copy it over" in err.hint
    assert (folder / PROJECT_FILE).read_text(encoding="utf-8") == damaged


def test_cli_gives_exit_2_and_no_bug_report(cli, tmp_path):
    folder = tmp_path / "proj"
    folder.mkdir()
    doc = copy.deepcopy(GOOD)
    doc["takes"] = "x"
    (folder / PROJECT_FILE).write_text(json.dumps(doc), encoding="utf-8")
    for command in (["info", folder], ["import", folder, tmp_path / "nothing.mp4"], ["script", folder]):
        r = cli(*command)
        assert r.code == 2, (command, r.err)
        assert '"takes"' in r.err and "hint:" in r.err
        assert "bug" not in r.err.lower() and "Traceback" not in r.err
