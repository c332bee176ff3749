"""The resumable video upload: exactly one video, whatever the network does, across process restarts.

google-api-python-client's `MediaFileUpload(resumable=True)` + `next_chunk()` moves the bytes; the retry
loop is IntroStudio's own. The client's `num_retries` re-sends a chunk from a stream slice it has already
read (and so does httplib2's and google-auth's transparent retries), sending a Content-Length with no body
and hanging until the timeout; here the media hands out chunks as bytes, which can be sent again, and
after any interruption the server is asked for its offset (`Content-Range: bytes */SIZE`).
The session address, file hash and offset are saved (atomically, per chunk) so a new process resumes.
"""

from __future__ import annotations

import functools
import hashlib
import json
import logging
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from introstudio.core.errors import IntroStudioError, InvalidInputError
from introstudio.core.jobs import Job, Progress
from introstudio.core.project.model import now_iso
from introstudio.core.publish.client import YouTubeApi
from introstudio.core.publish.errors import ApiError, AuthError, NetworkError
from introstudio.core.publish.metadata import VideoMetadata
from introstudio.core.publish.retry import Kind, classify, wait

log = logging.getLogger(__name__)

CHUNK_UNIT = 256 * 1024  # YouTube: every chunk but the last is a multiple of 256 KiB
DEFAULT_CHUNK_SIZE = 32 * CHUNK_UNIT  # 8 MiB: at most this much is sent twice after an interruption
MAX_NEW_SESSIONS = 3
SAVE_INTERVAL = 1.0  # an atomic project save costs ~10 ms (fsync): on a fast link, not after every chunk


@dataclass(frozen=True)
class UploadOutcome:
    """The uploaded video resource and what it took."""

    video: dict[str, Any]
    video_id: str
    size: int
    bytes_sent: int  # payload bytes put on the wire, re-sends included
    resumed_from: int  # the server's offset when this run started (0 for a fresh upload)
    sessions: int  # sessions started by this run (0 when resuming one)
    retries: int
    seconds: float


def check_chunk_size(chunk_size: int) -> int:
    if chunk_size <= 0 or chunk_size % CHUNK_UNIT:
        raise InvalidInputError(f"The chunk size {chunk_size} is not a positive multiple of 256 KiB (262144).",
                                "Use e.g. 8388608 (8 MiB).")
    return chunk_size


def hash_file(path: Path, block: int = 4 << 20) -> Job[str]:
    """Hex SHA-256 of `path`, with progress; the hash ties a saved session to these exact bytes."""
    size = path.stat().st_size or 1
    digest = hashlib.sha256()
    done, reported = 0, 0
    with open(path, "rb", buffering=0) as fh:
        view = memoryview(bytearray(block))
        while n := fh.readinto(view):
            digest.update(view[:n])
            done += n
            if done - reported >= 64 << 20:
                reported = done
                yield Progress(done / size, "Checking the video file")
    return digest.hexdigest()


@functools.cache
def _media_class() -> type:
    from googleapiclient.http import MediaFileUpload

    class ReplayableFileUpload(MediaFileUpload):
        """MediaFileUpload whose chunks are bytes (re-sendable), not a one-shot stream slice."""

        def has_stream(self) -> bool:
            return False

    return ReplayableFileUpload


def _usable(saved: Mapping[str, Any] | None, sha256: str, size: int) -> bool:
    return bool(saved and saved.get("session_uri") and saved.get("sha256") == sha256
                and int(saved.get("size", -1)) == size and not saved.get("video_id"))


def query_offset(http: Any, uri: str, size: int) -> tuple[int, dict[str, Any] | None]:
    """Ask the session how many bytes it holds: (offset, None), or (size, video) when it is complete."""
    from googleapiclient.errors import HttpError

    resp, content = http.request(uri, "PUT", body=b"",
                                 headers={"Content-Range": f"bytes */{size}", "Content-Length": "0"})
    if resp.status in (200, 201):
        return size, json.loads(content)
    if resp.status != 308:
        raise HttpError(resp, content, uri=uri)
    held = resp.get("range", "")
    offset = int(held.rsplit("-", 1)[1]) + 1 if held else 0
    if not 0 <= offset <= size:
        raise ApiError(f"The upload server reported an impossible offset {offset} of {size}.")
    return offset, None


