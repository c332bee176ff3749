"""Where the YouTube refresh token lives: the OS keyring, or (only when the user asks) a 0600 file."""

from __future__ import annotations

import json
import logging
import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from introstudio.core.project.atomic import fsync_dir
from introstudio.core.publish.errors import KeyringUnavailableError

log = logging.getLogger(__name__)

KEYRING_SERVICE = "IntroStudio"


@dataclass(frozen=True)
class StoredToken:
    """The only secret IntroStudio keeps: a refresh token, with the scopes Google granted to it."""

    refresh_token: str = field(repr=False)
    scopes: tuple[str, ...] = ()
    where: str = ""

    def to_json(self) -> str:
        return json.dumps({"refresh_token": self.refresh_token, "scopes": list(self.scopes)})

    @classmethod
    def from_json(cls, text: str, where: str) -> StoredToken | None:
        try:
            data = json.loads(text)
        except ValueError:
            return StoredToken(text, (), where) if text.strip() else None  # a bare token also works
        if not isinstance(data, dict) or not data.get("refresh_token"):
            return None
        return cls(str(data["refresh_token"]), tuple(str(s) for s in data.get("scopes", [])), where)


def keyring_key(client_id: str) -> str:
    """The keyring user name: one sign-in per OAuth client (per organisation)."""
    return f"youtube:{client_id}"


def keyring_backend() -> tuple[object | None, str]:
    """(backend, name) of the usable keyring, or (None, why not)."""
    try:
        import keyring
        from keyring.backends import chainer, fail
    except Exception as exc:  # noqa: BLE001 - a broken keyring install is "no keyring"
        return None, f"keyring cannot be loaded ({exc})"
    backend = keyring.get_keyring()
    cls = type(backend)
    name = cls.__module__.rsplit(".", 1)[-1] if cls.__name__ in ("Keyring", "ChainerBackend") else cls.__name__
    if isinstance(backend, fail.Keyring):
        return None, "no system keyring was found"
    if isinstance(backend, chainer.ChainerBackend) and not backend.backends:
        return None, "no system keyring was found"
    try:
        if float(backend.priority) < 0:  # the null backend
            return None, f"the keyring backend {name} does not store anything"
    except Exception:  # noqa: BLE001 - priority may be a property that probes the system
        pass
    return backend, name


class TokenStore:
    """Keeps one OAuth client's refresh token in the keyring; a plain file only if `allow_file`."""

    def __init__(self, client_id: str, file: Path | None = None, allow_file: bool = False) -> None:
        self.client_id = client_id
        self.file = file
        self.allow_file = allow_file

    def load(self) -> StoredToken | None:
        backend, name = keyring_backend()
        if backend is not None:
            try:
                text = backend.get_password(KEYRING_SERVICE, keyring_key(self.client_id))
            except Exception as exc:  # noqa: BLE001 - locked or broken keyrings raise many types
                raise KeyringUnavailableError(f"The system keyring ({name}) cannot be read: {exc}",
                                              "Unlock the keyring (log in to the desktop session) and try again.")
            if text:
                return StoredToken.from_json(text, f"system keyring ({name})")
        return self._load_file()

    def check_writable(self) -> str:
        """Where a new token would go; raises before a sign-in whose token could not be kept."""
        backend, why = keyring_backend()
        if backend is not None:
            return f"system keyring ({why})"
        if self.allow_file and self.file is not None:
            return f"file {self.file} (readable only by you)"
        raise KeyringUnavailableError(
            f"There is nowhere safe to keep the YouTube sign-in: {why}.",
            "Install or unlock a system keyring (GNOME Keyring, KWallet, macOS Keychain, Windows Credential "
            "Manager); or sign in with --store-in-file to keep it in a file only you can read; or, for "
            "automation, give an access token in INTROSTUDIO_YOUTUBE_ACCESS_TOKEN.")

    def save(self, token: StoredToken) -> str:
        where = self.check_writable()
        backend, _ = keyring_backend()
        if backend is not None:
            backend.set_password(KEYRING_SERVICE, keyring_key(self.client_id), token.to_json())
            self._delete_file()  # never keep a plain copy once the keyring has it
        else:
            self._write_file(token)
        log.info("YouTube sign-in stored in %s", where)
        return where

    def delete(self) -> list[str]:
        """Remove the token everywhere it is; returns where it was."""
        removed = []
        backend, name = keyring_backend()
        if backend is not None:
            try:
                if backend.get_password(KEYRING_SERVICE, keyring_key(self.client_id)) is not None:
                    backend.delete_password(KEYRING_SERVICE, keyring_key(self.client_id))
                    removed.append(f"system keyring ({name})")
            except Exception as exc:  # noqa: BLE001
                log.warning("could not delete the keyring entry: %s", exc)
        if self._delete_file():
            removed.append(f"file {self.file}")
        return removed

    def _load_file(self) -> StoredToken | None:
        if self.file is None or not self.file.is_file():
            return None
        try:
            data = json.loads(self.file.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        entry = data.get(self.client_id) if isinstance(data, dict) else None
        return StoredToken.from_json(json.dumps(entry), f"file {self.file}") if entry else None

    def _write_file(self, token: StoredToken) -> None:
        assert self.file is not None
        data: dict = {}
        if self.file.is_file():
            try:
                data = json.loads(self.file.read_text(encoding="utf-8"))
            except (OSError, ValueError):
                data = {}
        data[self.client_id] = json.loads(token.to_json())
        _write_private(self.file, json.dumps(data, indent=2) + "\n")

    def _delete_file(self) -> bool:
        if self.file is None or not self.file.is_file():
            return False
        try:
            data = json.loads(self.file.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            data = {}
        if not isinstance(data, dict) or self.client_id not in data:
            return False
        del data[self.client_id]
        if data:
            _write_private(self.file, json.dumps(data, indent=2) + "\n")
        else:
            self.file.unlink(missing_ok=True)
        return True


def _write_private(path: Path, text: str) -> None:
    """Atomic write of a file that is mode 0600 from its first byte."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)  # 0600
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    fsync_dir(path.parent)
