"""Script alignment on hand-made heard words: script spelling where read, verbatim and flagged where not."""

from __future__ import annotations

import itertools
import time

import pytest

from introstudio.core.captions.align import Departure, align_to_script, script_prompt, word_key
from introstudio.core.captions.cues import Word

SCRIPT = ("Hello, and welcome. I'm Dr. Maria Lopez, MD, PhD, a physician in Endocrinology. "
          "I've been caring for patients for 15 years.")


def heard(text: str, start: float = 0.0, step: float = 0.5) -> list[Word]:
    """Words as an engine would give them: one every `step` seconds, 0.4 s long."""
    return [Word(start + k * step, start + k * step + 0.4, w, 0.9) for k, w in enumerate(text.split())]


def texts(words) -> list[str]:
    return [w.text for w in words]


def assert_ordered(words) -> None:
    assert all(a.start <= b.start for a, b in itertools.pairwise(words))
    assert all(w.end >= w.start for w in words)


@pytest.mark.parametrize("a, b", [
    ("Dr.", "doctor"), ("M.D.", "MD"), ("Ph.D.", "PhD"), ("phd", "PhD,"), ("15", "fifteen"),
    ("2nd", "second"), ("21", "twenty-one"), ("I'm", "I am"), ("won't", "will not"),
    ("López", "lopez"), ("well-being", "wellbeing"), ("Hello,", "hello"), ("100%", "one hundred percent"),
    ("it\u2019s", "it is"), ("555-0142", "555-0142."),
])
def test_keys_unify_spellings(a, b):
    assert word_key(a) == "".join(word_key(part) for part in b.split())


def test_exact_reading_uses_script_text_and_heard_times():
    said = heard("hello and welcome i'm doctor maria lopez md phd a physician in endocrinology "
                 "i've been caring for patients for fifteen years")
    result = align_to_script(said, SCRIPT)
    assert texts(result.words) == SCRIPT.split()
    assert [(w.start, w.end) for w in result.words] == [(w.start, w.end) for w in said]
    assert result.departures == () and result.script_match == 1.0
    assert all(w.departure is None for w in result.words)


def test_misheard_name_and_term_take_the_script_spelling():
    said = heard("Hello and welcome. I'm Dr Mariah Lopes, M.D., Ph.D., a physician in endocrinologie. "
                 "I've been caring for patients for 15 years.")
    result = align_to_script(said, SCRIPT)
    assert texts(result.words) == SCRIPT.split()
    lopez = result.words[6]
    assert (lopez.text, lopez.heard, lopez.departure) == ("Lopez,", "Lopes,", None)
    assert result.script_match == 1.0 and not result.departures


def test_filler_is_kept_and_flagged_as_added():
    said = heard("um hello and welcome")
    result = align_to_script(said, "Hello, and welcome.")
    assert texts(result.words) == ["um", "Hello,", "and", "welcome."]
    assert result.words[0].departure == "added" and result.words[0].heard == "um"
    assert result.departures == (Departure("added", "", "um", 0.0, 0.4),)
    assert result.script_match == 1.0


def test_skipped_sentence_has_no_caption_and_is_flagged():
    said = heard("hello and welcome i've been caring for patients for 15 years")
    script = "Hello, and welcome. I'm Maria Lopez. I've been caring for patients for 15 years."
    result = align_to_script(said, script)
    assert texts(result.words) == ["Hello,", "and", "welcome.", "I've", "been", "caring", "for", "patients",
                                   "for", "15", "years."]
    (skip,) = result.departures
    assert (skip.kind, skip.script_text, skip.heard_text) == ("skipped", "I'm Maria Lopez.", "")
    assert skip.start == skip.end == pytest.approx(1.4)  # where it was skipped: after "welcome."
    assert result.script_match == pytest.approx(11 / 14)


def test_skipped_last_words_leave_the_sentence_end_on_the_word_before():
    result = align_to_script(heard("thank you for coming"), "Thank you for coming today.")
    assert texts(result.words) == ["Thank", "you", "for", "coming."]
    assert result.departures[0].script_text == "today."


def test_changed_word_follows_the_speech():
    said = heard("I'm a doctor in Endocrinology")
    result = align_to_script(said, "I'm a physician in Endocrinology.")
    assert texts(result.words) == ["I'm", "a", "doctor", "in", "Endocrinology."]
    doctor = result.words[2]
    assert (doctor.departure, doctor.heard) == ("changed", "doctor")
    assert result.departures == (Departure("changed", "physician", "doctor", 1.0, 1.4),)
    assert result.script_match == pytest.approx(4 / 5)


def test_numbers_must_match_exactly():
    result = align_to_script(heard("for fifteen years arrive fifty minutes early"),
                             "for 15 years. Arrive fifteen minutes early.")
    assert texts(result.words) == ["for", "15", "years.", "Arrive", "fifty", "minutes", "early."]
    assert result.words[4].departure == "changed"
    assert [d.kind for d in result.departures] == ["changed"]


def test_repeated_word_keeps_the_repeat_and_times_the_script_word_to_the_second():
    said = heard("I I help people")
    result = align_to_script(said, "I help people.")
    assert texts(result.words) == ["I", "I", "help", "people."]
    assert [w.departure for w in result.words] == ["added", None, None, None]
    assert result.words[1].start == said[1].start
    assert result.script_match == 1.0


