"""Verifying the script by forced alignment, on real espeak-ng speech with the bundled model.

The speech is the physician template's first two paragraphs (conftest `intro_speech`). Slips are made by
changing what the recogniser heard (the speech stays as it is); real departures by changing the script
(the speech then differs from it for real).
"""

from __future__ import annotations

from dataclasses import replace

import pytest

from introstudio.core.captions.align import align_to_script, script_prompt
from introstudio.core.captions.cues import Word

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def heard(intro_speech):
    """The take as the bundled model hears it without help, and the model and sound for the aligner."""
    from introstudio.core.captions.engines.base import TranscribeOptions
    from introstudio.core.captions.engines.faster import FasterWhisperEngine, load_audio, load_model
    from introstudio.core.jobs import run_job

    engine = FasterWhisperEngine(None)
    transcript = run_job(engine.transcribe(intro_speech.video, TranscribeOptions()))
    return list(transcript.words), load_model(engine.model_path), load_audio(intro_speech.video)


def verified(heard_words, model, audio, script):
    from introstudio.core.captions.forced import ForcedAligner
    from introstudio.core.captions.rescue import voiced_stretches
    from introstudio.core.captions.verify import verify

    aligner = ForcedAligner(model, audio, "en", prompt=script_prompt(script))
    return verify(align_to_script(heard_words, script), aligner, voiced=voiced_stretches(audio))


def swap(words: list[Word], old: str, new: str, nth: int = 0) -> list[Word]:
    """The heard words with the nth `old` heard as `new` instead (same times)."""
    found = [k for k, w in enumerate(words) if w.text.strip(".,").lower() == old.strip(".,")]
    assert len(found) > nth, f"{old!r} was not heard: {' '.join(w.text for w in words)}"
    k = found[nth]
    out = list(words)
    out[k] = replace(words[k], text=new)
    return out


def test_recogniser_slips_become_the_scripts_words(heard, intro_speech):
    words, model, audio = heard
    slipped = swap(swap(words, "a", "the"), "diabetes,", "the beats,")
    result = verified(slipped, model, audio, intro_speech.script_text)
    text = " ".join(w.text for w in result.words)
    assert "a physician" in text and "diabetes," in text and "the beats" not in text, text
    assert "our Endocrinology team" in text, "the recogniser's own slip ('my rental chronology') is fixed too"
    fixed = {d["heard_text"]: d for d in result.corrected}
    assert {"the", "the beats,"} <= set(fixed), result.corrected
    for d in fixed.values():  # both scores kept, and the script's is about as good
        assert d["script_score"] >= d["heard_score"] - 7.0
    assert not any(d["heard_text"] in ("the", "the beats,") for d in result.departures)
    script_word = next(w for w in result.words if w.text == "diabetes,")
    assert script_word.heard == "the beats," and script_word.departure is None
    assert 5.0 < script_word.start < intro_speech.end, "the script's word is timed in the speech"


def test_real_departures_stay_flagged_with_both_scores(heard, intro_speech):
    words, model, audio = heard
    script = (intro_speech.script_text.replace("internal medicine", "heart surgery")
              .replace("Most of my patients", "Please remember that most of my patients")
              + " At your first visit, we will review your medicines together.")
    result = verified(words, model, audio, script)
    by_script = {d["script_text"]: d for d in result.departures}
    changed = next(d for s, d in by_script.items() if "heart surgery" in s)
    assert changed["kind"] == "changed" and "internal" in changed["heard_text"].lower()
    assert changed["script_score"] < changed["heard_score"] - 3.0, changed
    assert any("Please remember" in s for s in by_script), result.departures  # not said: skipped
    assert any(d["kind"] == "skipped" and "first visit" in d["script_text"] for d in result.departures)
    text = " ".join(w.text for w in result.words)
    assert "heart surgery" not in text and "first visit" not in text, "captions show what was said"


def test_words_the_script_does_not_have_are_not_dropped(heard, intro_speech):
    """An ad-lib (here: a sentence said but cut from the script) stays in the captions, flagged."""
    words, model, audio = heard
    script = intro_speech.script_text.replace("I've been caring for patients for 15 years. ", "")
    result = verified(words, model, audio, script)
    added = [d for d in result.departures if d["kind"] == "added"]
    assert any("caring for patients" in d["heard_text"] for d in added), result.departures
    assert "caring" in " ".join(w.text for w in result.words)
    assert all(d["verdict"] for d in result.departures)
