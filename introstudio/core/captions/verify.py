"""Verify the script by forced alignment: caption the script's words wherever the audio fits them as well.

Alignment (`align.py`) leaves a departure wherever the recogniser's words differ from the script. Many are
the recogniser's slips, not the speaker's ("the" for "a", "of" for "to", "Akhapur" for "Okafor", "a pig's
oven" for "apixaban", a dropped "make"). Each departure is scored on a short clip around it (its own words
plus `CONTEXT` caption words each side, encoded once): the Whisper model scores the clip's text with the
heard words and with the script's words in their place (`forced.ForcedAligner`, the script's names and the
departure's long words as the prompt). Where the script scores at least as well as the heard words less
`MARGIN` nats (`FUNCTION_MARGIN` for swaps of function words), the captions show the script's words (its
spelling and punctuation), timed by that alignment, and nothing is flagged. Otherwise the departure stays,
flagged, with both scores and a verdict in its dict (`script_score`, `heard_score`, `verdict`) so the
editor can show why. A changed word ("begins" for "starts") cost the script 9.6 nats on the corpus, slips
cost -13..+5; restarts and ad-libs are kept by `_implausible` (the score does not pay for left-out audio),
a skipped sentence by the time it would need. Heard words keep the recogniser's times (from the same kind of
alignment, run by faster-whisper on its 30-s window).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from difflib import SequenceMatcher

from introstudio.core.captions.align import Alignment, Departure, word_key
from introstudio.core.captions.forced import MAX_CLIP, ForcedAligner
from introstudio.core.captions.cues import Word
from introstudio.core.captions.rescue import voiced_seconds

MARGIN = 3.0  # nats: how much less likely than the heard words the script's words may be and still be shown
# Unstressed function words are where a small model slips most ("and" for "as" cost the script 5.7 nats on
# espeak-ng speech that said "as") and where a swap changes least: the script gets more benefit of the doubt.
FUNCTION_MARGIN = 7.0
FUNCTION_WORDS = frozenset(
    "a an the and or but as is are was were be been am at in on of to for from by with into onto than that "
    "this these those it its itis we wewill iwill iam you your i my our us he she they them his her their do does did "
    "has have had will would can could so if when then there here what who".split())
SECONDS_PER_WORD = 0.12  # less time than this per skipped word: they cannot have been said there
WINDOW = 10.0  # seconds: near departures share a window up to this long (longer ones cost more per score)
CONTEXT = 4  # caption words kept in a clip on each side of a departure
CONTEXT_SECONDS = 5.0  # ... if they are this near it
DROP_VOICE = 0.5  # seconds: heard words over more voice than this are never dropped for the script
NO_TIME = "no time to say the script's words here"
PLACED_VERDICT = "placed where nothing was recognised"
TAKES_TIME = "the heard words take up time in the audio"
TOO_LONG = "too many words to score on one clip"
# nats: heard words that make the text this much less likely than without them are not in the audio (the
# recogniser repeated ".org -open." after a web address: +30); an ad-lib costs its removal about nothing.
HALLUCINATION = 10.0
LONG_SKIP = 25.0  # seconds: a skip due over longer than this is placed in pieces, one clip each
PAD = 0.3  # seconds of audio kept before the first and after the last word of a clip


@dataclass
class _Unit:
    """A caption word that matches the script, or one departure (its heard words and the script's)."""

    heard: list[Word]
    start: float
    end: float
    departure: Departure | None = None
    script: list[str] = field(default_factory=list)
    accepted: bool = False
    forced: bool = False  # script words due where nothing was heard: placed whatever the scores
    scores: tuple[float, float] | None = None  # script, heard
    reason: str = ""

    def texts(self, use_script: bool) -> list[str]:
        return list(self.script) if use_script else [w.text for w in self.heard]


@dataclass(frozen=True)
class Verified:
    """Caption words after verification, departures still flagged (with scores), and those resolved to the script."""

    words: tuple[Word, ...]
    departures: tuple[dict, ...]
    corrected: tuple[dict, ...]
    windows: int
    aligns: int


def _units(alignment: Alignment, duration: float, offset: float) -> list[_Unit]:
    words = list(alignment.words)
    by_at: dict[int, list[Departure]] = {}
    for d in alignment.departures:
        by_at.setdefault(d.at, []).append(d)
    units: list[_Unit] = []
    i = 0
    while i <= len(words):
        for d in by_at.get(i, []):
            if d.size:
                said = words[i:i + d.size]
                units.append(_Unit(said, said[0].start, said[-1].end, d, d.script_text.split()))
        for d in by_at.get(i, []):
            if not d.size:  # a skip: due between the previous heard word and the next
                before = units[-1].end if units else offset
                after = words[i].start if i < len(words) else offset + duration
                units.append(_Unit([], before, max(before, after), d, d.script_text.split()))
        span = max((d.size for d in by_at.get(i, [])), default=0)
        if span:
            i += span
            continue
        if i < len(words):
            units.append(_Unit([words[i]], words[i].start, words[i].end))
        i += 1
    return [part for u in units for part in _split(u)]


def _pieces(u: _Unit) -> list[_Unit]:
    """A skip due over more than `LONG_SKIP` s (nothing heard for a long time) in pieces that fit a clip,
    the time shared out by the words' length."""
    n = math.ceil((u.end - u.start) / LONG_SKIP)
    total = sum(len(t) for t in u.script)
    out, k, t = [], 0, u.start
    for piece in range(n):
        j = k + max(1, round((len(u.script) - k) / (n - piece)))
        words = u.script[k:j]
        if not words:
            break
        t1 = u.end if j >= len(u.script) else t + (u.end - u.start) * sum(len(x) for x in words) / total
        d = u.departure
        part = Departure(d.kind, " ".join(words), "", t, t, d.at, 0)
        out.append(_Unit([], t, t1, part, list(words)))
        k, t = j, t1
    return out


def _split(u: _Unit) -> list[_Unit]:
    """A change heard as many more words than the script has ("more for it. On weekends I coach ...") is
    a misheard script word next to added words: split it where the heard part is about the script's length,
    on the side that sounds more like the script, so each part is judged on its own."""
    d = u.departure
    if d is not None and not u.heard and u.end - u.start > LONG_SKIP and len(u.script) > 1:
        return _pieces(u)
    if d is None or d.kind != "changed" or len(u.heard) <= len(u.script) + 2:
        return [u]
    script_key = "".join(word_key(t) for t in u.script)
    need = sum(len(t) for t in u.script)
    m, chars = 0, 0
    while m < len(u.heard) - 1 and chars < 0.8 * need:
        chars += len(u.heard[m].text)
        m += 1
    head, tail = u.heard[:m], u.heard[m:]
    back_head, back_tail = u.heard[:-m], u.heard[-m:]

    def like(words: Sequence[Word]) -> float:
        return SequenceMatcher(None, script_key, "".join(word_key(w.text) for w in words)).ratio()

    def unit(said: Sequence[Word], script: list[str]) -> _Unit:
        part = Departure("changed" if script else "added", " ".join(script), " ".join(w.text for w in said),
                         said[0].start, said[-1].end, -1, len(said))
        return _Unit(list(said), said[0].start, said[-1].end, part, script)

    if like(head) >= like(back_tail):
        return [unit(head, u.script), unit(tail, [])]
    return [unit(back_head, []), unit(back_tail, u.script)]


def _windows(units: list[_Unit], offset: float, duration: float) -> list[tuple[float, float, int, int]]:
    """Audio spans (source seconds) and unit ranges around the departures, with context words each side.

    Text that stops early (or starts late) does not pay for the audio it leaves out, so a departure is
    scored with `CONTEXT` caption words on each side; near departures share a window of at most 30 s.
    """
    spans: list[list[int]] = []
    for k, u in enumerate(units):
        if u.departure is None or u.reason == NO_TIME:
            continue
        a, b = k, k + 1  # context: up to CONTEXT units each side, within CONTEXT_SECONDS of the departure
        while a > max(0, k - CONTEXT) and u.start - units[a - 1].start <= CONTEXT_SECONDS:
            a -= 1
        while b < min(len(units), k + CONTEXT + 1) and units[b].end - u.end <= CONTEXT_SECONDS:
            b += 1
        if spans and a < spans[-1][1]:
            if units[b - 1].end - units[spans[-1][0]].start <= WINDOW:
                spans[-1][1] = b
                continue
            a = spans[-1][1]
            if a > k:  # the previous window holds this one already but cannot grow: it is decided there
                continue
        spans.append([a, b])
    out = []
    end_of_take = offset + duration
    for a, b in spans:
        lo = units[a].start - PAD if units[a].heard else units[a].start
        hi = units[b - 1].end + PAD if units[b - 1].heard else units[b - 1].end
        lo = max(lo, units[a - 1].end if a else offset)
        hi = min(hi, units[b].start if b < len(units) else end_of_take, lo + MAX_CLIP)
        out.append((lo, max(hi, lo + 0.1), a, b))
    return out


def _prompt(units: Sequence[_Unit], phrases: str) -> str:
    """The prompt for scoring `units`: the script's prompt phrases holding their words ("Amara Okafor"),
    then their other words of five letters or more or capitalised ("apixaban").

    Only these: a name the model has never seen is then not scored as a string of unlikely pieces, and the
    decoder runs about twice as fast as with the whole script prompt before the text.
    """
    seen: dict[str, None] = {}
    keys = {word_key(t) for u in units for t in u.script} - {""}
    for phrase in phrases.split(", ") if phrases else ():
        if keys & {word_key(t) for t in phrase.split()}:
            seen.setdefault(phrase, None)
    for u in units:
        for t in u.script:
            core = t.strip(".,;:!?\"'()[]")
            if sum(c.isalpha() for c in core) >= 5 or core[:1].isupper() and core.lower() not in FUNCTION_WORDS:
                seen.setdefault(core, None)
    return ", ".join(seen)


def _function_words(u: _Unit) -> bool:
    """Whether the departure swaps, drops or adds at most two function words on each side."""
    script = [word_key(t) for t in u.script]
    heard = [word_key(w.text) for w in u.heard]
    return len(script) <= 2 and len(heard) <= 2 and all(k in FUNCTION_WORDS for k in script + heard)


def _implausible(u: _Unit, voiced: Sequence[tuple[float, float]] | None, offset: float) -> str:
    """Why the script's words cannot stand in for this departure whatever the scores say ("" if they can).

    The decoder's score does not pay for audio a text leaves out, so a text without an ad-lib can score
    as well as one with it: the script may drop heard words only where little voice is under them, and
    replace heard words only by words not much shorter; more than three skipped words need voice to be
    said in. (Text the audio does not hold does cost score, so longer script words are left to the scores.)
    """
    def voice(t0: float, t1: float) -> float:
        return voiced_seconds(voiced, t0 - offset, t1 - offset) if voiced is not None else t1 - t0

    if not u.heard:  # a few words are scored wherever they are due: the recogniser's word times are tight
        if len(u.script) > 3 and voice(u.start, u.end) < SECONDS_PER_WORD * len(u.script):
            return NO_TIME
        return ""
    if not u.script:
        if voice(u.start, u.end) > DROP_VOICE or len(u.heard) > 2:
            return TAKES_TIME
        return ""
    script_chars = sum(len(t) for t in u.script)
    heard_chars = sum(len(w.text) for w in u.heard)
    if (script_chars + 4) / (heard_chars + 4) < 0.5:  # (more script words than heard: the scores decide)
        return "the heard words are much longer than the script's"
    return ""


def verify(alignment: Alignment, aligner: ForcedAligner, offset: float = 0.0, margin: float = MARGIN,
           voiced: Sequence[tuple[float, float]] | None = None,
           unheard: Sequence[tuple[float, float]] = ()) -> Verified:
    """Resolve recogniser slips to the script, keep real departures (with scores), time the script's words.

    `voiced`: the take's voiced stretches (seconds of the audio, `rescue.voiced_stretches`), if known.
    `unheard`: voiced stretches (source seconds) where even a second listen heard nothing: script words
    skipped there are placed by the alignment whatever the scores (the caller flags them for review).
    """
    units = _units(alignment, aligner.duration, offset)
    for u in units:
        if u.departure is not None and not u.heard and voiced:  # skipped words go where the voice is
            inside = [(a + offset, b + offset) for a, b in voiced if a + offset < u.end and b + offset > u.start]
            if inside:
                u.start, u.end = max(u.start, inside[0][0]), min(u.end, inside[-1][1])
        if u.departure is not None:
            u.reason = _implausible(u, voiced, offset)
            if not u.heard and any(min(u.end, b) - max(u.start, a) >= min(1.0, 0.5 * (b - a)) for a, b in unheard):
                u.reason, u.forced = "", True
    windows = _windows(units, offset, aligner.duration)
    placed: dict[int, list[Word]] = {}  # id(unit) -> the script words put in its place
    ends: dict[int, float] = {}  # id(heard word) -> its end from the alignment, where words after it went
    for lo, hi, a, b in windows:
        group = units[a:b]
        base = [t for u in group for t in u.texts(False)]
        scored = [u for u in group if u.departure is not None and u.reason != NO_TIME and u.scores is None]
        if not scored:
            continue
        prompt = _prompt(scored, aligner.prompt)
        variants = [base] + [[t for v in group for t in v.texts(v is u)] for u in scored]
        results = aligner.align(lo - offset, hi - offset, variants, prompt)
        heard_score = results[0].score
        for u, r in zip(scored, results[1:]):
            if not math.isfinite(heard_score) or not math.isfinite(r.score):  # too many words for one clip
                u.reason = u.reason or TOO_LONG
                if u.forced:
                    u.accepted, u.reason = True, PLACED_VERDICT
                    first = sum(len(v.texts(False)) for v in group[:group.index(u)])
                    placed[id(u)] = [Word(lo + t0, lo + t1, text, p, "", None) for text, (t0, t1, p)
                                     in zip(u.script, r.words[first:first + len(u.script)])]
                continue
            u.scores = (round(r.score, 2), round(heard_score, 2))
            if u.reason == TAKES_TIME and r.score >= heard_score + HALLUCINATION:
                u.reason = ""  # the audio holds no such words (text it does not hold costs score): drop them
            if u.reason:  # scored for the record; the heard words stay whatever the scores say
                continue
            u.accepted = u.forced or r.score >= heard_score - (FUNCTION_MARGIN if _function_words(u) else margin)
            u.reason = (PLACED_VERDICT if u.forced else
                        "the audio fits the script's words as well" if u.accepted
                        else "the audio fits what was heard better")
            if u.accepted:  # its script words are timed by the alignment that scored them
                first = sum(len(v.texts(False)) for v in group[:group.index(u)])
                said = " ".join(w.text for w in u.heard)
                timed = r.words[first:first + len(u.script)]
                placed[id(u)] = [Word(lo + t0, lo + t1, text, p, said, None)
                                 for text, (t0, t1, p) in zip(u.script, timed)]
                k = group.index(u)
                if not u.script and k and first and group[k - 1].heard and not group[k - 1].departure:
                    # heard words dropped: the word before them may have been said over their time
                    # (a web address heard whole, then its end again); the alignment says how long
                    before = group[k - 1].heard[-1]
                    ends[id(before)] = max(before.end, min(u.end, lo + r.words[first - 1][1]))
    words: list[Word] = []
    departures, corrected = [], []
    for u in units:
        mine = placed.get(id(u)) if u.accepted else [replace(w, end=ends.get(id(w), w.end)) for w in u.heard]
        if u.accepted and mine:  # keep the script's words within the time the unit had
            mine = [Word(min(max(w.start, u.start if u.heard else w.start), u.end if u.heard else w.end),
                         w.end, w.text, w.probability, w.heard, w.departure) for w in mine]
        words += mine or []
        if u.departure is None:
            continue
        d = u.departure
        entry: dict = {"kind": d.kind, "script_text": d.script_text, "heard_text": d.heard_text}
        if u.scores is not None:
            entry.update(script_score=u.scores[0], heard_score=u.scores[1])
        entry["verdict"] = u.reason or "not verified"
        if mine:
            entry.update(start=round(mine[0].start, 3), end=round(mine[-1].end, 3))
        else:  # a skip left as it is: the moment it was skipped
            at = round(words[-1].end if words else u.start, 3)
            entry.update(start=at, end=at)
        (corrected if u.accepted else departures).append(entry)
    return Verified(tuple(_in_order(words)), tuple(departures), tuple(corrected), len(windows), aligner.aligns)


def _in_order(words: Sequence[Word]) -> list[Word]:
    """Starts never go back (the caption layout needs them in order), ends never before starts."""
    out: list[Word] = []
    for w in words:
        start = max(w.start, out[-1].start) if out else w.start
        out.append(Word(start, max(start, w.end), w.text, w.probability, w.heard, w.departure))
    return out