def test_repeated_phrases_align_in_order():
    script = "We listen to you, and we plan with you. We listen, and we plan."
    said = heard("we listen to you and we plan with you we listen and we plan")
    result = align_to_script(said, script)
    assert texts(result.words) == script.split() and not result.departures


def test_credentials_spelled_out_or_dotted():
    said = heard("I'm Maria Lopez M D P H D a doctor")
    result = align_to_script(said, "I'm Maria Lopez, MD, PhD, a doctor.")
    assert texts(result.words) == ["I'm", "Maria", "Lopez,", "MD,", "PhD,", "a", "doctor."]
    md, phd = result.words[3], result.words[4]
    assert (md.start, md.end, md.heard) == (said[3].start, said[4].end, "M D")
    assert (phd.start, phd.end, phd.heard) == (said[5].start, said[7].end, "P H D")
    assert not result.departures


def test_one_script_word_heard_as_several_and_several_heard_as_one():
    said = heard("our endo crinology team cares for your health care")
    result = align_to_script(said, "Our Endocrinology team cares for your healthcare.")
    assert texts(result.words) == ["Our", "Endocrinology", "team", "cares", "for", "your", "healthcare."]
    assert (result.words[1].start, result.words[1].end) == (said[1].start, said[2].end)
    said = heard("our healthcare team")
    result = align_to_script(said, "Our health care team.")
    assert texts(result.words) == ["Our", "health", "care", "team."]
    health, care = result.words[1:3]
    assert health.start == said[1].start and care.end == said[1].end and health.end == care.start


def test_contractions_and_abbreviations():
    result = align_to_script(heard("I am Doctor Lopez and we will help"), "I'm Dr. Lopez, and we'll help.")
    assert texts(result.words) == ["I'm", "Dr.", "Lopez,", "and", "we'll", "help."]
    assert result.script_match == 1.0


def test_slash_and_dot_read_aloud_inside_one_script_word():
    said = heard("my pronouns are she slash her visit riverside dot example dot org slash lopez")
    result = align_to_script(said, "My pronouns are she/her. Visit riverside.example.org/lopez.")
    assert texts(result.words) == ["My", "pronouns", "are", "she/her.", "Visit", "riverside.example.org/lopez."]
    assert not result.departures


def test_unrelated_words_are_not_near_misses():
    result = align_to_script(heard("we can meet"), "We can't meet.")
    assert texts(result.words) == ["We", "can", "meet."]
    assert result.words[1].departure == "changed"


def test_empty_inputs():
    nothing = align_to_script([], "Hello, and welcome.")
    assert nothing.words == () and nothing.script_match == 0.0
    assert [d.kind for d in nothing.departures] == ["skipped"]
    unscripted = align_to_script(heard("hello there"), "")
    assert texts(unscripted.words) == ["hello", "there"] and unscripted.departures[0].kind == "added"


@pytest.mark.parametrize("cells", [None, 2_000])  # one DP; DPs between anchors (and a banded DP)
def test_long_script_is_fast_and_right(cells, monkeypatch):
    if cells:
        monkeypatch.setattr("introstudio.core.captions.align._DP_CELLS", cells)
    paragraph = ("I believe good care starts with listening. I'll ask about your symptoms, but also about your "
                 "life and your goals. I'll explain things in plain language, and I won't rush you. ")
    script = paragraph * 12
    spoken = script.replace("plain language", "simple language", 1).replace("and I won't rush you.", "", 1)
    said = heard(" ".join(w.strip(",.").lower() for w in spoken.split()), step=0.3)
    t0 = time.perf_counter()
    result = align_to_script(said, script)
    assert time.perf_counter() - t0 < 3.0
    assert [d.kind for d in result.departures] == ["changed", "skipped"]
    assert result.departures[1].script_text == "and I won't rush you."
    assert result.script_match == pytest.approx(1 - 6 / len(script.split()))
    assert_ordered(result.words)


def test_script_prompt_lists_names_credentials_and_terms():
    script = ("Hello, and welcome. I'm Maria Lopez, MD, a physician at Riverside General Hospital. "
              "Most of my patients call me Dr. Lopez. I'm part of our Endocrinology team. "
              "I've been caring for patients for 15 years.")
    prompt = script_prompt(script)
    for term in ("Maria Lopez", "MD", "Riverside General Hospital", "Endocrinology", "15"):
        assert term in prompt
    assert "Hello" not in prompt and "Most" not in prompt and "I'm" not in prompt
    assert prompt.index("Maria") < prompt.index("Riverside") < prompt.index("Endocrinology")
    short = script_prompt(script, max_chars=30)
    assert len(short) <= 30 and "Maria Lopez" in short
    assert script_prompt("") == ""


def test_anchored_alignment_equals_one_dp(monkeypatch):
    from introstudio.core.script.templates import load_template, render

    template = load_template("physician-intro")
    script = render(template, template.example_values()).text
    spoken = (script.replace("Lopez", "Lopes").replace("I help people", "um I I help people")
              .replace("There are no silly questions.", "").replace("physical exam", "full exam"))
    said = heard(" ".join(w.strip(",.").lower() for w in spoken.split()), step=0.3)
    whole = align_to_script(said, script)
    monkeypatch.setattr("introstudio.core.captions.align._DP_CELLS", 500)
    assert align_to_script(said, script) == whole
    assert [d.kind for d in whole.departures] == ["added", "skipped", "changed"]
    assert "Lopez," in texts(whole.words) and "Lopes" not in " ".join(texts(whole.words))
