"""The second caption engine: openai-whisper (PyTorch) on CPU, by default on the bundled tiny.en converted once.

`whisper.transcribe()` has no per-window callback, so it runs in a worker thread and reports through
the progress bar it already updates after every 30-second window: `whisper.transcribe`'s `tqdm` is
replaced once by a shim that forwards to a per-thread hook (other threads still get the real tqdm).
The job yields those reports; a cancel stops the worker at its next model step (forward pre-hooks).
"""

from __future__ import annotations

import os
import queue
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from types import SimpleNamespace
from typing import TYPE_CHECKING, Any

from introstudio.core.captions.engines.base import TranscribeOptions, Transcript
from introstudio.core.captions.cues import Word
from introstudio.core.errors import Cancelled, InvalidInputError, MediaError, NotFoundError, UserError
from introstudio.core.jobs import Job, Progress

if TYPE_CHECKING:
    import numpy

SAMPLE_RATE = 16_000
INSTALL_HINT = "pip install 'introstudio[openai-whisper]'"
_hook_state = threading.local()
_install_lock = threading.Lock()


@dataclass(frozen=True)
class CheckpointChoice:
    """Where the weights come from: a .pt file, a CTranslate2 folder to convert first, and a label."""

    label: str
    checkpoint: Path | None = None
    ct2_dir: Path | None = None
    alignment_heads: str | None = None  # base85 gzipped mask; None: take it from the checkpoint


def _import_whisper() -> Any:
    """`whisper`, or a UserError that says how to install the optional extra."""
    try:
        import torch  # noqa: F401
        import whisper
    except ImportError as exc:
        raise UserError(f"The openai-whisper engine is not installed ({exc.name} is missing).", INSTALL_HINT) from exc
    return whisper


def whisper_download_root() -> Path:
    """The folder openai-whisper downloads named models into (~/.cache/whisper, honouring XDG_CACHE_HOME)."""
    default = os.path.join(os.path.expanduser("~"), ".cache")
    return Path(os.getenv("XDG_CACHE_HOME", default)) / "whisper"


def default_cache_dir() -> Path:
    """Where converted checkpoints go when the caller gives no cache folder."""
    from introstudio.core.paths import AppPaths

    return AppPaths.for_user().cache_dir / "openai-whisper"


def resolve_model(model: str | None) -> CheckpointChoice:
    """Bundled tiny.en, a .pt checkpoint, a CTranslate2 Whisper folder, or a named model already downloaded."""
    if model is None:
        from introstudio.core.captions.models import BUNDLED_MODEL_NAME, bundled_model_path

        return CheckpointChoice(BUNDLED_MODEL_NAME, ct2_dir=bundled_model_path())
    path = Path(model).expanduser()
    if path.is_dir():
        if (path / "model.bin").is_file():
            return CheckpointChoice(path.name, ct2_dir=path)
        raise NotFoundError(f"{path} holds no model.bin.", "Pass a .pt checkpoint or a CTranslate2 Whisper folder.")
    if path.is_file():
        return CheckpointChoice(path.stem, checkpoint=path)
    whisper = _import_whisper()
    if model in whisper.available_models():
        local = whisper_download_root() / os.path.basename(whisper._MODELS[model])
        if local.is_file():
            heads = whisper._ALIGNMENT_HEADS[model].decode()
            return CheckpointChoice(model, checkpoint=local, alignment_heads=heads)
        raise NotFoundError(f"The openai-whisper model {model!r} is not in {local.parent}; IntroStudio never downloads.",
                            "Leave --model out to use the bundled tiny.en, or pass the path to a .pt checkpoint.")
    raise NotFoundError(f"No model file or folder {model!r}, and it is not an openai-whisper model name.",
                        f"Use a path, or one of: {', '.join(whisper.available_models())}.")


