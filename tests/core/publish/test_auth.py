"""Sign-in end to end against the fake OAuth server: browser flow with PKCE on a free loopback port,
the refresh token only in the keyring, refresh of expired tokens, invalid_grant, logout revokes."""

from __future__ import annotations

import json
import stat
import threading
import urllib.request
from urllib.parse import parse_qs, urlsplit

import pytest

from introstudio.core.publish.auth import (
    SCOPE_FORCE_SSL,
    SCOPE_UPLOAD,
    auth_status,
    load_client_secrets,
    logout,
    open_session,
    scopes_for,
    sign_in,
)
from introstudio.core.publish.client import ApiConfig, api_config_from, build_service
from introstudio.core.publish.errors import (
    ClientSecretsError,
    KeyringUnavailableError,
    NotSignedInError,
    SignInExpiredError,
)
from introstudio.core.publish.publish import connector
from introstudio.core.publish.tokens import KEYRING_SERVICE, TokenStore, keyring_key
from tests.fakes.publishing import assert_one_good_video, run_publish


@pytest.fixture
def client_file(yt, tmp_path, monkeypatch):
    monkeypatch.setenv("OAUTHLIB_INSECURE_TRANSPORT", "1")  # the fake token endpoint is http on 127.0.0.1
    file = tmp_path / "client_secret_desktop.json"
    file.write_text(json.dumps(yt.client_file_config()), encoding="utf-8")
    return file


class Browser:
    """Plays the user: opens the authorization address and follows the redirect to the app's loopback."""

    def __init__(self) -> None:
        self.urls: list[str] = []
        self.pages: list[str] = []
        self.threads: list[threading.Thread] = []

    def __call__(self, url: str) -> None:
        self.urls.append(url)

        def visit() -> None:
            with urllib.request.urlopen(url, timeout=10) as response:  # follows the 302 to 127.0.0.1:<port>
                self.pages.append(response.read().decode())

        thread = threading.Thread(target=visit, daemon=True)  # the app serves the redirect after open()
        thread.start()
        self.threads.append(thread)

    def join(self) -> None:
        for t in self.threads:
            t.join(timeout=10)


def _login(client_file, tmp_path, captions: bool = True) -> tuple[Browser, object]:
    client = load_client_secrets(client_file)
    browser = Browser()
    token = sign_in(client, scopes_for(captions), TokenStore(client.client_id, tmp_path / "token.json"),
                    open_browser=False, open_url=browser, timeout=20)
    browser.join()
    return browser, token


def test_sign_in_end_to_end_keeps_only_the_refresh_token_in_the_keyring(yt, client_file, tmp_path, memory_keyring):
    browser, token = _login(client_file, tmp_path)
    query = parse_qs(urlsplit(browser.urls[0]).query)
    redirect = urlsplit(query["redirect_uri"][0])
    assert redirect.hostname == "127.0.0.1" and redirect.port not in (None, 8080)  # a free port (port 0)
    assert query["code_challenge_method"] == ["S256"] and query["access_type"] == ["offline"]
    assert set(query["scope"][0].split()) == {SCOPE_UPLOAD, SCOPE_FORCE_SSL}
    assert "signed in to YouTube" in browser.pages[0]
    assert yt.state.token_grants == ["authorization_code"]  # the server checked the PKCE verifier

    (issued,) = yt.state.grants  # the refresh token the server handed out
    client_id = yt.client_file_config()["installed"]["client_id"]
    stored = json.loads(memory_keyring.entries[(KEYRING_SERVICE, keyring_key(client_id))])
    assert stored == {"refresh_token": issued, "scopes": sorted([SCOPE_FORCE_SSL, SCOPE_UPLOAD])}
    assert "keyring" in token.where and not (tmp_path / "token.json").exists()  # nothing in plain text
    assert issued not in repr(token)


def test_upload_only_sign_in_asks_for_upload_scope_only(yt, client_file, tmp_path, memory_keyring):
    browser, _ = _login(client_file, tmp_path, captions=False)
    assert parse_qs(urlsplit(browser.urls[0]).query)["scope"] == [SCOPE_UPLOAD]
    config = ApiConfig(api_root=yt.url, client_secrets=str(client_file), timeout=2.0)
    with pytest.raises(Exception, match="does not allow uploading captions"):
        open_session(config, None, scopes_for(True))
    assert open_session(config, None, scopes_for(False)).has_scopes([SCOPE_UPLOAD])


def test_signed_in_publish_then_expired_access_token_is_refreshed(yt, exported, client_file, tmp_path,
                                                                   memory_keyring):
    _login(client_file, tmp_path)
    config = ApiConfig(api_root=yt.url, client_secrets=str(client_file), timeout=2.0)
    run_publish(exported, config, tmp_path)
    assert_one_good_video(yt, exported)
    assert yt.state.token_grants == ["authorization_code", "refresh_token"]  # access token from the keyring's

    api = connector(config, None, None)(scopes_for(True))
    api.auth.ensure_valid()
    yt.state.expire_access_tokens()  # the hour is up
    from introstudio.core.jobs import run_job

    video_id = exported.pf.project.publish.video_id
    listing = run_job(api.execute("videos.list", lambda: api.service.videos().list(part="status", id=video_id)))
    assert listing["items"][0]["id"] == video_id
    assert yt.state.token_grants.count("refresh_token") == 3  # one more, after the 401

    yt.state.token_lifetime = 30  # tokens that google-auth already considers expired: refreshed before use
    api.auth.refresh()
    before = yt.state.token_grants.count("refresh_token")
    run_job(api.execute("videos.list", lambda: api.service.videos().list(part="status", id=video_id)))
    assert yt.state.token_grants.count("refresh_token") == before + 1


