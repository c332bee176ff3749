"""The fake YouTube server's request plumbing and its non-upload methods (videos.list, captions,
thumbnails, OAuth); youtube_server.py adds the resumable upload and the server itself."""

from __future__ import annotations

import json
import re
import socket
import struct
from base64 import b64decode
from http.server import BaseHTTPRequestHandler
from typing import Any
from urllib.parse import parse_qsl, unquote_plus, urlencode, urlsplit

from tests.fakes.youtube_state import Caption, YouTubeState

READ_BLOCK = 1 << 20


def google_error(status: int, reason: str, message: str, domain: str = "youtube") -> dict[str, Any]:
    return {"error": {"code": status, "message": message,
                      "errors": [{"message": message, "domain": domain, "reason": reason}]}}


class BaseHandler(BaseHTTPRequestHandler):
    """HTTP/1.1 keep-alive handler with JSON answers, Google-style errors, auth, quota and simple faults."""

    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:  # quiet
        pass

    def finish(self) -> None:
        try:
            super().finish()
        except (OSError, ValueError):
            pass

    @property
    def state(self) -> YouTubeState:
        return self.server.state  # type: ignore[attr-defined]

    # -- plumbing -------------------------------------------------------------------------------
    def _send(self, status: int, body: Any = None, headers: dict[str, str] | None = None, close: bool = False) -> None:
        data = b"" if body is None else (body if isinstance(body, bytes) else json.dumps(body).encode())
        try:
            self.send_response(status)
            for k, v in (headers or {}).items():
                self.send_header(k, v)
            if data:
                self.send_header("Content-Type", "application/json; charset=UTF-8")
            self.send_header("Content-Length", str(len(data)))
            if close:
                self.send_header("Connection", "close")
                self.close_connection = True
            self.end_headers()
            self.wfile.write(data)
            self.wfile.flush()
        except OSError:
            self.close_connection = True
        with self.state.lock:
            self.state.log.append((self.command, self.path.split("?")[0], status))

    def _read(self, n: int) -> bytearray:
        """Up to n body bytes (fewer if the client goes away)."""
        buf = bytearray(n)
        view, got = memoryview(buf), 0
        try:
            while got < n:
                k = self.rfile.readinto(view[got:min(n, got + READ_BLOCK)])
                if not k:
                    break
                got += k
        except OSError:
            pass
        del view
        return buf if got == n else buf[:got]

    def _length(self) -> int:
        return int(self.headers.get("Content-Length") or 0)

    def _params(self) -> dict[str, str]:
        return dict(parse_qsl(urlsplit(self.path).query))

    def _reset(self) -> None:
        """Abort the connection with a TCP RST."""
        self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.connection.close()
        self.close_connection = True

    def _authorised(self, scope: str | None = None) -> bool:
        scopes = self.state.scopes_for(self.headers.get("Authorization", ""))
        if scopes is None:
            self._read(self._length())
            self._send(401, google_error(401, "authError", "Request had invalid authentication credentials.",
                                         "global"), {"WWW-Authenticate": 'Bearer realm="https://accounts.google.com/"'})
            return False
        if scope is not None and scope not in scopes:
            self._read(self._length())
            self._send(403, google_error(403, "insufficientPermissions", "Request had insufficient "
                                         "authentication scopes.", "global"))
            return False
        return True

    def _quota(self, method: str) -> bool:
        if self.state.charge(method):
            return True
        self._read(self._length())
        self._send(403, google_error(403, "quotaExceeded", "The request cannot be completed because you have "
                                     "exceeded your quota.", "youtube.quota"))
        return False

    def _generic_fault(self, target: str) -> bool:
        """Status/quota/401 faults on non-chunk requests; True when one answered the request."""
        fault = self.state.take_fault(target)
        if fault is None:
            return False
        self._read(self._length())
        if fault.kind == "401":
            self.state.expire_access_tokens()
            self._send(401, google_error(401, "authError", "Invalid Credentials", "global"))
        elif fault.kind == "quota":
            self._send(403, google_error(403, "quotaExceeded", "Quota exceeded.", "youtube.quota"))
        elif fault.kind == "reset":
            self._reset()
        else:
            self._send(fault.status, google_error(fault.status, "backendError", "Backend Error"))
        return True

    # -- other API methods ----------------------------------------------------------------------
    def videos_list(self) -> None:
        if self._generic_fault("list") or not self._quota("videos.list"):
            return
        params = self._params()
        parts = [p.strip() for p in params.get("part", "").split(",") if p.strip()]
        if not parts or set(parts) - VIDEO_PARTS:
            return self._send(400, google_error(400, "unexpectedPart" if parts else "required",
                                                f"part={params.get('part', '')!r}: give one or more of "
                                                f"{', '.join(sorted(VIDEO_PARTS))}"))
        ids = [i for i in params.get("id", "").split(",") if i]
        items = [_parts(self.state.videos[i].resource(self.state.channel), parts) for i in ids
                 if i in self.state.videos]
        self._send(200, {"kind": "youtube#videoListResponse", "items": items,
                         "pageInfo": {"totalResults": len(items), "resultsPerPage": len(items)}})

    def videos_update(self) -> None:
        """videos.update: the parts named in `part` are replaced by the body's (status properties left out are
        reset to their defaults, as YouTube does); 50 units; the video resource comes back."""
        params = self._params()
        raw = self._read(self._length())
        parts = [p.strip() for p in params.get("part", "").split(",") if p.strip()]
        if parts != ["status"]:  # the only part IntroStudio changes; the fake refuses what it does not model
            return self._send(400, google_error(400, "unexpectedPart", f"part={params.get('part', '')!r} is not "
                                                "supported by this server (status only)"))
        try:
            body = json.loads(raw or b"{}")
        except ValueError:
            return self._send(400, google_error(400, "parseError", "the request body is not JSON"))
        status = body.get("status") if isinstance(body, dict) else None
        if not isinstance(status, dict) or not body.get("id"):
            return self._send(400, google_error(400, "badRequest", "id and status are required for part=status"))
        video = self.state.videos.get(str(body["id"]))
        if video is None:
            return self._send(404, google_error(404, "videoNotFound", "The video that you are trying to update "
                                                "cannot be found."))
        privacy = status.get("privacyStatus")
        if privacy not in ("private", "unlisted", "public"):
            return self._send(400, google_error(400, "invalidVideoMetadata", f"invalid privacyStatus {privacy!r}"))
        if status.get("publishAt") and privacy != "private":
            return self._send(400, google_error(400, "invalidPublishAt", "publishAt needs privacyStatus private"))
        if not self._quota("videos.update"):
            return
        kept = {k: v for k, v in status.items() if k in UPDATABLE_STATUS}
        with self.state.lock:
            video.body = {**video.body, "status": kept}
            video.privacy = "private" if self.state.lock_private else privacy
            self.state.privacy_changes.append((video.id, video.privacy))
        self._send(200, _parts(video.resource(self.state.channel), parts))

    def captions_list(self) -> None:
        if not self._quota("captions.list"):
            return
        video = self.state.videos.get(self._params().get("videoId", ""))
        if video is None:
            return self._send(404, google_error(404, "videoNotFound", "The video was not found."))
        self._send(200, {"kind": "youtube#captionListResponse", "items": [_caption(video.id, c) for c in video.captions]})

    def captions_insert(self) -> None:
        raw = self._read(self._length())
        if self._params().get("uploadType") != "multipart":
            return self._send(400, google_error(400, "badRequest", "expected uploadType=multipart"))
        parts = _multipart(self.headers.get("Content-Type", ""), bytes(raw))
        if len(parts) != 2:
            return self._send(400, google_error(400, "badRequest", "expected metadata and media parts"))
        meta, media = json.loads(parts[0][1]), parts[1][1]
        snippet = meta.get("snippet", {})
        video = self.state.videos.get(snippet.get("videoId", ""))
        if video is None:
            return self._send(404, google_error(404, "videoNotFound", "The video was not found."))
        if b"-->" not in media or len(snippet.get("name", "")) > 150 or snippet.get("sync"):
            return self._send(400, google_error(400, "invalidCaption", "timed captions are required"))
        if not self._quota("captions.insert"):
            return
        caption = Caption("AUi" + str(len(video.captions) + 1), snippet.get("language", ""), snippet.get("name", ""),
                          media)
        with self.state.lock:
            video.captions.append(caption)
        self._send(200, _caption(video.id, caption))

    def thumbnails_set(self) -> None:
        data = self._read(self._length())
        video = self.state.videos.get(self._params().get("videoId", ""))
        ctype = self.headers.get("Content-Type", "")
        if video is None:
            return self._send(404, google_error(404, "videoNotFound", "The video was not found."))
        if ctype not in ("image/jpeg", "image/png", "application/octet-stream") or len(data) > 2 * 1024 * 1024:
            return self._send(400, google_error(400, "invalidImage", "The thumbnail image is invalid or too big."))
        if not self.state.channel_verified:
            return self._send(403, google_error(403, "forbidden", "The authenticated user doesn't have permissions "
                                                "to upload and set custom video thumbnails."))
        if not self._quota("thumbnails.set"):
            return
        with self.state.lock:
            video.thumbnail, video.thumbnail_type = bytes(data), ctype
        url = f"http://127.0.0.1/vi/{video.id}/maxresdefault.jpg"
        self._send(200, {"kind": "youtube#thumbnailSetResponse", "items": [{"default": {"url": url}}]})

    # -- OAuth ----------------------------------------------------------------------------------
    def authorize(self) -> None:
        q = self._params()
        redirect = q.get("redirect_uri", "")
        if q.get("client_id") not in self.state.clients or q.get("response_type") != "code" \
                or not re.match(r"http://(127\.0\.0\.1|localhost):\d+/?\Z", redirect):
            return self._send(400, {"error": "invalid_request"})
        if q.get("code_challenge_method") != "S256" or not q.get("code_challenge"):
            return self._send(400, {"error": "invalid_request", "error_description": "PKCE S256 is required"})
        scopes = tuple(q.get("scope", "").split())
        code = self.state.issue_code(q["client_id"], redirect, scopes, q["code_challenge"])
        target = redirect + "?" + urlencode({"state": q.get("state", ""), "code": code, "scope": " ".join(scopes)})
        self._send(302, None, {"Location": target})

    def token(self) -> None:
        form = dict(parse_qsl(self._read(self._length()).decode()))
        client_id, secret = form.get("client_id", ""), form.get("client_secret", "")
        auth = self.headers.get("Authorization", "")
        if auth.startswith("Basic "):
            client_id, _, secret = b64decode(auth[6:]).decode().partition(":")
            client_id, secret = _unquote(client_id), _unquote(secret)
        status, body = self.state.exchange(form, client_id, secret)
        self._send(status, body)

    def revoke(self) -> None:
        form = dict(parse_qsl(self._read(self._length()).decode()))
        token = form.get("token") or self._params().get("token", "")
        if self.state.revoke(token):
            return self._send(200, {})
        self._send(400, {"error": "invalid_token", "error_description": "Token expired or revoked"})


