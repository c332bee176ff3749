"""Step states from the project: done, to do, and out of date when an input changed after the output was made."""

from __future__ import annotations

from pathlib import Path

import pytest

from introstudio.core.captions.cues import Cue
from introstudio.core.project.model import (
    CaptionTrack,
    Clinician,
    Script,
    Take,
    now_iso,
)
from introstudio.core.project.progress import (
    DONE,
    STALE,
    TODO,
    default_export,
    next_step,
    step_statuses,
)
from introstudio.core.project.store import create_project
from introstudio.core.render.records import (
    ExportRecord,
    file_sha256,
    inputs_hash,
    put_records,
)


@pytest.fixture
def pf(tmp_path: Path):
    pf = create_project(tmp_path / "lopez", Clinician(name="Maria Lopez", title="Dr.", specialty="Endocrinology"),
                        Script(template_id="physician-intro"))
    pf.media_dir.mkdir(exist_ok=True)
    take = pf.media_dir / "take-1.mp4"
    take.write_bytes(b"\0" * 1000)
    pf.project.takes.append(Take(id=1, file=pf.relative(take), source="test", added_at=now_iso(), media={}))
    pf.save()
    return pf


def caption(pf, take_id: int = 1, span=(0.0, None)) -> None:
    pf.project.captions.append(CaptionTrack(take_id=take_id, cues=[Cue(0.5, 2.0, ["Hello."])], span=span,
                                            created_at=now_iso()))


def export(pf, preset: str = "youtube-1080p", content: bytes = b"video") -> ExportRecord:
    pf.exports_dir.mkdir(exist_ok=True)
    video = pf.exports_dir / f"lopez-{preset}.mp4"
    video.write_bytes(content)
    record = ExportRecord(file=pf.relative(video), preset=preset, take_id=pf.project.current_take().id,
                          inputs_hash=inputs_hash(pf, preset), size=video.stat().st_size,
                          sha256=file_sha256(video), burn_captions=pf.project.design.burn_captions)
    put_records(pf, [record])
    return record


def test_a_new_project_is_on_its_first_missing_step(tmp_path):
    pf = create_project(tmp_path / "new", Clinician(), Script(template_id="physician-intro"))
    states = step_statuses(pf)
    assert states["clinician"].state == TODO and "name and specialty" in states["clinician"].reason
    assert states["record"].state == TODO and states["export"].state == TODO
    assert next_step(states) == "clinician"


def test_steps_are_done_once_their_outputs_exist(pf):
    assert next_step(step_statuses(pf)) == "captions"
    caption(pf)
    export(pf)
    states = step_statuses(pf)
    assert [s.state for s in states.values()] == [DONE] * 7 + [TODO]
    assert next_step(states) == "publish"


def test_captions_are_out_of_date_after_a_new_take_or_a_wider_trim(pf):
    pf.project.takes[0].trim_in, pf.project.takes[0].trim_out = 1.0, 5.0
    caption(pf, span=(1.0, 5.0))
    assert step_statuses(pf)["captions"].state == DONE
    pf.project.takes[0].trim_in = 0.2  # speech before 1.0 s is in the video now, without captions
    status = step_statuses(pf)["captions"]
    assert status.state == STALE and "trim" in status.reason
    pf.project.takes[0].trim_in, pf.project.takes[0].trim_out = 1.5, 4.0  # narrower: the captions still cover it
    assert step_statuses(pf)["captions"].state == DONE
    pf.project.takes[0].trim_out = None  # to the end of the take, past 5.0 s
    assert step_statuses(pf)["captions"].state == STALE
    pf.project.takes[0].trim_out = 4.0
    pf.project.takes.append(Take(id=2, file=pf.project.takes[0].file, source="test", added_at=now_iso(), media={}))
    status = step_statuses(pf)["captions"]
    assert status.state == STALE and "take 2" in status.reason


@pytest.mark.parametrize("edit", ["profile", "look", "caption", "take"])
def test_the_export_is_out_of_date_after_a_profile_look_caption_or_take_edit(pf, edit):
    caption(pf)
    export(pf)
    assert step_statuses(pf)["export"].state == DONE
    if edit == "profile":
        pf.project.clinician.specialty = "Cardiology"
    elif edit == "look":
        pf.project.design.end_card = False
    elif edit == "caption":
        pf.project.captions[0].cues[0] = Cue(0.5, 2.0, ["Hello there."])
    else:
        pf.project.takes[0].trim_in = 0.3
    status = step_statuses(pf)["export"]
    assert status.state == STALE and status.reason
    assert step_statuses(pf, deep=False)["export"].state == DONE  # the quick look does not hash


def test_the_default_export_is_full_quality_never_a_preview(pf):
    caption(pf)
    assert default_export(pf) is None
    export(pf, "preview")
    assert default_export(pf) is None  # a preview only: the user must choose it on purpose
    full = export(pf, "youtube-720p")
    export(pf, "preview")  # newer, but a preview
    assert default_export(pf).file == full.file
    own = export(pf, "youtube-1080p")  # the project's own format wins
    export(pf, "square")
    assert default_export(pf).file == own.file


def test_publish_is_out_of_date_after_a_new_export(pf):
    caption(pf)
    first = export(pf)
    pf.project.publish.video_id = "abc123"
    pf.project.publish.upload = {"sha256": first.sha256, "video_id": "abc123"}
    assert step_statuses(pf)["publish"].state == DONE
    export(pf, content=b"a newer video")
    status = step_statuses(pf)["publish"]
    assert status.state == STALE and "newer" in status.reason


def test_a_missing_export_file_is_to_do_again(pf):
    caption(pf)
    record = export(pf)
    pf.resolve(record.file).unlink()
    assert step_statuses(pf)["export"].state == TODO
