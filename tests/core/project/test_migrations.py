"""Every saved project format loads: one fixture file per schema version, plus the migration mechanism."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from introstudio.core.errors import ProjectError
from introstudio.core.project import SCHEMA_VERSION, open_project
from introstudio.core.project.migrations import migrate

DATA = Path(__file__).parent / "data"
FIXTURES = sorted(DATA.glob("project-v*.json"))


def test_there_is_a_fixture_for_every_version():
    versions = {int(p.stem.split("-v")[1]) for p in FIXTURES}
    assert versions == set(range(1, SCHEMA_VERSION + 1))


@pytest.mark.parametrize("fixture", FIXTURES, ids=lambda p: p.stem)
def test_each_version_opens_and_saves_as_current(fixture, tmp_path):
    folder = tmp_path / "p"
    folder.mkdir()
    shutil.copy(fixture, folder / "project.json")
    pf = open_project(folder)
    p = pf.project
    assert p.clinician.name == "Siobhán O'Brien"
    assert p.takes[0].trim_out == 72.0 and p.takes[0].script_match == 0.94
    assert p.captions[0].cues[1].flags == ("added: 'um' at 4.5s",)
    assert p.design.caption_profile == "dcmp"
    assert p.publish.privacy == "unlisted"
    pf.save()
    saved = json.loads((folder / "project.json").read_text(encoding="utf-8"))
    assert saved["schema_version"] == SCHEMA_VERSION
    assert open_project(folder).project.to_dict() == p.to_dict()


def test_migrations_chain_and_a_failure_changes_nothing():
    def v1_to_v2(doc):
        doc["clinician"]["display"] = doc["clinician"].pop("name")
        return doc

    def v2_to_v3(doc):
        raise ValueError("boom")

    original = {"schema_version": 1, "clinician": {"name": "A"}}
    out = migrate(original, migrations={1: v1_to_v2}, target=2)
    assert out == {"schema_version": 2, "clinician": {"display": "A"}}
    assert original == {"schema_version": 1, "clinician": {"name": "A"}}  # input untouched
    with pytest.raises(ProjectError, match="Could not upgrade .* from format 2: boom"):
        migrate(original, migrations={1: v1_to_v2, 2: v2_to_v3}, target=3)
    assert original == {"schema_version": 1, "clinician": {"name": "A"}}


@pytest.mark.parametrize("version", [None, "1", 0, True])
def test_bad_version_field(version):
    with pytest.raises(ProjectError, match="schema_version"):
        migrate({"schema_version": version})
