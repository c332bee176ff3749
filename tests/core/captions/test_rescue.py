"""Never drop speech: voiced stretches without words are found, heard again, and squeezed copies dropped."""

from __future__ import annotations

import pytest

from introstudio.core.captions.checks import PLACED, _placed, mark_placed
from introstudio.core.captions.cues import Cue, Word
from introstudio.core.captions.rescue import Rescue, merge_heard, uncovered, voiced_seconds


def words_at(*spans: tuple[float, float, str]) -> list[Word]:
    return [Word(a, b, t) for a, b, t in spans]


def test_voice_with_no_word_on_it_for_a_second_or_more_is_found():
    voiced = [(0.0, 5.0), (6.0, 6.8), (8.0, 12.0)]
    heard = words_at((0.2, 0.6, "Hello"), (0.7, 1.2, "and"), (3.9, 4.8, "welcome."), (8.1, 8.5, "I'm"))
    gaps = uncovered(voiced, heard)
    assert gaps == [pytest.approx((1.5, 3.6)), pytest.approx((8.8, 12.0))]
    # a short voiced stretch (0.8 s) with no words is a breath or a click, not lost speech
    assert all(not (6.0 <= g[0] < 6.8) for g in gaps)
    assert uncovered(voiced, heard, offset=0.0, min_gap=5.0) == []
    # words timed in the source file (a trimmed take starts 2 s in) cover the same voice
    shifted = [Word(w.start + 2, w.end + 2, w.text) for w in heard]
    assert uncovered(voiced, shifted, offset=2.0) == [pytest.approx(g) for g in gaps]
    assert voiced_seconds(voiced, 4.0, 9.0) == pytest.approx(1.0 + 0.8 + 1.0)


def test_a_squeezed_copy_of_words_heard_again_is_dropped_with_its_misheard_words():
    # Whisper put the first window's words into its last seconds (20-26 s); 0-19 s had no words.
    squeezed = words_at((20.0, 20.5, "Hello"), (20.5, 21.0, "and"), (21.0, 21.5, "welcome."),
                        (21.5, 22.0, "I'm"), (22.0, 22.5, "Omar"), (22.5, 23.0, "Hadad,"), (23.0, 23.5, "DO,"),
                        (23.5, 24.0, "a"), (24.0, 24.5, "physician"), (24.5, 25.0, "specializing"),
                        (30.0, 30.4, "is"), (30.4, 30.8, "to"), (30.8, 31.2, "learn"))
    again = words_at((0.5, 1.0, "Hello"), (1.0, 1.4, "and"), (1.4, 2.0, "welcome."), (2.2, 2.5, "I'm"),
                     (2.5, 2.9, "Omar"), (2.9, 3.5, "Haddad,"), (3.6, 4.0, "D.O.,"), (4.5, 4.6, "a"),
                     (4.6, 5.2, "physician"), (5.2, 6.0, "specializing"), (6.0, 6.2, "in"))
    merged = merge_heard(squeezed, again, 0.0, 19.0)
    texts = [w.text for w in merged]
    assert texts[:11] == [w.text for w in again]
    assert texts[11:] == ["is", "to", "learn"], "the copy goes, 'Hadad' and 'DO' inside it too; later words stay"
    assert [w.start for w in merged] == sorted(w.start for w in merged)
    # nothing heard again: the words stay as they were
    assert merge_heard(squeezed, [], 0.0, 19.0) == squeezed


def test_script_words_placed_where_nothing_was_heard_are_flagged_once_per_cue():
    words = [Word(0.0, 0.4, "Hello", heard="Hello"), Word(30.2, 30.6, "Thank", heard=""),
             Word(30.6, 31.0, "you.", heard=""), Word(40.0, 40.5, "Bye.", heard="")]
    rescues = [Rescue(30.0, 32.0, "unheard"), Rescue(50.0, 52.0, "unheard"), Rescue(5.0, 7.0, "recognised", 3)]
    out, done = _placed(words, rescues)
    assert [w.departure for w in out] == [None, PLACED, PLACED, None], "only words inside the stretch"
    assert [(r.outcome, r.words, r.text) for r in done] == [
        (PLACED, 2, "Thank you."), ("uncaptioned", 0, ""), ("recognised", 3, "")]
    cues = [Cue(30.2, 31.0, ("Thank you.",), ("placed: 'Thank' at 30.2s", "placed: 'you.' at 30.6s")),
            Cue(0.0, 0.4, ("Hello",), ("changed: 'Hello' differs from the script at 0.0s",))]
    flagged = mark_placed(cues, done)
    assert flagged[0].flags == ("check: no speech was recognised at 30.0-32.0 s; the script's words were placed there",)
    assert flagged[1] == cues[1]
    assert "second listen" in Rescue(1, 2, "recognised", 4).describe()
    assert "placed" in done[0].describe() and "no captions" in done[1].describe()


