"""go_live / take_down in-process against the fake YouTube server: the videos.update protocol as the fake
enforces it, quota checked before anything is sent, a privacy YouTube refuses to change, scopes, the lock."""

from __future__ import annotations

import pytest

from tests.fakes.publishing import TOKEN, make_project, run_publish
from tests.fakes.youtube_state import SCOPE_UPLOAD


@pytest.fixture
def approved(yt, tmp_path):
    from introstudio.core.publish.client import ApiConfig
    from introstudio.core.review.approvals import record_approval
    from introstudio.core.review.policy import ApprovalPolicy

    ex = make_project(tmp_path / "lopez", size=300 * 1024)
    config = ApiConfig(api_root=yt.url, access_token=TOKEN, timeout=5.0)
    run_publish(ex, config, tmp_path)
    for name, role in (("Maria Lopez", "clinician"), ("Sam Carter", "communications")):
        record_approval(ex.pf, role, name, ApprovalPolicy())
    return ex, config


def _golive(ex, config, tmp_path, daily=10_000, ledger=None):
    from introstudio.core.jobs import run_job
    from introstudio.core.publish.publish import connector
    from introstudio.core.publish.quota import QuotaLedger
    from introstudio.core.review.golive import go_live
    from introstudio.core.review.policy import ApprovalPolicy

    ledger = ledger or QuotaLedger(tmp_path / "golive-quota.json", daily)
    return run_job(go_live(ex.pf, ApprovalPolicy(), connect=connector(config, None, ledger), ledger=ledger)), ledger


def test_update_keeps_the_other_status_properties_and_counts_51_units(yt, approved, tmp_path):
    ex, config = approved
    video = yt.state.only_video()
    video.body["status"]["embeddable"] = False  # set in Studio: go-live must not reset it
    seen = len(yt.state.log)
    result, ledger = _golive(ex, config, tmp_path)
    assert result.changed and (result.before, result.after, result.units) == ("private", "public", 51)
    assert video.body["status"]["embeddable"] is False and video.body["status"]["privacyStatus"] == "public"
    usage = ledger.usage()
    assert usage.units == 51 and yt.state.quota_used >= 51
    assert yt.state.log[seen:] == [("GET", "/youtube/v3/videos", 200), ("PUT", "/youtube/v3/videos", 200)]
    again, _ = _golive(ex, config, tmp_path, ledger=ledger)  # already public: one videos.list, no update
    assert not again.changed and again.units == 1 and ledger.usage().units == 52
    assert len(yt.state.privacy_changes) == 1


def test_quota_that_does_not_fit_refuses_before_sending(yt, approved, tmp_path):
    from introstudio.core.publish.errors import QuotaExceededError

    ex, config = approved
    before = len(yt.state.log)
    with pytest.raises(QuotaExceededError, match="needs 51 quota units, but only 50 are left today") as caught:
        _golive(ex, config, tmp_path, daily=50)
    assert "introstudio golive DIR` again after YouTube's daily reset" in caught.value.hint
    assert len(yt.state.log) == before and yt.state.only_video().privacy == "private"


def test_youtube_keeping_it_private_is_an_error_and_nothing_is_recorded_live(yt, approved, tmp_path):
    from introstudio.core.review.golive import PrivacyNotChangedError

    ex, config = approved
    yt.state.lock_private = True  # an unverified API project
    with pytest.raises(PrivacyNotChangedError, match="kept video .* private instead of making it public"):
        _golive(ex, config, tmp_path)
    assert ex.pf.project.review.get("state") != "live" and not (ex.pf.folder / "web").exists()


def test_an_upload_only_token_cannot_change_privacy(yt, approved, tmp_path):
    from introstudio.core.publish.errors import ApiError

    ex, config = approved
    yt.state.add_access_token("ya29.upload-only", scopes=(SCOPE_UPLOAD,))
    from dataclasses import replace

    with pytest.raises(ApiError, match="403"):
        _golive(ex, replace(config, access_token="ya29.upload-only"), tmp_path)
    assert yt.state.only_video().privacy == "private"


def test_the_fake_refuses_what_youtube_refuses(yt, approved):
    import json
    import urllib.error
    import urllib.request

    video = yt.state.only_video()

    def put(part: str, body: dict) -> int:
        request = urllib.request.Request(f"{yt.url}youtube/v3/videos?part={part}", json.dumps(body).encode(),
                                         {"Authorization": f"Bearer {TOKEN}", "Content-Type": "application/json"},
                                         method="PUT")
        try:
            return urllib.request.urlopen(request, timeout=5).status
        except urllib.error.HTTPError as exc:
            return exc.code

    assert put("snippet", {"id": video.id, "status": {"privacyStatus": "public"}}) == 400
    assert put("status", {"id": video.id}) == 400
    assert put("status", {"id": "nosuchvideo", "status": {"privacyStatus": "public"}}) == 404
    assert put("status", {"id": video.id, "status": {"privacyStatus": "friends"}}) == 400
    assert put("status", {"id": video.id, "status": {"privacyStatus": "public",
                                                     "publishAt": "2027-01-01T00:00:00Z"}}) == 400
    assert video.privacy == "private" and yt.state.privacy_changes == []
    assert put("status", {"id": video.id, "status": {"privacyStatus": "unlisted"}}) == 200
    assert video.privacy == "unlisted" and "selfDeclaredMadeForKids" not in video.body["status"]  # reset
    listing = json.load(urllib.request.urlopen(urllib.request.Request(
        f"{yt.url}youtube/v3/videos?part=status&id={video.id}", headers={"Authorization": f"Bearer {TOKEN}"})))
    assert set(listing["items"][0]) == {"kind", "etag", "id", "status"}  # only the parts asked for


def test_a_second_privacy_change_meanwhile_is_refused_by_the_lock(yt, approved, tmp_path):
    from introstudio.core.locks import LockBusy, publish_lock

    ex, config = approved
    import threading

    held, release = threading.Event(), threading.Event()

    def other() -> None:
        with publish_lock(ex.pf.folder, "another publisher"):
            held.set()
            release.wait(10)

    thread = threading.Thread(target=other)
    thread.start()
    held.wait(5)
    try:
        with pytest.raises(LockBusy, match="another publisher"):
            _golive(ex, config, tmp_path)
    finally:
        release.set()
        thread.join()
    assert yt.state.only_video().privacy == "private"
