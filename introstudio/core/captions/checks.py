"""After recognition: rescue voiced stretches without words, align to the script, verify it by forced alignment."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from introstudio.core.captions.align import align_to_script, script_prompt
from introstudio.core.captions.engines.base import Engine, TranscribeOptions
from introstudio.core.captions.cues import Cue, Word
from introstudio.core.captions.rescue import Rescue, listen_again, merge_heard, uncovered, voiced_stretches
from introstudio.core.jobs import Job, Progress

LISTENS = 3  # rounds of listening again at most
PLACED = "placed"  # Word.departure of a script word placed where nothing was recognised


@dataclass(frozen=True)
class Checked:
    """Caption words after the checks, the departures still to review, and what the checks did."""

    words: tuple[Word, ...]
    departures: tuple[dict, ...]
    script_match: float | None
    rescues: tuple[Rescue, ...]
    corrected: tuple[dict, ...]


def checker_model(recogniser: Engine, language: str | None) -> Any | None:
    """The faster-whisper model that listens again and verifies: the recogniser's own, else the bundled one.

    None when no model on hand understands `language` (the bundled tiny.en is English only).
    """
    from introstudio.core.captions.engines.faster import COMPUTE_TYPE, FasterWhisperEngine, load_model, resolve_model

    if isinstance(recogniser, FasterWhisperEngine):
        model = load_model(recogniser.model_path, recogniser.compute_type)
    else:
        model = load_model(resolve_model(None)[0], COMPUTE_TYPE)
    english = (language or "en").split("-")[0].lower() == "en"
    return model if english or model.model.is_multilingual else None


def check_speech(recogniser: Engine, media: Path, options: TranscribeOptions, heard: Sequence[Word],
                 script_text: str | None) -> Job[Checked]:
    """Listen again where voice has no words, align to the script and verify it; words in source seconds."""
    from introstudio.core.captions.engines.faster import load_audio
    from introstudio.core.captions.forced import ForcedAligner
    from introstudio.core.captions.verify import verify

    yield Progress(0.0, "Checking that no speech was missed")
    language = (options.language or "en").split("-")[0].lower()
    model = checker_model(recogniser, language)
    audio = load_audio(media, options.start, options.end)
    offset = max(0.0, options.start)
    voiced = voiced_stretches(audio)
    words = list(heard)
    rescues: list[Rescue] = []
    heard_again: set[tuple[float, float]] = set()
    for round_ in range(LISTENS if model is not None else 0):  # a second listen may free a squeezed copy
        gaps = [g for g in uncovered(voiced, words, offset) if (round(g[0], 1), round(g[1], 1)) not in heard_again]
        for k, (g0, g1) in enumerate(gaps):
            yield Progress(0.1 + 0.5 * (round_ + k / len(gaps)) / LISTENS,
                           f"Listening again to the speech at {g0:.0f}-{g1:.0f} s")
            heard_again.add((round(g0, 1), round(g1, 1)))
            found = [Word(w.start + offset, w.end + offset, w.text, w.probability)
                     for w in listen_again(model, audio, g0, g1, language)
                     if g0 - 0.5 <= w.start <= g1 + 0.2]
            words = merge_heard(words, found, g0 + offset, g1 + offset)
            rescues.append(Rescue(g0 + offset, g1 + offset, "recognised" if found else "unheard", len(found),
                                  " ".join(w.text for w in found)))
        if not gaps:
            break
    departures: tuple[dict, ...] = ()
    corrected: tuple[dict, ...] = ()
    script_match = None
    if script_text:
        yield Progress(0.65, "Aligning the captions to the script")
        alignment = align_to_script(words, script_text, lang=language)
        script_match = alignment.script_match
        if model is not None:
            yield Progress(0.75, "Verifying the script against the speech")
            aligner = ForcedAligner(model, audio, language, prompt=script_prompt(script_text))
            unheard = [(r.start, r.end) for r in rescues if r.outcome == "unheard"]
            verified = verify(alignment, aligner, offset, voiced=voiced, unheard=unheard)
            words, departures, corrected = list(verified.words), verified.departures, verified.corrected
            said = sum(len(d["script_text"].split()) for d in corrected)
            total = _script_size(script_text)
            script_match = min(1.0, script_match + said / total) if total else script_match
        else:
            words = list(alignment.words)
            departures = tuple({"kind": d.kind, "script_text": d.script_text, "heard_text": d.heard_text,
                                "start": d.start, "end": d.end} for d in alignment.departures)
    words, rescues = _placed(words, rescues)
    rescues += [Rescue(offset + g0, offset + g1, "uncaptioned") for g0, g1 in uncovered(voiced, words, offset)
                if not any(r.start - 0.5 <= offset + g0 <= r.end + 0.5 for r in rescues)]
    yield Progress(1.0, _summary(rescues, corrected))
    return Checked(tuple(words), departures, script_match, tuple(sorted(rescues, key=lambda r: r.start)),
                   corrected)


def _script_size(script_text: str) -> int:
    from introstudio.core.captions.align import _script_tokens

    return len(_script_tokens(script_text))


def _placed(words: list[Word], rescues: list[Rescue]) -> tuple[list[Word], list[Rescue]]:
    """Script words put where nothing was heard on a second listen are flagged; the rescue says so."""
    out = list(words)
    done: list[Rescue] = []
    for r in rescues:
        if r.outcome != "unheard":
            done.append(r)
            continue
        mine = [k for k, w in enumerate(out) if w.heard == "" and r.start - 0.5 <= w.start <= r.end + 0.5]
        for k in mine:
            out[k] = replace(out[k], departure=PLACED)
        text = " ".join(out[k].text for k in mine)
        done.append(Rescue(r.start, r.end, PLACED if mine else "uncaptioned", len(mine), text))
    return out, done


def _summary(rescues: Sequence[Rescue], corrected: Sequence[dict]) -> str:
    parts = []
    if rescues:
        parts.append(f"{len(rescues)} stretch(es) of speech needed a second listen")
    if corrected:
        parts.append(f"{len(corrected)} recogniser slip(s) shown as the script's words")
    return "; ".join(parts) or "Every stretch of speech has captions"


def mark_placed(cues: list[Cue], rescues: Sequence[Rescue]) -> list[Cue]:
    """One review flag per cue holding placed script words (instead of one per word)."""
    out = []
    for cue in cues:
        flags = [f for f in cue.flags if not f.startswith(f"{PLACED}:")]
        if len(flags) != len(cue.flags):
            for r in rescues:
                if r.outcome == PLACED and r.start - 0.5 < cue.end and r.end + 0.5 > cue.start:
                    flags.append(f"check: no speech was recognised at {r.start:.1f}-{r.end:.1f} s; "
                                 "the script's words were placed there")
        out.append(replace(cue, flags=tuple(dict.fromkeys(flags))) if len(flags) != len(cue.flags) or
                   flags != list(cue.flags) else cue)
    return out
