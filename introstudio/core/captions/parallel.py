"""A second caption track from a parallel script: the paired template's words timed by the spoken track.

Where the project's template has a translation (a template naming the other in its `translation_of` field, e.g.
physician-intro-es -> physician-intro), both are filled from the same profile and a take spoken from one also gets
captions in the other's language. The spoken script's sentences (or paragraphs, where a paragraph does not have the
same number of sentences in both) are found in the aligned caption words; each unit of the other script is laid out
under the same caption profile inside the time its counterpart was spoken (plus at most `LINGER` seconds of the
pause after it, never into the next unit), with its words spread by where they sit in the unit, so pauses inside a
paragraph carry over. The track is stored with kind "translation" and a `source` naming the script it comes from;
it is never burned in.
"""

from __future__ import annotations

import logging
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from difflib import SequenceMatcher
from pathlib import Path

from introstudio.core.captions.align import word_key
from introstudio.core.captions.cues import Cue, Word
from introstudio.core.captions.layout import build_cues
from introstudio.core.captions.profiles import get_profile
from introstudio.core.errors import IntroStudioError
from introstudio.core.project.model import CaptionTrack, Project, now_iso
from introstudio.core.project.store import ProjectFolder

log = logging.getLogger(__name__)

LINGER = 0.5  # seconds a unit's last cue may stay on into the pause after the spoken unit
SPOKEN_SHARE = 0.5  # a unit counts as spoken when at least this share of its words were found in the captions
TRACK_NAMES = {"es": "Español (del guion)", "en": "English (from the script)"}
_ABBREVIATIONS = frozenset("dr dra mr mrs ms mx prof sr sra srta st jr vs etc p.ej e.g i.e".split())
_SENTENCE_END = re.compile(r"[.!?…][\"'”’)\]»]*$")


@dataclass(frozen=True)
class Unit:
    """A stretch of script timed as one: a sentence, or a whole paragraph; `tokens` as the script spells them."""

    paragraph: int
    tokens: tuple[str, ...]

    @property
    def text(self) -> str:
        return " ".join(self.tokens)


@dataclass(frozen=True)
class Pairing:
    """The spoken script and its translation, cut into units that correspond one to one."""

    spoken_template: str
    other_template: str
    spoken_language: str
    other_language: str
    spoken: tuple[Unit, ...]
    other: tuple[Unit, ...]
    sentence_parallel: tuple[bool, ...]  # per paragraph: timed sentence by sentence (else as one unit)


def track_name(language: str) -> str:
    """The caption track's name on YouTube: says it is the script's words, not a transcript."""
    return TRACK_NAMES.get(language.split("-")[0].lower(), f"{language} (from the script)")


def sentences(paragraph: str) -> list[list[str]]:
    """A paragraph's sentences as token lists; 'Dr.', 'Dra.', initials and web addresses do not end one."""
    out: list[list[str]] = [[]]
    tokens = paragraph.split()
    for k, token in enumerate(tokens):
        out[-1].append(token)
        bare = token.rstrip("\"'”’)]»").lower()
        if not _SENTENCE_END.search(token) or bare.rstrip(".") in _ABBREVIATIONS or re.fullmatch(r"\w\.", bare):
            continue
        nxt = tokens[k + 1].lstrip("\"'“‘(¿¡[«") if k + 1 < len(tokens) else ""
        if not nxt[:1].islower():
            out.append([])
    return [s for s in out if s]


def pair_units(spoken: Sequence[str], other: Sequence[str]) -> tuple[list[Unit], list[Unit], list[bool]]:
    """Units of two parallel scripts (paragraph lists of equal length): sentences where the counts agree."""
    a_units: list[Unit] = []
    b_units: list[Unit] = []
    parallel: list[bool] = []
    for number, (pa, pb) in enumerate(zip(spoken, other)):
        sa, sb = sentences(pa), sentences(pb)
        same = len(sa) == len(sb)
        parallel.append(same)
        if same:
            a_units += [Unit(number, tuple(s)) for s in sa]
            b_units += [Unit(number, tuple(s)) for s in sb]
        else:
            a_units.append(Unit(number, tuple(pa.split())))
            b_units.append(Unit(number, tuple(pb.split())))
    return a_units, b_units, parallel


