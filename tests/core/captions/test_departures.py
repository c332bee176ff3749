"""'Use the script's words': misheard words replaced in the cues, timing kept, the departure resolved."""

from __future__ import annotations

import pytest

from introstudio.core.captions.align import align_to_script
from introstudio.core.captions.departures import (
    can_use_script_words,
    departures_during,
    fix_label,
    use_script_words,
    without_departure,
)
from introstudio.core.captions.layout import break_lines, build_cues, check_cues
from introstudio.core.captions.cues import Cue, Word
from introstudio.core.captions.profiles import get_profile
from introstudio.core.errors import InvalidInputError

DEFAULT = get_profile("default")
ADA = get_profile("clinical-ada")
SCRIPT = ("Hello, I am Dr. Maria Lopez, and I work in our Endocrinology clinic at Riverside. "
          "To book a visit, call 555-0142. See you soon.")
SAID = ("Hello, I am Dr. Maria Lopez, and I work in my rental chronology clinic at Riverside. "
        "To book a visit, call 555 -0142. See you soon.")


def made_track(profile=DEFAULT):
    """Cues and departures exactly as the captions pipeline makes them from the heard words."""
    words = [Word(k * 0.4, k * 0.4 + 0.3, w, 0.9) for k, w in enumerate(SAID.split())]
    alignment = align_to_script(words, SCRIPT)
    departures = [{"kind": d.kind, "script_text": d.script_text, "heard_text": d.heard_text,
                   "start": d.start, "end": d.end} for d in alignment.departures]
    return build_cues(alignment.words, profile), departures


def timings(cues):
    return [(c.start, c.end) for c in cues]


def test_misheard_term_takes_the_script_words_and_keeps_timing():
    cues, departures = made_track()
    endo, phone = departures
    assert endo["heard_text"] == "my rental chronology" and endo["script_text"] == "our Endocrinology"
    assert cues[1].lines == ("and I work in my rental", "chronology clinic at Riverside.")
    assert len(cues[1].flags) == 3
    fix = use_script_words(cues, endo, DEFAULT)
    assert fix.cue_index == 1 and fix.removed == ()
    assert fix.cues[1].lines == ("and I work in our Endocrinology", "clinic at Riverside.")
    assert fix.text == "and I work in our Endocrinology\nclinic at Riverside."
    assert fix.cues[1].flags == ()  # the departure's word flags are gone ...
    assert fix.cues[2] == cues[2]  # ... and the other departure's cue is untouched
    assert fix.cues[0] is cues[0]
    assert timings(fix.cues) == timings(cues)
    assert cues[1].lines[0] == "and I work in my rental"  # the input is not changed
    assert without_departure(departures, endo) == [phone]
    assert departures == [endo, phone]


def test_phone_number_split_by_the_recogniser_is_joined():
    cues, departures = made_track()
    phone = departures[1]
    assert (phone["heard_text"], phone["script_text"]) == ("555 -0142.", "555-0142.")
    fix = use_script_words(cues, phone, DEFAULT)
    assert fix.cues[2].lines == ("To book a visit, call 555-0142.", "See you soon.")
    assert fix.cues[2].flags == () and fix.cues[1].flags == cues[1].flags
    assert timings(fix.cues) == timings(cues)
    both = use_script_words(fix.cues, departures[0], DEFAULT).cues
    assert [c.text for c in both] == ["Hello, I am Dr. Maria Lopez,",
                                      "and I work in our Endocrinology\nclinic at Riverside.",
                                      "To book a visit, call 555-0142.\nSee you soon."]
    assert not any(c.flags for c in both)
    assert without_departure(without_departure(departures, phone), departures[0]) == []


SPLIT = [
    Cue(0.0, 2.0, ("Hello, I'm Dr. Lopez, and I work", "in my rental"),
        flags=("changed: heard 'my' for 'my' at 1.6s", "changed: heard 'rental' for 'rental' at 1.8s")),
    Cue(2.1, 4.0, ("chronology. Our clinic is at", "Riverside General Hospital."),
        flags=("changed: heard 'chronology.' for 'chronology.' at 2.1s",)),
]
SPLIT_DEPARTURE = {"kind": "changed", "script_text": "our Endocrinology", "heard_text": "my rental chronology.",
                   "start": 1.6, "end": 2.6}


def test_heard_words_over_two_cues_go_where_they_started():
    fix = use_script_words(SPLIT, SPLIT_DEPARTURE, DEFAULT)
    assert fix.cue_index == 0 and fix.removed == ()
    # The caption's sentence end after "chronology." stays with the script's words.
    assert fix.cues[0].lines == ("Hello, I'm Dr. Lopez, and I work", "in our Endocrinology.")
    assert fix.cues[1].lines == ("Our clinic is at", "Riverside General Hospital.")
    assert all(c.flags == () for c in fix.cues)
    assert timings(fix.cues) == timings(SPLIT)


