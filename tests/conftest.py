"""Shared fixtures: an isolated IntroStudio home and an in-process CLI runner."""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # `tests.fakes` lives beside the tests, not in the installed package
    sys.path.insert(0, str(ROOT))


@dataclass
class CliResult:
    code: int
    out: str
    err: str

    def json(self):
        return json.loads(self.out)


@pytest.fixture
def home(tmp_path) -> Path:
    """Settings, logs and cache for one test, never the developer's own."""
    h = tmp_path / "home"
    h.mkdir()
    return h


@pytest.fixture
def cli(home, capsys):
    """Run `introstudio ARGS...` in this process and return its exit code and output."""
    from introstudio.cli import main

    def run(*args: str | Path) -> CliResult:
        code = main(["--home", str(home), *[str(a) for a in args]])
        captured = capsys.readouterr()
        return CliResult(code, captured.out, captured.err)

    return run


def _fake_youtube() -> Iterator:
    from tests.fakes.publishing import TOKEN
    from tests.fakes.youtube_server import FakeYouTubeServer

    with FakeYouTubeServer() as server:
        server.state.add_access_token(TOKEN)
        yield server


@pytest.fixture
def yt() -> Iterator:
    """The local YouTube stand-in (real HTTP on 127.0.0.1, the real client talks to it), test token accepted."""
    yield from _fake_youtube()


@pytest.fixture
def yt_env(monkeypatch) -> Iterator:
    """The stand-in, with the environment pointing the CLI and the app at it (as `yt` in GUI/CLI tests)."""
    from introstudio.core.publish.client import ENV_ACCESS_TOKEN, ENV_API_ROOT
    from tests.fakes.publishing import TOKEN

    for server in _fake_youtube():
        monkeypatch.setenv(ENV_API_ROOT, server.url)
        monkeypatch.setenv(ENV_ACCESS_TOKEN, TOKEN)
        yield server