def partner_template(template_id: str, extra_dirs: Sequence[Path] = ()) -> str | None:
    """The id of the template that translates `template_id` (either direction of `translation_of`)."""
    from introstudio.core.script.templates import list_templates, load_template

    own = load_template(template_id, extra_dirs)
    if own.translation_of:
        return own.translation_of
    return next((t.id for t in list_templates(extra_dirs) if t.translation_of == template_id), None)


def find_pairing(project: Project, extra_dirs: Sequence[Path] = ()) -> Pairing | None:
    """The project's script and its translation filled from the same profile, or None when there is none."""
    from introstudio.core.script.templates import load_template, render

    script = project.script
    if script.free_text is not None or not script.template_id:
        return None
    other_id = partner_template(script.template_id, extra_dirs)
    if other_id is None:
        return None
    filled = []
    for template in (load_template(script.template_id, extra_dirs), load_template(other_id, extra_dirs)):
        declared = {v.name for v in template.variables}
        values = {k: v for k, v in {**project.clinician.values(), **script.values}.items() if k in declared}
        filled.append(render(template, values))
    spoken, other = filled
    if len(spoken.paragraphs) != len(other.paragraphs):
        log.info("no translation track: %s has %d paragraphs filled, %s has %d", script.template_id,
                 len(spoken.paragraphs), other_id, len(other.paragraphs))
        return None
    a, b, parallel = pair_units(spoken.paragraphs, other.paragraphs)
    return Pairing(script.template_id, other_id, spoken.language, other.language, tuple(a), tuple(b),
                   tuple(parallel))


def unit_times(units: Sequence[Unit], words: Sequence[Word], language: str
               ) -> list[list[tuple[float, float, float]] | None]:
    """Per unit, (share of the unit's characters, start, end) of each of its words found in the captions.

    None for a unit whose words were mostly not found (skipped by the speaker). Caption words carry the script's
    spelling where the script was read, so they are matched by key in order (difflib, no junk heuristic).
    """
    script_keys, owner, share = [], [], []
    for k, unit in enumerate(units):
        total = sum(len(t) + 1 for t in unit.tokens)
        at = 0
        for token in unit.tokens:
            key = word_key(token, language)
            if key:
                script_keys.append(key)
                owner.append(k)
                share.append((at / total, (at + len(token) + 1) / total))
            at += len(token) + 1
    heard = [(w, word_key(w.text, language)) for w in words]
    heard = [(w, key) for w, key in heard if key]
    matcher = SequenceMatcher(None, script_keys, [key for _, key in heard], autojunk=False)
    found: list[list[tuple[float, float, float]]] = [[] for _ in units]
    for block in matcher.get_matching_blocks():
        for i in range(block.size):
            s, (w, _) = block.a + i, heard[block.b + i]
            found[owner[s]].append((share[s][0], w.start, w.end))
            found[owner[s]].append((share[s][1], w.end, w.end))
    counts = [owner.count(k) for k in range(len(units))]
    return [points if counts[k] and len(points) / 2 >= max(1, math.ceil(SPOKEN_SHARE * counts[k])) else None
            for k, points in enumerate(found)]


def _clock(points: list[tuple[float, float, float]]):
    """Share of a unit -> seconds, piecewise linear through the found words (never running backwards)."""
    xs: list[float] = []
    ts: list[float] = []
    for x, start, _end in sorted(points):
        if xs and x <= xs[-1]:
            ts[-1] = max(ts[-1], start)
            continue
        xs.append(x)
        ts.append(max(start, ts[-1]) if ts else start)
    end = max(p[2] for p in points)

    def at(x: float) -> float:
        if x <= xs[0]:
            return ts[0]
        for k in range(1, len(xs)):
            if x <= xs[k]:
                return ts[k - 1] + (ts[k] - ts[k - 1]) * (x - xs[k - 1]) / (xs[k] - xs[k - 1])
        return end
    return at, ts[0], end


