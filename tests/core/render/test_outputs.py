"""Sidecars and thumbnails next to an export: IntroStudio replaces or deletes only what it wrote."""

from __future__ import annotations

import pytest

from introstudio.core.errors import InvalidInputError
from introstudio.core.project import Clinician, Script, create_project
from introstudio.core.render.outputs import owned_by_us, refuse_if_not_ours, remove_if_ours
from introstudio.core.render.records import ExportRecord, file_sha256, record_export


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
