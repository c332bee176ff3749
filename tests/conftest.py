"""Shared fixtures: an isolated IntroStudio home and an in-process CLI runner."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


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
