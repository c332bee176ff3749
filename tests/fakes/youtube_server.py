"""A protocol-faithful local YouTube Data API v3 server for tests, with fault injection.

Implements: resumable `videos.insert` (POST .../upload/youtube/v3/videos?uploadType=resumable, session
URI in Location, PUT chunks with a strict Content-Range, the 256 KiB chunk rule, 308 + Range, the status
query `Content-Range: bytes */N`, session expiry), `videos.list`, `captions.insert` (multipart) and
`captions.list`, `thumbnails.set`, `videos.update` (part=status: the privacy change of go-live and take-down),
quota errors, and an OAuth authorize/token/revoke endpoint with PKCE
(those live in youtube_methods.py). `PUT /plain` stores nothing: it reads and hashes a body, for the
throughput benchmark.
"""

from __future__ import annotations

import hashlib
import json
import re
import threading
import time
from http.server import ThreadingHTTPServer
from typing import Any
from urllib.parse import urlsplit

from tests.fakes.youtube_methods import BaseHandler, google_error, metadata_problem
from tests.fakes.youtube_state import CHUNK_UNIT, SCOPE_FORCE_SSL, Fault, Session, YouTubeState

_RANGE = re.compile(r"bytes (\d+)-(\d+)/(\d+|\*)\Z")
_QUERY = re.compile(r"bytes \*/(\d+|\*)\Z")


