"""faster-whisper for real on espeak-ng speech: accuracy, timing, progress, cancel, trim, errors."""

from __future__ import annotations

import itertools
import re
import time
from pathlib import Path

import pytest

from introstudio.core.captions.align import align_to_script, script_prompt
from introstudio.core.captions.engines.base import TranscribeOptions, Transcript, get_engine
from introstudio.core.errors import Cancelled, InvalidInputError, MediaError, NotFoundError
from introstudio.core.jobs import CancelToken, Progress, run_job

TOLERANCE = 0.3  # seconds: word times against the speech


def tokens(text: str) -> list[str]:
    """Words for WER: lower case, no punctuation, '/' and '-' split words."""
    return re.sub(r"[^\w\s']", " ", text.lower().replace("/", " ").replace("-", " ")).split()


def wer(reference: str, hypothesis: str) -> float:
    """Word error rate: word edits (substitute, insert, delete) per reference word."""
    ref, hyp = tokens(reference), tokens(hypothesis)
    row = list(range(len(hyp) + 1))
    for i, r in enumerate(ref, 1):
        prev, row[0] = row[0], i
        for j, h in enumerate(hyp, 1):
            prev, row[j] = row[j], min(row[j] + 1, row[j - 1] + 1, prev + (r != h))
    return row[-1] / max(1, len(ref))


def run(job) -> tuple[Transcript, list[Progress], float]:
    steps: list[Progress] = []
    t0 = time.perf_counter()
    result = run_job(job, steps.append)
    return result, steps, time.perf_counter() - t0


@pytest.fixture(scope="module")
def engine():
    from introstudio.core.captions.engines.faster import FasterWhisperEngine

    try:
        return FasterWhisperEngine(None)
    except NotFoundError as exc:
        pytest.skip(str(exc))


@pytest.fixture(scope="module")
def raw(engine, intro_speech):
    """The take transcribed without any help from the script."""
    return run(engine.transcribe(intro_speech.video, TranscribeOptions()))


@pytest.fixture(scope="module")
def prompted(engine, intro_speech):
    """The take transcribed as the caption command does: the script's rare words as the prompt."""
    options = TranscribeOptions(initial_prompt=script_prompt(intro_speech.script_text))
    return run(engine.transcribe(intro_speech.video, options))[0]


@pytest.mark.slow
def test_raw_transcript_is_accurate_and_fast(raw, intro_speech, record_property):
    transcript, _, seconds = raw
    error_rate = wer(intro_speech.script_text, transcript.text)
    rtf = seconds / transcript.duration
    record_property("wer", round(error_rate, 3))
    record_property("rtf", round(rtf, 3))
    assert error_rate <= 0.12, transcript.text
    assert rtf < 0.5  # goal 0.15 on 2 cores; loose here so a busy test machine does not fail it
    assert (transcript.engine, transcript.language) == ("faster-whisper", "en")
    assert "bundled" in transcript.model


@pytest.mark.slow
def test_word_times_follow_the_speech(raw, intro_speech):
    words = raw[0].words
    assert abs(words[0].start - intro_speech.onset) <= TOLERANCE
    assert abs(words[-1].end - intro_speech.end) <= TOLERANCE
    assert all(a.start <= b.start for a, b in itertools.pairwise(words))
    assert all(0 <= w.start <= w.end <= intro_speech.duration + 0.05 for w in words)
    assert all(type(w.start) is float and type(w.end) is float for w in words)


@pytest.mark.slow
def test_progress_rises_to_one(raw):
    steps = raw[1]
    fractions = [p.fraction for p in steps]
    assert len(fractions) >= 4
    assert all(a <= b for a, b in itertools.pairwise(fractions))
    assert fractions[-1] == 1.0 and fractions[-2] >= 0.9
    working = [p for p in steps if 0 < p.fraction < 1]
    assert working and all(p.speed and p.speed > 1 and p.eta_seconds is not None for p in working)


@pytest.mark.slow
@pytest.mark.parametrize("which", ["raw", "prompted"])
def test_aligned_captions_use_the_script_spelling(which, raw, prompted, intro_speech):
    transcript = raw[0] if which == "raw" else prompted
    result = align_to_script(transcript.words, intro_speech.script_text)
    script_words = intro_speech.script_text.split()
    kept = iter(script_words)
    for word in result.words:
        if word.departure is None:  # read as written: the script's word, in the script's order
            assert word.text in kept, (word, result.departures)
    shown = [w.text for w in result.words]
    for name in ("Maria", "Lopez,", "MD,", "Lopez.", "Riverside", "General", "Hospital.", "she/her."):
        assert name in shown
    assert result.script_match >= (0.95 if which == "raw" else 0.99)
    if which == "prompted":  # the prompt gets the term right; the raw run may hear "rental chronology"
        assert "Endocrinology" in shown
        # At most one slip is left (which word varies with the espeak-ng and CTranslate2 builds: e.g.
        # "pressure," dropped); the name and the term above are what the prompt is for.
        assert len(result.departures) <= 1, result.departures
    assert all(a.start <= b.start for a, b in zip(result.words, result.words[1:]))