def load_whisper_model(checkpoint: Path, alignment_heads: str | None = None) -> Any:
    """A Whisper model on CPU from a checkpoint file, with its alignment heads (what `load_model` does for paths)."""
    _import_whisper()
    import torch
    from whisper.model import ModelDimensions, Whisper

    try:
        data = torch.load(checkpoint, map_location="cpu", weights_only=True)
        model = Whisper(ModelDimensions(**data["dims"]))
        model.load_state_dict(data["model_state_dict"])
    except Exception as exc:  # torch raises many kinds for a file that is not a checkpoint
        reason = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
        raise InvalidInputError(f"{checkpoint} is not an openai-whisper checkpoint ({reason}).",
                                "Pass a .pt file saved by openai-whisper, or a CTranslate2 Whisper folder.") from exc
    heads = alignment_heads or data.get("alignment_heads")
    if heads:
        model.set_alignment_heads(heads)
    return model.eval()


def load_audio(media: Path, start: float = 0.0, end: float | None = None) -> tuple[numpy.ndarray, float]:
    """16 kHz mono float32 of `media` between start and end (PyAV, no ffmpeg on PATH), and the file's duration."""
    if not Path(media).is_file():
        raise NotFoundError(f"No media file {media}.")
    from faster_whisper import decode_audio

    try:
        audio = decode_audio(str(media), sampling_rate=SAMPLE_RATE)
    except Exception as exc:  # PyAV's errors for unreadable media
        raise MediaError(f"Cannot read the audio of {media}: {exc}", "Check the file plays, and has sound.") from exc
    duration = len(audio) / SAMPLE_RATE
    first = max(0, round(start * SAMPLE_RATE))
    last = len(audio) if end is None else min(len(audio), round(end * SAMPLE_RATE))
    return audio[first:max(first, last)], duration


def _install_progress_shim(transcribe_module: Any) -> None:
    """Route `whisper.transcribe`'s progress bar to the calling thread's hook, once per process."""
    with _install_lock:
        if getattr(transcribe_module.tqdm, "introstudio_shim", False):
            return
        real_tqdm = transcribe_module.tqdm

        class HookBar:
            def __init__(self, hook: Any, total: int | None) -> None:
                self.hook, self.total, self.n = hook, total or 0, 0

            def __enter__(self) -> HookBar:
                return self

            def __exit__(self, *exc: object) -> None:
                return None

            def update(self, n: int = 1) -> None:
                self.n += n
                self.hook(self.n, self.total)

        def factory(*args: Any, **kwargs: Any) -> Any:
            hook = getattr(_hook_state, "hook", None)
            return HookBar(hook, kwargs.get("total")) if hook else real_tqdm.tqdm(*args, **kwargs)

        transcribe_module.tqdm = SimpleNamespace(tqdm=factory, introstudio_shim=True)


