"""Real media for the media tests, made once per session with the bundled ffmpeg (tiny and fast)."""

from __future__ import annotations

from pathlib import Path

import pytest

from introstudio.core.media import testmedia

# name -> make_clip keyword arguments
CLIPS: dict[str, dict] = {
    "cfr": {},
    "rot90": {"rotation": 90, "audio": False},
    "rot180": {"rotation": 180, "audio": False},
    "rot270": {"rotation": 270, "audio": False},
    "vfr": {"vfr": True, "seconds": 3.0},
    "ntsc": {"fps": 30000 / 1001, "seconds": 2.0, "audio": False},
    "tenbit": {"pix_fmt": "yuv420p10le", "audio": False},
    "silent": {"audio": False},
    "odd": {"size": (321, 241), "pix_fmt": "yuv444p", "audio": False},
}


@pytest.fixture(scope="session")
def media_dir(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("media")


@pytest.fixture(scope="session")
def clip(media_dir):
    """clip(name) -> path of that CLIPS entry, generated on first use (MKV when name ends in '.mkv')."""
    made: dict[str, Path] = {}

    def get(name: str) -> Path:
        if name not in made:
            base, _, ext = name.partition(".")
            made[name] = testmedia.make_clip(media_dir / f"{base}.{ext or 'mp4'}", **CLIPS[base])
        return made[name]

    return get


@pytest.fixture(scope="session")
def bad_corpus(tmp_path_factory) -> dict[str, Path]:
    return testmedia.make_bad_corpus(tmp_path_factory.mktemp("corpus"))
