"""A wheel install works on its own: templates, brand kit and sample travel inside it (no repository needed)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import sysconfig
import venv
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]


@pytest.mark.slow
def test_wheel_in_a_fresh_venv_runs_demo_and_a_preview_export(tmp_path: Path) -> None:
    dist = tmp_path / "dist"
    subprocess.run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "--no-build-isolation", "-w", str(dist),
                    str(REPO)], check=True, capture_output=True, text=True)
    wheel = next(dist.glob("introstudio-*.whl"))
    env_dir = tmp_path / "venv"
    venv.EnvBuilder(with_pip=False).create(env_dir)
    python = env_dir / ("Scripts/python.exe" if os.name == "nt" else "bin/python")
    site = Path(subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                               check=True, capture_output=True, text=True).stdout.strip())
    # The dependencies (Qt, faster-whisper, ... several hundred MB) come from the test venv by path; its
    # editable IntroStudio does not, since .pth files on such a path are not run.
    (site / "deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    subprocess.run([sys.executable, "-m", "pip", "--python", str(python), "install", "-q", "--no-deps", str(wheel)],
                   check=True, capture_output=True, text=True)
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    env["QT_QPA_PLATFORM"] = "offscreen"

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([str(python), "-m", "introstudio", "--home", str(tmp_path / "home"), *args],
                              cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300)

    where = subprocess.run([str(python), "-c", "import introstudio.core.paths as p; print(p.RESOURCES_DIR)"],
                           cwd=tmp_path, env=env, capture_output=True, text=True, check=True).stdout.strip()
    assert Path(where).is_relative_to(site), where  # the wheel's own copy, not the repository's
    templates = run("templates")
    assert templates.returncode == 0 and "physician-intro" in templates.stdout, templates.stderr
    sample = tmp_path / "sample"
    demo = run("demo", "--where", str(sample), "--no-gui", "--json")
    assert demo.returncode == 0, demo.stderr
    assert json.loads(demo.stdout)["project"] == str(sample)
    render = run("render", str(sample), "--preset", "preview", "--json")
    assert render.returncode == 0, render.stderr + render.stdout
    exports = json.loads((sample / "project.json").read_text())["exports"]
    assert exports and (sample / exports[-1]["file"]).stat().st_size > 10_000
