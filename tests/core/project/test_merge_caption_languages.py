"""Caption tracks merge by take and language: a translation written meanwhile survives a save of the spoken one."""

from __future__ import annotations

from introstudio.core.project.merge import merge
from introstudio.core.project.model import CaptionTrack


def test_spoken_and_translation_tracks_of_one_take_merge_as_two_items() -> None:
    spoken = CaptionTrack(take_id=1, language="en", engine="faster-whisper").to_dict()
    base = {"schema_version": 1, "takes": [], "captions": [spoken], "exports": []}
    ours = dict(base, captions=[dict(spoken, edited=True)])  # the editor changes the English track
    translation = CaptionTrack(take_id=1, language="es", engine="script", kind="translation", source="script:x")
    theirs = dict(base, captions=[spoken, translation.to_dict()])  # a captions run added the Spanish one
    result = merge(base, ours, theirs)
    assert not result.conflicts
    tracks = [CaptionTrack.from_dict(c) for c in result.doc["captions"]]
    assert [(t.language, t.kind, t.edited) for t in tracks] == [("en", "spoken", True), ("es", "translation", False)]
    old = {"take_id": 2, "cues": []}  # a track of an older version: no language, no kind
    assert merge(base, dict(base, captions=[spoken, old]), base).doc["captions"] == [spoken, old]
    assert CaptionTrack.from_dict(old).kind == "spoken" and "kind" not in CaptionTrack.from_dict(old).to_dict()
