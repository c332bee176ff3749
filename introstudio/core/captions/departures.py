"""Resolve a departure from the script in the captions: "Use the script's words".

Alignment (`align.py`) keeps what the recogniser heard wherever it could not match the script, and flags
it: a *departure* ({"kind", "heard_text", "script_text", "start", "end"} in `CaptionTrack.departures`)
plus one flag per heard word on the cue holding it (`layout._flag`: "changed: 'my' differs from the
script at 4.0s"). Often the clinician did read the script and the recogniser misheard it ("my rental chronology"
for "our Endocrinology", "555 -0142" for "555-0142"); `use_script_words` then puts the script's words in
the caption in one step.

What each kind offers:

* "changed": the heard words are replaced by the script's words where the heard words start; when the
  heard words run over into the next cue, the rest of them is removed from it.
* "added" (said but not in the script, e.g. "um"): the heard words are removed from the caption (the
  script's words for that place are none). A cue left with no text is dropped.
* "skipped" (script words not said): nothing is offered. Captions show what was said, so words that were
  not spoken are never put in them.

The heard words are found in the cues the departure overlaps in time, compared without case, accents,
spaces or punctuation ("555 -0142." finds "555-0142"), at whole words only; when they occur more than
once there, the occurrence nearest the departure's time is used. Cue times never change. The punctuation
the caption had around the heard words stays when the script's words bring none of their own ("chronology,"
becomes "Endocrinology,"), and a sentence start stays capitalised. A changed cue keeps its lines when they
still fit the profile's line length, else its lines are broken again (`layout.break_lines`). The
departure's word flags are removed from every cue. When the heard words are no longer in those cues (the
caption was edited by hand), `InvalidInputError` says to edit the cue by hand.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from introstudio.core.captions.layout import break_lines
from introstudio.core.captions.cues import Cue
from introstudio.core.captions.profiles import CaptionProfile, visible_text
from introstudio.core.errors import InvalidInputError

FIXABLE_KINDS = ("changed", "added")
_SENTENCE_END = re.compile(r"[.?!…][\"'”’)\]»]*$")
_FLAG = re.compile(r"^(?:departure:\s*)?(?P<kind>[a-z]+):?\s+(?:heard\s+)?'(?P<word>.*?)'"
                   r"(?:\s+for\s+'.*'|\s+differs from the script)?"
                   r"(?:\s+at\s+(?P<at>\d+(?:\.\d+)?)\s*s)?\s*$")
_FLAG_SLACK = 0.1  # flags give a word's start to a tenth of a second


@dataclass(frozen=True)
class ScriptWordsFix:
    """The cues after `use_script_words`, and where it changed them (indices into the cues it was given).

    `cue_index` is the cue where the heard words started: the script's words are in it now (for an
    "added" departure, the words were removed from it). `removed` lists cues left empty and dropped
    (then `text` is "" when `cue_index` is among them); indices before the first removed one are the
    same in the old and the new list.
    """

    cues: list[Cue]
    cue_index: int
    removed: tuple[int, ...]
    text: str


def can_use_script_words(departure: Mapping[str, Any]) -> bool:
    """Whether `use_script_words` applies: a change or an addition with heard words and a time."""
    kind, heard = departure.get("kind"), str(departure.get("heard_text") or "")
    if kind not in FIXABLE_KINDS or not _bare(heard) or departure.get("start") is None \
            or departure.get("end") is None:
        return False
    return kind == "added" or bool(str(departure.get("script_text") or "").strip())


def departures_during(cue: Cue, departures: Sequence[Mapping[str, Any]]) -> list[Mapping[str, Any]]:
    """The departures whose time overlaps `cue` (what its Check column lists)."""
    out = []
    for d in departures:
        start, end = float(d.get("start") or 0.0), float(d.get("end") or 0.0)
        if start < cue.end and end > cue.start:
            out.append(d)
    return out


def fix_label(departure: Mapping[str, Any]) -> str:
    """What `use_script_words` does to the caption, in words for a menu or a report."""
    heard, script = str(departure.get("heard_text") or ""), str(departure.get("script_text") or "")
    if departure.get("kind") == "added":
        return f"Remove “{heard}” (not in the script)"
    return f"Show “{script}” instead of “{heard}”"


def without_departure(departures: Sequence[Mapping[str, Any]],
                      departure: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The track's departures minus `departure` (its first equal entry), as new dicts."""
    out = [dict(d) for d in departures]
    for k, d in enumerate(out):
        if d == dict(departure):
            del out[k]
            break
    return out


