"""Publishing without captions is an explicit, recorded choice: refused without --no-captions, recorded with it
(when, by whom, why, for which export), honoured when the same upload continues later, and never carried over to
other bytes."""

from __future__ import annotations

import json

import pytest

from introstudio.core.project import open_project
from introstudio.core.publish.quota import QuotaWaitError
from introstudio.core.publish.safeguards import CaptionsMissingError
from tests.fakes.publishing import CHUNK, TOKEN, run_publish


@pytest.fixture
def env(yt, monkeypatch):
    monkeypatch.setenv("INTROSTUDIO_YOUTUBE_API_ROOT", yt.url)
    monkeypatch.setenv("INTROSTUDIO_YOUTUBE_ACCESS_TOKEN", TOKEN)
    return yt


@pytest.fixture
def uncaptioned(exported):
    """The export without its sidecar captions (rendered before any captions were made)."""
    exported.srt.unlink()
    exported.pf.project.exports[-1]["srt"] = None
    exported.pf.save()
    return exported


def test_uncaptioned_publish_is_refused_without_the_flag(cli, env, uncaptioned):
    before = uncaptioned.pf.file.read_bytes()
    r = cli("publish", uncaptioned.pf.folder, "--yes")
    assert r.code == 2
    assert "has no captions" in r.err and "deaf or hard of hearing" in r.err
    assert "--no-captions" in r.err and "introstudio captions DIR" in r.err  # the hint: what to do
    assert env.state.log == [] and not env.state.videos  # nothing reached YouTube
    assert uncaptioned.pf.file.read_bytes() == before  # nothing recorded either


def test_no_captions_publishes_and_records_who_when_and_why(cli, env, uncaptioned):
    r = cli("publish", uncaptioned.pf.folder, "--yes", "--no-captions", "--json", "--chunk-size", CHUNK)
    assert r.code == 0, r.err
    report = r.json()
    video = env.state.only_video()
    assert report["video_id"] == video.id and report["captions"] == "waived" and report["complete"]
    assert video.captions == [] and video.sha256 == uncaptioned.sha256
    saved = json.loads(uncaptioned.pf.file.read_text(encoding="utf-8"))["publish"]
    waived = saved["captions_waived"]
    assert waived == report["captions_waived"]
    assert waived["reason"] == "the export has no captions"
    assert waived["by"].startswith("introstudio publish --no-captions (") and waived["at"].startswith("20")
    assert waived["file"] == "exports/maria-lopez-youtube-1080p.mp4" and waived["sha256"] == uncaptioned.sha256
    assert saved["video_id"] == video.id


def test_the_preview_says_what_no_captions_means(cli, env, uncaptioned, monkeypatch):
    import io

    monkeypatch.setattr("sys.stdin", io.StringIO("n\n"))
    r = cli("publish", uncaptioned.pf.folder, "--no-captions")
    assert r.code == 1 and "Nothing was uploaded" in r.err
    assert "Captions:    no: published without captions (--no-captions, recorded in the project)" in r.out


def test_no_captions_on_a_captioned_export_sends_no_track_and_says_so(env, exported, config, tmp_path):
    result, _, _, _ = run_publish(exported, config, tmp_path, captions=False, actor="a test")
    assert result.captions == "waived" and env.state.only_video().captions == []
    waived = open_project(exported.pf.folder).project.publish.captions_waived
    assert waived["reason"] == "captions exist but were not uploaded, on request" and waived["by"].startswith("a test")


def test_allow_uncaptioned_keeps_the_captions_of_a_captioned_export(env, exported, config, tmp_path):
    result, _, _, _ = run_publish(exported, config, tmp_path, allow_uncaptioned=True)
    assert result.captions == "uploaded" and len(env.state.only_video().captions) == 1
    assert open_project(exported.pf.folder).project.publish.captions_waived is None


def test_the_recorded_choice_carries_the_same_upload_on_and_no_other(env, uncaptioned, config, tmp_path):
    env.inject("quota", at=5)  # the waived upload stops mid-file, its session saved
    with pytest.raises(QuotaWaitError):
        run_publish(uncaptioned, config, tmp_path, captions=False)
    waived = open_project(uncaptioned.pf.folder).project.publish.captions_waived
    assert waived and waived["sha256"] == uncaptioned.sha256
    (tmp_path / "quota.json").unlink()
    uncaptioned.pf = open_project(uncaptioned.pf.folder)
    result, _, _, _ = run_publish(uncaptioned, config, tmp_path)  # the retry needs no second choice
    assert result.video_id == env.state.only_video().id and result.resumed_from > 0
    assert open_project(uncaptioned.pf.folder).project.publish.captions_waived["at"] == waived["at"]

    with open(uncaptioned.video, "ab") as fh:  # re-rendered, other bytes: the old choice does not cover it
        fh.write(b"more")
    uncaptioned.pf = open_project(uncaptioned.pf.folder)
    with pytest.raises(CaptionsMissingError, match="has no captions"):
        run_publish(uncaptioned, config, tmp_path, new_video=True)
    assert len(env.state.videos) == 1


def test_captions_added_later_to_the_same_video_clear_the_waiver(env, exported, config, tmp_path):
    run_publish(exported, config, tmp_path, captions=False)
    assert open_project(exported.pf.folder).project.publish.captions_waived
    exported.pf = open_project(exported.pf.folder)
    result, _, _, _ = run_publish(exported, config, tmp_path)  # same export, now with its captions
    assert result.already_uploaded and result.captions == "uploaded"
    assert len(env.state.only_video().captions) == 1
    assert open_project(exported.pf.folder).project.publish.captions_waived is None


def test_an_old_project_file_without_the_field_still_loads(exported):
    data = json.loads(exported.pf.file.read_text(encoding="utf-8"))
    assert "captions_waived" in data["publish"]
    del data["publish"]["captions_waived"]
    exported.pf.file.write_text(json.dumps(data), encoding="utf-8")
    pf = open_project(exported.pf.folder)
    assert pf.project.publish.captions_waived is None
    pf.save()  # and saves with the new field
    assert json.loads(pf.file.read_text(encoding="utf-8"))["publish"]["captions_waived"] is None