VIDEO_PARTS = frozenset({"id", "snippet", "status", "processingDetails", "contentDetails", "statistics"})
UPDATABLE_STATUS = frozenset({"privacyStatus", "embeddable", "license", "publicStatsViewable", "publishAt",
                              "selfDeclaredMadeForKids", "containsSyntheticMedia"})


def _parts(resource: dict[str, Any], parts: list[str]) -> dict[str, Any]:
    """The resource with only the requested parts (kind, etag and id always)."""
    return {k: v for k, v in resource.items() if k in ("kind", "etag", "id") or k in parts}


def _unquote(text: str) -> str:
    return unquote_plus(text)


def _caption(video_id: str, c: Caption) -> dict[str, Any]:
    return {"kind": "youtube#caption", "id": c.id,
            "snippet": {"videoId": video_id, "language": c.language, "name": c.name, "trackKind": "standard",
                        "isDraft": False, "status": "serving"}}


def metadata_problem(body: dict[str, Any]) -> tuple[str, str] | None:
    snippet, status = body.get("snippet", {}), body.get("status", {})
    title, description = snippet.get("title", ""), snippet.get("description", "")
    tags = snippet.get("tags", [])
    if not title or len(title) > 100 or "<" in title or ">" in title:
        return "invalidTitle", "The request metadata specifies an invalid or empty video title."
    if len(description.encode()) > 5000 or "<" in description or ">" in description:
        return "invalidDescription", "The request metadata specifies an invalid video description."
    if sum(len(t) + (2 if " " in t else 0) for t in tags) + max(0, len(tags) - 1) > 500:
        return "invalidTags", "The request metadata specifies invalid video keywords."
    if snippet.get("categoryId") not in {"1", "2", "10", "15", "17", "19", "20", "22", "23", "24", "25", "26", "27",
                                         "28", "29"}:
        return "invalidCategoryId", "The snippet.categoryId property specifies an invalid category ID."
    if status.get("privacyStatus") not in ("private", "unlisted", "public"):
        return "invalidVideoMetadata", "invalid privacyStatus"
    return None


def _multipart(content_type: str, body: bytes) -> list[tuple[str, bytes]]:
    """(content type, payload) of each part of a multipart/related body."""
    m = re.search(r'boundary="?([^";]+)"?', content_type)
    if not m:
        return []
    delimiter = b"--" + m.group(1).encode()
    parts = []
    for chunk in body.split(delimiter)[1:]:
        if chunk.startswith(b"--"):
            break
        head, _, payload = chunk.partition(b"\r\n\r\n") if b"\r\n\r\n" in chunk else chunk.partition(b"\n\n")
        ctype = re.search(rb"(?im)^content-type:\s*([^\r\n]+)", head)
        if payload.endswith(b"\r\n"):  # the line break before the next delimiter belongs to it
            payload = payload[:-2]
        elif payload.endswith(b"\n"):
            payload = payload[:-1]
        parts.append(((ctype.group(1).decode() if ctype else ""), payload))
    return parts
