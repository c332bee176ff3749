"""Never drop speech: find voiced stretches the recogniser left without words, and listen to them again.

Whisper can end a 30-s window early and lose what follows (with the script prompt, tiny.en once ended a
window after one word and 17 s of speech had no captions), or squeeze a window's words into its last
seconds. After recognition the take's voiced stretches (the Silero VAD that faster-whisper ships) are
compared with the recognised words; every stretch of `MIN_GAP` s or more of voice with no word on it is
re-recognised on its own clip: no prompt, the temperature fallback on. Words heard again replace any
recognised words that repeat them nearby (the squeezed copy). Where a stretch still yields nothing, the
script's words due there are placed by forced alignment later (`verify.py`) and flagged for review; a
stretch with neither is reported as speech without captions. Every stretch is recorded as a `Rescue`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass
from difflib import SequenceMatcher
from typing import Any

from introstudio.core.captions.align import word_key
from introstudio.core.captions.cues import Word

SAMPLE_RATE = 16_000
MIN_GAP = 1.0  # seconds of voice with no word on it that call for a second listen
MERGE_PAUSE = 1.0  # seconds: gaps closer than this are one clip to listen to
COVER = 0.3  # seconds either side of a recognised word counted as covered (word times are approximate)
TEMPERATURES = (0.0, 0.2, 0.4, 0.6, 0.8, 1.0)


@dataclass(frozen=True)
class Rescue:
    """A voiced stretch (source-file seconds) that had no captions, and what was done about it.

    `outcome`: "recognised" (heard on a second listen), "placed" (nothing heard; the script's words were
    placed by forced alignment, to review) or "uncaptioned" (nothing heard and no script words due there).
    """

    start: float
    end: float
    outcome: str
    words: int = 0
    text: str = ""

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d.update(start=round(self.start, 2), end=round(self.end, 2))
        return d

    def describe(self) -> str:
        where = f"{self.start:.1f}-{self.end:.1f} s"
        if self.outcome == "recognised":
            return f"speech at {where} was missed at first; heard on a second listen ({self.words} words)"
        if self.outcome == "placed":
            return f"speech at {where} could not be recognised; {self.words} script words placed there: check them"
        return f"speech at {where} has no captions: nothing was recognised and the script has no words due there"


def voiced_stretches(audio: Any, min_silence: float = 0.3) -> list[tuple[float, float]]:
    """Where someone speaks in `audio` (16 kHz samples), in seconds, by faster-whisper's Silero VAD."""
    from faster_whisper.vad import VadOptions, get_speech_timestamps

    options = VadOptions(min_silence_duration_ms=round(min_silence * 1000), speech_pad_ms=60)
    return [(s["start"] / SAMPLE_RATE, s["end"] / SAMPLE_RATE) for s in get_speech_timestamps(audio, options)]


def uncovered(voiced: Sequence[tuple[float, float]], words: Sequence[Word], offset: float = 0.0,
              min_gap: float = MIN_GAP) -> list[tuple[float, float]]:
    """Parts of the voiced stretches (audio seconds) at least `min_gap` long that no word covers."""
    spans = sorted((w.start - offset - COVER, w.end - offset + COVER) for w in words)
    gaps: list[tuple[float, float]] = []
    k = 0
    for lo, hi in voiced:
        t = lo
        while k < len(spans) and spans[k][1] <= lo:
            k += 1
        j = k
        while j < len(spans) and spans[j][0] < hi:
            if spans[j][0] - t >= min_gap:
                gaps.append((t, spans[j][0]))
            t = max(t, spans[j][1])
            j += 1
        if hi - t >= min_gap:
            gaps.append((t, hi))
    merged: list[tuple[float, float]] = []
    for lo, hi in gaps:  # stretches a short pause apart are listened to as one clip
        if merged and lo - merged[-1][1] < MERGE_PAUSE and hi - merged[-1][0] <= 28.0:
            merged[-1] = (merged[-1][0], hi)
        else:
            merged.append((lo, hi))
    return merged


def voiced_seconds(voiced: Sequence[tuple[float, float]], t0: float, t1: float) -> float:
    """How much of t0..t1 (audio seconds) is voiced."""
    return sum(max(0.0, min(hi, t1) - max(lo, t0)) for lo, hi in voiced)


def listen_again(model: Any, audio: Any, start: float, end: float, language: str = "en") -> list[Word]:
    """Recognise audio[start:end] (seconds) on its own: no prompt, no VAD, temperature fallback on."""
    lo, hi = max(0, round((start - 0.2) * SAMPLE_RATE)), min(len(audio), round((end + 0.2) * SAMPLE_RATE))
    segments, _ = model.transcribe(audio[lo:hi], language=language, beam_size=5, vad_filter=False,
                                   word_timestamps=True, condition_on_previous_text=False,
                                   temperature=list(TEMPERATURES))
    t0 = lo / SAMPLE_RATE
    out = []
    for segment in segments:
        for w in segment.words or ():
            text = w.word.strip()
            if text and word_key(text):
                out.append(Word(t0 + float(w.start), t0 + max(float(w.start), float(w.end)), text,
                                float(w.probability)))
    return out


def merge_heard(words: Sequence[Word], found: Sequence[Word], start: float, end: float,
                reach: float = 30.0) -> list[Word]:
    """`words` with `found` (heard again in start..end) put in, dropping recognised copies of them nearby.

    A window whose words were squeezed into its last seconds leaves the voice before them uncovered; the
    second listen hears those words again, so the squeezed copy (from its first to its last word repeated
    within `reach` s) goes, and the voice it covered is left for the next listen.
    """
    if not found:
        return list(words)
    keys = [word_key(w.text) for w in found]
    near = [k for k, w in enumerate(words) if start - reach <= w.start <= end + reach and not start <= w.start < end]
    drop: set[int] = set()
    if near:
        near_keys = [word_key(words[k].text) for k in near]
        matcher = SequenceMatcher(None, keys, near_keys, autojunk=False)
        copied = [near[block.b + i] for block in matcher.get_matching_blocks() if block.size >= 3
                  for i in range(block.size)]  # runs of three or more words repeated: a copy, no coincidence
        if copied:  # the whole squeezed copy goes, with the words misheard inside it
            drop.update(k for k in near if min(copied) <= k <= max(copied))
    kept = [w for k, w in enumerate(words) if k not in drop and not start <= w.start < end]
    return sorted(kept + list(found), key=lambda w: w.start)
