"""Caption layout: build_cues meets every profile, breaks lines sensibly, check_cues and reflow are honest."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from introstudio.core.captions.formats import read_srt
from introstudio.core.captions.layout import Violation, build_cues, check_cues, reflow
from introstudio.core.captions.cues import Cue, Word
from introstudio.core.captions.profiles import PROFILES, get_profile
from introstudio.core.errors import InvalidInputError

DATA = Path(__file__).parent / "data"
SCRIPT = (
    "Hi, I'm Dr. Maria Lopez, MD, PhD. I'm an endocrinologist in the Division of Endocrinology, "
    "Diabetes and Metabolism at Mercy General Hospital. I care for adults with diabetes, thyroid disease, "
    "osteoporosis and other hormone problems. Many of my patients have lived with type 2 diabetes for years, "
    "and my job is to listen, to explain your options in plain words and to build a plan with you that fits "
    "your life. When I'm not at the clinic, I like hiking with my family and cooking for friends. "
    "I look forward to meeting you."
)
WEAK = {"the", "a", "an", "of", "to", "in", "for", "with", "at", "on", "and",
        "el", "la", "los", "las", "un", "una", "de", "del", "en", "con", "por", "para", "y"}


def speak(text: str, wpm: float = 150.0, start: float = 0.5) -> list[Word]:
    """Words of `text` timed like speech at `wpm`: length-proportional words, pauses at punctuation."""
    tokens = text.split()
    raw = []
    for tok in tokens:
        pause = 0.45 if tok[-1] in ".?!" else 0.15 if tok[-1] in ",;:" else 0.03
        raw.append((0.1 + 0.045 * len(tok), pause))
    scale = (len(tokens) * 60 / wpm) / sum(d + p for d, p in raw)
    words, t = [], start
    for tok, (d, p) in zip(tokens, raw):
        words.append(Word(round(t, 3), round(t + d * scale, 3), tok))
        t += (d + p) * scale
    return words


def bare(word: str) -> str:
    return word.strip(".,;:!?").lower()


@pytest.fixture(scope="module")
def clinician() -> list[Word]:
    return speak(SCRIPT)


def clinician_for(name: str) -> list[Word]:
    # DCMP's 160 wpm is a reading limit below the articulation rate of 150-wpm speech once pauses are
    # taken out, so the DCMP case is spoken at 130 wpm (DCMP's "lower level").
    return speak(SCRIPT, wpm=130 if name == "dcmp" else 150)


@pytest.mark.parametrize("name", list(PROFILES))
def test_clinician_cues_pass_every_profile(name):
    profile = get_profile(name)
    clinician = clinician_for(name)
    cues = build_cues(clinician, profile)
    assert check_cues(cues, profile) == []
    assert " ".join(" ".join(c.lines) for c in cues) == SCRIPT  # every word, once, in order
    words_by_start = {w.start for w in clinician}
    assert all(c.start in words_by_start for c in cues)  # cues start on their first word
    for prev, cue in zip(cues, cues[1:]):
        gap = cue.start - prev.end
        assert gap >= profile.min_gap - 0.001
        if gap < profile.close_gap and prev.duration < profile.max_duration - 0.001:
            assert gap == pytest.approx(2 / 30, abs=0.001)  # short gaps closed to exactly 2 frames


@pytest.mark.parametrize("name", list(PROFILES))
def test_names_and_titles_stay_together(name):
    cues = build_cues(clinician_for(name), get_profile(name))
    lines = [line for c in cues for line in c.lines]
    assert not any(line.endswith(("Dr.", "Maria", "Mercy", "General")) for line in lines)
    assert any("Dr. Maria Lopez" in line for line in lines)


@pytest.mark.parametrize("name", ["default", "bbc", "clinical-ada"])
def test_no_line_or_cue_ends_on_an_article_or_preposition(clinician, name):
    cues = build_cues(clinician, get_profile(name))
    ends = [line.split()[-1] for c in cues for line in c.lines]
    assert [e for e in ends if bare(e) in WEAK] == []


def _two_line_splits(words: list[str], width: int):
    for k in range(1, len(words)):
        top, bottom = " ".join(words[:k]), " ".join(words[k:])
        if len(top) <= width and len(bottom) <= width:
            yield words[k - 1]


@pytest.mark.parametrize("name", list(PROFILES))
def test_a_weak_line_end_only_when_no_other_break_fits(name):
    profile = get_profile(name)
    for cue in build_cues(clinician_for(name), profile):
        if len(cue.lines) == 2 and bare(cue.lines[0].split()[-1]) in WEAK:
            words = " ".join(cue.lines).split()
            assert all(bare(end) in WEAK for end in _two_line_splits(words, profile.max_chars_per_line))


def test_lines_are_balanced_and_one_line_when_it_fits(clinician):
    profile = get_profile("default")
    for cue in build_cues(clinician, profile):
        if len(" ".join(cue.lines)) <= 42:
            assert len(cue.lines) == 1
        else:
            top, bottom = (len(x) for x in cue.lines)
            assert abs(top - bottom) <= 20


def test_spanish_articles_and_prepositions_do_not_end_lines():
    text = ("Soy la doctora María López, especialista en endocrinología del Hospital General de la ciudad. "
            "Atiendo a personas con diabetes y enfermedades de la tiroides desde hace diez años.")
    profile = get_profile("clinical-ada")
    cues = build_cues(speak(text, wpm=140), profile)
    assert check_cues(cues, profile) == []
    ends = [line.split()[-1] for c in cues for line in c.lines]
    assert [e for e in ends if bare(e) in WEAK] == []
    assert not any(line.endswith("María") for c in cues for line in c.lines)


def test_departures_become_flags_on_their_cue():
    words = speak("Hello, I'm um Dr. Maria Lopes and I treat diabetes.")
    words[2] = Word(words[2].start, words[2].end, "um", heard="um", departure="added")
    words[5] = Word(words[5].start, words[5].end, "Lopez", heard="Lopes", departure="changed")
    cues = build_cues(words, get_profile("default"))
    flags = [f for c in cues for f in c.flags]
    assert flags == [f"added: 'um' at {words[2].start:.1f}s",
                     f"changed: heard 'Lopes' for 'Lopez' at {words[5].start:.1f}s"]


def test_fast_speech_extends_into_following_silence():
    # 43 characters spoken in 1.2 s (36 cps), then 3 s of silence before the next sentence.
    words = [Word(0.0, 0.3, "Endocrinology,"), Word(0.3, 0.6, "diabetes,"), Word(0.6, 0.9, "metabolism"),
             Word(0.9, 1.2, "clinic."), Word(4.2, 4.6, "Welcome.")]
    profile = get_profile("clinical-ada")
    cues = build_cues(words, profile)
    assert check_cues(cues, profile) == []
    assert cues[0].lines == ("Endocrinology, diabetes,", "metabolism clinic.")
    assert cues[0].end == pytest.approx(43 / 17, abs=0.001)  # as long as 17 cps needs, no longer


def test_speech_too_fast_to_fix_is_reported_not_hidden():
    words = [Word(i * 0.2, i * 0.2 + 0.18, "gastroenterology") for i in range(20)]  # 85 cps, no pauses
    profile = get_profile("clinical-ada")
    rules = {v.rule for v in check_cues(build_cues(words, profile), profile)}
    assert "cps" in rules


def test_gap_is_measured_at_the_given_fps():
    words = [Word(0.0, 1.5, "Hello."), Word(1.6, 3.0, "Welcome.")]
    cues = build_cues(words, get_profile("default"), fps=24)
    assert cues[1].start - cues[0].end == pytest.approx(0.084, abs=0.0005)  # 2 frames at 24 fps, whole ms


def test_empty_and_unsorted_input():
    assert build_cues([], get_profile("default")) == []
    with pytest.raises(InvalidInputError, match="Word 2"):
        build_cues([Word(2.0, 2.5, "late"), Word(1.0, 1.5, "early")], get_profile("default"))


def _rules(cues: list[Cue], name: str = "default") -> list[tuple[int, str]]:
    return [(v.cue_number, v.rule) for v in check_cues(cues, get_profile(name))]


def test_check_cues_catches_each_rule():
    assert _rules([Cue(0, 3, ("x" * 47,))]) == [(1, "chars-per-line")]
    assert _rules([Cue(0, 3, ("one", "two", "three"))]) == [(1, "lines")]
    assert _rules([Cue(0, 1, ("x" * 30,))]) == [(1, "cps")]
    assert _rules([Cue(0, 1.5, ("a b c d e f g",))], "bbc") == [(1, "wpm")]
    assert _rules([Cue(0, 0.5, ("Hi.",))]) == [(1, "min-duration")]
    assert _rules([Cue(0, 8, ("Hello there.",))]) == [(1, "max-duration")]
    assert _rules([Cue(0, 2, ("One.",)), Cue(2.033, 4, ("Two.",))]) == [(2, "gap")]
    assert _rules([Cue(0, 2, ("One.",)), Cue(1.5, 4, ("Two.",))]) == [(2, "overlap")]
    assert _rules([Cue(3, 5, ("One.",)), Cue(1, 2, ("Two.",))]) == [(2, "order")]
    assert _rules([Cue(3, 2, ("Backwards.",))]) == [(1, "order")]
    assert _rules([Cue(0, 2, ("  ",))]) == [(1, "empty")]


def test_violation_messages_carry_the_numbers():
    (v,) = check_cues([Cue(0, 3, ("x" * 47,))], get_profile("default"))
    assert v == Violation(1, "chars-per-line", "line 1 has 47 characters; the limit is 42")
    (v,) = check_cues([Cue(0, 1, ("x" * 30,))], get_profile("default"))
    assert "30.0 characters per second" in v.message and "limit is 20" in v.message
    (v,) = check_cues([Cue(0, 2, ("One.",)), Cue(2.033, 4, ("Two.",))], get_profile("default"))
    assert "1.0 frames at 30 fps" in v.message and "minimum gap is 2 frames" in v.message
    assert str(v).startswith("Cue 2: ")


def test_check_counts_visible_text_only():
    assert _rules([Cue(0, 3, ("<i>" + "x" * 40 + "</i>",))]) == []


@pytest.mark.parametrize("name", list(PROFILES))
def test_reflow_fixes_a_badly_formed_srt(name):
    profile = get_profile(name)
    source = read_srt(DATA / "badly_formed.srt").cues
    assert {v.rule for v in check_cues(source, profile)} >= {"chars-per-line", "max-duration"}
    cues = reflow(source, profile)
    assert check_cues(cues, profile) == []
    assert " ".join(" ".join(c.lines) for c in cues).split() == " ".join(
        " ".join(c.lines) for c in source).split()


def test_reflow_keeps_flags_and_settings_with_their_words():
    source = [Cue(0, 4, ("Hello and welcome to our clinic.",), ("added: 'um' at 1.0s",), "line:10%"),
              Cue(4.5, 9, ("I am Dr. Maria Lopez and I treat adults with diabetes.",))]
    cues = reflow(source, get_profile("clinical-ada"))
    assert cues[0].flags == ("added: 'um' at 1.0s",) and cues[0].settings == "line:10%"
    assert cues[-1].flags == () and cues[-1].settings == ""


def test_reflow_reports_what_it_cannot_fix():
    source = [Cue(i * 1.0, i * 1.0 + 0.95, ("Endocrinology and diabetes care, every day now.",)) for i in range(5)]
    profile = get_profile("default")
    remaining = check_cues(reflow(source, profile), profile)
    assert remaining and {v.rule for v in remaining} <= {"cps", "min-duration"}


VOCAB = ("I am a doctor and my patients come first. We treat diabetes, thyroid disease and obesity every "
         "day in the clinic with care; the hospital team of nurses helps people live well. Endocrinology, "
         "metabolism and cardiology. Dr. Maria Lopez, MD, PhD. Mercy General Hospital to at of for with "
         "la doctora de en del un").split()


def random_speech(rng: random.Random, cps: float, wpm: float) -> list[Word]:
    """Plausible speech no faster than `cps` and `wpm` word by word, with pauses of every length."""
    words, t = [], rng.uniform(0, 2)
    for _ in range(rng.randint(1, 100)):
        tok = rng.choice(VOCAB)
        slot = max((len(tok) + 1) / cps, 60 / wpm) * rng.uniform(1.0, 1.3)
        words.append(Word(t, t + slot * rng.uniform(0.6, 0.95), tok))
        t += slot + (rng.uniform(0.2, 1.0) if tok[-1] in ".?!" else rng.uniform(0.05, 0.3) if tok[-1] in ",;" else 0)
        if rng.random() < 0.02:
            t += rng.uniform(1.0, 3.0)
    return words


def test_property_random_speech_up_to_180_wpm_always_passes():
    rng = random.Random(20240501)
    names = list(PROFILES)
    for case in range(300):
        profile = get_profile(names[case % len(names)])
        # Speech at 100-180 wpm, and within the profile's own reading limits (with 5% margin).
        wpm = rng.uniform(100, min(180.0, 0.95 * (profile.max_wpm or 999)))
        cps = rng.uniform(10, 0.95 * (profile.max_cps or 25))
        words = random_speech(rng, cps, wpm)
        cues = build_cues(words, profile)
        assert check_cues(cues, profile) == [], (case, profile.name, cues)
        assert sum(len(c.text.split()) for c in cues) == len(words)


def test_a_word_stretched_over_30_seconds_still_gets_a_legal_cue():
    # Whisper sometimes stretches a word over a long silence (Whisper-WebUI #396).
    words = [Word(0.0, 30.0, "Thanks."), Word(31.0, 31.5, "Bye.")]
    profile = get_profile("default")
    cues = build_cues(words, profile)
    assert check_cues(cues, profile) == []
    assert cues[0] == Cue(0.0, 7.0, ("Thanks.",))