class OpenAIWhisperEngine:
    """openai-whisper behind the Engine protocol; loads (and if needed converts) its model on first use."""

    name = "openai-whisper"

    def __init__(self, model: str | None = None, cache_dir: Path | None = None) -> None:
        import importlib.util

        for module in ("torch", "whisper"):  # fail early, without importing torch yet
            if importlib.util.find_spec(module) is None:
                raise UserError(f"The openai-whisper engine is not installed ({module} is missing).", INSTALL_HINT)
        self._choice = resolve_model(model)
        self._cache_dir = Path(cache_dir) if cache_dir is not None else None
        self._model: Any = None
        self.model_label = self._choice.label

    def _cached_conversion(self) -> Path:
        from introstudio.core.captions.engines.ct2_convert import cached_checkpoint_path

        assert self._choice.ct2_dir is not None
        return cached_checkpoint_path(self._choice.ct2_dir, self._cache_dir or default_cache_dir())

    def _checkpoint(self) -> Path:
        if self._choice.checkpoint is not None:
            return self._choice.checkpoint
        from introstudio.core.captions.engines.ct2_convert import ensure_converted

        assert self._choice.ct2_dir is not None
        return ensure_converted(self._choice.ct2_dir, self._cache_dir or default_cache_dir())

    def load(self) -> Job[Any]:
        """Yield progress while converting (first time only) and loading the model; return it."""
        if self._model is None:
            _import_whisper()
            if self._choice.ct2_dir is not None and not self._cached_conversion().is_file():
                yield Progress(0.0, f"Converting {self.model_label} for openai-whisper (once; then cached)")
            checkpoint = self._checkpoint()
            yield Progress(0.0, f"Loading openai-whisper model {self.model_label}")
            self._model = load_whisper_model(checkpoint, self._choice.alignment_heads)
        return self._model

    def transcribe(self, media: Path, options: TranscribeOptions) -> Job[Transcript]:
        """Yield Progress per 30 s window while openai-whisper transcribes `media`; return the Transcript."""
        whisper = _import_whisper()
        model = yield from self.load()
        language = options.language or None
        if not model.is_multilingual and language not in (None, "en"):
            from introstudio.core.captions.models import english_only_hint

            raise InvalidInputError(f"The model {self.model_label} knows English only, not {language!r}.",
                                    english_only_hint())
        yield Progress(0.0, "Reading audio")
        audio, duration = load_audio(Path(media), options.start, options.end)
        offset = max(0.0, options.start)
        if len(audio) < SAMPLE_RATE // 100:
            return Transcript((), language or "en", duration, self.name, self.model_label)
        kwargs = {
            "language": language,
            "initial_prompt": options.initial_prompt or options.hotwords,
            "word_timestamps": True,
            "fp16": False,
            "beam_size": options.beam_size,
            "best_of": options.beam_size,
            "verbose": None,
        }  # options.vad has no openai-whisper counterpart: it skips silence by its no-speech probability
        result = yield from self._run(whisper, model, audio, kwargs)
        words = _words(result, offset, offset + len(audio) / SAMPLE_RATE)
        return Transcript(words, result.get("language") or language or "en", duration, self.name, self.model_label)

    def _run(self, whisper: Any, model: Any, audio: numpy.ndarray, kwargs: dict[str, Any]) -> Job[dict]:
        """Run whisper.transcribe in a worker thread, yielding its per-window progress; stop it on close."""
        import sys

        _install_progress_shim(sys.modules["whisper.transcribe"])
        reports: queue.Queue[tuple[str, Any]] = queue.Queue()
        stop = threading.Event()
        seconds = len(audio) / SAMPLE_RATE

        def hook(done: int, total: int) -> None:
            if stop.is_set():
                raise Cancelled()
            reports.put(("progress", (done, total)))

        def work() -> None:
            _hook_state.hook, _hook_state.stop = hook, stop
            outcome: tuple[str, Any] = ("error", RuntimeError("openai-whisper stopped unexpectedly"))
            try:
                outcome = ("done", whisper.transcribe(model, audio, **kwargs))
            except Exception as exc:  # handed to the job's thread, which re-raises it
                outcome = ("error", exc)
            finally:
                _hook_state.hook = _hook_state.stop = None
                reports.put(outcome)  # always, so the job never waits forever

        began = time.monotonic()
        handles = [m.register_forward_pre_hook(_stop_if_cancelled) for m in (model.encoder, model.decoder)]
        worker = threading.Thread(target=work, name="openai-whisper", daemon=True)
        worker.start()
        try:
            yield Progress(0.0, "Transcribing (openai-whisper)")
            while True:
                kind, value = reports.get()
                if kind == "done":
                    return value
                if kind == "error":
                    raise value
                done, total = value
                fraction = min(1.0, done / total) if total else None
                elapsed = time.monotonic() - began
                speed = fraction * seconds / elapsed if fraction and elapsed > 0 else None
                eta = elapsed * (1 - fraction) / fraction if fraction else None
                yield Progress(fraction, "Transcribing (openai-whisper)", eta, speed)
        finally:
            stop.set()
            worker.join()
            for handle in handles:
                handle.remove()


def _stop_if_cancelled(module: Any, args: Any) -> None:
    """Forward pre-hook: a cancelled job's worker stops at its next encoder pass or decoded token."""
    stop = getattr(_hook_state, "stop", None)
    if stop is not None and stop.is_set():
        raise Cancelled()


def _words(result: dict, offset: float, limit: float) -> tuple[Word, ...]:
    """Whisper's word dicts as Words in source-file seconds, kept in order and inside the cut."""
    words: list[Word] = []
    last = offset
    for segment in result.get("segments", ()):
        for w in segment.get("words", ()):
            text = str(w["word"]).strip()
            if not text:
                continue
            start = min(max(offset + float(w["start"]), last), limit)
            end = min(max(offset + float(w["end"]), start), limit)
            words.append(Word(round(start, 3), round(end, 3), text, round(float(w.get("probability", 1.0)), 4)))
            last = start
    return tuple(words)