@pytest.mark.slow
def test_trimmed_take_keeps_source_file_times(engine, raw, intro_speech):
    words = raw[0].words
    gaps = [(a.end + b.start) / 2 for a, b in itertools.pairwise(words) if b.start - a.end >= 0.25]
    start = gaps[0]
    end = next(g for g in gaps if g > start + 8)
    transcript, _, _ = run(engine.transcribe(intro_speech.video, TranscribeOptions(start=start, end=end)))
    inside = [w for w in words if start <= w.start < end]
    assert transcript.duration == pytest.approx(end - start, abs=0.01)
    assert wer(" ".join(w.text for w in inside), transcript.text) <= 0.1
    assert all(start <= w.start <= w.end <= end + 0.01 for w in transcript.words)
    assert abs(transcript.words[0].start - inside[0].start) <= TOLERANCE
    assert abs(transcript.words[-1].end - inside[-1].end) <= TOLERANCE


@pytest.mark.slow
def test_cancel_mid_way(engine, intro_speech):
    job = engine.transcribe(intro_speech.video, TranscribeOptions())
    t0 = time.perf_counter()
    step = next(job)
    while not step.fraction:
        step = next(job)
    assert 0 < step.fraction < 1
    job.close()  # what run_job does on cancel; the segment generator is closed in the job's finally
    with pytest.raises(StopIteration):
        next(job)
    assert time.perf_counter() - t0 < 10
    token = CancelToken()

    def cancel_on_first_segment(p: Progress) -> None:
        if p.fraction:
            token.cancel()

    with pytest.raises(Cancelled):
        run_job(engine.transcribe(intro_speech.video, TranscribeOptions()), cancel_on_first_segment, token)


def test_media_without_sound_is_a_media_error(engine, tmp_path):
    from introstudio.core.media.testmedia import make_clip

    clip = make_clip(tmp_path / "silent.mp4", seconds=1, audio=False)
    with pytest.raises(MediaError) as info:
        run_job(engine.transcribe(clip, TranscribeOptions()))
    assert info.value.hint
    junk = tmp_path / "junk.mp4"
    junk.write_bytes(b"not a video" * 50)
    with pytest.raises(MediaError):
        run_job(engine.transcribe(junk, TranscribeOptions()))
    with pytest.raises(NotFoundError):
        run_job(engine.transcribe(tmp_path / "missing.mp4", TranscribeOptions()))


def test_bad_trim_and_language_are_refused(engine, intro_speech):
    with pytest.raises(InvalidInputError):
        run_job(engine.transcribe(intro_speech.video, TranscribeOptions(start=500.0)))
    with pytest.raises(InvalidInputError, match="English only"):
        run_job(engine.transcribe(intro_speech.video, TranscribeOptions(language="es")))


def test_models_resolve_offline_only(tmp_path):
    from introstudio.core.captions.engines.faster import FasterWhisperEngine, load_model
    from introstudio.core.captions.models import bundled_model_path

    try:
        bundled = bundled_model_path()
    except NotFoundError as exc:
        pytest.skip(str(exc))
    by_folder = FasterWhisperEngine(str(bundled))
    assert by_folder.model_path == bundled.resolve() and by_folder.model_label == bundled.name
    assert get_engine("faster-whisper").model_path == bundled
    assert load_model(bundled) is load_model(bundled)  # loaded once per process
    empty = tmp_path / "empty-model"
    empty.mkdir()
    for missing in (str(empty), str(tmp_path / "nowhere"), "./nowhere", "no-such-size",
                    "introstudio-tests/no-such-model"):
        with pytest.raises(NotFoundError) as info:
            FasterWhisperEngine(missing)
        assert "never downloads" in info.value.hint or "model.bin" in info.value.hint
    (tmp_path / "model.bin").write_bytes(b"")
    with pytest.raises(InvalidInputError):
        FasterWhisperEngine(str(tmp_path / "model.bin"))


def test_introstudio_help_does_not_import_faster_whisper():
    import subprocess
    import sys

    code = ("import sys, introstudio.core.captions.engines.faster, introstudio.core.captions.align; "
            "print('faster_whisper' in sys.modules, 'ctranslate2' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         cwd=Path(__file__).resolve().parents[3])
    assert out.stdout.split() == ["False", "False"]
