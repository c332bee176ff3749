"""The engine interface: audio file in, timed words out, as a job that yields progress."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from introstudio.core.captions.cues import Word
from introstudio.core.errors import NotFoundError
from introstudio.core.jobs import Job

ENGINE_NAMES = ("faster-whisper", "openai-whisper")


@dataclass(frozen=True)
class TranscribeOptions:
    """What to recognise and how; `initial_prompt`/`hotwords` carry the script's names and terms."""

    language: str = "en"
    initial_prompt: str | None = None
    hotwords: str | None = None
    vad: bool = True
    beam_size: int = 5
    start: float = 0.0  # seconds into the file (the take's trim in)
    end: float | None = None  # trim out; None = to the end


@dataclass(frozen=True)
class Transcript:
    """What the engine heard: words with times in seconds of the source file (not of the trimmed part)."""

    words: tuple[Word, ...]
    language: str
    duration: float
    engine: str
    model: str

    @property
    def text(self) -> str:
        return " ".join(w.text for w in self.words)


class Engine(Protocol):
    name: str
    model_label: str

    def transcribe(self, media: Path, options: TranscribeOptions) -> Job[Transcript]:
        """Yield Progress while transcribing `media` (any file PyAV can decode); return the Transcript."""
        ...


def get_engine(name: str = "faster-whisper", model: str | None = None, cache_dir: Path | None = None) -> Engine:
    """An engine by name; `model` is a local model folder or a model name already in the cache (None: bundled).

    `cache_dir` is where an engine may keep derived files (openai-whisper's converted checkpoint); the name
    of a model installed in its store (`introstudio models install base`) stands for that model's folder.
    """
    from introstudio.core.captions.models import resolve_name

    model = resolve_name(model, cache_dir)
    if name == "faster-whisper":
        from introstudio.core.captions.engines.faster import FasterWhisperEngine

        return FasterWhisperEngine(model)
    if name == "openai-whisper":
        from introstudio.core.captions.engines.openai import OpenAIWhisperEngine

        return OpenAIWhisperEngine(model, cache_dir=cache_dir)
    raise NotFoundError(f"Unknown caption engine {name!r}.", f"Choose one of: {', '.join(ENGINE_NAMES)}.")
