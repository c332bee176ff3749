"""Undo by parts: a snapshot of one part restores only that part, and caption files follow the track."""

from __future__ import annotations

import json

import pytest

from introstudio.core.captions.cues import Cue
from introstudio.core.errors import InvalidInputError
from introstudio.core.project import Clinician, Script, create_project
from introstudio.core.project import history
from introstudio.core.project.model import CaptionTrack, Take


@pytest.fixture
def pf(tmp_path):
    pf = create_project(tmp_path / "p", Clinician(name="Maria Lopez", specialty="Cardiology"),
                        Script(template_id="physician-intro"))
    for take_id in (1, 2):
        pf.project.takes.append(Take(id=take_id, file=f"takes/take-{take_id}.mkv", source="recorded",
                                     added_at="2026-11-30T09:00:00Z", media={"duration": 10.0}))
    pf.save()
    return pf


def track(take_id: int, text: str) -> CaptionTrack:
    return CaptionTrack(take_id=take_id, cues=[Cue(0.0, 2.0, (text,))])


def test_a_part_snapshot_is_a_copy_that_later_edits_do_not_change(pf):
    before = history.snapshot(pf.project, "clinician")
    pf.project.clinician.name = "Mario Lopez"
    assert before["name"] == "Maria Lopez"
    history.restore(pf.project, "clinician", before)
    assert pf.project.clinician.name == "Maria Lopez"
    before["name"] = "changed after restore"
    assert pf.project.clinician.name == "Maria Lopez"  # restore copied the value too


def test_restoring_one_part_leaves_the_others_as_they_are(pf):
    old_captions = history.snapshot(pf.project, history.captions_part(1))
    assert old_captions is None
    pf.project.captions.append(track(1, "Hello"))
    pf.project.captions.append(track(2, "Other take"))
    pf.project.design.preset = "youtube-720p"
    history.restore(pf.project, history.captions_part(1), old_captions)  # undo "make captions for take 1"
    assert pf.project.captions_for(1) is None
    assert pf.project.captions_for(2).cues[0].lines == ("Other take",)
    assert pf.project.design.preset == "youtube-720p"


def test_take_and_publish_parts_cover_only_what_the_user_edits(pf):
    take = pf.project.take(1)
    before = history.snapshot(pf.project, history.take_part(1))
    take.trim_in, take.trim_out, take.script_match = 1.5, 8.0, 0.93
    history.restore(pf.project, history.take_part(1), before)
    assert (take.trim_in, take.trim_out) == (0.0, None)
    assert take.script_match == 0.93  # measured, not edited: undo does not touch it
    publish = history.snapshot(pf.project, "publish")
    pf.project.publish.title = "Meet Dr. Lopez"
    pf.project.publish.video_id = "abc123"  # an upload happened meanwhile
    history.restore(pf.project, "publish", publish)
    assert pf.project.publish.title == "" and pf.project.publish.video_id == "abc123"


def test_a_take_that_is_gone_and_a_vanished_selected_take_are_handled(pf):
    history.restore(pf.project, history.take_part(9), {"trim_in": 1.0, "trim_out": None, "label": ""})
    history.restore(pf.project, "selected_take", 9)
    assert pf.project.selected_take is None
    history.restore(pf.project, "selected_take", 2)
    assert pf.project.selected_take == 2


@pytest.mark.parametrize("part", ["everything", "take:x", "captions", "clinician:1", ""])
def test_unknown_parts_are_refused(pf, part):
    with pytest.raises(InvalidInputError, match="cannot|not a part"):
        history.snapshot(pf.project, part)


def test_saving_a_caption_part_rewrites_or_removes_its_sidecar_files(pf):
    pf.project.captions.append(track(1, "Hello there"))
    history.save_part(pf, history.captions_part(1))
    srt = pf.captions_dir / "take-1.srt"
    assert "Hello there" in srt.read_text(encoding="utf-8")
    assert (pf.captions_dir / "take-1.vtt").is_file()
    history.restore(pf.project, history.captions_part(1), None)
    history.save_part(pf, history.captions_part(1))
    assert not srt.exists() and not (pf.captions_dir / "take-1.vtt").exists()
    assert json.loads(pf.file.read_text(encoding="utf-8"))["captions"] == []
