"""What to do about a failed YouTube call (retry, refresh, new session, stop) and backoff with jitter."""

from __future__ import annotations

import json
import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import Enum

from introstudio.core.jobs import Job, Progress

RETRY_STATUSES = frozenset({500, 502, 503, 504, 429})
RATE_REASONS = frozenset({"rateLimitExceeded", "userRateLimitExceeded", "backendError"})
QUOTA_REASONS = frozenset({"quotaExceeded", "dailyLimitExceeded", "uploadLimitExceeded"})


class Kind(Enum):
    """How a failure is handled."""

    TRANSIENT = "transient"  # connection trouble, 5xx, 429, rate limits: back off, ask the offset, resume
    AUTH = "auth"  # 401: refresh the access token once
    SESSION_GONE = "session-gone"  # 404/410 on an upload session: start a new session
    QUOTA = "quota"  # 403 quotaExceeded and friends: stop, never retry
    SIGN_IN = "sign-in"  # the refresh token itself was refused (invalid_grant)
    FATAL = "fatal"  # anything else: report YouTube's reason


@dataclass(frozen=True)
class Failure:
    """A classified exception from the client library or the network."""

    kind: Kind
    status: int | None = None
    reason: str = ""
    message: str = ""


@dataclass(frozen=True)
class RetryPolicy:
    """Exponential backoff with equal jitter; `sleep`/`random` are injectable so tests run instantly."""

    attempts: int = 8  # failures in a row (without progress) before giving up
    base_delay: float = 1.0
    max_delay: float = 64.0
    sleep: Callable[[float], None] = field(default=time.sleep, compare=False)
    random: Callable[[], float] = field(default=random.random, compare=False)

    def delay(self, failure_number: int) -> float:
        """Seconds to wait before retry number `failure_number` (1-based)."""
        ceiling = min(self.max_delay, self.base_delay * 2 ** max(0, failure_number - 1))
        return ceiling / 2 + self.random() * ceiling / 2


def wait(policy: RetryPolicy, seconds: float, message: str, fraction: float | None) -> Job[None]:
    """Sleep in short slices, yielding progress so a driver can cancel during a long backoff."""
    remaining = seconds
    while remaining > 0:
        yield Progress(fraction, f"{message}; retrying in {max(1, round(remaining))} s")
        step = min(0.5, remaining)
        policy.sleep(step)
        remaining -= step


def error_reason(content: bytes | str | None) -> tuple[str, str]:
    """(reason, message) from a Google JSON error body; empty strings when the body is not one."""
    if not content:
        return "", ""
    try:
        data = json.loads(content)
    except (ValueError, TypeError):
        return "", ""
    error = data.get("error") if isinstance(data, dict) else None
    if isinstance(error, str):  # OAuth style: {"error": "invalid_grant", "error_description": ...}
        return error, str(data.get("error_description", ""))
    if not isinstance(error, dict):
        return "", ""
    errors = error.get("errors") or [{}]
    reason = str(errors[0].get("reason", "")) if isinstance(errors[0], dict) else ""
    return reason, str(error.get("message", ""))


def classify(exc: BaseException) -> Failure:
    """Sort a failure into a `Kind`; unknown exceptions are FATAL so bugs are not retried forever."""
    import http.client

    import httplib2
    from google.auth import exceptions as gauth
    from googleapiclient.errors import HttpError

    if isinstance(exc, HttpError):
        status = int(exc.resp.status)
        reason, message = error_reason(exc.content)
        message = message or str(exc.reason or "")
        if status in RETRY_STATUSES or (status == 403 and reason in RATE_REASONS):
            return Failure(Kind.TRANSIENT, status, reason, message)
        if status == 401:
            return Failure(Kind.AUTH, status, reason, message)
        if status in (404, 410):
            return Failure(Kind.SESSION_GONE, status, reason, message)
        if status == 403 and reason in QUOTA_REASONS:
            return Failure(Kind.QUOTA, status, reason, message)
        return Failure(Kind.FATAL, status, reason, message)
    if isinstance(exc, gauth.RefreshError):
        text = str(exc)
        if "invalid_grant" in text or "invalid_client" in text or "unauthorized_client" in text:
            return Failure(Kind.SIGN_IN, None, "invalid_grant", text)
        if exc.retryable:
            return Failure(Kind.TRANSIENT, None, "refresh", text)
        return Failure(Kind.SIGN_IN, None, "refresh", text)
    if isinstance(exc, gauth.TransportError | httplib2.HttpLib2Error | http.client.HTTPException | OSError):
        return Failure(Kind.TRANSIENT, None, type(exc).__name__, str(exc) or type(exc).__name__)
    return Failure(Kind.FATAL, None, type(exc).__name__, str(exc))
