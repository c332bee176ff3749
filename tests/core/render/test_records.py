"""The export record: old records load, one writer, one naming rule, the inputs hash and the file check."""

from __future__ import annotations

import os
from dataclasses import replace

import pytest

from introstudio.core.errors import MediaError, NotFoundError
from introstudio.core.jobs import run_job
from introstudio.core.media.testmedia import make_clip
from introstudio.core.project import CaptionTrack, Clinician, Script, create_project, open_project
from introstudio.core.project.ops import import_takes
from introstudio.core.captions.cues import Cue
from introstudio.core.render.records import (
    ExportRecord,
    export_path,
    export_records,
    file_sha256,
    find_up_to_date,
    inputs_hash,
    record_export,
    recorded_export,
    verify_recorded,
)

# As `render` wrote them before records were typed, and as early batch versions did ("video", no trims).
OLD_RENDER = {"file": "exports/Maria-Lopez-preview.mp4", "preset": "preview", "created_at": "2026-11-02T10:00:00+00:00",
              "take_id": 1, "trim_in": 0.5, "trim_out": 6.5, "fps": "30", "duration": 13.0, "burn_captions": True,
              "title_seconds": 3.0, "end_seconds": 4.0, "lower_third": [3.2, 8.2], "loudness_lufs": -14.2,
              "true_peak": -1.6, "target_lufs": -14.0, "srt": "exports/Maria-Lopez-preview.srt", "vtt": None,
              "thumbnail": "exports/Maria-Lopez-preview.jpg", "seconds_taken": 4.2}
OLD_BATCH = {"video": "exports/maria-lopez-preview.mp4", "preset": "preview", "duration": "9.5",
             "loudness_lufs": None, "inputs_hash": "abc", "lower_third": "junk", "take_id": "x", "note": "kept"}


def test_old_dict_records_load_and_round_trip_without_loss():
    record = ExportRecord.from_dict(OLD_RENDER)
    assert (record.file, record.preset, record.take_id, record.lower_third) == (
        "exports/Maria-Lopez-preview.mp4", "preview", 1, (3.2, 8.2))
    assert record.sha256 is None and record.size is None and record.sidecar_sha256 == {}
    assert {k: v for k, v in record.to_dict().items() if k in OLD_RENDER} == OLD_RENDER
    batch = ExportRecord.from_dict(OLD_BATCH)
    assert (batch.file, batch.duration, batch.take_id, batch.lower_third) == (
        "exports/maria-lopez-preview.mp4", 9.5, None, None)
    assert batch.to_dict()["note"] == "kept" and ExportRecord.from_dict(batch.to_dict()) == batch


@pytest.fixture
def pf(tmp_path):
    pf = create_project(tmp_path / "maria-lopez", Clinician(name="Maria Lopez", specialty="Cardiology"),
                        Script(free_text="Hello."))
    run_job(import_takes(pf, [make_clip(tmp_path / "take.mp4", seconds=1.0, size=(160, 120))]))
    pf.project.captions.append(CaptionTrack(take_id=1, cues=[Cue(0.1, 0.9, ("Hello.",))]))
    pf.save()
    return pf


def fake_export(pf, preset: str = "preview", content: bytes = b"video bytes") -> ExportRecord:
    """A file recorded as an export the way the renderer records one (the bytes need not be a video here)."""
    out = export_path(pf, preset)
    out.parent.mkdir(exist_ok=True)
    out.write_bytes(content)
    return record_export(pf, ExportRecord(pf.relative(out), preset, take_id=1, inputs_hash=inputs_hash(pf, preset),
                                          size=len(content), sha256=file_sha256(out)))


def test_one_naming_rule_and_one_record_per_file(pf):
    assert export_path(pf, "preview") == pf.folder / "exports" / "maria-lopez-preview.mp4"
    pf.project.exports.append(dict(OLD_RENDER))
    first = fake_export(pf)
    second = fake_export(pf, content=b"other bytes")
    records = export_records(open_project(pf.folder).project)
    assert [r.file for r in records] == ["exports/Maria-Lopez-preview.mp4", "exports/maria-lopez-preview.mp4"]
    assert records[-1] == second != first
    assert recorded_export(pf, export_path(pf, "preview")) == second
    with pytest.raises(NotFoundError, match="is not an export of this project"):
        recorded_export(pf, pf.folder / "elsewhere.mp4")


