"""faster-whisper (CTranslate2) engine: int8 on CPU, VAD, word timestamps, offline models only."""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path
from typing import Any

from introstudio.core.captions.engines.base import TranscribeOptions, Transcript
from introstudio.core.captions.cues import Word
from introstudio.core.captions.models import BUNDLED_MODEL_NAME, bundled_model_path, english_only_hint
from introstudio.core.errors import InvalidInputError, MediaError, NotFoundError
from introstudio.core.jobs import Job, Progress

SAMPLE_RATE = 16_000  # what faster_whisper.decode_audio resamples to
COMPUTE_TYPE = "int8"

_MODEL_HINT = ("Give --model a local CTranslate2 Whisper folder (with model.bin), or leave it out to use the "
               f"bundled {BUNDLED_MODEL_NAME}. IntroStudio never downloads models.")

_cache: dict[tuple[str, str], Any] = {}
_cache_lock = threading.Lock()


def resolve_model(model: str | None) -> tuple[Path, str]:
    """The model folder and a label for it: None = bundled; a folder with model.bin; a name already cached."""
    if model is None or not model.strip():
        return bundled_model_path(), f"{BUNDLED_MODEL_NAME} (bundled)"
    path = Path(model).expanduser()
    if path.is_dir():
        if not (path / "model.bin").is_file():
            raise NotFoundError(f"The folder {path} holds no CTranslate2 model (model.bin is missing).",
                                "Pick the folder that holds model.bin (ct2-transformers-converter makes one "
                                "from a Whisper model), or leave --model out to use the bundled model.")
        return path.resolve(), path.name
    if path.exists():
        raise InvalidInputError(f"{path} is a file, not a model folder.",
                                "Point --model at the folder that holds model.bin.")
    # A name is "tiny.en" or "owner/repo"; anything else that looks like a path is a missing folder.
    if path.is_absolute() or model.startswith((".", "~")) or "\\" in model or model.count("/") > 1:
        raise NotFoundError(f"The model folder {path} does not exist.", _MODEL_HINT)
    return _cached_model_dir(model), model


def _cached_model_dir(name: str) -> Path:
    """A model name (e.g. 'base.en', 'Systran/faster-whisper-small') found in the local HF cache, never fetched."""
    from faster_whisper.utils import download_model

    try:
        found = Path(download_model(name, local_files_only=True))
    except ValueError as exc:  # not a known size and not an owner/name id
        raise NotFoundError(f"Unknown Whisper model {name!r}: {exc}.", _MODEL_HINT) from None
    except OSError:  # huggingface_hub's LocalEntryNotFoundError: not in the local cache
        raise NotFoundError(f"The Whisper model {name!r} is not on this computer.", _MODEL_HINT) from None
    if not (found / "model.bin").is_file():
        raise NotFoundError(f"The cached Whisper model {name!r} is incomplete (no model.bin).", _MODEL_HINT)
    return found


def load_model(path: Path, compute_type: str = COMPUTE_TYPE) -> Any:
    """A faster_whisper.WhisperModel for `path`, loaded once per process and shared (thread-safe)."""
    key = (str(path), compute_type)
    with _cache_lock:
        model = _cache.get(key)
        if model is None:
            from faster_whisper import WhisperModel

            model = WhisperModel(str(path), device="cpu", compute_type=compute_type,
                                 cpu_threads=os.cpu_count() or 0, local_files_only=True)
            _cache[key] = model
        return model


def clear_model_cache() -> None:
    """Forget loaded models and the last decoded sound (frees their memory once nothing else holds them)."""
    with _cache_lock:
        _cache.clear()
        _last_audio.clear()


_last_audio: list[tuple[tuple, Any]] = []  # the last decoded sound: recognition and its checks share it


def load_audio(media: Path, start: float = 0.0, end: float | None = None) -> Any:
    """Mono 16 kHz float32 samples of media[start:end] (seconds), decoded with PyAV (the last one is kept)."""
    media = Path(media)
    if not media.is_file():
        raise NotFoundError(f"{media} does not exist.", "Check the take's file; it may have been moved.")
    stat = media.stat()
    key = (str(media.resolve()), stat.st_mtime_ns, stat.st_size, start, end)
    with _cache_lock:
        if _last_audio and _last_audio[0][0] == key:
            return _last_audio[0][1]
    audio = _decode(media, start, end)
    with _cache_lock:
        _last_audio[:] = [(key, audio)]
    return audio


def _decode(media: Path, start: float, end: float | None) -> Any:
    import av
    from faster_whisper import decode_audio

    try:
        with av.open(str(media), metadata_errors="ignore") as container:
            has_audio = bool(container.streams.audio)
        if not has_audio:
            raise MediaError(f"{media.name} has no sound to transcribe.",
                             "Record the take with a microphone on, or pick a take with sound.")
        audio = decode_audio(str(media), sampling_rate=SAMPLE_RATE)
    except av.error.FFmpegError as exc:
        raise MediaError(f"{media.name} cannot be decoded: {exc}.",
                         "Check that the file is a complete video or audio file.") from None
    lo = max(0, round(start * SAMPLE_RATE))
    hi = len(audio) if end is None else min(len(audio), round(end * SAMPLE_RATE))
    if hi <= lo:
        raise InvalidInputError(
            f"The trim {start:.2f}-{end if end is not None else len(audio) / SAMPLE_RATE:.2f} s leaves no sound "
            f"to transcribe ({media.name} has {len(audio) / SAMPLE_RATE:.2f} s).",
            "Fix the take's trim points.")
    return audio[lo:hi]


