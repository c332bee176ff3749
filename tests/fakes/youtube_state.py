"""What the fake YouTube server knows: videos, upload sessions, OAuth grants, quota and injected faults."""

from __future__ import annotations

import base64
import hashlib
import secrets
import threading
import time
from dataclasses import dataclass, field
from typing import Any

CHUNK_UNIT = 256 * 1024
SCOPE_UPLOAD = "https://www.googleapis.com/auth/youtube.upload"
SCOPE_FORCE_SSL = "https://www.googleapis.com/auth/youtube.force-ssl"
ALL_SCOPES = (SCOPE_UPLOAD, SCOPE_FORCE_SSL)
DEFAULT_COSTS = {"videos.insert": 100, "videos.list": 1, "videos.update": 50, "captions.insert": 400,
                 "captions.list": 50, "thumbnails.set": 50}
FAULT_KINDS = ("503-mid-chunk", "reset", "stall", "308-no-range", "expire-session", "401", "quota", "status",
               "slow")


@dataclass
class Fault:
    """One injected failure: fires on the `at`-th matching request after injection, `times` times."""

    kind: str
    target: str = "chunk"  # chunk | start | query | captions | thumbnail | list | update
    at: int = 1
    times: int = 1
    status: int = 503  # for kind "status"
    stall_seconds: float = 3.0
    seen: int = 0
    fired: int = 0

    def __post_init__(self) -> None:
        assert self.kind in FAULT_KINDS, self.kind


@dataclass
class Session:
    """A resumable upload session (the server side of the session URI)."""

    id: str
    total: int
    content_type: str
    body: dict[str, Any]
    params: dict[str, str]
    offset: int = 0
    digest: Any = field(default_factory=hashlib.sha256)
    bytes_received: int = 0  # every payload byte read, overlaps and discarded partials included
    puts: int = 0
    expired: bool = False
    video_id: str | None = None


@dataclass
class Caption:
    id: str
    language: str
    name: str
    data: bytes


@dataclass
class Video:
    id: str
    body: dict[str, Any]
    size: int
    sha256: str
    content_type: str
    params: dict[str, str]
    privacy: str
    upload_status: str = "uploaded"
    rejection_reason: str = ""
    captions: list[Caption] = field(default_factory=list)
    thumbnail: bytes | None = None
    thumbnail_type: str = ""

    def resource(self, channel: str) -> dict[str, Any]:
        snippet = dict(self.body.get("snippet", {}))
        snippet.update(channelId=channel, publishedAt="2026-01-01T00:00:00Z")
        status = dict(self.body.get("status", {}))
        status.update(uploadStatus=self.upload_status, privacyStatus=self.privacy, madeForKids=False)
        if self.rejection_reason:
            status["rejectionReason"] = self.rejection_reason
        return {"kind": "youtube#video", "etag": self.sha256[:16], "id": self.id, "snippet": snippet,
                "status": status, "processingDetails": {"processingStatus": "processing"}}


@dataclass
class Grant:
    """A refresh token and what it allows."""

    refresh_token: str
    client_id: str
    scopes: tuple[str, ...]
    revoked: bool = False


