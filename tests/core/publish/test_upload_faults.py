"""The upload on the real google-api-python-client against the fake server, with every fault of the issue.

Each test checks the server holds exactly one video whose bytes hash to the file's, with the right
metadata, caption track and thumbnail; and what the fault cost (re-sent bytes, sessions, retries).
"""

from __future__ import annotations

import pytest

from introstudio.core.publish.errors import AuthError, NetworkError
from introstudio.core.publish.quota import QuotaWaitError
from introstudio.core.publish.retry import RetryPolicy
from tests.fakes.publishing import CHUNK, TOKEN, assert_one_good_video, run_publish


def test_clean_upload_sends_every_byte_once(yt, exported, config, tmp_path):
    result, sleeps, ledger, _ = run_publish(exported, config, tmp_path)
    assert_one_good_video(yt, exported)
    assert yt.state.bytes_received() == exported.video.stat().st_size
    assert yt.state.sessions_created == 1 and not sleeps
    assert result.captions == "uploaded" and result.thumbnail == "set" and result.complete
    assert ledger.usage().uploads == 1 and ledger.usage().units == 1 + 400 + 50


@pytest.mark.parametrize("chunk, resent", [(CHUNK, CHUNK // 2), (4 * CHUNK, 0)])
def test_503_mid_chunk_resumes_at_the_servers_offset(yt, exported, config, tmp_path, chunk, resent):
    """The server read half the chunk; it keeps whole 256 KiB granules, and the client resumes there."""
    yt.inject("503-mid-chunk", at=3)
    result, sleeps, _, _ = run_publish(exported, config, tmp_path, chunk=chunk)
    assert_one_good_video(yt, exported)
    # Re-sent: only the part of the chunk in flight that the server read and did not keep.
    assert yt.state.bytes_received() - exported.video.stat().st_size == resent
    assert yt.state.status_queries == 1 and sum(sleeps) == pytest.approx(0.75)
    assert yt.state.sessions_created == 1


def test_connection_reset_mid_chunk(yt, exported, config, tmp_path):
    yt.inject("reset", at=2)
    run_publish(exported, config, tmp_path, chunk=2 * CHUNK)
    assert_one_good_video(yt, exported)
    assert yt.state.bytes_received() - exported.video.stat().st_size <= 2 * CHUNK
    assert yt.state.status_queries >= 1 and yt.state.sessions_created == 1


def test_stalled_response_times_out_and_nothing_is_sent_twice(yt, exported, config, tmp_path):
    yt.inject("stall", at=2, stall_seconds=2.5)  # the client's socket timeout is 1 s
    result, sleeps, _, _ = run_publish(exported, config, tmp_path)
    assert_one_good_video(yt, exported)
    assert yt.state.bytes_received() == exported.video.stat().st_size  # the server had kept the chunk
    assert yt.state.status_queries >= 1 and sleeps


def test_308_without_range_is_checked_with_a_status_query(yt, exported, config, tmp_path):
    yt.inject("308-no-range", at=3)
    run_publish(exported, config, tmp_path)
    assert_one_good_video(yt, exported)
    assert yt.state.bytes_received() == exported.video.stat().st_size  # no restart from byte 0
    assert yt.state.status_queries == 1


def test_expired_session_starts_a_new_one_and_still_one_video(yt, exported, config, tmp_path):
    yt.inject("expire-session", at=4)
    result, _, ledger, _ = run_publish(exported, config, tmp_path)
    assert_one_good_video(yt, exported)
    assert yt.state.sessions_created == 2
    assert ledger.usage().uploads == 2  # each session start is a videos.insert call


@pytest.mark.parametrize("status", [500, 502, 503, 504, 429])
def test_retryable_statuses_back_off_and_resume(yt, exported, config, tmp_path, status):
    yt.inject("status", status=status, at=2, times=2)
    result, sleeps, _, _ = run_publish(exported, config, tmp_path)
    assert_one_good_video(yt, exported)
    assert sum(sleeps) == pytest.approx(0.75 + 1.5)  # equal jitter at random()=0.5: 1 s then 2 s backoff
    assert yt.state.bytes_received() - exported.video.stat().st_size == 2 * CHUNK  # the refused chunk, twice


def test_status_query_failing_too_is_retried(yt, exported, config, tmp_path):
    yt.inject("503-mid-chunk", at=2)
    yt.inject("status", target="query", status=503)
    run_publish(exported, config, tmp_path)
    assert_one_good_video(yt, exported)
    assert yt.state.status_queries == 2


def test_401_refreshes_once_and_continues(yt, exported, signed_in, tmp_path):
    yt.inject("401", at=3)
    run_publish(exported, signed_in, tmp_path)
    assert_one_good_video(yt, exported)
    assert yt.state.token_grants.count("refresh_token") == 2  # the first token, then the one after the 401
    assert yt.state.sessions_created == 1


def test_401_twice_in_a_row_is_an_auth_error(yt, exported, signed_in, tmp_path):
    yt.inject("401", at=2, times=2)
    with pytest.raises(AuthError, match="again right after a refresh"):
        run_publish(exported, signed_in, tmp_path)
    assert not yt.state.videos


def test_401_with_an_environment_token_says_which_token(yt, exported, config, tmp_path):
    yt.inject("401", at=2)
    with pytest.raises(AuthError, match="INTROSTUDIO_YOUTUBE_ACCESS_TOKEN"):
        run_publish(exported, config, tmp_path)


def test_quota_exceeded_stops_at_once_and_queues(yt, exported, config, tmp_path):
    yt.inject("quota", target="start")
    with pytest.raises(QuotaWaitError, match="queued for after YouTube's daily reset") as info:
        run_publish(exported, config, tmp_path)
    assert [p for m, p, s in yt.state.log if m == "POST"] == ["/upload/youtube/v3/videos"]  # no retry
    from introstudio.core.publish.quota import PublishQueue, QuotaLedger

    queued = PublishQueue(tmp_path / "queue.json").entries()
    assert [e.project for e in queued] == [str(exported.pf.folder)]
    assert QuotaLedger(tmp_path / "quota.json").usage().units_left == 0
    assert info.value.reset_at.isoformat() == queued[0].not_before


def test_quota_exceeded_mid_upload_keeps_the_session_for_later(yt, exported, config, tmp_path):
    yt.inject("quota", at=3)
    with pytest.raises(QuotaWaitError):
        run_publish(exported, config, tmp_path)
    saved = exported.pf.project.publish.upload
    assert saved["session_uri"] and saved["offset"] == 2 * CHUNK
    (tmp_path / "quota.json").unlink()  # the reset came
    run_publish(exported, config, tmp_path)
    assert_one_good_video(yt, exported)
    assert yt.state.sessions_created == 1


def test_network_down_gives_up_with_a_resume_hint(yt, exported, config, tmp_path):
    yt.inject("status", status=503, at=2, times=100)
    from introstudio.core.jobs import run_job
    from introstudio.core.publish.publish import PublishOptions, connector, publish_project
    from introstudio.core.publish.quota import QuotaLedger

    ledger = QuotaLedger(tmp_path / "quota.json")
    retry = RetryPolicy(attempts=3, sleep=lambda s: None)
    job = publish_project(exported.pf, confirmed=True, connect=connector(config, None, ledger, retry), ledger=ledger,
                          options=PublishOptions(chunk_size=CHUNK))
    with pytest.raises(NetworkError, match="262144 of") as info:
        run_job(job)
    assert "resumes where it stopped" in info.value.hint
    assert not yt.state.videos


def test_unverified_channel_thumbnail_is_a_partial_success(yt, exported, config, tmp_path):
    yt.state.channel_verified = False
    result, _, _, _ = run_publish(exported, config, tmp_path)
    assert_one_good_video(yt, exported, thumbnail=False)
    assert result.thumbnail == "not set (channel not verified)" and not result.complete
    assert any("verified channel" in w for w in result.warnings)
    yt.state.channel_verified = True  # the user verified the channel and runs publish again
    again, _, _, _ = run_publish(exported, config, tmp_path)
    assert again.already_uploaded and again.captions == "already uploaded" and again.thumbnail == "set"
    assert_one_good_video(yt, exported)
    assert yt.state.sessions_created == 1


def test_locked_private_video_is_reported(yt, exported, config, tmp_path):
    yt.state.lock_private = True  # an API project that has not passed the audit
    result, _, _, _ = run_publish(exported, config, tmp_path, privacy="unlisted")
    video = yt.state.only_video()
    assert video.body["status"]["privacyStatus"] == "unlisted" and video.privacy == "private"
    assert result.privacy_requested == "unlisted" and result.privacy_status == "private"
    assert any("locked private" in w for w in result.warnings)


def test_lost_caption_response_does_not_make_a_second_track(yt, exported, config, tmp_path):
    yt.inject("reset", target="captions")
    result, _, _, _ = run_publish(exported, config, tmp_path)
    assert_one_good_video(yt, exported)
    assert result.captions == "uploaded"
    assert ("GET", "/youtube/v3/captions", 200) in yt.state.log  # checked before retrying


def test_publishing_again_uploads_nothing(yt, exported, config, tmp_path):
    run_publish(exported, config, tmp_path)
    again, _, _, _ = run_publish(exported, config, tmp_path)
    assert again.already_uploaded and again.bytes_sent == 0
    assert_one_good_video(yt, exported)


def test_why_not_num_retries_the_library_resends_an_exhausted_stream(yt, exported):
    """The measurement behind the own retry loop: with a plain MediaFileUpload, next_chunk(num_retries=1)
    re-sends the chunk from the stream slice it already read: Content-Length N, no body, a hang."""
    from googleapiclient.http import MediaFileUpload
    from google_auth_httplib2 import AuthorizedHttp
    from google.oauth2.credentials import Credentials

    from introstudio.core.publish.client import build_http, build_service

    http = AuthorizedHttp(Credentials(token=TOKEN), http=build_http(1.0))
    service = build_service(http, yt.url)
    media = MediaFileUpload(str(exported.video), mimetype="video/mp4", chunksize=CHUNK, resumable=True)
    request = service.videos().insert(part="snippet,status", body={"snippet": {"title": "t", "categoryId": "27"},
                                      "status": {"privacyStatus": "private"}}, media_body=media)
    request._sleep = lambda s: None
    yt.inject("status", status=503, at=1)
    with pytest.raises(TimeoutError):
        request.next_chunk(num_retries=1)
    session = next(iter(yt.state.sessions.values()))
    assert session.bytes_received == CHUNK  # the retry delivered no byte: the server waited for a body
    media.stream().close()


def test_a_resumed_upload_keeps_the_metadata_it_began_with(yt, exported, config, tmp_path):
    yt.inject("quota", at=3)
    with pytest.raises(QuotaWaitError):
        run_publish(exported, config, tmp_path)
    (tmp_path / "quota.json").unlink()
    result, _, _, _ = run_publish(exported, config, tmp_path, privacy="unlisted")
    video = assert_one_good_video(yt, exported)  # private, as the session was started
    assert video.privacy == "private" and any("YouTube keeps what it began with" in w for w in result.warnings)