class FasterWhisperEngine:
    """The default engine: CTranslate2 Whisper on the CPU, quantised to int8."""

    name = "faster-whisper"

    def __init__(self, model: str | None = None, compute_type: str = COMPUTE_TYPE) -> None:
        self.model_path, self.model_label = resolve_model(model)
        self.compute_type = compute_type

    def transcribe(self, media: Path, options: TranscribeOptions) -> Job[Transcript]:
        """Yield Progress per recognised segment; return words timed in the source file's seconds."""
        yield Progress(0.0, "Loading the speech model")
        model = load_model(self.model_path, self.compute_type)
        if options.language and options.language.split("-")[0].lower() != "en" \
                and not model.model.is_multilingual:
            raise InvalidInputError(
                f"The model {self.model_label} understands English only, not {options.language!r}.",
                english_only_hint())
        yield Progress(0.0, "Reading the sound")
        audio = load_audio(media, options.start, options.end)
        offset = max(0.0, options.start)
        duration = len(audio) / SAMPLE_RATE
        started = time.monotonic()
        segments, info = model.transcribe(
            audio,
            language=(options.language or "en").split("-")[0].lower() if model.model.is_multilingual else "en",
            beam_size=options.beam_size,
            vad_filter=options.vad,
            word_timestamps=True,
            # Off: on read speech conditioning adds little and lets one misheard segment derail the next
            # (with a prompt it hallucinated "Thank you very much." after the last word in our tests).
            condition_on_previous_text=False,
            initial_prompt=options.initial_prompt or None,
            hotwords=options.hotwords or None,
        )
        words: list[Word] = []
        try:
            for segment in segments:
                for w in segment.words or ():
                    text = w.word.strip()
                    if not text:
                        continue
                    start = min(max(float(w.start), 0.0), duration)
                    end = max(start, min(float(w.end), duration))
                    words.append(Word(start, end, text, float(w.probability)))
                seg_end = float(segment.end)
                done = min(1.0, max(0.0, seg_end / duration)) if duration else 1.0
                elapsed = time.monotonic() - started
                speed = seg_end / elapsed if elapsed > 0 else None
                eta = elapsed * (1.0 - done) / done if done > 0 else None
                yield Progress(done, f"{seg_end:.0f} of {duration:.0f} s", eta, speed)
        finally:
            close = getattr(segments, "close", None)
            if close is not None:
                close()
        words = [Word(w.start + offset, w.end + offset, w.text, w.probability) for w in snap_to_voice(words, audio)]
        elapsed = time.monotonic() - started
        yield Progress(1.0, f"Transcribed {duration:.0f} s", 0.0, duration / elapsed if elapsed > 0 else None)
        return Transcript(words=tuple(words), language=info.language, duration=duration, engine=self.name,
                          model=self.model_label)


def snap_to_voice(words: list[Word], audio: Any, frame: float = 0.01) -> list[Word]:
    """Words with silent edges trimmed off, times in seconds of `audio`; starts kept in order.

    Whisper's word times come from attention, not the signal: after a pause a word often starts 0.3-0.5 s
    before the voice does. Where a word begins (or ends) with >= 50 ms of frames well below the speech
    level, its start (end) moves to the first (last) voiced frame. Audio with no clear silence (noise
    within 15 dB of speech) is left alone.
    """
    import numpy as np

    hop = int(SAMPLE_RATE * frame)
    n = len(audio) // hop
    if not words or n < 10:
        return list(words)
    rms = np.sqrt(np.square(audio[: n * hop].reshape(n, hop), dtype=np.float64).mean(axis=1) + 1e-10)
    level = 20 * np.log10(rms)
    floor, speech = np.percentile(level, 10), np.percentile(level, 95)
    voiced = level > floor + 0.3 * (speech - floor)
    out: list[Word] = []
    for w in words:
        start, end = w.start, w.end
        lo, hi = int(start / frame), min(n, int(np.ceil(end / frame)))
        found = np.flatnonzero(voiced[lo:hi]) if speech - floor >= 15 and hi > lo else np.empty(0, dtype=int)
        if found.size:
            if found[0] >= 5:
                start = float((lo + found[0]) * frame)
            if hi - lo - found[-1] - 1 >= 5:
                end = float((lo + found[-1] + 1) * frame)
        if out and start < out[-1].start:
            start = out[-1].start  # the caption layout needs starts in order
        out.append(Word(start, max(start, end), w.text, w.probability))
    return out
