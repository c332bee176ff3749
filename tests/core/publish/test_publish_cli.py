"""`introstudio publish` and `introstudio auth` in-process: confirmation, public double check, output."""

from __future__ import annotations

import io
import json
from datetime import datetime, timedelta, timezone

import pytest

from tests.fakes.publishing import CHUNK, TITLE, TOKEN, assert_one_good_video


@pytest.fixture
def env(yt, monkeypatch):

    monkeypatch.setenv("INTROSTUDIO_YOUTUBE_API_ROOT", yt.url)
    monkeypatch.setenv("INTROSTUDIO_YOUTUBE_ACCESS_TOKEN", TOKEN)
    return yt


def _stdin(monkeypatch, text: str) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO(text))


def test_no_answer_uploads_nothing(cli, env, exported, monkeypatch):
    _stdin(monkeypatch, "")
    r = cli("publish", exported.pf.folder)
    assert r.code == 1 and "Nothing was uploaded" in r.err
    assert TITLE in r.out and "private" in r.out  # the preview came first
    assert env.state.log == []


def test_yes_at_the_prompt_uploads_and_prints_the_address(cli, env, exported, home, monkeypatch):
    _stdin(monkeypatch, "y\n")
    r = cli("publish", exported.pf.folder, "--chunk-size", CHUNK)
    assert r.code == 0, r.err
    video = env.state.only_video()
    assert f"Uploaded: https://youtu.be/{video.id} (private)" in r.out
    assert f"https://studio.youtube.com/video/{video.id}/edit" in r.out
    assert "Captions: uploaded. Thumbnail: set." in r.out
    from introstudio.core.project import open_project

    exported.pf = open_project(exported.pf.folder)
    assert_one_good_video(env, exported)
    text = exported.pf.file.read_text()
    assert TOKEN not in text and "ya29." not in text  # no secret in the project
    log = (home / "logs" / "introstudio.log").read_text()
    assert "upload complete" in log and TOKEN not in log and video.id in log


def test_public_needs_a_second_confirmation(cli, env, exported, monkeypatch):
    _stdin(monkeypatch, "")
    r = cli("publish", exported.pf.folder, "--privacy", "public", "--yes")
    assert r.code == 2 and "second confirmation" in r.err and "--confirm-public" in r.err
    assert env.state.log == []
    r = cli("publish", exported.pf.folder, "--privacy", "public", "--yes", "--confirm-public", "--json",
            "--chunk-size", CHUNK)
    assert r.code == 0, r.err
    report = r.json()
    assert report["privacy_requested"] == "public" and report["complete"] and report["url"].startswith("https://youtu.be/")
    assert env.state.only_video().body["status"]["privacyStatus"] == "public"


def test_json_without_yes_refuses(cli, env, exported, monkeypatch):
    _stdin(monkeypatch, "y\n")
    r = cli("publish", exported.pf.folder, "--json")
    assert r.code == 1 and "--yes" in r.err and env.state.log == []


def test_bad_metadata_is_reported_before_the_prompt(cli, env, exported, monkeypatch):
    exported.pf.project.publish.tags = ["x" * 300, "y" * 300]
    exported.pf.save()
    r = cli("publish", exported.pf.folder, "--yes")
    assert r.code == 2 and "tags add up to 601 characters" in r.err


def test_queued_publish_runs_after_the_reset(cli, env, exported, home, monkeypatch):
    from introstudio.core.publish.quota import PublishQueue, QuotaLedger

    ledger = QuotaLedger(home / "config" / "youtube" / "quota.json")
    ledger.mark_exhausted()
    r = cli("publish", exported.pf.folder, "--yes", "--chunk-size", CHUNK)
    assert r.code == 2 and "queued for after YouTube's daily reset" in r.err and env.state.log == []
    queue = PublishQueue(home / "config" / "youtube" / "queue.json")
    r = cli("publish", "--queued", "--json")
    assert r.json()["published"] == [] and len(r.json()["waiting"]) == 1
    (home / "config" / "youtube" / "quota.json").unlink()  # the reset came
    entry = queue.entries()[0]
    queue.add(entry.project, entry.privacy, datetime.now(timezone.utc) - timedelta(seconds=1))
    r = cli("publish", "--queued", "--json")
    assert r.code == 0, r.err
    assert r.json()["published"][0]["ok"] and queue.entries() == []
    assert env.state.only_video().sha256 == exported.sha256


def test_auth_status_with_an_environment_token(cli, env):
    r = cli("auth", "status", "--json")
    assert r.code == 0 and r.json()["source"] == "environment" and r.json()["api_root"] == env.url
    assert TOKEN not in r.out


def test_auth_login_without_a_client_file_explains(cli, monkeypatch):

    r = cli("auth", "login", "--no-browser")
    assert r.code == 2 and "No OAuth client file" in r.err and "--client-secrets" in r.err


def test_auth_login_with_client_file_remembers_its_path(cli, yt, tmp_path, home, monkeypatch, memory_keyring):
    """`auth login --client-secrets FILE` keeps only the path in settings and the token in the keyring."""
    import threading
    import urllib.request

    from introstudio.core.settings import load_settings

    monkeypatch.setenv("OAUTHLIB_INSECURE_TRANSPORT", "1")
    client = tmp_path / "client.json"
    client.write_text(json.dumps(yt.client_file_config()))

    def browser(url: str, new: int = 0, autoraise: bool = True) -> bool:
        threading.Thread(target=lambda: urllib.request.urlopen(url, timeout=10).read(), daemon=True).start()
        return True

    monkeypatch.setattr("webbrowser.open", browser)
    r = cli("auth", "login", "--client-secrets", client, "--json")
    assert r.code == 0, r.err
    assert "keyring" in r.json()["stored_in"]
    settings = load_settings(home / "config" / "settings.toml")
    assert settings.youtube_client_secrets == str(client)
    assert "GOCSPX" not in (home / "config" / "settings.toml").read_text()
    r = cli("auth", "logout", "--json")
    assert r.json()["revoked"] and not memory_keyring.entries
