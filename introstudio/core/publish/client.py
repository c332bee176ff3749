"""The YouTube Data API v3 client: endpoint configuration, the service object and one guarded `execute`.

The service is built from the discovery document bundled inside google-api-python-client with its
`rootUrl` replaced when another root is configured. `client_options={"api_endpoint": ...}` is not
enough: measured, it moves ordinary calls, but media uploads are forced to https and lose the endpoint's
path (http://127.0.0.1:8765/ gives https://127.0.0.1:8765/upload/..., https://proxy/yt/ gives
https://proxy/upload/...).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from introstudio.core.errors import IntroStudioError, InvalidInputError
from introstudio.core.jobs import Job
from introstudio.core.publish.errors import ApiError, AuthError, NetworkError, QuotaExceededError
from introstudio.core.publish.retry import Kind, RetryPolicy, classify, wait

if TYPE_CHECKING:
    from introstudio.core.publish.auth import AuthSession
    from introstudio.core.publish.quota import QuotaLedger

log = logging.getLogger(__name__)

ENV_API_ROOT = "INTROSTUDIO_YOUTUBE_API_ROOT"
ENV_ACCESS_TOKEN = "INTROSTUDIO_YOUTUBE_ACCESS_TOKEN"
GOOGLE_API_ROOT = "https://youtube.googleapis.com/"
DEFAULT_TIMEOUT = 60.0
DEFAULT_DAILY_QUOTA = 10_000


@dataclass(frozen=True)
class ApiConfig:
    """Where the API lives and how to authenticate; built once at the edge by `api_config_from`."""

    api_root: str = ""  # "" = Google's own root
    access_token: str = field(default="", repr=False)  # used as-is, without sign-in
    client_secrets: str = ""  # path to the organisation's OAuth client file
    timeout: float = DEFAULT_TIMEOUT  # seconds per socket operation; a stalled response is retried
    daily_quota: int = DEFAULT_DAILY_QUOTA

    @property
    def root(self) -> str:
        return normalise_root(self.api_root) if self.api_root else GOOGLE_API_ROOT


def api_config_from(settings: Any, environ: Mapping[str, str]) -> ApiConfig:
    """The one place that reads the publish environment variables (the environment wins over settings)."""
    root = environ.get(ENV_API_ROOT, "").strip() or str(getattr(settings, "youtube_api_root", "") or "")
    return ApiConfig(
        api_root=normalise_root(root) if root else "",
        access_token=environ.get(ENV_ACCESS_TOKEN, "").strip(),
        client_secrets=str(getattr(settings, "youtube_client_secrets", "") or ""),
        daily_quota=int(getattr(settings, "youtube_daily_quota", 0) or DEFAULT_DAILY_QUOTA),
    )


def normalise_root(root: str) -> str:
    """`root` with one trailing slash; http only for loopback hosts so a token never crosses a network in clear."""
    parts = urlsplit(root.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise InvalidInputError(f"The YouTube API root {root!r} is not an http(s) address.",
                                f"Set {ENV_API_ROOT} or the youtube_api_root setting to e.g. https://proxy.example.org/")
    if parts.scheme == "http" and parts.hostname not in ("127.0.0.1", "localhost", "::1"):
        raise InvalidInputError(f"The YouTube API root {root!r} uses plain http to another machine.",
                                "Use https, so the access token is never sent unencrypted.")
    return root.strip().rstrip("/") + "/"


def load_discovery(api_root: str = "") -> dict[str, Any]:
    """The bundled youtube v3 discovery document, re-rooted at `api_root` (uploads included)."""
    from googleapiclient.discovery_cache import get_static_doc

    text = get_static_doc("youtube", "v3")
    if not text:
        raise RuntimeError("google-api-python-client no longer bundles the youtube v3 discovery document")
    doc = json.loads(text)
    if api_root:
        root = normalise_root(api_root)
        for key in ("rootUrl", "mtlsRootUrl", "baseUrl"):
            doc[key] = root
    return doc


def build_http(timeout: float) -> Any:
    """An httplib2.Http that does not treat 308 (resume incomplete) as a redirect."""
    from googleapiclient.http import build_http as _build

    http = _build()
    http.timeout = timeout
    return http


def build_service(http: Any, api_root: str = "") -> Any:
    """The youtube v3 service on `http` (already authorised), offline: no discovery fetch."""
    from googleapiclient.discovery import build_from_document

    return build_from_document(load_discovery(api_root), http=http)


class YouTubeApi:
    """The service plus the policy every call goes through: retry, refresh once on 401, count quota."""

    def __init__(self, service: Any, http: Any, auth: AuthSession, ledger: QuotaLedger | None,
                 retry: RetryPolicy | None = None) -> None:
        self.service = service
        self.http = http
        self.auth = auth
        self.ledger = ledger
        self.retry = retry or RetryPolicy()

    def record(self, method: str) -> None:
        if self.ledger is not None:
            self.ledger.record(method)

    def execute(self, method: str, make_request: Callable[[], Any], fraction: float | None = None,
                check_done: Callable[[], Job[Any]] | None = None) -> Job[Any]:
        """Run one API call with retries, refreshing once on 401.

        `check_done` is a job that returns the result of a non-idempotent call if it landed although the
        connection failed (e.g. captions.list finding the track), or None; it runs before such a retry.
        """
        failures = 0
        must_refresh = refreshed = False
        while True:
            try:
                if must_refresh:
                    self.auth.refresh()
                    must_refresh = False
                result = make_request().execute()
            except IntroStudioError:
                raise
            except Exception as exc:  # noqa: BLE001 - classified below; unknown kinds re-raise
                failure = classify(exc)
                if failure.kind is Kind.AUTH and not refreshed:
                    must_refresh = refreshed = True
                    continue
                self.raise_for(failure, method, exc)
                failures += 1
                if failures > self.retry.attempts:
                    raise NetworkError(f"YouTube {method} kept failing ({failure.message}).",
                                       "Check the connection and run the command again.") from exc
                log.warning("%s failed (%s %s); retry %d", method, failure.status, failure.reason, failures)
                yield from wait(self.retry, self.retry.delay(failures), f"{method}: {failure.message}", fraction)
                if check_done is not None and failure.status is None:
                    done = yield from check_done()
                    if done is not None:
                        return done
                continue
            self.record(method)
            return result

    def raise_for(self, failure: Any, method: str, exc: BaseException, charge: bool = True) -> None:
        """Raise the user-facing error for a failure that must not be retried; return if it may be."""
        if failure.kind is Kind.TRANSIENT:
            return
        if failure.kind is Kind.SIGN_IN:
            raise self.auth.sign_in_expired(failure.message) from exc
        if failure.kind is Kind.QUOTA:
            if self.ledger is not None:
                self.ledger.mark_exhausted(uploads=failure.reason == "uploadLimitExceeded")
            raise QuotaExceededError(f"YouTube's quota is spent ({failure.reason}): {failure.message}",
                                     "Publishing resumes after the daily reset.") from exc
        if failure.kind is Kind.AUTH:
            raise AuthError(f"YouTube refused the credentials for {method} even after a refresh (401).",
                            self.auth.reauth_hint) from exc
        if charge and failure.status is not None:
            self.record(method)  # YouTube charges refused requests too
        reason = f" ({failure.reason})" if failure.reason else ""
        raise ApiError(f"YouTube {method} failed: {failure.status or ''}{reason} {failure.message}".strip(),
                       _hint_for(failure.status, failure.reason), failure.status, failure.reason) from exc


def _hint_for(status: int | None, reason: str) -> str:
    if reason in ("insufficientPermissions", "forbidden") or status == 403:
        return "Sign in again with `introstudio auth login` and allow every permission IntroStudio asks for."
    if status == 400:
        return "Check the title, description, tags and files; YouTube's reason is shown above."
    return "Run the command again; if it keeps failing, see the log file for details."
