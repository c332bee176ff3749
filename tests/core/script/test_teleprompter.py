"""Teleprompter pacing maths: position over time, pauses, speed changes, countdown, paragraphs, layout."""

from __future__ import annotations

import itertools

import pytest

from introstudio.core.script.reading import MAX_WORDS_PER_MINUTE, count_words
from introstudio.core.script.teleprompter import (
    MIN_WORDS_PER_MINUTE,
    Layout,
    Line,
    Prompter,
    ReadingPoint,
    clamp_wpm,
    paragraph_word_counts,
    reading_point,
    scroll_y,
    smoothstep,
    word_spans,
)

# Three paragraphs of 10, 5 and 15 words; 60 wpm = 1 word per second keeps the arithmetic obvious.
WORDS = (10, 5, 15)


def prompter(**kw) -> Prompter:
    return Prompter(WORDS, **{"wpm": 60, **kw})


def layout() -> Layout:
    """Paragraph 0: two lines of 5 words; 1: one line of 5; 2: three lines of 5. Lines 40 px, 20 px gaps."""
    return Layout.from_paragraphs([
        [(0, 40, 5), (40, 40, 5)],
        [(100, 40, 5)],
        [(160, 40, 5), (200, 40, 5), (240, 40, 5)],
    ])


# --- words -----------------------------------------------------------------------------------------

@pytest.mark.parametrize("text", ["", "Hello world", "I'm Dr. María López-García, MD.", "call 555-0142 24/7 — ok",
                                  "¿Cómo está? Muy bien."])
def test_word_spans_count_like_reading_time(text):
    spans = word_spans(text)
    assert len(spans) == count_words(text)
    assert all(0 <= a < b <= len(text) for a, b in spans)
    assert list(spans) == sorted(spans)


def test_paragraph_word_counts_and_for_script():
    assert paragraph_word_counts(["One two three.", "", "Four — five"]) == (3, 0, 2)
    p = Prompter.for_script(["One two three.", "Four five"], wpm=120)
    assert p.paragraph_words == (3, 2) and p.wpm == 120 and not p.running and p.position(99) == 0


def test_wpm_is_clamped_and_must_be_a_number():
    assert clamp_wpm(1) == MIN_WORDS_PER_MINUTE
    assert clamp_wpm(10_000) == MAX_WORDS_PER_MINUTE
    assert clamp_wpm(155.5) == 155.5
    for bad in (float("nan"), float("inf"), "fast", True, None):
        with pytest.raises(ValueError):
            clamp_wpm(bad)  # type: ignore[arg-type]
    assert Prompter(WORDS, wpm=5).wpm == MIN_WORDS_PER_MINUTE


def test_negative_word_counts_are_refused():
    with pytest.raises(ValueError):
        Prompter((3, -1))


# --- position over time ----------------------------------------------------------------------------

def test_stopped_prompter_does_not_move():
    p = prompter()
    assert [p.position(t) for t in (0, 5, 100)] == [0, 0, 0]
    assert not p.moving(5) and not p.finished(5)


def test_running_advances_at_the_pace_and_stops_at_the_end():
    p = prompter().start(now=100)
    assert p.position(100) == 0
    assert p.position(103.5) == pytest.approx(3.5)
    assert p.position(130) == 30 and p.finished(130) and not p.moving(130)
    assert p.position(1000) == 30
    fast = Prompter(WORDS, wpm=150).start(0)
    assert fast.position(2) == pytest.approx(5.0)


def test_pause_and_resume_keep_the_position():
    p = prompter().start(0)
    p = p.pause(4)
    assert not p.running and p.position(4) == 4 and p.position(50) == 4
    p = p.start(50)
    assert p.position(52) == pytest.approx(6)
    assert p.toggle(52).running is False and p.toggle(52).position(60) == pytest.approx(6)
    assert p.pause(52).toggle(60).position(61) == pytest.approx(7)


def test_position_is_continuous_across_any_sequence_of_pauses():
    p = prompter()
    t, expected = 0.0, 0.0
    for step in range(12):
        p = p.toggle(t)
        dt = 0.7 + step % 3
        if p.running:
            expected = min(expected + dt, 30)
        t += dt
        assert p.position(t) == pytest.approx(expected)


def test_speed_change_mid_way_does_not_jump():
    p = prompter().start(0)
    before = p.position(10)
    q = p.with_speed(10, 120)
    assert q.position(10) == pytest.approx(before)
    assert q.position(12) == pytest.approx(before + 4)  # 2 words per second from now on
    # and when paused, the new pace applies on resume
    r = q.pause(12).with_speed(20, 60)
    assert r.position(20) == pytest.approx(14) and r.start(20).position(21) == pytest.approx(15)


