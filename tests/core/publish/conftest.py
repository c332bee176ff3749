"""Fixtures for the publish tests: the fake YouTube server, a project with an export, an in-memory keyring."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
if str(ROOT) not in sys.path:  # `tests.fakes` lives beside the tests, not in the installed package
    sys.path.insert(0, str(ROOT))

from tests.fakes.publishing import TOKEN, Exported, make_project  # noqa: E402


@pytest.fixture
def exported(tmp_path) -> Exported:
    return make_project(tmp_path / "lopez")


@pytest.fixture
def memory_keyring():
    """A keyring backend in memory, registered for the test only."""
    import keyring
    import keyring.backend
    import keyring.errors

    class MemoryKeyring(keyring.backend.KeyringBackend):
        priority = 1

        def __init__(self) -> None:
            super().__init__()
            self.entries: dict[tuple[str, str], str] = {}

        def get_password(self, service: str, username: str) -> str | None:
            return self.entries.get((service, username))

        def set_password(self, service: str, username: str, password: str) -> None:
            self.entries[(service, username)] = password

        def delete_password(self, service: str, username: str) -> None:
            if self.entries.pop((service, username), None) is None:
                raise keyring.errors.PasswordDeleteError("not found")

    previous = keyring.get_keyring()
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    yield backend
    keyring.set_keyring(previous)


@pytest.fixture
def config(yt):
    from introstudio.core.publish.client import ApiConfig

    return ApiConfig(api_root=yt.url, access_token=TOKEN, timeout=1.0)


@pytest.fixture
def signed_in(yt, tmp_path, memory_keyring):
    """An OAuth client file pointing at the fake server and a refresh token already in the keyring."""
    import json

    from introstudio.core.publish.client import ApiConfig
    from introstudio.core.publish.tokens import StoredToken, TokenStore
    from tests.fakes.youtube_state import ALL_SCOPES, Grant

    client = yt.client_file_config()
    file = tmp_path / "client_secret.json"
    file.write_text(json.dumps(client), encoding="utf-8")
    client_id = client["installed"]["client_id"]
    refresh = "1//stored-refresh-token-for-tests"
    yt.state.grants[refresh] = Grant(refresh, client_id, ALL_SCOPES)
    TokenStore(client_id).save(StoredToken(refresh, ALL_SCOPES))
    return ApiConfig(api_root=yt.url, client_secrets=str(file), timeout=1.0)