@pytest.mark.slow
def test_speech_the_recogniser_lost_is_heard_again_on_its_own_clip(intro_speech):
    """Real speech, the real model: words of 6-12 s removed as if the window had ended early."""
    from introstudio.core.captions.checks import check_speech
    from introstudio.core.captions.engines.base import TranscribeOptions
    from introstudio.core.captions.engines.faster import FasterWhisperEngine
    from introstudio.core.jobs import run_job

    engine = FasterWhisperEngine(None)
    options = TranscribeOptions()
    heard = run_job(engine.transcribe(intro_speech.video, options)).words
    lost = [w for w in heard if not 6.0 <= w.start < 12.0]
    missing = [w.text for w in heard if 6.0 <= w.start < 12.0]
    assert len(missing) >= 10
    checked = run_job(check_speech(engine, intro_speech.video, options, lost, intro_speech.script_text))
    assert any(r.outcome == "recognised" and r.start < 12.0 and r.end > 6.0 for r in checked.rescues), checked.rescues
    assert not [r for r in checked.rescues if r.outcome == "uncaptioned"]
    back = [w.text.strip(".,").lower() for w in checked.words if 5.5 <= w.start < 12.5]
    found = sum(t.strip(".,").lower() in back for t in missing)
    assert found >= 0.8 * len(missing), (missing, back)


@pytest.mark.slow
def test_script_words_due_where_nothing_was_heard_are_placed_by_alignment_and_flagged(intro_speech):
    """Real speech: 6-12 s treated as heard by nobody; the script's words due there are placed and flagged."""
    from introstudio.core.captions.align import align_to_script, script_prompt
    from introstudio.core.captions.engines.base import TranscribeOptions
    from introstudio.core.captions.engines.faster import FasterWhisperEngine, load_audio, load_model
    from introstudio.core.captions.forced import ForcedAligner
    from introstudio.core.captions.rescue import voiced_stretches
    from introstudio.core.captions.verify import verify
    from introstudio.core.jobs import run_job

    engine = FasterWhisperEngine(None)
    heard = run_job(engine.transcribe(intro_speech.video, TranscribeOptions())).words
    lost = [w for w in heard if not 6.0 <= w.start < 12.0]
    audio = load_audio(intro_speech.video)
    aligner = ForcedAligner(load_model(engine.model_path), audio, prompt=script_prompt(intro_speech.script_text))
    result = verify(align_to_script(lost, intro_speech.script_text), aligner, voiced=voiced_stretches(audio),
                    unheard=[(6.0, 12.0)])
    words, rescues = _placed(list(result.words), [Rescue(6.0, 12.0, "unheard")])
    placed = [w for w in words if w.departure == PLACED]
    assert rescues[0].outcome == PLACED and rescues[0].words == len(placed) >= 10
    assert all(5.0 <= w.start <= 13.0 for w in placed), [(w.text, w.start) for w in placed]
    said = {w.text.strip(".,").lower() for w in heard if 6.0 <= w.start < 12.0}
    assert sum(w.text.strip(".,").lower() in said for w in placed) >= 0.7 * len(said)
    assert [w.start for w in words] == sorted(w.start for w in words)
    assert any(d["verdict"] == "placed where nothing was recognised" for d in result.corrected)


@pytest.mark.slow
def test_a_take_nobody_heard_gets_the_whole_script_placed_over_its_speech(intro_speech):
    """The extreme case: no word recognised at all (even again); long skips are placed in clip-sized pieces."""
    from introstudio.core.captions.align import align_to_script, script_prompt
    from introstudio.core.captions.engines.faster import load_audio, load_model
    from introstudio.core.captions.forced import ForcedAligner
    from introstudio.core.captions.models import bundled_model_path
    from introstudio.core.captions.rescue import voiced_stretches
    from introstudio.core.captions.verify import PLACED_VERDICT, verify

    audio = load_audio(intro_speech.video)
    model = load_model(bundled_model_path())
    everywhere = [(0.0, len(audio) / 16000)]
    script = intro_speech.script_text
    result = verify(align_to_script([], script), ForcedAligner(model, audio, prompt=script_prompt(script)),
                    voiced=voiced_stretches(audio), unheard=everywhere)
    assert [w.text for w in result.words] == script.split()
    assert result.departures == () and {d["verdict"] for d in result.corrected} == {PLACED_VERDICT}
    assert abs(result.words[0].start - intro_speech.onset) < 1.5
    assert abs(result.words[-1].end - intro_speech.end) < 2.0
    # more words than one clip can hold: spread over it, never a crash or a non-number in the project
    long_script = " ".join([script] * 4)
    result = verify(align_to_script([], long_script), ForcedAligner(model, audio), voiced=voiced_stretches(audio),
                    unheard=everywhere)
    assert len(result.words) == len(long_script.split())
    assert all("script_score" not in d or d["script_score"] > float("-inf") for d in result.corrected)
