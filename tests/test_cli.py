"""The `introstudio` command end to end: real templates, real ffmpeg footage, real project files."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from introstudio.core.media.testmedia import make_clip

LOPEZ = ["--name", "Maria Lopez", "--title", "Dr.", "--credentials", "MD, PhD", "--specialty", "Endocrinology",
         "--department", "Endocrinology, Diabetes and Metabolism", "--languages", "English and Spanish"]


@pytest.fixture(scope="module")
def clip(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("media") / "Dr O'Brien – Señora take.mp4"
    make_clip(path, seconds=2.0)
    return path


def test_new_script_import_info(cli, tmp_path, clip):
    proj = tmp_path / "lopez"
    r = cli("new", proj, *LOPEZ, "--template", "physician-intro")
    assert r.code == 0, r.err
    assert "Created the project for Maria Lopez" in r.out

    r = cli("script", proj, "--json")
    assert r.code == 0, r.err
    script = r.json()
    assert script["template"] == "physician-intro"
    assert 60 <= script["seconds"] <= 120
    text = " ".join(p["text"] for p in script["paragraphs"])
    assert "Lopez" in text and "Endocrinology" in text and "{" not in text

    r = cli("script", proj)
    assert "words, about" in r.out and "[1]" in r.out

    before = clip.read_bytes()
    r = cli("import", proj, clip, "--json")
    assert r.code == 0, r.err
    take = r.json()["takes"][0]
    assert take["id"] == 1 and Path(take["path"]).is_file()
    assert abs(take["media"]["duration"] - 2.0) < 0.15
    assert clip.read_bytes() == before  # the original is never modified

    r = cli("info", proj, "--json")
    info = r.json()
    assert info["clinician"]["credentials"] == "MD, PhD"
    assert len(info["takes"]) == 1
    r = cli("info", proj)
    assert "Dr. Maria Lopez, MD, PhD" in r.out and "320x240" in r.out


def test_own_script_file(cli, tmp_path):
    script = tmp_path / "mine.txt"
    script.write_text("Hello, I'm Sam.\n\nI treat knees.\n", encoding="utf-8")
    r = cli("new", tmp_path / "p", "--name", "Sam Lee", "--script-file", script)
    assert r.code == 0, r.err
    r = cli("script", tmp_path / "p", "--json")
    assert [p["text"] for p in r.json()["paragraphs"]] == ["Hello, I'm Sam.", "I treat knees."]


def test_missing_required_variable_names_it_and_creates_nothing(cli, tmp_path):
    r = cli("new", tmp_path / "p", "--name", "Sam Lee", "--template", "physician-intro")
    assert r.code == 2
    assert "specialty" in r.err and "hint:" in r.err
    assert "Traceback" not in r.err
    assert not (tmp_path / "p").exists()


def test_unknown_template_lists_the_real_ones(cli, tmp_path):
    r = cli("new", tmp_path / "p", "--name", "Sam Lee", "--template", "nope", "--json")
    assert r.code == 2
    err = r.json()
    assert err["ok"] is False and "physician-intro" in err["message"] + err["hint"]


def test_import_bad_file_says_what_and_keeps_project(cli, tmp_path, clip):
    proj = tmp_path / "p"
    assert cli("new", proj, *LOPEZ, "--template", "physician-intro").code == 0
    bad = tmp_path / "notes.mp4"
    bad.write_text("this is not a video")
    before = (proj / "project.json").read_bytes()
    r = cli("import", proj, clip, bad)
    assert r.code == 2
    assert "notes.mp4" in r.err and "nothing was imported" in r.err
    assert (proj / "project.json").read_bytes() == before
    assert list((proj / "media").iterdir()) == []


def test_info_on_a_folder_that_is_not_a_project(cli, tmp_path):
    r = cli("info", tmp_path)
    assert r.code == 2 and "not an IntroStudio project" in r.err


def test_templates_lists_all(cli):
    r = cli("templates", "--json")
    ids = {t["id"] for t in r.json()}
    assert {"physician-intro", "surgeon-intro", "app-intro", "pediatrician-intro", "physician-intro-es"} <= ids


def test_demo_creates_then_reopens_sample(cli, tmp_path):
    where = tmp_path / "Sample project"
    r = cli("demo", "--where", where, "--no-gui")
    assert r.code == 0, r.err
    assert "Dr. Maria Lopez" in r.out
    info = json.loads((where / "project.json").read_text(encoding="utf-8"))
    assert len(info["takes"]) == 1
    r = cli("demo", "--where", where, "--no-gui")  # again: reopened, not duplicated or overwritten
    assert r.code == 0
    assert len(json.loads((where / "project.json").read_text(encoding="utf-8"))["takes"]) == 1


def test_log_records_commands(cli, home, tmp_path):
    cli("info", tmp_path)
    log = (home / "logs" / "introstudio.log").read_text(encoding="utf-8")
    assert "introstudio" in log and "info" in log


def test_doctor_reports_every_part(cli):
    r = cli("doctor", "--json")
    report = r.json()
    names = {c["name"] for c in report["checks"]}
    assert {"ffmpeg", "whisper model", "faster-whisper", "qt", "keyring", "media probe", "folders"} <= names
    by = {c["name"]: c for c in report["checks"]}
    assert by["ffmpeg"]["status"] == "ok" and "libx264" in by["ffmpeg"]["detail"]
    assert by["whisper model"]["status"] == "ok"
    assert by["faster-whisper"]["status"] == "ok"
    assert by["qt"]["status"] in ("ok", "warn")  # warn: offscreen here, no camera
    for check in report["checks"]:
        if check["status"] != "ok":
            assert check["hint"], check