def test_a_cue_left_empty_by_the_split_is_dropped():
    cues = [SPLIT[0], Cue(2.1, 2.9, ("chronology.",)), Cue(3.0, 4.0, ("Our clinic is at Riverside.",))]
    fix = use_script_words(cues, SPLIT_DEPARTURE, DEFAULT)
    assert fix.removed == (1,)
    assert [c.text for c in fix.cues] == ["Hello, I'm Dr. Lopez, and I work\nin our Endocrinology.",
                                         "Our clinic is at Riverside."]
    assert timings(fix.cues) == [(0.0, 2.0), (3.0, 4.0)]


def test_matching_ignores_case_punctuation_and_spaces():
    cues = [Cue(1.0, 3.0, ("Call (555)-0142, or", "My Rental Chronology!"))]
    phone = {"kind": "changed", "script_text": "555-0142", "heard_text": "555 0142", "start": 1.0, "end": 1.5}
    fix = use_script_words(cues, phone, DEFAULT)
    # The script brings no punctuation: the caption's own around the heard words stays.
    assert fix.cues[0].lines == ("Call (555-0142, or", "My Rental Chronology!")
    endo = {"kind": "changed", "script_text": "our Endocrinology", "heard_text": "my rental, chronology",
            "start": 2.0, "end": 3.0}
    assert use_script_words(fix.cues, endo, DEFAULT).cues[0].lines == ("Call (555-0142, or", "our Endocrinology!")


def test_a_sentence_start_stays_capitalised():
    cues = [Cue(0.0, 2.0, ("Welcome. My rental chronology", "team is here."))]
    endo = {"kind": "changed", "script_text": "our Endocrinology", "heard_text": "My rental chronology",
            "start": 0.5, "end": 1.5}
    assert use_script_words(cues, endo, DEFAULT).cues[0].lines == ("Welcome. Our Endocrinology", "team is here.")


def test_the_occurrence_nearest_the_departure_is_replaced():
    cues = [Cue(0.0, 4.0, ("I see my patients in my clinic",))]
    second = {"kind": "changed", "script_text": "our", "heard_text": "my", "start": 3.0, "end": 3.2}
    assert use_script_words(cues, second, DEFAULT).cues[0].lines == ("I see my patients in our clinic",)
    first = dict(second, start=0.9, end=1.1)
    assert use_script_words(cues, first, DEFAULT).cues[0].lines == ("I see our patients in my clinic",)


def test_whole_words_only():
    cues = [Cue(0.0, 2.0, ("I am a parental guide",))]
    departure = {"kind": "changed", "script_text": "care", "heard_text": "rental", "start": 0.5, "end": 1.5}
    with pytest.raises(InvalidInputError):
        use_script_words(cues, departure, DEFAULT)


def test_lines_are_broken_again_only_when_the_text_no_longer_fits():
    cues = [Cue(5.0, 8.0, ("I work at the", "ENT clinic"),
                flags=("changed: heard 'ENT' for 'ENT' at 6.5s",))]
    short = {"kind": "changed", "script_text": "eye", "heard_text": "ENT", "start": 6.5, "end": 6.8}
    assert use_script_words(cues, short, ADA).cues[0].lines == ("I work at the", "eye clinic")  # kept
    long = dict(short, script_text="Ear, Nose and Throat and Audiology")
    fixed = use_script_words(cues, long, ADA).cues[0]
    assert fixed.text.replace("\n", " ") == "I work at the Ear, Nose and Throat and Audiology clinic"
    assert len(fixed.lines) == 2 and all(len(line) <= ADA.max_chars_per_line for line in fixed.lines)
    assert fixed.lines == break_lines(fixed.text, ADA)
    assert (fixed.start, fixed.end, fixed.flags) == (5.0, 8.0, ())
    assert not [v for v in check_cues([fixed], ADA) if v.rule in ("chars-per-line", "lines")]