def use_script_words(cues: Sequence[Cue], departure: Mapping[str, Any], profile: CaptionProfile) -> ScriptWordsFix:
    """The cues with `departure`'s heard words replaced by the script's (see the module docstring)."""
    heard = str(departure.get("heard_text") or "").strip()
    script = " ".join(str(departure.get("script_text") or "").split())
    if departure.get("kind") == "skipped":
        raise InvalidInputError(f"“{script}” was skipped, not misheard, so there are no words to replace.",
                                "Captions show what was said. Record the take again if those words are needed.")
    if not can_use_script_words(departure):
        raise InvalidInputError(f"This difference from the script ({departure.get('kind')}) cannot be fixed "
                                "automatically.", "Edit the caption by hand: double-click its text.")
    tokens = _tokens(cues)
    during = {k for k, cue in enumerate(cues) if departures_during(cue, [departure])}
    span = _find(tokens, during, _bare(heard), float(departure["start"]))
    if span is None:
        todo = f"type “{script}” in place of" if departure["kind"] == "changed" else "delete"
        raise InvalidInputError(
            f"The captions at {float(departure['start']):.1f} s no longer show the heard words “{heard}”, so "
            "they cannot be replaced automatically.",
            f"Edit the caption by hand: double-click its text and {todo} the words that are wrong.")
    a, b = span
    first = tokens[a]
    at_sentence_start = a == 0 or bool(_SENTENCE_END.search(visible_text(tokens[a - 1].text)))
    capital = at_sentence_start and visible_text(first.text)[:1].isupper()
    lead = re.match(r"^[\W_]*", visible_text(first.text)).group()
    trail = re.search(r"[\W_]*$", visible_text(tokens[b - 1].text)).group()
    new: dict[int, str | None] = {k: None for k in range(a + 1, b)}  # token index -> new text (None: gone)
    if departure["kind"] == "changed":
        words = script
        if lead and not re.match(r"^[\W_]", words):
            words = lead + words
        if trail and not re.search(r"[\W_]$", words):
            words += trail
        new[a] = _capitalise(words) if capital else words
    else:
        new[a] = None
        later = next((k for k in range(b, len(tokens)) if tokens[k].cue == tokens[b - 1].cue), None)
        if capital and later is not None:
            new[later] = _capitalise(tokens[later].text)
        mark = _SENTENCE_END.search(trail)
        if mark and a > 0 and tokens[a - 1].cue == first.cue and not at_sentence_start:
            new[a - 1] = re.sub(r"[,;:]+$", "", tokens[a - 1].text) + mark.group()
    changed_cues = {tokens[k].cue for k in new}
    out: list[Cue] = []
    removed: list[int] = []
    for index, cue in enumerate(cues):
        if index not in changed_cues:
            out.append(_unflagged(cue, departure))
            continue
        lines: dict[int, list[str]] = {}
        for k, tok in enumerate(tokens):
            if tok.cue == index:
                text = new[k] if k in new else tok.text
                if text:
                    lines.setdefault(tok.line, []).append(text)
        kept = tuple(" ".join(parts) for _, parts in sorted(lines.items()))
        if not kept:
            removed.append(index)
            continue
        if len(kept) > profile.max_lines or any(len(visible_text(ln)) > profile.max_chars_per_line for ln in kept):
            kept = break_lines(" ".join(kept), profile)
        out.append(_unflagged(replace(cue, lines=kept), departure))
    text = "" if first.cue in removed else out[first.cue].text
    return ScriptWordsFix(out, first.cue, tuple(removed), text)


