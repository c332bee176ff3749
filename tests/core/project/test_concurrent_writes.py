"""Many hands on one project: parallel processes never lose each other's edits (real processes, real files)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from introstudio.core.media.testmedia import make_clip
from introstudio.core.project.merge import merge
from introstudio.core.project.model import CaptionTrack, Clinician, Script
from introstudio.core.project.store import create_project, open_project


@pytest.fixture(scope="module")
def clip(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("media") / "take.mp4"
    make_clip(path, seconds=1.0)
    return path


def _new(folder: Path):
    return create_project(folder, Clinician(name="Maria Lopez", specialty="Endocrinology"),
                          Script(free_text="Hello, I am Doctor Maria Lopez."))


def test_four_parallel_imports_record_four_takes(tmp_path: Path, clip: Path) -> None:
    proj = tmp_path / "p"
    _new(proj)
    home = tmp_path / "home"
    procs = [subprocess.Popen([sys.executable, "-m", "introstudio", "--home", str(home), "import", str(proj), str(clip)],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(4)]
    results = [p.communicate(timeout=120) for p in procs]
    assert all(p.returncode == 0 for p in procs), results
    takes = open_project(proj).project.takes
    assert sorted(t.id for t in takes) == [1, 2, 3, 4]
    files = {t.file for t in takes}  # one source name, four copies: each claimed its own name
    assert len(files) == 4 and all((proj / f).is_file() for f in files)
    reported = sorted(int(out.split("Added take ")[1].split(":")[0]) for out, _ in results)
    assert reported == [1, 2, 3, 4], results  # each says the number its take has on disk


def test_an_open_editor_saving_keeps_what_a_batch_wrote(tmp_path: Path) -> None:
    proj = tmp_path / "p"
    _new(proj)
    app = open_project(proj)  # the app has the project open
    batch = open_project(proj)  # a batch worker writes captions and an export record meanwhile
    batch.project.captions.append(CaptionTrack(take_id=1, engine="faster-whisper"))
    batch.project.exports.append({"file": "exports/a.mp4", "preset": "youtube-1080p"})
    batch.save()
    app.project.clinician.department = "Endocrinology, Diabetes and Metabolism"
    assert app.save() is True  # theirs came in
    assert not app.conflicts
    on_disk = open_project(proj).project
    assert on_disk.clinician.department == "Endocrinology, Diabetes and Metabolism"
    assert [c.engine for c in on_disk.captions] == ["faster-whisper"]
    assert on_disk.exports[0]["file"] == "exports/a.mp4"
    assert app.project.captions and app.project.exports  # the open model now shows them too


def test_reload_takes_in_others_changes_and_keeps_unsaved_ones(tmp_path: Path) -> None:
    proj = tmp_path / "p"
    _new(proj)
    app, other = open_project(proj), open_project(proj)
    assert not app.changed_on_disk()
    other.project.design.preset = "youtube-720p"
    other.save()
    assert app.changed_on_disk()
    app.project.clinician.phone = "555-0142"  # typed, not saved yet
    assert app.reload() is True
    assert app.project.design.preset == "youtube-720p" and app.project.clinician.phone == "555-0142"
    assert not app.changed_on_disk()
    assert app.reload() is False


def test_same_field_changed_on_both_sides_keeps_the_later_save_and_says_so(tmp_path: Path) -> None:
    proj = tmp_path / "p"
    _new(proj)
    a, b = open_project(proj), open_project(proj)
    a.project.clinician.title = "Dr."
    a.save()
    b.project.clinician.title = "Prof."
    b.project.clinician.pronouns = "she/her"
    b.save()
    assert b.conflicts == ["clinician.title"]
    final = open_project(proj).project.clinician
    assert (final.title, final.pronouns) == ("Prof.", "she/her")


def test_takes_added_on_both_sides_get_distinct_ids_and_references_follow() -> None:
    take = {"file": "media/x.mp4", "source": "", "added_at": "", "media": {}}
    base = {"schema_version": 1, "takes": [], "captions": [], "exports": [], "selected_take": None}
    ours = dict(base, takes=[dict(take, id=1, file="media/ours.mp4")], selected_take=1,
                captions=[{"take_id": 1, "cues": []}])
    theirs = dict(base, takes=[dict(take, id=1, file="media/theirs.mp4")])
    doc = merge(base, ours, theirs).doc
    assert [(t["id"], t["file"]) for t in doc["takes"]] == [(1, "media/theirs.mp4"), (2, "media/ours.mp4")]
    assert doc["selected_take"] == 2 and doc["captions"] == [{"take_id": 2, "cues": []}]


def test_removed_on_one_side_and_untouched_on_the_other_is_removed() -> None:
    base = {"schema_version": 1, "exports": [{"file": "a"}, {"file": "b"}]}
    ours = dict(base, exports=[{"file": "b"}])
    theirs = dict(base, exports=[{"file": "a"}, {"file": "b"}, {"file": "c"}])
    assert merge(base, ours, theirs).doc["exports"] == [{"file": "b"}, {"file": "c"}]


def test_a_save_never_writes_over_a_newer_format(tmp_path: Path) -> None:
    proj = tmp_path / "p"
    pf = _new(proj)
    data = json.loads((proj / "project.json").read_text())
    data["schema_version"] = 99
    (proj / "project.json").write_text(json.dumps(data))
    with pytest.raises(Exception) as err:
        pf.save()
    assert "newer IntroStudio" in str(err.value)
    assert json.loads((proj / "project.json").read_text())["schema_version"] == 99


def test_old_batch_export_records_keyed_by_video_all_survive_a_merge() -> None:
    old = [{"video": f"exports/dr-ada-{p}.mp4", "preset": p} for p in ("preview", "square", "vertical")]
    base = {"schema_version": 1, "exports": old}
    ours = dict(base, clinician={"name": "Ada"})
    theirs = dict(base, exports=[*old, {"file": "exports/new.mp4"}, {"preset": "no key"}])
    merged = merge(base, ours, theirs).doc["exports"]
    assert [e.get("file") or e.get("video") for e in merged] == [*(e["video"] for e in old), "exports/new.mp4", None]


def test_a_project_moved_or_deleted_while_open_is_not_recreated(tmp_path: Path) -> None:
    proj = tmp_path / "p"
    pf = _new(proj)
    proj.rename(tmp_path / "moved")
    pf.project.clinician.phone = "555-0142"
    with pytest.raises(Exception) as err:
        pf.save()
    assert "gone" in str(err.value) and not proj.exists()
    assert not pf.changed_on_disk() and not proj.exists()
