"""Import checks on the real bad-input corpus, warnings on odd footage, and copying into a project."""

from __future__ import annotations

import dataclasses
import errno
import hashlib
import os
import unicodedata

import pytest

from introstudio.core.errors import Cancelled, MediaError
from introstudio.core.jobs import CancelToken, run_job
from introstudio.core.media import importing
from introstudio.core.media import probe as probe_mod
from introstudio.core.media import diagnose as diagnose_mod
from introstudio.core.media.importing import check_importable, copy_into_project, review, safe_filename
from introstudio.core.media.testmedia import VALID_CORPUS_ITEMS

# corpus item -> words its error message (and hint) must contain
REFUSALS = {
    "zero_byte": (["empty", "0 bytes"], ["copy it again"]),
    "text_as_mp4": (["text file", "not a video"], ["renaming"]),
    "pdf_as_mov": (["PDF document"], []),
    "truncated_mp4": (["cut off", "moov"], ["copy it again", "remux"]),
    "audio_only": (["audio only"], ["needs video footage"]),
    "audio_with_cover": (["audio only"], ["needs video footage"]),
    "png_image": (["still image", "PNG"], []),
    "too_short": (["too short", "0.4 s"], []),
}


def sha(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.mark.parametrize("item", sorted(REFUSALS))
def test_bad_corpus_is_refused_with_a_specific_message(bad_corpus, item):
    with pytest.raises(MediaError) as info:
        check_importable(bad_corpus[item])
    err = info.value
    assert type(err) is MediaError
    assert bad_corpus[item].name in err.message
    message_words, hint_words = REFUSALS[item]
    for word in message_words:
        assert word in err.message
    for word in hint_words:
        assert word.lower() in err.hint.lower()
    assert err.hint and "Traceback" not in err.message and "Errno" not in err.message


def test_corpus_is_fully_covered(bad_corpus):
    assert set(bad_corpus) == set(REFUSALS) | VALID_CORPUS_ITEMS


def test_non_ascii_apostrophe_name_imports_cleanly(bad_corpus):
    path = bad_corpus["valid_unicode_name"]
    assert path.name == "Dr O'Brien – Señora.mp4"
    info, warnings = check_importable(path)
    assert warnings == []
    assert info.path == str(path) and info.duration == pytest.approx(1.5, abs=0.1)


def test_missing_path_and_folder(tmp_path):
    with pytest.raises(MediaError, match="does not exist"):
        check_importable(tmp_path / "gone.mp4")
    with pytest.raises(MediaError, match="is a folder") as info:
        check_importable(tmp_path)
    assert "choose the video file" in info.value.hint


def test_unreadable_file(monkeypatch, clip):
    def denied(*args, **kwargs):
        raise PermissionError(errno.EACCES, "Permission denied")

    monkeypatch.setattr(diagnose_mod, "open", denied, raising=False)
    with pytest.raises(MediaError, match="permission denied") as info:
        check_importable(clip("cfr"))
    assert "read access" in info.value.hint


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="root can read any file")
def test_unreadable_file_for_real(tmp_path, clip):
    locked = tmp_path / "locked.mp4"
    locked.write_bytes(clip("cfr").read_bytes())
    locked.chmod(0)
    with pytest.raises(MediaError, match="permission denied"):
        check_importable(locked)


@pytest.mark.parametrize(
    ("name", "warning"),
    [
        ("silent", "no sound"),
        ("vfr", "variable frame rate"),
        ("rot90", "sideways (rotated 90°); it will be turned upright"),
        ("rot180", "upside down"),
        ("tenbit", "10-bit"),
        ("odd", "odd size (321×241)"),
    ],
)
def test_odd_footage_is_allowed_with_a_warning(clip, name, warning):
    _, warnings = check_importable(clip(name))
    assert any(warning in w for w in warnings), warnings


def test_clean_footage_has_no_warnings(clip):
    assert check_importable(clip("cfr"))[1] == []


def test_review_rules_on_probed_values(clip):
    info = probe_mod.probe(clip("cfr"))
    assert any("is long (25 min)" in w for w in review(dataclasses.replace(info, duration=25 * 60.0)))
    assert review(dataclasses.replace(info, duration=19 * 60.0)) == []
    with pytest.raises(MediaError, match="no length"):
        review(dataclasses.replace(info, duration=0.0))
    with pytest.raises(MediaError, match="no video or audio"):
        review(dataclasses.replace(info, video=None, audio=None))


def test_copy_keeps_the_original_untouched(bad_corpus, tmp_path):
    src = bad_corpus["valid_unicode_name"]
    before_hash, before_mtime = sha(src), src.stat().st_mtime_ns
    media = tmp_path / "project" / "media"
    first = copy_into_project(src, media)
    assert first == media / "Dr O'Brien – Señora.mp4"
    assert sha(first) == before_hash
    assert sha(src) == before_hash and src.stat().st_mtime_ns == before_mtime
    assert first.stat().st_mtime_ns == before_mtime


def test_copy_collisions_get_numbered_names(clip, tmp_path):
    src = clip("cfr")
    copies = [copy_into_project(src, tmp_path) for _ in range(3)]
    assert [p.name for p in copies] == ["cfr.mp4", "cfr (2).mp4", "cfr (3).mp4"]
    assert len({sha(p) for p in copies}) == 1
    assert sorted(p.name for p in tmp_path.iterdir()) == ["cfr (2).mp4", "cfr (3).mp4", "cfr.mp4"]


def test_file_already_in_the_media_folder_is_not_copied_again(clip, tmp_path):
    inside = copy_into_project(clip("cfr"), tmp_path)
    assert copy_into_project(inside, tmp_path) == inside
    assert len(list(tmp_path.iterdir())) == 1


def test_cancelled_copy_leaves_nothing_behind(clip, tmp_path):
    token = CancelToken()
    with pytest.raises(Cancelled):
        job = importing.copy_into_project_job(clip("cfr"), tmp_path)
        run_job(job, on_progress=lambda p: token.cancel(), cancel=token)
    assert list(tmp_path.iterdir()) == []


def test_copy_into_a_file_path_is_a_media_error(clip, tmp_path):
    blocker = tmp_path / "media"
    blocker.write_text("not a folder")
    with pytest.raises(MediaError, match="Could not copy"):
        copy_into_project(clip("cfr"), blocker)


def test_full_disk_is_explained():
    err = importing._copy_error(OSError(errno.ENOSPC, "No space left on device"), '"a.mp4"', importing.Path("/p"))
    assert "not enough free space" in err.message and "Free some space" in err.hint


@pytest.mark.parametrize(
    ("name", "safe"),
    [
        ("Dr O'Brien – Señora.mp4", "Dr O'Brien – Señora.mp4"),
        (unicodedata.normalize("NFD", "Señora.mov"), "Señora.mov"),
        ('take 1: "final"?.mp4', "take 1_ _final__.mp4"),
        ("CON.mp4", "_CON.mp4"),
        ("  .hidden.mp4", "hidden.mp4"),
        ("...", "clip"),
        ("notes", "notes"),
    ],
)
def test_safe_filename(name, safe):
    assert safe_filename(name) == safe


def test_safe_filename_limits_length_in_bytes():
    name = safe_filename("é" * 300 + ".mp4")
    assert name.endswith(".mp4") and len(name.encode("utf-8")) <= 130