def test_the_inputs_hash_follows_what_the_video_shows(pf):
    base = inputs_hash(pf, "preview")
    assert inputs_hash(open_project(pf.folder), "preview") == base  # stable across processes and reloads
    moved = pf.folder.rename(pf.folder.with_name("moved"))
    assert inputs_hash(open_project(moved), "preview") == base  # and when the project folder is moved
    pf = open_project(moved.rename(pf.folder))
    pf.project.clinician.first_visit_notes = "Bring your medication list."  # not on any card
    pf.project.design.preset = "youtube-720p"  # the project's default, not the preset used
    assert inputs_hash(pf, "preview") == base
    changes = {
        "card": lambda: setattr(pf.project.clinician, "credentials", "MD"),
        "trim": lambda: setattr(pf.project.takes[0], "trim_in", 0.2),
        "captions": lambda: pf.project.captions[0].cues.__setitem__(0, Cue(0.1, 0.9, ("Hi.",))),
        "design": lambda: setattr(pf.project.design, "end_card", False),
        "take file": lambda: os.utime(pf.resolve(pf.project.takes[0].file), (1, 1)),
    }
    seen = {base}
    for name, change in changes.items():
        change()
        digest = inputs_hash(pf, "preview")
        assert digest not in seen, name
        seen.add(digest)
    assert inputs_hash(pf, "youtube-720p") not in seen
    assert inputs_hash(pf, "preview", burn_captions=not pf.project.design.burn_captions) not in seen


def test_an_export_is_up_to_date_only_while_its_file_is_unchanged(pf):
    record = fake_export(pf)
    video = verify_recorded(pf, record)
    assert find_up_to_date(pf, "preview", inputs_hash(pf, "preview")) == record
    assert find_up_to_date(pf, "youtube-720p", inputs_hash(pf, "preview")) is None
    video.write_bytes(b"video bytez")  # same size, other content
    with pytest.raises(MediaError, match="changed after it was exported: its content"):
        verify_recorded(pf, record)
    assert find_up_to_date(pf, "preview", inputs_hash(pf, "preview")) is None
    video.write_bytes(b"longer video bytes")
    with pytest.raises(MediaError, match="it is 18 bytes, the export was 11 bytes"):
        verify_recorded(pf, record)
    video.unlink()
    with pytest.raises(NotFoundError, match="is missing"):
        verify_recorded(pf, record)


def test_a_record_without_hashes_is_never_up_to_date_and_is_decoded_before_use(pf, tmp_path):
    record = fake_export(pf)
    old = replace(record, size=None, sha256=None)
    with pytest.raises(MediaError, match="cannot be read as a video"):  # no hash to compare: decoded, not a video
        verify_recorded(pf, old)
    make_clip(export_path(pf, "preview"), seconds=1.0, size=(160, 120))  # a real video, as an older version exported it
    assert verify_recorded(pf, replace(old, duration=1.0)) == export_path(pf, "preview")
    record_export(pf, old)
    assert find_up_to_date(pf, "preview", inputs_hash(pf, "preview")) is None


def test_records_py_is_the_only_code_that_writes_project_exports():
    """One writer: no other module assigns or edits `project.exports` (they go through record_export/put_records)."""
    import re
    from pathlib import Path

    import introstudio

    writes = re.compile(r"\.project\.exports\s*(=[^=]|\+=|\.(append|extend|insert|remove|pop|clear)\(|\[[^]]*\]\s*=[^=])")
    root = Path(introstudio.__file__).parent
    writers = sorted(str(p.relative_to(root)) for p in root.rglob("*.py")
                     if writes.search(p.read_text(encoding="utf-8")))
    assert writers == ["core/render/records.py"]


def test_a_reinstall_does_not_make_exports_out_of_date(pf):
    """Brand kit files count by content: a new install (new paths, new file times) changes nothing."""
    from introstudio.core.paths import RESOURCES_DIR

    logo = RESOURCES_DIR / "brandkit" / "default-logo.png"
    before = inputs_hash(pf, "preview")
    stat = logo.stat()
    os.utime(logo, ns=(stat.st_atime_ns, stat.st_mtime_ns + 10**9))
    try:
        assert inputs_hash(pf, "preview") == before
    finally:
        os.utime(logo, ns=(stat.st_atime_ns, stat.st_mtime_ns))
