"""YouTube sign-in: installed-app flow (system browser, loopback redirect on a free port, PKCE).

Only the refresh token is kept (see tokens.py). An access token given in the environment is used as it
is, without sign-in; `api_config_from` is the only place that reads it.
"""

from __future__ import annotations

import itertools
import json
import logging
import webbrowser
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from introstudio.core.publish.client import ENV_ACCESS_TOKEN, ApiConfig, build_http
from introstudio.core.publish.errors import (
    SIGN_IN_HINT,
    TESTING_MODE_NOTE,
    AuthError,
    ClientSecretsError,
    NotSignedInError,
    PublishError,
    SignInExpiredError,
)
from introstudio.core.publish.tokens import StoredToken, TokenStore

log = logging.getLogger(__name__)

SCOPE_UPLOAD = "https://www.googleapis.com/auth/youtube.upload"
SCOPE_FORCE_SSL = "https://www.googleapis.com/auth/youtube.force-ssl"  # captions.insert needs it
GOOGLE_REVOKE_URI = "https://oauth2.googleapis.com/revoke"
SUCCESS_PAGE = "IntroStudio is signed in to YouTube. You can close this tab and go back to IntroStudio."
_browser_ids = itertools.count(1)


def scopes_for(captions: bool) -> tuple[str, ...]:
    """youtube.upload, plus youtube.force-ssl only when captions will be uploaded."""
    return (SCOPE_UPLOAD, SCOPE_FORCE_SSL) if captions else (SCOPE_UPLOAD,)


@dataclass(frozen=True)
class ClientInfo:
    """The organisation's desktop OAuth client, read from the file chosen in settings (never copied)."""

    client_id: str
    client_secret: str = field(repr=False)
    auth_uri: str
    token_uri: str
    revoke_uri: str
    file: str

    def flow_config(self) -> dict[str, Any]:
        return {"installed": {"client_id": self.client_id, "client_secret": self.client_secret,
                              "auth_uri": self.auth_uri, "token_uri": self.token_uri,
                              "redirect_uris": ["http://127.0.0.1"]}}