def start_session(request: Any, size: int, mimetype: str) -> str:
    """POST the metadata and get the session address back (done here so it is saved before any byte)."""
    from googleapiclient.errors import ResumableUploadError

    body = request.body.encode("utf-8") if isinstance(request.body, str) else (request.body or b"")
    headers = dict(request.headers)
    headers.update({"X-Upload-Content-Type": mimetype, "X-Upload-Content-Length": str(size),
                    "content-length": str(len(body))})
    resp, content = request.http.request(request.uri, method=request.method, body=body, headers=headers)
    if resp.status == 200 and "location" in resp:
        return str(resp["location"])
    raise ResumableUploadError(resp, content)


def upload_video(api: YouTubeApi, video: Path, meta: VideoMetadata, sha256: str,
                 saved: Mapping[str, Any] | None, save: Callable[[dict[str, Any]], None],
                 chunk_size: int = DEFAULT_CHUNK_SIZE, mimetype: str = "video/mp4",
                 save_interval: float = SAVE_INTERVAL) -> Job[UploadOutcome]:
    """Upload `video` with `meta`, resuming `saved` when it is the same file; `save` persists each state.

    The session is saved before its first byte and the result at the end; the offset after each chunk,
    at most once per `save_interval` seconds (and when the job stops), since the server's own offset is
    what a resume trusts.
    """
    check_chunk_size(chunk_size)
    size = video.stat().st_size
    media = _media_class()(str(video), mimetype=mimetype, chunksize=chunk_size, resumable=True)
    started = time.monotonic()

    def new_request() -> Any:
        return api.service.videos().insert(part="snippet,status", body=meta.insert_body(),
                                           notifySubscribers=meta.notify_subscribers, media_body=media)

    state: dict[str, Any] = dict(saved) if saved and _usable(saved, sha256, size) else {}
    if saved and saved.get("session_uri") and not state:
        log.info("the video file changed since the saved upload began; starting a new upload")
    uri: str | None = state.get("session_uri")
    offset, resumed_from, sent, sessions, retries, failures, new_sessions, progress_at = 0, 0, 0, 0, 0, 0, 0, 0
    need_query, must_refresh, refreshed, phase = uri is not None, False, False, ""
    short_from: int | None = None  # a chunk that was answered without being fully kept started here
    saved_at, dirty = time.monotonic(), False
    try:
        while True:
            try:
                if must_refresh:
                    phase = "refresh"
                    api.auth.refresh()
                    must_refresh = False
                if uri is None:
                    phase = "start"
                    uri = start_session(new_request(), size, mimetype)
                    api.record("videos.insert")
                    sessions += 1
                    offset, need_query = 0, False
                    state = {"session_uri": uri, "sha256": sha256, "size": size, "offset": 0,
                             "file": video.name, "chunk_size": chunk_size, "started_at": now_iso()}
                    save(state)
                    dirty = False
                    log.info("upload session started (…%s)", uri[-6:])
                if need_query:
                    phase = "query"
                    offset, done = query_offset(api.http, uri, size)
                    need_query = False
                    if sessions == 0 and not sent:
                        resumed_from = offset
                    if done is not None:
                        dirty = False  # _finish saves the final state
                        return _finish(done, state, save, size, sent, resumed_from, sessions, retries, started)
                    if offset != state.get("offset"):
                        state = {**state, "offset": offset, "updated_at": now_iso()}
                        save(state)
                        saved_at, dirty = time.monotonic(), False
                    if offset > progress_at:
                        failures, progress_at = 0, offset
                    elif short_from is not None:  # a chunk was answered but none of it kept: back off
                        failures += 1
                        retries += 1
                        _give_up_after(api, failures, "YouTube keeps not keeping the uploaded bytes", offset, size)
                        yield from wait(api.retry, api.retry.delay(failures), "YouTube kept no bytes", offset / size)
                    short_from = None
                request = new_request()
                request.resumable_uri, request.resumable_progress = uri, offset
                phase = "chunk"
                while True:
                    expected = min(size, offset + chunk_size)
                    sent += expected - offset
                    _, response = request.next_chunk()
                    if response is not None:
                        dirty = False  # _finish saves the final state
                        return _finish(response, state, save, size, sent, resumed_from, sessions, retries, started)
                    if request.resumable_progress < expected:  # a short commit or a 308 without Range: ask
                        need_query, short_from = True, offset
                        break
                    offset = progress_at = request.resumable_progress
                    failures, refreshed = 0, False
                    state = {**state, "offset": offset, "updated_at": now_iso()}
                    dirty = True
                    if time.monotonic() - saved_at >= save_interval:
                        save(state)
                        saved_at, dirty = time.monotonic(), False
                    yield _progress(offset, size, started, sent)
            except IntroStudioError:
                raise
            except Exception as exc:  # noqa: BLE001 - classified; unknown kinds are raised by raise_for
                failure = classify(exc)
                if failure.kind is Kind.AUTH:
                    if refreshed:
                        raise AuthError("YouTube refused the upload credentials again right after a refresh (401).",
                                        api.auth.reauth_hint) from exc
                    refreshed, must_refresh, need_query = True, True, uri is not None
                    continue
                if failure.kind is Kind.SESSION_GONE and phase in ("query", "chunk"):
                    new_sessions += 1
                    if new_sessions > MAX_NEW_SESSIONS:
                        raise ApiError("YouTube keeps discarding the upload session.",
                                       "Run the command again later.", failure.status) from exc
                    log.info("upload session gone (%s); starting a new one", failure.status)
                    uri, state, need_query, offset, progress_at = None, {}, False, 0, 0
                    save({})
                    dirty = False
                    continue
                api.raise_for(failure, "videos.insert", exc, charge=phase == "start")
                failures += 1
                retries += 1
                need_query = uri is not None
                _give_up_after(api, failures, f"The upload kept failing ({failure.message})", offset, size, exc)
                log.warning("upload %s failed (%s %s); retry %d", phase, failure.status, failure.reason, failures)
                yield from wait(api.retry, api.retry.delay(failures), f"Connection problem ({failure.message})",
                                offset / size if size else None)
                continue
            yield _progress(offset, size, started, sent)
    finally:
        media.stream().close()
        if dirty:  # stopped (cancel, error) between throttled saves: keep the latest offset
            save(state)