@pytest.mark.parametrize("changes", list(itertools.permutations([40, 90, 200, 400], 3)))
def test_many_speed_changes_integrate_the_pace(changes):
    p = prompter().start(0)
    t, expected = 0.0, 0.0
    for wpm in changes:
        p = p.with_speed(t, wpm)
        expected = min(expected + wpm / 60 * 1.5, 30)
        assert p.position(t + 1.5) == pytest.approx(expected)
        t += 1.5


def test_remaining_seconds():
    p = prompter()
    assert p.remaining_seconds(0) == 30
    p = p.start(0, countdown=3)
    assert p.remaining_seconds(0) == pytest.approx(33)
    assert p.remaining_seconds(13) == pytest.approx(20)


# --- countdown -------------------------------------------------------------------------------------

def test_countdown_holds_then_starts_exactly_when_it_ends():
    p = prompter().start(10, countdown=3)
    assert p.running and p.countdown_left(10) == 3 and p.countdown_number(10) == 3
    assert p.countdown_number(10.5) == 3 and p.countdown_number(11.01) == 2 and p.countdown_number(12.5) == 1
    assert p.position(12.9) == 0 and not p.moving(12.9)
    assert p.countdown_left(13) == 0 and p.countdown_number(13) == 0 and p.moving(13.1)
    assert p.position(15) == pytest.approx(2)


def test_pausing_during_a_countdown_cancels_it():
    p = prompter().start(0, countdown=3).pause(1)
    assert not p.running and p.countdown_left(1) == 0 and p.position(10) == 0


def test_speed_change_during_countdown_keeps_the_countdown():
    p = prompter().start(0, countdown=3).with_speed(1, 120)
    assert p.countdown_left(1) == pytest.approx(2) and p.position(4) == pytest.approx(2)


def test_start_at_the_end_restarts_from_the_top():
    p = prompter().start(0)
    assert p.finished(40)
    again = p.pause(40).start(40, countdown=2)
    assert again.position(42) == 0 and again.position(43) == pytest.approx(1)
    assert p.restart(50, countdown=1).position(52) == pytest.approx(1)


# --- paragraphs ------------------------------------------------------------------------------------

def test_paragraph_starts_and_lookup():
    p = prompter()
    assert p.paragraph_starts == (0, 10, 15) and p.total_words == 30
    assert [p.paragraph_at(w) for w in (0, 9.99, 10, 14.5, 15, 29.9, 30, 99)] == [0, 0, 1, 1, 2, 2, 2, 2]


def test_empty_paragraphs_are_skipped():
    p = Prompter((3, 0, 0, 2), wpm=60)
    assert p.paragraph_starts == (0, 3, 3, 3)
    assert p.paragraph_at(3) == 3 and p.paragraph_at(2.9) == 0
    assert p.seek(0, 4).back_to_paragraph_start(0).position(0) == 3
    assert p.seek(0, 3).back_to_paragraph_start(0).position(0) == 0
    assert p.next_paragraph(0).position(0) == 3
    assert Prompter((0, 0)).paragraph_at(0) == 0 and Prompter(()).paragraph_at(0) == -1


def test_back_to_paragraph_start_is_a_retake_point_and_pauses():
    p = prompter().start(0)
    r = p.back_to_paragraph_start(12.5)  # in paragraph 1 (words 10..15)
    assert r.position(12.5) == 10 and not r.running and r.position(100) == 10
    # pressed again right away: one more paragraph back
    r2 = r.back_to_paragraph_start(13)
    assert r2.position(13) == 0
    # at the very first paragraph it stays at 0
    assert r2.back_to_paragraph_start(14).position(14) == 0
    # a little way in (0.5 words or more) goes to this paragraph's start, not the previous one
    assert prompter().seek(0, 10.6).back_to_paragraph_start(0).position(0) == 10
    assert prompter().seek(0, 10.4).back_to_paragraph_start(0).position(0) == 0
    # at the end: the start of the last paragraph
    assert p.back_to_paragraph_start(99).position(99) == 15


def test_next_and_previous_paragraph_keep_running():
    p = prompter().start(0)
    n = p.next_paragraph(2)
    assert n.running and n.position(2) == 10 and n.position(3) == pytest.approx(11)
    assert n.next_paragraph(3).position(3) == 15
    assert n.next_paragraph(3).next_paragraph(3).position(3) == 30
    back = n.previous_paragraph(3)
    assert back.position(3) == 0 and back.previous_paragraph(3).position(3) == 0
    stopped = prompter().seek(0, 20).previous_paragraph(0)
    assert not stopped.running and stopped.position(0) == 10


def test_seek_clamps_and_keeps_a_countdown():
    p = prompter()
    assert p.seek(0, -5).position(0) == 0 and p.seek(0, 500).position(0) == 30
    c = p.start(0, countdown=3).seek(1, 12)
    assert c.countdown_left(1) == pytest.approx(2) and c.position(4) == pytest.approx(13)


