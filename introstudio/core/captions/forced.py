"""Forced alignment with the Whisper model itself: how likely a given text is on a clip, and when each word is said.

CTranslate2's `Whisper.align` (what faster-whisper uses for word timestamps) runs the decoder over a given
token sequence, teacher-forced, and returns each token's probability and the cross-attention DTW path. The
sum of the tokens' log-probabilities scores a text against the audio (two texts of the same clip compare
directly: the clip is the same, only the words differ); the path times every word. A clip is encoded at its
own length (a 10 s clip costs about a sixth of a padded 30 s window), once for all texts scored on it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

SAMPLE_RATE = 16_000
MAX_CLIP = 30.0  # the encoder's window, seconds
MAX_TOKENS = 448  # the decoder's positions: prompt, task tokens and text together
_TOKENS_PER_SECOND = 50  # encoder frames per second


@dataclass(frozen=True)
class AlignedText:
    """A text forced onto a clip: its log-probability (nats) and each word's (start, end, probability)."""

    score: float
    words: tuple[tuple[float, float, float], ...]  # seconds from the clip's start

    @property
    def tokens_mean(self) -> float:
        return self.score / max(1, len(self.words))


class ForcedAligner:
    """Scores and times texts on clips of one take's audio with a loaded faster-whisper model."""

    def __init__(self, model: Any, audio: Any, language: str = "en", prompt: str | None = None) -> None:
        from faster_whisper.tokenizer import Tokenizer

        self.model, self.audio = model, audio
        multilingual = bool(model.model.is_multilingual)
        self.tokenizer = Tokenizer(model.hf_tokenizer, multilingual, task="transcribe",
                                   language=(language or "en").split("-")[0].lower() if multilingual else "en")
        # The script's names and terms ("Amara Okafor, MD, FACC, ..."): `align` takes the ones a clip needs
        # as its prompt, so a name the model has never seen is not scored as a string of unlikely pieces.
        self.prompt = prompt or ""
        self._encoded: dict[tuple[int, int], tuple[Any, int]] = {}
        self._tokens: dict[str, list[int]] = {}
        self.encodes = self.aligns = 0  # work done, for reports and benchmarks

    @property
    def duration(self) -> float:
        return len(self.audio) / SAMPLE_RATE

    def _encode(self, t0: float, t1: float) -> tuple[Any, int]:
        lo, hi = max(0, round(t0 * SAMPLE_RATE)), min(len(self.audio), round(t1 * SAMPLE_RATE))
        key = (lo, hi)
        if key not in self._encoded:
            features = self.model.feature_extractor(self.audio[lo:hi])
            frames = min(features.shape[1], 3000)
            self._encoded = {key: (self.model.encode(features[:, :frames]), frames)}  # keep only the latest
            self.encodes += 1
        return self._encoded[key]

    def word_tokens(self, word: str) -> list[int]:
        if word not in self._tokens:
            self._tokens[word] = self.tokenizer.encode(" " + word.strip())
        return self._tokens[word]

    def start_sequence(self, prompt: str = "") -> list[int]:
        """The decoder's start: the previous-text prompt (names and terms), then the task tokens."""
        if not prompt:
            return list(self.tokenizer.sot_sequence)
        return [self.tokenizer.sot_prev, *self.tokenizer.encode(" " + prompt)[-200:], *self.tokenizer.sot_sequence]

    def align(self, t0: float, t1: float, texts: Sequence[Sequence[str]], prompt: str = "") -> list[AlignedText]:
        """Each text (a list of words) forced onto the audio t0..t1 (seconds, at most 30 s apart)."""
        import numpy as np

        if t1 - t0 > MAX_CLIP:
            t1 = t0 + MAX_CLIP
        encoded, frames = self._encode(t0, t1)
        start_sequence = self.start_sequence(prompt)
        out: list[AlignedText] = []
        for words in texts:
            per_word = [self.word_tokens(w) for w in words]
            flat = [t for tokens in per_word for t in tokens]
            if not flat:
                out.append(AlignedText(0.0, ()))
                continue
            start = start_sequence
            if len(start) + len(flat) >= MAX_TOKENS:  # the decoder holds 448 positions: the prompt goes first
                start = list(self.tokenizer.sot_sequence)
            if len(start) + len(flat) >= MAX_TOKENS:  # more words than a clip can hold: not scored, spread out
                step = (t1 - t0) / len(words)
                out.append(AlignedText(float("-inf"), tuple((k * step, (k + 1) * step, 0.0)
                                                            for k in range(len(words)))))
                continue
            result = self.model.model.align(encoded, start, [flat], frames, median_filter_width=7)[0]
            self.aligns += 1
            probs = np.asarray(result.text_token_probs, dtype=np.float64)
            logp = np.log(np.maximum(probs, 1e-12))
            path = np.asarray(result.alignments)
            text_index, time_index = path[:, 0], path[:, 1]
            jumps = np.pad(np.diff(text_index), (1, 0), constant_values=1).astype(bool)
            jump_times = time_index[jumps] / _TOKENS_PER_SECOND
            bounds = np.cumsum([0] + [len(t) for t in per_word])
            timed = []
            for k in range(len(words)):
                a, b = int(bounds[k]), int(bounds[k + 1])
                if b == a:  # a word with no tokens (cannot happen for text): no time of its own
                    at = float(jump_times[min(a, len(jump_times) - 1)])
                    timed.append((at, at, 1.0))
                    continue
                start = float(jump_times[min(a, len(jump_times) - 1)])
                end = float(jump_times[min(b, len(jump_times) - 1)])
                timed.append((start, max(start, end), float(np.exp(logp[a:b].mean()))))
            out.append(AlignedText(float(logp.sum()), tuple(timed)))
        return out