def _give_up_after(api: YouTubeApi, failures: int, what: str, offset: int, size: int,
                   cause: BaseException | None = None) -> None:
    if failures > api.retry.attempts:
        raise NetworkError(f"{what}; {offset} of {size} bytes are on YouTube.",
                           "Check the connection and run publish again: it resumes where it stopped.") from cause


def _progress(offset: int, size: int, started: float, sent: int) -> Progress:
    elapsed = max(1e-6, time.monotonic() - started)
    rate = sent / elapsed
    eta = (size - offset) / rate if rate > 0 else None
    return Progress(offset / size if size else 1.0,
                    f"Uploading {offset / 1e6:.1f} of {size / 1e6:.1f} MB ({rate / 1e6:.1f} MB/s)", eta)


def _finish(video: dict[str, Any], state: dict[str, Any], save: Callable[[dict[str, Any]], None], size: int,
            sent: int, resumed_from: int, sessions: int, retries: int, started: float) -> UploadOutcome:
    video_id = str(video.get("id", ""))
    if not video_id:
        raise ApiError("YouTube finished the upload but returned no video id.", "Check YouTube Studio for the video.")
    final = {k: v for k, v in state.items() if k != "session_uri"}  # the address is a capability: drop it
    final.update(offset=size, video_id=video_id, completed_at=now_iso())
    save(final)
    log.info("upload complete: video %s, %d bytes sent for %d", video_id, sent, size)
    return UploadOutcome(video, video_id, size, sent, resumed_from, sessions, retries,
                         round(time.monotonic() - started, 3))