def test_paragraph_entered_at():
    p = prompter().start(100)
    assert p.paragraph_entered_at(105) is None  # still in the first paragraph
    assert p.paragraph_entered_at(111) == pytest.approx(110)
    assert p.paragraph_entered_at(120) == pytest.approx(115)
    assert p.pause(120).paragraph_entered_at(121) is None
    # a jump to a paragraph start is not an "entry" to animate
    assert p.seek(101, 10).paragraph_entered_at(102) is None


# --- layout and scrolling --------------------------------------------------------------------------

def test_layout_maps_words_to_pixels_continuously():
    lay = layout()
    assert lay.total_words == 30 and lay.bottom == 280
    assert lay.y_at(0) == 0 and lay.y_at(2.5) == 20 and lay.y_at(5) == 40
    assert lay.y_at(9) == pytest.approx(40 + 4 / 5 * 60)  # the paragraph gap is crossed while reading
    assert lay.y_at(10) == 100 and lay.y_at(30) == 280 and lay.y_at(-3) == 0 and lay.y_at(99) == 280
    ys = [lay.y_at(w / 10) for w in range(301)]
    assert ys == sorted(ys)
    assert max(b - a for a, b in itertools.pairwise(ys)) <= 60 / 5 / 10 + 1e-9  # no jump bigger than one step


def test_layout_skips_lines_without_words():
    lay = Layout((Line(0, 0, 30, 2), Line(0, 30, 30, 0), Line(1, 80, 30, 2)))
    assert lay.y_at(1) == 40 and lay.y_at(2) == 80  # glides over the empty line, no jump
    assert lay.line_at(1) == 0 and lay.line_at(2) == 2 and lay.line_at(9) == 2
    empty = Layout((Line(0, 12, 30, 0),))
    assert empty.y_at(3) == 12 and empty.line_at(0) == -1 and Layout(()).y_at(0) == 0


def test_layout_validation_and_paragraph_top():
    with pytest.raises(ValueError):
        Layout((Line(0, 50, 10, 1), Line(0, 10, 10, 1)))
    with pytest.raises(ValueError):
        Layout((Line(1, 0, 10, 1), Line(0, 10, 10, 1)))
    with pytest.raises(ValueError):
        Layout((Line(0, 0, 10, -1),))
    lay = layout()
    assert [lay.paragraph_top(i) for i in range(3)] == [0, 100, 160]
    with pytest.raises(ValueError):
        lay.paragraph_top(3)


def test_scroll_y_follows_the_prompter():
    lay, p = layout(), prompter().start(0)
    assert scroll_y(lay, p, 0) == 0
    assert scroll_y(lay, p, 2.5) == 20
    assert scroll_y(lay, p.with_speed(2.5, 200), 2.5) == 20  # speed change: no jump


def test_paragraph_mode_steps_discretely_with_a_short_glide():
    lay, p = layout(), prompter().start(0)
    assert scroll_y(lay, p, 9.9, paragraph_mode=True) == 0
    assert scroll_y(lay, p, 10.0, paragraph_mode=True, transition=0.4) == 0  # glide starts
    mid = scroll_y(lay, p, 10.2, paragraph_mode=True, transition=0.4)
    assert mid == pytest.approx(50)  # half-way, eased
    assert scroll_y(lay, p, 10.4, paragraph_mode=True, transition=0.4) == 100
    assert scroll_y(lay, p, 14, paragraph_mode=True) == 100
    assert scroll_y(lay, p, 15.1, paragraph_mode=True, transition=0) == 160
    # a jump (retake) lands at once, without a glide
    r = p.back_to_paragraph_start(12).start(12)
    assert scroll_y(lay, r, 12.01, paragraph_mode=True) == 100


def test_reading_point():
    lay, p = layout(), prompter().start(0)
    assert reading_point(lay, p, 0) == ReadingPoint(0, 0, 0)
    assert reading_point(lay, p, 7.2) == ReadingPoint(0, 1, 7)
    assert reading_point(lay, p, 12) == ReadingPoint(1, 2, 12)
    assert reading_point(lay, p, 99) == ReadingPoint(2, 5, 29)
    assert reading_point(Layout(()), Prompter(()), 0) == ReadingPoint(-1, -1, -1)


def test_smoothstep():
    assert [smoothstep(x) for x in (-1, 0, 0.5, 1, 2)] == [0, 0, 0.5, 1, 1]


def test_states_are_immutable_values():
    p = prompter()
    q = p.start(0)
    assert p != q and not p.running
    with pytest.raises(AttributeError):
        p.wpm = 10  # type: ignore[misc]
