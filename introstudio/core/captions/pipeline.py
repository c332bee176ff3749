"""Captions for a project's take: transcribe, align to the script, lay out under a profile, store, import, export.

Between recognition and layout two checks run (`check_speech`): voiced stretches left without words are
listened to again (`rescue.py`), and where the words differ from the script the script is verified by
forced alignment (`verify.py`).

Prompt policy: recognition runs WITHOUT the script prompt; the script's names go to verification instead.
Measured on the test corpus (scripts/make_speech_corpus.py: the cardiology script read by Piper's joe and
by espeak-ng, clean and with room noise and echo; tiny.en, with rescue and verification on), word error
against what was spoken, script names spelled right (of 5), departures left to review on exact reads:

    take                      with prompt             without prompt
    piper clean               0.0%  5/5  0 review     0.0%  5/5  0 review
    piper noisy               0.0%  5/5  0 review     0.0%  5/5  0 review
    espeak-ng clean           0.6%  5/5  1 review     0.6%  5/5  1 review
    espeak-ng noisy           3.2%  5/5  2 review     0.0%  5/5  0 review
    espeak-ng drop-out take   0.6%, 2 stretches had   0.6%, nothing lost,
                              to be heard again       no rescue needed

With the prompt tiny.en mishears more around the prompted terms ("at the longer" for "that need care
over", "fear" for "thinners", too far off to verify) and loses whole windows on some takes (the drop-out
take); without it, verification restores the names the prompt was there for ("Akhapur" -> "Okafor" scores
14-18 nats better as the script). Checks cost 0.1-0.6 s per ~55 s take (scripts/bench_captions.py).
Before the checks (prompt + alignment only) the same takes had 0.0%, 5.7%, 4.5% and 11.5% word error
(3-4 names of 5 right, 0-11 departures to review). The drop-out check runs either way; `captions --script-prompt` still gives the recogniser the prompt.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from pathlib import Path

from introstudio.core.captions.checks import check_speech, mark_placed
from introstudio.core.captions.engines.base import Transcript, TranscribeOptions, get_engine
from introstudio.core.captions.formats import read_captions, write_captions
from introstudio.core.captions.layout import Violation, build_cues, check_cues, reflow
from introstudio.core.captions.cues import Cue
from introstudio.core.captions.parallel import add_translation
from introstudio.core.captions.rescue import Rescue
from introstudio.core.captions.profiles import get_profile
from introstudio.core.errors import IntroStudioError, UserError
from introstudio.core.jobs import Job, Progress, scaled
from introstudio.core.project.model import CaptionTrack, Take, now_iso
from introstudio.core.project.store import ProjectFolder

log = logging.getLogger(__name__)

USE_SCRIPT_PROMPT = False  # see the module docstring


@dataclass(frozen=True)
class CaptionResult:
    """What a captioning run produced, for the CLI/GUI to report."""

    track: CaptionTrack
    transcript: Transcript
    script_match: float | None
    violations: tuple[Violation, ...]
    files: tuple[Path, ...]
    rescues: tuple[Rescue, ...] = ()  # voiced stretches that had no words after recognition
    corrected: tuple[dict, ...] = ()  # recogniser slips shown as the script's words, with both scores
    seconds: dict[str, float] = field(default_factory=dict)  # wall time of each step, for reports and benchmarks

    @property
    def needed_rescue(self) -> bool:
        return bool(self.rescues)

    @property
    def uncaptioned(self) -> tuple[Rescue, ...]:
        """Stretches of speech that still have no captions (nothing heard, no script words due)."""
        return tuple(r for r in self.rescues if r.outcome == "uncaptioned")


def choose_take(pf: ProjectFolder, take_id: int | None) -> Take:
    if take_id is not None:
        return pf.project.take(take_id)
    take = pf.project.current_take()
    if take is None:
        raise UserError("This project has no takes to caption yet.",
                        "Add footage with `introstudio import DIR FILE`, or record a take in the app.")
    return take


def project_script_text(pf: ProjectFolder) -> tuple[str | None, str]:
    """The filled script and its language, or (None, 'en') when the project has no usable script."""
    from introstudio.core.project.ops import filled_script

    try:
        script = filled_script(pf.project)
    except IntroStudioError as exc:
        log.info("captions without script alignment: %s", exc.message)
        return None, "en"
    return script.text, script.language


def caption_take(pf: ProjectFolder, take_id: int | None = None, engine: str = "faster-whisper",
                 model: str | None = None, language: str | None = None, profile: str = "default",
                 use_script: bool = True, cache_dir: Path | None = None,
                 prompt: bool | None = None) -> Job[CaptionResult]:
    """Transcribe a take offline, align it to the script, build cues, and save them in the project.

    `prompt`: give the recogniser the script's names as its prompt (None: `USE_SCRIPT_PROMPT`).
    """
    from introstudio.core.captions.align import script_prompt

    take = choose_take(pf, take_id)
    from introstudio.core.diskcheck import ensure_writable

    ensure_writable(pf.folder, pf.captions_dir, need_bytes=1_000_000)  # before Whisper, not after its minutes
    caption_profile = get_profile(profile)
    script_text, script_language = project_script_text(pf) if use_script else (None, "en")
    options = TranscribeOptions(
        language=language or script_language,
        initial_prompt=script_prompt(script_text) if script_text and (USE_SCRIPT_PROMPT if prompt is None
                                                                      else prompt) else None,
        start=take.trim_in,
        end=take.trim_out,
    )
    yield Progress(0.0, f"Loading the {engine} model")
    recogniser = get_engine(engine, model, cache_dir=cache_dir)
    media = pf.resolve(take.file)
    started = time.perf_counter()
    transcript = yield from scaled(recogniser.transcribe(media, options), 0.02, 0.85, prefix="Transcribing: ")
    recognised = time.perf_counter()
    checked = yield from scaled(check_speech(recogniser, media, options, transcript.words, script_text),
                                0.85, 0.95)
    seconds = {"transcribe": recognised - started, "checks": time.perf_counter() - recognised}
    yield Progress(0.96, f"Laying out captions ({caption_profile.name} profile)")
    fps = (take.media.get("video") or {}).get("fps") or None
    cues = mark_placed(build_cues(checked.words, caption_profile, fps=fps), checked.rescues)
    track = CaptionTrack(take_id=take.id, language=transcript.language, engine=transcript.engine,
                         model=transcript.model, profile=caption_profile.name, created_at=now_iso(),
                         cues=cues, departures=list(checked.departures),
                         rescues=[r.to_dict() for r in checked.rescues], span=(take.trim_in, take.trim_out))
    take.script_match = checked.script_match
    files = store_track(pf, track)
    files += add_translation(pf, track, checked.words if script_text else None, fps)  # the paired script's track
    violations = tuple(check_cues(cues, caption_profile))
    yield Progress(1.0, f"{len(cues)} captions")
    return CaptionResult(track, transcript, checked.script_match, violations, files, checked.rescues,
                         checked.corrected, {k: round(v, 3) for k, v in seconds.items()})


def store_track(pf: ProjectFolder, track: CaptionTrack) -> tuple[Path, ...]:
    """Put `track` in the project (replacing the take's old one), save, and keep SRT/VTT copies beside it."""
    others = [c for c in pf.project.captions if (c.take_id, c.kind) != (track.take_id, track.kind)]
    pf.project.captions = others + [track]  # a translation of the take (captions/parallel.py) stays
    pf.save()
    pf.captions_dir.mkdir(exist_ok=True)
    files = []
    for ext in (".srt", ".vtt"):
        out = pf.captions_dir / f"take-{track.take_id}{ext}"
        write_captions(track.cues, out)
        files.append(out)
    from introstudio.core.review import audit

    audit.record(pf.folder, "captions", audit.actor(pf.what), {
        "action": "imported" if track.engine == "imported" else "edited" if track.edited else "made", "take_id": track.take_id,
        "cues": len(track.cues), "engine": track.engine, "model": track.model, "language": track.language})
    return tuple(files)


def import_captions(pf: ProjectFolder, file: Path, take_id: int | None = None,
                    language: str = "en") -> tuple[CaptionTrack, list[str]]:
    """Use an SRT/WebVTT file as the captions of a take (strictly parsed); returns the warnings too."""
    take = choose_take(pf, take_id)
    loaded = read_captions(file)
    if not loaded.cues:
        raise UserError(f"{file} holds no captions.", "Check that it is the right file.")
    track = CaptionTrack(take_id=take.id, language=language, engine="imported", model=Path(file).name,
                         profile=pf.project.design.caption_profile, created_at=now_iso(), edited=True,
                         cues=list(loaded.cues))
    store_track(pf, track)
    return track, list(loaded.warnings)


def track_for(pf: ProjectFolder, take_id: int | None = None) -> CaptionTrack:
    take = choose_take(pf, take_id)
    track = pf.project.captions_for(take.id)
    if track is None:
        raise UserError(f"Take {take.id} has no captions yet.",
                        "Make them with `introstudio captions DIR`, or import a file with "
                        "`introstudio captions import DIR FILE.srt`.")
    return track


def export_captions(pf: ProjectFolder, out: Path, take_id: int | None = None) -> Path:
    write_captions(track_for(pf, take_id).cues, out)
    return Path(out)


def fix_cues(cues: list[Cue], profile: str, fps: float | None = None) -> tuple[list[Cue], list[Violation]]:
    """Re-flow cues to the profile; returns the new cues and whatever still cannot be satisfied."""
    caption_profile = get_profile(profile)
    fixed = reflow(cues, caption_profile, fps=fps)
    return fixed, check_cues(fixed, caption_profile)