class YouTubeState:
    """The server's memory; every method is thread-safe."""

    def __init__(self) -> None:
        self.lock = threading.RLock()
        self.videos: dict[str, Video] = {}
        self.sessions: dict[str, Session] = {}
        self.faults: list[Fault] = []
        self.access_tokens: dict[str, tuple[tuple[str, ...], float | None, str | None]] = {}
        self.grants: dict[str, Grant] = {}
        self.codes: dict[str, dict[str, str]] = {}
        self.clients: dict[str, str] = {}
        self.quota_limit: int | None = None
        self.quota_used = 0
        self.costs = dict(DEFAULT_COSTS)
        self.chunk_delay = 0.0  # seconds to wait before answering each chunk (lets a test kill mid-file)
        self.lock_private = False  # an unverified API project: every upload stays private
        self.channel_verified = True
        self.token_lifetime = 3600
        self.channel = "UC" + secrets.token_urlsafe(16)
        self.log: list[tuple[str, str, int]] = []
        self.token_grants: list[str] = []  # grant_type of each token request
        self.revoked: list[str] = []
        self.sessions_created = 0
        self.chunk_puts = 0
        self.status_queries = 0
        self.privacy_changes: list[tuple[str, str]] = []  # (video id, privacy) after each videos.update

    # -- faults ---------------------------------------------------------------------------------
    def inject(self, kind: str, **kw: Any) -> Fault:
        fault = Fault(kind, **kw)
        with self.lock:
            self.faults.append(fault)
        return fault

    def take_fault(self, target: str) -> Fault | None:
        """The fault that fires on this request, if any (advances every fault waiting on `target`)."""
        with self.lock:
            chosen = None
            for fault in self.faults:
                if fault.target != target or fault.fired >= fault.times:
                    continue
                fault.seen += 1
                if fault.seen >= fault.at and chosen is None:
                    fault.fired += 1
                    chosen = fault
            return chosen

    # -- auth -----------------------------------------------------------------------------------
    def add_access_token(self, token: str, scopes: tuple[str, ...] = ALL_SCOPES, lifetime: float | None = None,
                         refresh_token: str | None = None) -> None:
        with self.lock:
            self.access_tokens[token] = (scopes, None if lifetime is None else time.time() + lifetime, refresh_token)

    def scopes_for(self, header: str) -> tuple[str, ...] | None:
        """The scopes of a valid bearer token, or None (401)."""
        if not header.startswith("Bearer "):
            return None
        with self.lock:
            entry = self.access_tokens.get(header[7:].strip())
        if entry is None or (entry[1] is not None and entry[1] < time.time()):
            return None
        return entry[0]

    def expire_access_tokens(self) -> None:
        with self.lock:
            self.access_tokens = {t: (s, 0.0, r) for t, (s, _, r) in self.access_tokens.items()}

    def issue_code(self, client_id: str, redirect_uri: str, scopes: tuple[str, ...], challenge: str) -> str:
        code = "4/" + secrets.token_urlsafe(24)
        with self.lock:
            self.codes[code] = {"client_id": client_id, "redirect_uri": redirect_uri,
                                "scopes": " ".join(scopes), "challenge": challenge}
        return code

    def exchange(self, form: dict[str, str], client_id: str, secret: str) -> tuple[int, dict[str, Any]]:
        """The token endpoint: authorization_code (with PKCE) and refresh_token grants."""
        with self.lock:
            self.token_grants.append(form.get("grant_type", ""))
            if self.clients.get(client_id) != secret:
                return 401, {"error": "invalid_client", "error_description": "Unauthorized"}
            if form.get("grant_type") == "authorization_code":
                code = self.codes.pop(form.get("code", ""), None)
                verifier = form.get("code_verifier", "")
                expected = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
                if code is None or code["client_id"] != client_id or code["redirect_uri"] != form.get("redirect_uri") \
                        or code["challenge"] != expected:
                    return 400, {"error": "invalid_grant", "error_description": "Bad Request"}
                scopes = tuple(code["scopes"].split())
                refresh = "1//" + secrets.token_urlsafe(32)
                self.grants[refresh] = Grant(refresh, client_id, scopes)
                return 200, self._access(refresh, scopes, include_refresh=True)
            if form.get("grant_type") == "refresh_token":
                grant = self.grants.get(form.get("refresh_token", ""))
                if grant is None or grant.revoked or grant.client_id != client_id:
                    return 400, {"error": "invalid_grant", "error_description": "Token has been expired or revoked."}
                return 200, self._access(grant.refresh_token, grant.scopes, include_refresh=False)
            return 400, {"error": "unsupported_grant_type"}

    def _access(self, refresh: str, scopes: tuple[str, ...], include_refresh: bool) -> dict[str, Any]:
        token = "ya29." + secrets.token_urlsafe(32)
        self.access_tokens[token] = (scopes, time.time() + self.token_lifetime, refresh)
        out = {"access_token": token, "expires_in": self.token_lifetime, "scope": " ".join(scopes),
               "token_type": "Bearer"}
        if include_refresh:
            out["refresh_token"] = refresh
        return out

    def revoke(self, token: str) -> bool:
        with self.lock:
            grant = self.grants.get(token)
            if grant is None:
                entry = self.access_tokens.pop(token, None)
                grant = self.grants.get(entry[2]) if entry and entry[2] else None
            if grant is None:
                return False
            grant.revoked = True
            self.revoked.append(grant.refresh_token)
            self.access_tokens = {t: v for t, v in self.access_tokens.items() if v[2] != grant.refresh_token}
            return True

    # -- quota ----------------------------------------------------------------------------------
    def charge(self, method: str) -> bool:
        """Spend the units of one call; False (quotaExceeded) when they are not there."""
        with self.lock:
            cost = self.costs.get(method, 1)
            if self.quota_limit is not None and self.quota_used + cost > self.quota_limit:
                return False
            self.quota_used += cost
            return True

    # -- uploads --------------------------------------------------------------------------------
    def new_session(self, total: int, content_type: str, body: dict[str, Any], params: dict[str, str]) -> Session:
        session = Session(secrets.token_urlsafe(24), total, content_type, body, params)
        with self.lock:
            self.sessions[session.id] = session
            self.sessions_created += 1
        return session

    def commit(self, session: Session, start: int, data: bytes | memoryview) -> None:
        """Keep the bytes of `data` (which begins at `start`) beyond what the session already holds."""
        with self.lock:
            skip = session.offset - start
            if 0 <= skip < len(data):
                session.digest.update(memoryview(data)[skip:])
                session.offset = start + len(data)
            if session.offset == session.total and session.video_id is None:
                video_id = secrets.token_urlsafe(8)[:11]
                status = session.body.get("status", {})
                privacy = "private" if self.lock_private else status.get("privacyStatus", "public")
                self.videos[video_id] = Video(video_id, session.body, session.total, session.digest.hexdigest(),
                                              session.content_type, session.params, privacy)
                session.video_id = video_id

    def bytes_received(self) -> int:
        with self.lock:
            return sum(s.bytes_received for s in self.sessions.values())

    def only_video(self) -> Video:
        with self.lock:
            assert len(self.videos) == 1, f"expected exactly one video, found {len(self.videos)}"
            return next(iter(self.videos.values()))