def translation_cues(pairing: Pairing, words: Sequence[Word], profile: str, fps: float | None = None) -> list[Cue]:
    """The other script's units laid out under `profile`, each inside the time its spoken counterpart took."""
    caption_profile = get_profile(profile)
    gap = caption_profile.with_fps(fps).min_gap
    timed = unit_times(pairing.spoken, words, pairing.spoken_language)
    windows = []
    for unit, points in zip(pairing.other, timed):
        if points is not None:
            at, start, end = _clock(points)
            windows.append((unit, at, start, end))
    cues: list[Cue] = []
    for k, (unit, at, start, end) in enumerate(windows):
        limit = end + LINGER if k + 1 == len(windows) else min(end + LINGER, windows[k + 1][2] - gap)
        total = sum(len(t) + 1 for t in unit.tokens)
        placed, pos = [], 0
        for token in unit.tokens:
            placed.append(Word(at(pos / total), max(at((pos + len(token)) / total), at(pos / total) + 0.001), token))
            pos += len(token) + 1
        for cue in build_cues(placed, caption_profile, fps=fps):  # cut short at the limit, never dropped
            cues.append(replace(cue, end=max(cue.start + 0.001, min(cue.end, limit)), flags=()))
    return cues


def make_translation(pf: ProjectFolder, spoken: CaptionTrack, words: Sequence[Word],
                     fps: float | None = None) -> CaptionTrack | None:
    """The translation track of a spoken track, or None when the project's script has no translation."""
    pairing = find_pairing(pf.project)
    if pairing is None or pairing.other_language.split("-")[0] == spoken.language.split("-")[0]:
        return None
    cues = translation_cues(pairing, words, spoken.profile, fps)
    if not cues:
        return None
    parallel = sum(pairing.sentence_parallel)
    track = CaptionTrack(take_id=spoken.take_id, language=pairing.other_language, engine="script",
                         model=pairing.other_template, profile=spoken.profile, created_at=now_iso(), cues=cues,
                         kind="translation",
                         source=f"script:{pairing.other_template} timed by the {spoken.language} take "
                                f"({parallel} of {len(pairing.sentence_parallel)} paragraphs sentence by sentence)")
    if getattr(spoken, "span", None) is not None:  # the trim the spoken track was made for holds for this one
        track = replace(track, span=spoken.span)  # type: ignore[call-arg]
    return track


def translation_files(pf: ProjectFolder, track: CaptionTrack) -> tuple[Path, Path]:
    """captions/take-N.<lang>.srt and .vtt, beside the spoken track's take-N.srt/.vtt."""
    return tuple(pf.captions_dir / f"take-{track.take_id}.{track.language}{ext}"  # type: ignore[return-value]
                 for ext in (".srt", ".vtt"))


def store_translation(pf: ProjectFolder, take_id: int, track: CaptionTrack | None) -> tuple[Path, ...]:
    """Put `track` in the project as the take's only translation (None: remove the old ones) and write files."""
    from introstudio.core.captions.formats import write_captions

    old = [c for c in pf.project.captions if c.take_id == take_id and c.kind == "translation"]
    if not old and track is None:
        return ()
    pf.project.captions = [c for c in pf.project.captions if c not in old] + ([track] if track else [])
    pf.save()
    for gone in old:
        if track is None or gone.language != track.language:
            for path in translation_files(pf, gone):
                path.unlink(missing_ok=True)
    if track is None:
        return ()
    pf.captions_dir.mkdir(exist_ok=True)
    files = translation_files(pf, track)
    for path in files:
        write_captions(track.cues, path)
    from introstudio.core.review import audit

    audit.record(pf.folder, "captions", audit.actor(pf.what), {
        "action": "translated", "take_id": take_id, "cues": len(track.cues), "language": track.language,
        "source": track.source})
    return files


def add_translation(pf: ProjectFolder, spoken: CaptionTrack, words: Sequence[Word] | None,
                    fps: float | None = None) -> tuple[Path, ...]:
    """The pipeline's hook: make and store the take's translation track; a problem is logged, never raised."""
    if not words:
        return ()
    try:
        return store_translation(pf, spoken.take_id, make_translation(pf, spoken, words, fps))
    except IntroStudioError as exc:  # the spoken captions are made; a translation that cannot be is only logged
        log.warning("no translation track for take %s: %s", spoken.take_id, exc.message)
        return ()


def translations_for(project: Project, take_id: int) -> list[CaptionTrack]:
    """The take's translation tracks (the spoken one is `project.captions_for`)."""
    return [c for c in project.captions if c.take_id == take_id and c.kind == "translation"]