def test_revoked_sign_in_says_sign_in_again_and_mentions_testing_mode(yt, exported, client_file, tmp_path,
                                                                      memory_keyring):
    _login(client_file, tmp_path)
    for grant in yt.state.grants.values():
        grant.revoked = True  # e.g. 7 days passed with the consent screen in Testing
    config = ApiConfig(api_root=yt.url, client_secrets=str(client_file), timeout=2.0)
    with pytest.raises(SignInExpiredError) as info:
        run_publish(exported, config, tmp_path)
    assert "invalid_grant" in info.value.message and "introstudio auth login" in info.value.hint
    assert "7 days" in info.value.hint and "Testing" in info.value.hint
    assert not memory_keyring.entries and not yt.state.videos  # the dead token is forgotten, nothing sent
    with pytest.raises(NotSignedInError):
        open_session(config, None, scopes_for(True))


def test_status_and_logout_revoke_and_delete(yt, client_file, tmp_path, memory_keyring):
    config = ApiConfig(api_root=yt.url, client_secrets=str(client_file), timeout=2.0)
    assert auth_status(config, None).signed_in is False
    _login(client_file, tmp_path)
    status = auth_status(config, None)
    assert status.signed_in and status.valid is True and "keyring" in status.source
    (issued,) = yt.state.grants
    result = logout(config, None)
    assert result.revoked and yt.state.revoked == [issued] and yt.state.grants[issued].revoked
    assert result.removed_from and not memory_keyring.entries
    assert auth_status(config, None).signed_in is False
    assert logout(config, None).detail == "IntroStudio was not signed in."


def test_no_keyring_refuses_before_the_browser_unless_a_file_is_allowed(yt, client_file, tmp_path):
    import keyring
    from keyring.backends import fail

    previous = keyring.get_keyring()
    keyring.set_keyring(fail.Keyring())
    try:
        client = load_client_secrets(client_file)
        browser = Browser()
        with pytest.raises(KeyringUnavailableError, match="nowhere safe") as info:
            sign_in(client, scopes_for(True), TokenStore(client.client_id, tmp_path / "token.json"),
                    open_browser=False, open_url=browser, timeout=5)
        assert not browser.urls and "--store-in-file" in info.value.hint
        token = sign_in(client, scopes_for(True), TokenStore(client.client_id, tmp_path / "token.json",
                                                             allow_file=True), open_browser=False, open_url=browser,
                        timeout=20)
        browser.join()
        file = tmp_path / "token.json"
        assert stat.S_IMODE(file.stat().st_mode) == 0o600
        assert json.loads(file.read_text())[client.client_id]["refresh_token"] == token.refresh_token
        config = ApiConfig(api_root=yt.url, client_secrets=str(client_file), timeout=2.0)
        assert logout(config, file).revoked and not file.exists()
    finally:
        keyring.set_keyring(previous)


def test_environment_token_is_used_as_is(yt, exported, config, tmp_path):
    assert config.access_token and open_session(config, None, scopes_for(True)).source == "environment"
    run_publish(exported, config, tmp_path)
    assert_one_good_video(yt, exported)
    assert yt.state.token_grants == []  # no sign-in, no refresh


def test_api_config_reads_the_environment_and_refuses_plain_http_to_other_hosts():
    class S:
        youtube_client_secrets = "/etc/org/client.json"

    config = api_config_from(S(), {"INTROSTUDIO_YOUTUBE_API_ROOT": "http://127.0.0.1:9/",
                                   "INTROSTUDIO_YOUTUBE_ACCESS_TOKEN": " ya29.abc "})
    assert config.root == "http://127.0.0.1:9/" and config.access_token == "ya29.abc"
    assert config.client_secrets == "/etc/org/client.json" and "ya29" not in repr(config)
    assert api_config_from(S(), {}).root == "https://youtube.googleapis.com/"
    with pytest.raises(Exception, match="plain http"):
        api_config_from(S(), {"INTROSTUDIO_YOUTUBE_API_ROOT": "http://proxy.example.org/"})


def test_bad_client_files_are_explained(tmp_path):
    with pytest.raises(ClientSecretsError, match="No OAuth client file"):
        load_client_secrets("")
    web = tmp_path / "web.json"
    web.write_text(json.dumps({"web": {"client_id": "x"}}))
    with pytest.raises(ClientSecretsError, match="Web application client"):
        load_client_secrets(web)


@pytest.mark.parametrize("root", ["http://127.0.0.1:8765/", "https://proxy.example.org/yt/"])
def test_rooted_discovery_moves_uploads_where_client_options_does_not(root):
    """The measured reason for re-rooting the discovery document instead of using client_options."""
    from googleapiclient.discovery import build_from_document
    from googleapiclient.http import HttpMock, MediaInMemoryUpload

    from introstudio.core.publish.client import load_discovery

    media = MediaInMemoryUpload(b"x" * 10, mimetype="video/mp4", resumable=True)
    ours = build_service(HttpMock(), root)
    assert ours.videos().list(part="id", id="x").uri.startswith(root + "youtube/v3/videos?")
    assert ours.videos().insert(part="snippet", body={}, media_body=media).uri.startswith(
        root + "upload/youtube/v3/videos?")
    theirs = build_from_document(load_discovery(), http=HttpMock(), client_options={"api_endpoint": root})
    assert theirs.videos().list(part="id", id="x").uri.startswith(root + "youtube/v3/videos?")
    upload = theirs.videos().insert(part="snippet", body={}, media_body=media).uri
    assert not upload.startswith(root)  # uploads are forced to https and lose the endpoint's path
