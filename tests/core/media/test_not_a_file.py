"""Pipes, devices, sockets and folders given as footage are refused at once, never opened or waited on."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from introstudio.core.errors import MediaError
from introstudio.core.media.importing import check_importable, copy_into_project

pytestmark = pytest.mark.skipif(os.name == "nt", reason="named pipes, /dev and Unix sockets are POSIX")


@pytest.fixture
def specials(tmp_path) -> dict[str, Path]:
    fifo = tmp_path / "take1.mp4"  # a FIFO with a video name: what a user or a script could pass
    os.mkfifo(fifo)
    sock_path = tmp_path / "live.sock"
    sock = socket.socket(socket.AF_UNIX)
    sock.bind(str(sock_path))
    yield {"fifo": fifo, "zero": Path("/dev/zero"), "null": Path("/dev/null"), "socket": sock_path,
           "folder": tmp_path}
    sock.close()


WORDS = {"fifo": "named pipe", "zero": "device", "null": "device", "socket": "socket", "folder": "folder"}


@pytest.mark.parametrize("kind", sorted(WORDS))
def test_refused_with_what_it_is(specials, kind):
    started = time.monotonic()
    with pytest.raises(MediaError) as info:
        check_importable(specials[kind])
    assert time.monotonic() - started < 2
    err = info.value
    assert WORDS[kind] in err.message and "not a video file" in err.message
    assert err.hint


@pytest.mark.parametrize("kind", ["fifo", "zero"])
def test_copy_refuses_too(specials, tmp_path, kind):
    media = tmp_path / "media"
    with pytest.raises(MediaError, match=WORDS[kind]):
        copy_into_project(specials[kind], media)
    assert not media.exists() or list(media.iterdir()) == []


def test_cli_import_of_a_fifo_returns_at_once(specials, tmp_path):
    """The whole `introstudio import` in its own process: a FIFO nobody writes to must not hang it."""
    home = tmp_path / "home"
    script = tmp_path / "script.txt"
    script.write_text("Hello, I am Sam.\n", encoding="utf-8")
    exe = [sys.executable, "-m", "introstudio", "--home", str(home)]
    new = subprocess.run([*exe, "new", str(tmp_path / "p"), "--name", "Sam Lee", "--script-file", str(script)],
                         capture_output=True, text=True, timeout=120, check=False)
    assert new.returncode == 0, new.stderr
    started = time.monotonic()
    r = subprocess.run([*exe, "import", str(tmp_path / "p"), str(specials["fifo"]), "/dev/zero"],
                       capture_output=True, text=True, timeout=60, check=False)
    assert time.monotonic() - started < 30
    assert r.returncode == 2, r.stderr
    assert "named pipe" in r.stderr and "hint:" in r.stderr and "bug" not in r.stderr.lower()
    assert not list((tmp_path / "p" / "media").iterdir())