# --- helpers ------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class _Token:
    cue: int
    line: int
    text: str
    at: float  # an estimate of when it is said: the cue's time shared by characters
    bare: str


def _bare(text: str) -> str:
    """Lower case letters and digits only: 'Endocrinology,' -> 'endocrinology', '555 -0142' -> '5550142'."""
    t = unicodedata.normalize("NFKD", visible_text(text))
    t = "".join(c for c in t if not unicodedata.combining(c)).casefold()
    return re.sub(r"[\W_]+", "", t)


def _tokens(cues: Sequence[Cue]) -> list[_Token]:
    out = []
    for index, cue in enumerate(cues):
        total = max(1, sum(len(t) + 1 for line in cue.lines for t in line.split()))
        offset = 0
        for number, line in enumerate(cue.lines):
            for t in line.split():
                out.append(_Token(index, number, t, cue.start + cue.duration * offset / total, _bare(t)))
                offset += len(t) + 1
    return out


def _find(tokens: Sequence[_Token], during: set[int], target: str, start: float) -> tuple[int, int] | None:
    """The whole-token run (a, b) in cues `during` spelling `target`, the one nearest `start`."""
    if not target:
        return None
    found = []
    for a, tok in enumerate(tokens):
        if tok.cue not in during or not tok.bare or not target.startswith(tok.bare):
            continue
        spelled = ""
        for b in range(a, len(tokens)):
            if tokens[b].cue not in during:
                break
            spelled += tokens[b].bare
            if not target.startswith(spelled):
                break
            if spelled == target and tokens[b].bare:
                found.append((a, b + 1))
                break
    return min(found, key=lambda s: abs(tokens[s[0]].at - start), default=None)


def _capitalise(text: str) -> str:
    m = re.search(r"[^\W\d_]", text)
    return text if m is None else text[:m.start()] + text[m.start()].upper() + text[m.start() + 1:]


def _unflagged(cue: Cue, departure: Mapping[str, Any]) -> Cue:
    flags = tuple(f for f in cue.flags if not _flag_of(f, departure))
    return cue if flags == cue.flags else replace(cue, flags=flags)


def _flag_of(flag: str, departure: Mapping[str, Any]) -> bool:
    """Whether `flag` marks one of `departure`'s heard words ("changed: 'my' differs from the script at 4.0s")."""
    m = _FLAG.match(flag.strip())
    if m is None or m["kind"] != departure.get("kind"):
        return False
    word = _bare(m["word"])
    if not word or word not in _bare(str(departure.get("heard_text") or "")):
        return False
    if m["at"] is None:
        return True
    return float(departure["start"]) - _FLAG_SLACK <= float(m["at"]) <= float(departure["end"]) + _FLAG_SLACK


@dataclass(frozen=True)
class ManyFixes:
    """`use_script_words` applied to several departures: the cues and departures after, and what happened."""

    cues: list[Cue]
    departures: list[dict[str, Any]]
    first: int | None  # the first cue changed (None: nothing could be fixed)
    done: tuple[str, ...]  # "“script” in place of “heard”", "removed “um”"
    failed: tuple[InvalidInputError, ...]  # departures whose heard words are no longer in the captions


def use_script_words_all(cues: Sequence[Cue], departures: Sequence[Mapping[str, Any]],
                         todo: Sequence[Mapping[str, Any]], profile: CaptionProfile) -> ManyFixes:
    """Fix every departure in `todo` that still can be, one after another, as one edit."""
    out, remaining = list(cues), [dict(d) for d in departures]
    done: list[str] = []
    failed: list[InvalidInputError] = []
    first: int | None = None
    for d in todo:
        try:
            fix = use_script_words(out, d, profile)
        except InvalidInputError as exc:
            failed.append(exc)
            continue
        out, remaining = fix.cues, without_departure(remaining, d)
        first = fix.cue_index if first is None else min(first, fix.cue_index)
        heard, script = d.get("heard_text", ""), d.get("script_text", "")
        done.append(f"removed “{heard}”" if d.get("kind") == "added" else f"“{script}” in place of “{heard}”")
    return ManyFixes(out, remaining, first, tuple(done), tuple(failed))