def test_break_lines_reuses_the_layout_and_overflows_rather_than_truncates():
    assert break_lines("Hello there", DEFAULT) == ("Hello there",)
    text = "I'm Doctor Maria Lopez, a physician specializing in cardiology"
    assert break_lines(text, DEFAULT) == ("I'm Doctor Maria Lopez,", "a physician specializing in cardiology")
    words = [Word(k * 0.4, k * 0.4 + 0.3, w) for k, w in enumerate(text.split())]
    (cue,) = build_cues(words, DEFAULT)  # the same breaks as captions made from speech
    assert cue.lines == break_lines(text, DEFAULT)
    many = break_lines(" ".join(["word"] * 30), ADA)  # 149 characters: more than 2 lines of 32
    assert len(many) > 2 and all(len(line) <= 32 for line in many)
    assert break_lines("see https://riverside.example.org/clinicians/maria-lopez now", ADA) == (
        "see", "https://riverside.example.org/clinicians/maria-lopez", "now")
    assert break_lines("   ", DEFAULT) == ()


def test_added_words_are_removed_from_the_caption():
    cues = [Cue(0.0, 1.2, ("Hello, welcome.",)),
            Cue(1.4, 2.5, ("Um, nice to meet you.",), flags=("departure: added 'um'",))]
    um = {"kind": "added", "script_text": "", "heard_text": "Um,", "start": 1.4, "end": 1.6}
    assert can_use_script_words(um) and fix_label(um) == "Remove “Um,” (not in the script)"
    fix = use_script_words(cues, um, DEFAULT)
    assert fix.cues[1] == Cue(1.4, 2.5, ("Nice to meet you.",))
    assert fix.cues[0] is cues[0] and fix.cue_index == 1


def test_added_words_at_a_sentence_end_leave_the_full_stop():
    cues = [Cue(0.0, 3.0, ("I have been here for years,", "you know. It is great."),
                flags=("added: 'you' at 1.9s", "added: 'know.' at 2.1s"))]
    added = {"kind": "added", "script_text": "", "heard_text": "you know.", "start": 1.9, "end": 2.3}
    fix = use_script_words(cues, added, DEFAULT)
    assert fix.cues[0].lines == ("I have been here for years.", "It is great.") and fix.cues[0].flags == ()


def test_a_cue_of_only_added_words_is_dropped():
    cues = [Cue(0.0, 1.0, ("Hello.",)), Cue(1.2, 2.0, ("Um.",), flags=("added: 'Um.' at 1.2s",)),
            Cue(2.2, 3.0, ("Welcome.",))]
    um = {"kind": "added", "script_text": "", "heard_text": "Um.", "start": 1.2, "end": 1.5}
    fix = use_script_words(cues, um, DEFAULT)
    assert fix.removed == (1,) and fix.text == ""
    assert fix.cues == [cues[0], cues[2]]


def test_skipped_words_are_never_put_in_captions():
    skipped = {"kind": "skipped", "script_text": "I'm Maria Lopez.", "heard_text": "", "start": 1.4, "end": 1.4}
    assert not can_use_script_words(skipped)
    with pytest.raises(InvalidInputError, match="skipped"):
        use_script_words([Cue(0.0, 2.0, ("Hello, and welcome.",))], skipped, DEFAULT)
    assert not can_use_script_words({"kind": "changed", "script_text": "x", "heard_text": "y",
                                     "start": None, "end": None})
    assert not can_use_script_words({"kind": "changed", "script_text": "", "heard_text": "y",
                                     "start": 0.0, "end": 1.0})


def test_heard_words_edited_away_ask_for_a_hand_edit():
    cues, departures = made_track()
    edited = list(cues)
    edited[1] = Cue(cues[1].start, cues[1].end, ("and I work in our Endo", "clinic at Riverside."), cues[1].flags)
    with pytest.raises(InvalidInputError) as caught:
        use_script_words(edited, departures[0], DEFAULT)
    assert "my rental chronology" in caught.value.message
    assert "by hand" in caught.value.hint and "our Endocrinology" in caught.value.hint


def test_heard_words_in_a_cue_the_departure_does_not_overlap_are_not_touched():
    cues = [Cue(0.0, 1.0, ("my rental chronology",)), Cue(5.0, 6.0, ("nothing here",))]
    departure = {"kind": "changed", "script_text": "our Endocrinology", "heard_text": "my rental chronology",
                 "start": 5.2, "end": 5.8}
    with pytest.raises(InvalidInputError, match="5.2 s"):
        use_script_words(cues, departure, DEFAULT)


def test_departures_during_and_without_departure():
    cue = Cue(1.0, 2.0, ("x",))
    inside = {"kind": "added", "heard_text": "um", "script_text": "", "start": 1.5, "end": 1.7}
    after = {"kind": "added", "heard_text": "uh", "script_text": "", "start": 2.0, "end": 2.2}
    assert departures_during(cue, [inside, after]) == [inside]
    twice = [inside, dict(inside), after]
    assert without_departure(twice, inside) == [inside, after]  # only one equal entry goes
    assert without_departure([after], inside) == [after]
