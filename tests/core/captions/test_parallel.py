"""A second caption track from the parallel script: an English take gets the Spanish script's words, and back."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

from introstudio.core.captions.cues import Word
from introstudio.core.captions.parallel import (
    find_pairing,
    pair_units,
    sentences,
    translation_cues,
)

ROOT = Path(__file__).resolve().parents[3]
TOLERANCE = 0.3  # seconds, as issue 11 judges a cue against its sentence's true time
PARAGRAPHS = (0, 4)  # the take reads the first and the last paragraph; the three between are skipped


def _corpus():
    spec = importlib.util.spec_from_file_location("make_speech_corpus", ROOT / "scripts" / "make_speech_corpus.py")
    if spec.name not in sys.modules:
        module = importlib.util.module_from_spec(spec)
        sys.modules[spec.name] = module  # dataclasses look their module up while the file runs
        spec.loader.exec_module(module)
    return sys.modules[spec.name]


def _project(folder: Path, template: str = "physician-intro"):
    from introstudio.core.project.model import Clinician, Script
    from introstudio.core.project.store import create_project

    return create_project(folder, Clinician(**_corpus().CARDIOLOGY), Script(template_id=template))


def test_sentences_keep_abbreviations_and_addresses_whole() -> None:
    text = "Call me Dr. Okafor. Visit riverside.example.org/okafor. ¿Tiene preguntas? Sí."
    assert [" ".join(s) for s in sentences(text)] == [
        "Call me Dr. Okafor.", "Visit riverside.example.org/okafor.", "¿Tiene preguntas?", "Sí."]


def test_units_are_sentences_only_where_both_paragraphs_have_as_many(tmp_path) -> None:
    spoken, other, parallel = pair_units(["One. Two.", "Three. Four."], ["Uno. Dos.", "Tres: cuatro."])
    assert parallel == [True, False]
    assert [u.text for u in other] == ["Uno.", "Dos.", "Tres: cuatro."]
    assert [u.text for u in spoken] == ["One.", "Two.", "Three. Four."]
    pairing = find_pairing(_project(tmp_path / "en").project)  # the shipped physician templates, paired by field
    assert pairing is not None and (pairing.other_template, pairing.other_language) == ("physician-intro-es", "es")
    assert pairing.sentence_parallel == (True, True, False, True, True)
    back = find_pairing(_project(tmp_path / "es", "physician-intro-es").project)
    assert back is not None and (back.other_template, back.other_language) == ("physician-intro", "en")


def test_spanish_take_words_time_the_english_script(tmp_path) -> None:
    """The other way round, on the script's own words: each English sentence sits where its Spanish one was."""
    pairing = find_pairing(_project(tmp_path / "p", "physician-intro-es").project)
    assert pairing is not None
    words, t = [], 1.0
    for unit in pairing.spoken[:4]:  # Spanish sentences said at 0.3 s a word, 1 s between sentences
        for token in unit.tokens:
            words.append(Word(t, t + 0.25, token))
            t += 0.3
        t += 1.0
    cues = translation_cues(pairing, words, "default")
    text = " ".join(" ".join(c.lines) for c in cues)
    assert text == " ".join(u.text for u in pairing.other[:4])
    assert all(c.start >= 1.0 and c.end <= words[-1].end + 0.5 for c in cues)


@pytest.mark.slow
def test_english_take_gets_spanish_track_timed_by_its_sentences(tmp_path) -> None:
    from introstudio.core.captions.parallel import translations_for
    from introstudio.core.captions.pipeline import caption_take
    from introstudio.core.jobs import run_job
    from introstudio.core.project.ops import import_takes
    from introstudio.core.script.templates import load_template, render

    corpus = _corpus()
    try:
        voice = corpus.Voice("espeak")
    except RuntimeError as exc:
        pytest.skip(str(exc))
    filled = render(load_template("physician-intro"), corpus.CARDIOLOGY).paragraphs
    take = corpus.make_take(tmp_path / "take", "en", "\n\n".join(filled[k] for k in PARAGRAPHS), voice)
    pf = _project(tmp_path / "p")
    run_job(import_takes(pf, [take.video]))
    result = run_job(caption_take(pf))

    pairing = find_pairing(pf.project)
    es_units = [u for u in pairing.other if u.paragraph in PARAGRAPHS]
    assert len(es_units) == len(take.sentences)  # both paragraphs are sentence-parallel
    [track] = translations_for(pf.project, result.track.take_id)
    assert (track.language, track.kind, track.model) == ("es", "translation", "physician-intro-es")
    assert track.source.startswith("script:physician-intro-es")
    assert pf.project.captions_for(result.track.take_id) is result.track  # the spoken track is still the one
    for file in result.files[-2:]:
        assert file.name in (f"take-{track.take_id}.es.srt", f"take-{track.take_id}.es.vtt") and file.is_file()

    remaining = list(track.cues)
    for unit, sentence in zip(es_units, take.sentences):  # each Spanish sentence, in order, inside its English one
        shown: list[str] = []
        while remaining and len(" ".join(shown)) < len(unit.text):
            cue = remaining.pop(0)
            assert cue.start >= sentence.start - TOLERANCE, (unit.text, cue, sentence)
            assert cue.end <= sentence.end + 0.5 + TOLERANCE, (unit.text, cue, sentence)
            shown += [" ".join(cue.lines)]
        assert " ".join(shown) == unit.text
    assert not remaining  # the skipped paragraphs have no Spanish captions either


def test_a_paragraph_not_sentence_parallel_is_timed_as_one_across_its_pauses(tmp_path) -> None:
    pairing = find_pairing(_project(tmp_path / "p").project)
    [en] = [u for u in pairing.spoken if u.paragraph == 2]  # 7 English sentences, 6 Spanish ones
    [es] = [u for u in pairing.other if u.paragraph == 2]
    words, t = [], 10.0
    for k, token in enumerate(en.tokens):
        words.append(Word(t, t + 0.25, token))
        t += 0.3 + (4.0 if k == len(en.tokens) // 2 else 0.0)  # a long pause half way through
    cues = translation_cues(pairing, words, "default")
    assert " ".join(" ".join(c.lines) for c in cues) == es.text
    assert cues[0].start == 10.0 and cues[-1].end <= words[-1].end + 0.5
    assert all(b.start >= a.end for a, b in zip(cues, cues[1:]))
    middle = words[len(en.tokens) // 2].end
    assert sum(c.start >= middle + 3.5 for c in cues) >= len(cues) // 3  # the second half waits for its speech