def load_client_secrets(path: str | Path) -> ClientInfo:
    """Read a Google client-secrets JSON file of type "installed" (Desktop app)."""
    hint = ("Ask your IT team for the organisation's OAuth client file (Google Cloud console > Credentials > "
            "OAuth client ID > Desktop app > Download JSON), then `introstudio auth login --client-secrets FILE`.")
    if not str(path).strip():
        raise ClientSecretsError("No OAuth client file is set for YouTube.", hint)
    file = Path(path).expanduser()
    try:
        data = json.loads(file.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ClientSecretsError(f"The OAuth client file {file} does not exist.", hint) from None
    except (OSError, ValueError) as exc:
        raise ClientSecretsError(f"The OAuth client file {file} cannot be read: {exc}", hint) from exc
    if not isinstance(data, dict) or "installed" not in data:
        kind = "a Web application client" if isinstance(data, dict) and "web" in data else "not a client file"
        raise ClientSecretsError(f"{file} is {kind}; IntroStudio needs a Desktop app OAuth client.", hint)
    info = data["installed"]
    missing = [k for k in ("client_id", "auth_uri", "token_uri") if not info.get(k)]
    if missing:
        raise ClientSecretsError(f"{file} lacks {', '.join(missing)}.", hint)
    return ClientInfo(str(info["client_id"]), str(info.get("client_secret", "")), str(info["auth_uri"]),
                      str(info["token_uri"]), str(info.get("revoke_uri") or GOOGLE_REVOKE_URI), str(file))


class AuthSession:
    """Credentials for API calls plus the one way IntroStudio refreshes them (and reports failure)."""

    def __init__(self, credentials: Any, source: str, scopes: tuple[str, ...] | None = None,
                 store: TokenStore | None = None, timeout: float = 60.0) -> None:
        self.credentials = credentials
        self.source = source  # "environment", or where the refresh token is kept
        self.scopes = scopes  # None = unknown (an access token from the environment)
        self.store = store
        self.timeout = timeout

    @property
    def reauth_hint(self) -> str:
        if self.source == "environment":
            return f"Give a fresh access token in {ENV_ACCESS_TOKEN}, or unset it and run `introstudio auth login`."
        return SIGN_IN_HINT

    def has_scopes(self, scopes: Sequence[str]) -> bool:
        return self.scopes is None or set(scopes) <= set(self.scopes)

    def ensure_valid(self) -> None:
        """Get an access token now, so an expired sign-in is reported before anything is sent."""
        if not self.credentials.valid:
            self.refresh()

    def refresh(self) -> None:
        """Refresh the access token once; invalid_grant becomes a clear re-sign-in error."""
        if self.source == "environment":
            raise AuthError(f"YouTube refused the access token from {ENV_ACCESS_TOKEN} (401).", self.reauth_hint)
        from google.auth.exceptions import RefreshError
        from google_auth_httplib2 import Request

        try:
            self.credentials.refresh(Request(build_http(self.timeout)))
        except RefreshError as exc:
            if getattr(exc, "retryable", False):
                raise
            raise self.sign_in_expired(str(exc)) from exc
        new = self.credentials.refresh_token
        if self.store is not None and new:
            stored = self.store.load()
            if stored is not None and stored.refresh_token != new:  # Google rotated it: keep the new one
                self.store.save(StoredToken(new, stored.scopes))

    def sign_in_expired(self, detail: str) -> SignInExpiredError:
        """Forget the refused refresh token and say how to get a new one."""
        removed = self.store.delete() if self.store is not None else []
        log.info("refresh token refused (%s); removed from %s", detail, removed or "nowhere")
        return SignInExpiredError(
            "The YouTube sign-in has expired or was revoked (Google answered invalid_grant).",
            f"{SIGN_IN_HINT} {TESTING_MODE_NOTE}")


def open_session(config: ApiConfig, token_file: Path | None, scopes: Sequence[str]) -> AuthSession:
    """Credentials for publishing: the environment's access token, else the stored sign-in."""
    from google.oauth2.credentials import Credentials

    if config.access_token:
        return AuthSession(Credentials(token=config.access_token), "environment", None, None, config.timeout)
    client = load_client_secrets(config.client_secrets)
    store = TokenStore(client.client_id, token_file)
    token = store.load()
    if token is None:
        raise NotSignedInError("IntroStudio is not signed in to YouTube.", SIGN_IN_HINT)
    if token.scopes and not set(scopes) <= set(token.scopes):
        raise AuthError("The YouTube sign-in does not allow uploading captions (youtube.force-ssl).",
                        "Run `introstudio auth login` again, or publish with --no-captions.")
    creds = Credentials(token=None, refresh_token=token.refresh_token, token_uri=client.token_uri,
                        client_id=client.client_id, client_secret=client.client_secret or None)
    return AuthSession(creds, token.where, token.scopes or None, store, config.timeout)


class _CallbackBrowser(webbrowser.BaseBrowser):
    """A `webbrowser` entry that shows the address and opens it (or hands it to a test's callback)."""

    def __init__(self, open_url: Callable[[str], Any] | None, show_url: Callable[[str], Any] | None,
                 use_system: bool) -> None:
        super().__init__("introstudio")
        self.open_url, self.show_url, self.use_system = open_url, show_url, use_system

    def open(self, url: str, new: int = 0, autoraise: bool = True) -> bool:
        if self.show_url is not None:
            self.show_url(url)
        if self.open_url is not None:
            self.open_url(url)
        elif self.use_system:
            try:
                webbrowser.open(url, new=1)
            except webbrowser.Error:
                log.info("no browser could be opened; the user follows the shown address")
        return True


def sign_in(client: ClientInfo, scopes: Sequence[str], store: TokenStore, open_browser: bool = True,
            show_url: Callable[[str], Any] | None = None, open_url: Callable[[str], Any] | None = None,
            timeout: float = 300.0) -> StoredToken:
    """Run the browser sign-in and keep the refresh token; raises before the browser if it cannot be kept."""
    store.check_writable()
    from google_auth_oauthlib.flow import InstalledAppFlow, WSGITimeoutError

    flow = InstalledAppFlow.from_client_config(client.flow_config(), scopes=list(scopes))
    name = f"introstudio-sign-in-{next(_browser_ids)}"
    webbrowser.register(name, None, _CallbackBrowser(open_url, show_url, open_browser))
    try:
        creds = flow.run_local_server(host="127.0.0.1", port=0, open_browser=True, browser=name,
                                      authorization_prompt_message=None, success_message=SUCCESS_PAGE,
                                      timeout_seconds=int(timeout), access_type="offline", prompt="consent")
    except WSGITimeoutError as exc:
        raise PublishError("The YouTube sign-in was not finished in time.",
                           "Run `introstudio auth login` again and complete the steps in the browser.") from exc
    except Exception as exc:  # noqa: BLE001 - oauthlib raises many types; none should show a traceback
        text = str(exc).replace(client.client_secret, "[REDACTED]") if client.client_secret else str(exc)
        raise PublishError(f"The YouTube sign-in failed: {text or type(exc).__name__}",
                           "Try again; if it keeps failing, check the OAuth client file with your IT team.") from exc
    if not creds.refresh_token:
        raise PublishError("Google did not return a refresh token, so the sign-in could not be kept.",
                           "Remove IntroStudio at https://myaccount.google.com/permissions and sign in again.")
    granted = creds.granted_scopes or list(scopes)
    if isinstance(granted, str):
        granted = granted.split()
    token = StoredToken(creds.refresh_token, tuple(sorted(granted)))
    where = store.save(token)
    return StoredToken(token.refresh_token, token.scopes, where)


@dataclass(frozen=True)
class AuthStatus:
    """What `introstudio auth status` reports; never holds a secret."""

    signed_in: bool
    source: str
    client_id: str = ""
    scopes: tuple[str, ...] = ()
    valid: bool | None = None  # None = not checked
    detail: str = ""


def auth_status(config: ApiConfig, token_file: Path | None, check: bool = True) -> AuthStatus:
    """Whether publishing would be authorised, checking the stored sign-in with a token refresh."""
    if config.access_token:
        return AuthStatus(True, "environment", detail=f"using the access token in {ENV_ACCESS_TOKEN}")
    client = load_client_secrets(config.client_secrets)
    store = TokenStore(client.client_id, token_file)
    token = store.load()
    if token is None:
        return AuthStatus(False, "", client.client_id, detail="not signed in")
    if not check:
        return AuthStatus(True, token.where, client.client_id, token.scopes)
    session = open_session(config, token_file, ())
    try:
        session.refresh()
    except SignInExpiredError as exc:
        return AuthStatus(False, token.where, client.client_id, token.scopes, False, exc.message)
    except Exception as exc:  # noqa: BLE001 - offline: report, do not fail
        return AuthStatus(True, token.where, client.client_id, token.scopes, None, f"not checked: {exc}")
    return AuthStatus(True, token.where, client.client_id, token.scopes, True, "the sign-in works")


@dataclass(frozen=True)
class LogoutResult:
    revoked: bool
    removed_from: tuple[str, ...]
    detail: str = ""


def logout(config: ApiConfig, token_file: Path | None) -> LogoutResult:
    """Revoke the refresh token at Google, then delete it from the keyring (and any file)."""
    client = load_client_secrets(config.client_secrets)
    store = TokenStore(client.client_id, token_file)
    token = store.load()
    if token is None:
        return LogoutResult(False, (), "IntroStudio was not signed in.")
    revoked, detail = revoke(client, token.refresh_token, config.timeout)
    removed = tuple(store.delete())
    return LogoutResult(revoked, removed, detail)


def revoke(client: ClientInfo, token: str, timeout: float) -> tuple[bool, str]:
    """POST the token to the revocation endpoint; (True, "") when Google no longer honours it."""
    http = build_http(timeout)
    try:
        resp, content = http.request(client.revoke_uri, "POST", body=urlencode({"token": token}),
                                     headers={"Content-Type": "application/x-www-form-urlencoded"})
    except Exception as exc:  # noqa: BLE001 - offline logout still deletes the local copy
        return False, (f"Could not reach Google to revoke the sign-in ({type(exc).__name__}); it was deleted here. "
                       "Remove IntroStudio at https://myaccount.google.com/permissions to revoke it.")
    if resp.status == 200:
        return True, ""
    if resp.status == 400 and b"invalid_token" in content:
        return True, "the token was already revoked"
    return False, f"Google answered {resp.status} to the revocation; the sign-in was deleted here anyway."