class Handler(BaseHandler):
    """Routing, and the resumable upload protocol."""

    server: FakeYouTubeServer

    # -- routing --------------------------------------------------------------------------------
    def do_GET(self) -> None:
        path = urlsplit(self.path).path
        if path == "/o/oauth2/auth":
            return self.authorize()
        if not self._authorised():
            return
        if path == "/youtube/v3/videos":
            return self.videos_list()
        if path == "/youtube/v3/captions":
            return self.captions_list()
        self._send(404, google_error(404, "notFound", "Not Found"))

    def do_POST(self) -> None:
        path = urlsplit(self.path).path
        if path == "/token":
            return self.token()
        if path == "/revoke":
            return self.revoke()
        if path == "/upload/youtube/v3/videos":
            if self._authorised() and not self._generic_fault("start"):
                self.start_upload()
            return
        if path == "/upload/youtube/v3/captions":
            if self._authorised(SCOPE_FORCE_SSL) and not self._generic_fault("captions"):
                self.captions_insert()
            return
        if path == "/upload/youtube/v3/thumbnails/set":
            if self._authorised() and not self._generic_fault("thumbnail"):
                self.thumbnails_set()
            return
        self._read(self._length())
        self._send(404, google_error(404, "notFound", "Not Found"))

    def do_PUT(self) -> None:
        path = urlsplit(self.path).path
        if path == "/plain":
            data = self._read(self._length())
            return self._send(200, {"size": len(data), "sha256": hashlib.sha256(data).hexdigest()})
        if path == "/upload/youtube/v3/videos" and self._authorised():
            return self.put_upload()
        if path == "/youtube/v3/videos":
            if self._authorised(SCOPE_FORCE_SSL) and not self._generic_fault("update"):
                self.videos_update()
            return
        if path != "/upload/youtube/v3/videos":
            self._read(self._length())
            self._send(404, google_error(404, "notFound", "Not Found"))

    # -- videos.insert, resumable ---------------------------------------------------------------
    def start_upload(self) -> None:
        params = self._params()
        raw = self._read(self._length())
        if params.get("uploadType") != "resumable":
            return self._send(400, google_error(400, "badRequest", "only uploadType=resumable is implemented"))
        try:
            total = int(self.headers["X-Upload-Content-Length"])
            body = json.loads(raw or b"{}")
        except (KeyError, ValueError):
            return self._send(400, google_error(400, "badRequest", "X-Upload-Content-Length and a JSON body needed"))
        ctype = self.headers.get("X-Upload-Content-Type", "")
        if not (ctype.startswith("video/") or ctype == "application/octet-stream"):
            return self._send(400, google_error(400, "invalidContentType", f"{ctype!r} is not video/*"))
        if problem := metadata_problem(body):
            return self._send(400, google_error(400, problem[0], problem[1]))
        if not self._quota("videos.insert"):
            return
        session = self.state.new_session(total, ctype, body, params)
        host = self.headers.get("Host", f"127.0.0.1:{self.server.server_address[1]}")
        location = f"http://{host}/upload/youtube/v3/videos?uploadType=resumable&upload_id={session.id}"
        self._send(200, None, {"Location": location, "X-GUploader-UploadID": session.id})

    def put_upload(self) -> None:
        session = self.state.sessions.get(self._params().get("upload_id", ""))
        length = self._length()
        if session is None or session.expired:
            self._read(length)
            return self._send(404, google_error(404, "notFound", "The upload session does not exist or expired."))
        crange = self.headers.get("Content-Range", "")
        if m := _QUERY.match(crange):
            return self.status_query(session, m.group(1), length)
        m = _RANGE.match(crange)
        if not m:
            self._read(length)
            return self._send(400, google_error(400, "badContentRange", f"bad Content-Range {crange!r}"))
        start, end, total = int(m.group(1)), int(m.group(2)), m.group(3)
        problem = None
        if total != "*" and int(total) != session.total:
            problem = f"total {total} differs from X-Upload-Content-Length {session.total}"
        elif end - start + 1 != length or end >= session.total:
            problem = f"Content-Range {crange} does not match Content-Length {length}"
        elif start > session.offset:
            problem = f"chunk starts at {start} but the server holds {session.offset} bytes"
        elif end + 1 < session.total and length % CHUNK_UNIT:
            problem = f"non-final chunk of {length} bytes is not a multiple of 262144"
        if problem:
            self._read(length)
            return self._send(400, google_error(400, "badRequest", problem))
        with self.state.lock:
            self.state.chunk_puts += 1
            session.puts += 1
        fault = self.state.take_fault("chunk")
        if fault is not None and fault.kind in ("503-mid-chunk", "reset"):
            part = self._read(length // 2)
            self._account(session, len(part))
            keep = (start + len(part)) // CHUNK_UNIT * CHUNK_UNIT - start  # persisted in 256 KiB granules
            self.state.commit(session, start, memoryview(part)[:max(0, keep)])
            if fault.kind == "reset":
                return self._reset()
            return self._send(503, google_error(503, "backendError", "Backend Error"), close=True)
        if fault is not None and fault.kind in ("expire-session", "401", "quota", "status"):
            self._account(session, len(self._read(length)))
            if fault.kind == "expire-session":
                session.expired = True
                return self._send(404, google_error(404, "notFound", "The upload session expired."))
            if fault.kind == "401":
                self.state.expire_access_tokens()
                return self._send(401, google_error(401, "authError", "Invalid Credentials", "global"))
            if fault.kind == "quota":
                return self._send(403, google_error(403, "quotaExceeded", "Quota exceeded.", "youtube.quota"))
            return self._send(fault.status, google_error(fault.status, "backendError", "Backend Error"))
        data = self._read(length)
        self._account(session, len(data))
        if len(data) < length:  # the client went away mid-chunk: keep whole granules only
            keep = (start + len(data)) // CHUNK_UNIT * CHUNK_UNIT - start
            self.state.commit(session, start, memoryview(data)[:max(0, keep)])
            self.close_connection = True
            return
        self.state.commit(session, start, data)
        if self.state.chunk_delay:
            time.sleep(self.state.chunk_delay)
        if fault is not None and fault.kind == "stall":
            time.sleep(fault.stall_seconds)
        self._answer(session, with_range=not (fault is not None and fault.kind == "308-no-range"))

    def _account(self, session: Session, n: int) -> None:
        with self.state.lock:
            session.bytes_received += n

    def status_query(self, session: Session, total: str, length: int) -> None:
        self._read(length)
        with self.state.lock:
            self.state.status_queries += 1
        if length:
            return self._send(400, google_error(400, "badRequest", "a status query has no body"))
        fault = self.state.take_fault("query")
        if fault is not None and fault.kind == "308-no-range":
            return self._send(308, None, {"X-GUploader-UploadID": session.id})
        if fault is not None:
            return self._send(fault.status, google_error(fault.status, "backendError", "Backend Error"))
        self._answer(session, with_range=True)

    def _answer(self, session: Session, with_range: bool) -> None:
        if session.video_id is not None:
            video = self.state.videos[session.video_id]
            return self._send(200, video.resource(self.state.channel))
        headers = {"X-GUploader-UploadID": session.id}
        if with_range and session.offset > 0:
            headers["Range"] = f"bytes=0-{session.offset - 1}"
        self._send(308, None, headers)


class FakeYouTubeServer(ThreadingHTTPServer):
    """The server on 127.0.0.1 (a free port) in a daemon thread; use as a context manager."""

    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 64

    def __init__(self, state: YouTubeState | None = None) -> None:
        self.state = state or YouTubeState()
        super().__init__(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.serve_forever, kwargs={"poll_interval": 0.05},
                                       name="fake-youtube", daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}/"

    def handle_error(self, request: Any, client_address: Any) -> None:  # client resets are part of the tests
        pass

    def __enter__(self) -> FakeYouTubeServer:
        self.thread.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        self.shutdown()
        self.server_close()
        self.thread.join(timeout=5)

    def inject(self, kind: str, **kw: Any) -> Fault:
        return self.state.inject(kind, **kw)

    def client_file_config(self, client_id: str = "test-client.apps.googleusercontent.com",
                           secret: str = "GOCSPX-test-secret") -> dict[str, Any]:
        """A Desktop-app client secrets document whose endpoints are this server."""
        self.state.clients[client_id] = secret
        return {"installed": {"client_id": client_id, "client_secret": secret, "project_id": "introstudio-test",
                              "auth_uri": self.url + "o/oauth2/auth", "token_uri": self.url + "token",
                              "revoke_uri": self.url + "revoke", "redirect_uris": ["http://localhost"]}}
