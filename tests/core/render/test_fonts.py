"""Names in every script: fallback fonts cover them, runs come out in visual order, cards draw no boxes."""

from __future__ import annotations

import unicodedata
from pathlib import Path

import pytest
from PIL import Image, ImageChops, ImageDraw

from introstudio.core.render import fonts, textfit
from introstudio.core.render.brandkit import load_brand_kit
from introstudio.core.render.cards import (
    EndCardSpec,
    LowerThirdSpec,
    TitleCardSpec,
    draw_end_card,
    draw_lower_third,
    draw_thumbnail,
    draw_title_card,
    title_safe_rect,
)
from introstudio.core.render.fonts import (
    ChainFont,
    coverage,
    default_chain,
    itemize,
    undrawable_characters,
)

OUT = Path(__file__).resolve().parents[2] / "output" / "cards"

# (name line, specialty, department) per script
SCRIPTS = {
    "arabic": ("د. محمد عبد الله، دكتوراه", "طب الغدد الصماء", "قسم الغدد الصماء والسكري"),
    "chinese": ("张伟医生, MD", "内分泌科", "糖尿病与代谢科"),
    "devanagari": ("डॉ. प्रिया शर्मा, MD", "हृदय रोग विशेषज्ञ", "हृदय और संवहनी केंद्र"),
    "hebrew": ('ד"ר דוד כהן, MD', "קרדיולוגיה", "מרכז הלב וכלי הדם"),
    "latin-emoji": ("Dr. José Müller-Łukasiewicz 👩‍⚕️😀", "Endocrinología ❤️", "Département de Cardiologie"),
}


@pytest.fixture(scope="module")
def kit():
    return load_brand_kit()


def _drawn(text: str, chain: fonts.FontChain) -> list[tuple[str, fonts.Face]]:
    """(character, face that draws it) for every visible character of a line, as the layout decided."""
    out = []
    for run in itemize(chain, text):
        face = chain.faces[run.face]
        out += [(c, face) for c in run.text if not (c.isspace() or fonts._ignorable(c))]
    return out


@pytest.mark.parametrize("script", SCRIPTS)
def test_every_character_is_in_the_cmap_of_the_font_that_draws_it(kit, script):
    chain = fonts.font_chain(str(kit.font_bold))
    for text in SCRIPTS[script]:
        assert undrawable_characters(text, chain) == []
        for char, face in _drawn(text, chain):
            assert ord(char) in coverage(face), (char, unicodedata.name(char, "?"), face.path)
    if script != "latin-emoji":  # the brand font alone has none of these letters: without fallback, boxes
        primary = coverage(chain.faces[0])
        assert any(ord(c) not in primary for c in SCRIPTS[script][0] if c.isalpha())


def test_a_character_no_font_has_is_reported_and_joiners_are_not():
    assert undrawable_characters("Dr. \U00013000 Lopez \U00013000") == ["\U00013000"]  # Egyptian hieroglyph
    assert undrawable_characters("Ana\u200d\ufe0f\u200f Kim") == []
    assert "U+13000 EGYPTIAN HIEROGLYPH A001" in fonts.describe_characters(["\U00013000"])


def test_runs_come_in_visual_order_with_their_direction():
    chain = default_chain()
    runs = itemize(chain, "Dr. محمد عبد الله, MD")  # a left-to-right line holding an Arabic name
    assert [r.text for r in runs] == ["Dr. ", "محمد عبد الله", ", MD"]
    assert [r.direction for r in runs] == ["ltr", "rtl", "ltr"]
    assert runs[1].language == "ar"
    runs = itemize(chain, "דוד כהן, MD")  # a right-to-left line: the Latin credentials end up on the left
    assert runs[0].text == "MD" and runs[-1].text.startswith("דוד")
    runs = itemize(chain, "Room 12 عيادة 34")  # the number after Arabic belongs to the Arabic run
    assert [r.text.strip() for r in runs] == ["Room 12", "34", "عيادة"]


def test_emoji_sequences_stay_in_the_emoji_font():
    chain = default_chain()
    emoji = [r for r in itemize(chain, "Ana 1\ufe0f\u20e3 👨\u200d👩\u200d👧 👍🏽 Kim") if "Emoji" in chain.faces[r.face].path]
    assert "".join(r.text for r in emoji).replace(" ", "") == "1\ufe0f\u20e3👨\u200d👩\u200d👧👍🏽"


def test_controls_and_bidi_overrides_are_not_drawn():
    chain = default_chain()
    assert "".join(r.text for r in itemize(chain, "Ana\u202e Kim\x07")) == "Ana Kim"


def _ink(img: Image.Image) -> tuple[int, int, int, int] | None:
    return img.convert("L").point(lambda v: 255 if v > 60 else 0).getbbox()


def _line(text: str, size: int = 64) -> Image.Image:
    font = ChainFont(default_chain(), size)
    img = Image.new("L", (round(font.getlength(text)) + 40, size * 2), 0)
    font.draw(ImageDraw.Draw(img), (20, size * 1.4), text, 255)
    return img


@pytest.mark.skipif(not fonts.RAQM, reason="Pillow built without raqm")
def test_right_to_left_letters_are_drawn_right_to_left_and_joined():
    assert _leftmost_glyph_is("אבג", "ג") and not _leftmost_glyph_is("אבג", "א")  # the last letter is leftmost
    font = ChainFont(default_chain(), 64)
    assert font.getlength("ببب") < 0.9 * 3 * font.getlength("ب")  # joined forms, not three isolated letters
    assert font.getlength("क्ष") < font.getlength("क") + font.getlength("ष")  # a Devanagari conjunct


def _leftmost_glyph_is(word: str, glyph: str) -> bool:
    whole, alone = _line(word), _line(glyph)
    box = _ink(alone)
    w, left = box[2] - box[0], _ink(whole)[0]
    diff = ImageChops.difference(whole.crop((left, 0, left + w, whole.height)),
                                 alone.crop((box[0], 0, box[0] + w, alone.height)))
    return sum(diff.tobytes()) < 0.02 * 255 * w * whole.height


def test_without_raqm_rtl_runs_are_reversed_and_a_warning_says_letters_are_unjoined(monkeypatch):
    from PIL import ImageFont

    monkeypatch.setattr(fonts, "RAQM", False)
    monkeypatch.setattr(fonts, "_ENGINE", ImageFont.Layout.BASIC)
    fonts.load_face.cache_clear()
    try:
        assert _leftmost_glyph_is("אבג", "ג") and not _leftmost_glyph_is("אבג", "א")
    finally:
        fonts.load_face.cache_clear()
    run = fonts.Run("אבג", 1, 1, "he")
    assert fonts._basic_text(run) == "גבא"
    assert "unjoined" in fonts.shaping_warning("محمد")
    assert fonts.shaping_warning("דוד") is None and fonts.shaping_warning("Ana") is None


@pytest.mark.parametrize("script", SCRIPTS)
def test_fitted_text_is_measured_as_it_is_drawn(kit, script):
    text = SCRIPTS[script][0]
    font, lines = textfit.fit_text(text, kit.font_bold, 90, 40, 700, max_lines=2)
    assert " ".join(lines) == text
    img = Image.new("L", (1000, 400), 0)
    fitted = textfit.FittedText(lines, font, "white", 0)
    textfit.draw_block(ImageDraw.Draw(img), [fitted], 100, 100, 700)
    box = _ink(img)
    assert box is not None and box[2] - 100 <= 700 and box[3] - 100 <= fitted.height + 2


def test_fitting_a_huge_name_measures_a_bounded_amount_of_text(kit, monkeypatch):
    measured: list[int] = []
    real = ChainFont.getlength

    def counting(self, text):
        measured.append(len(text))
        return real(self, text)

    monkeypatch.setattr(ChainFont, "getlength", counting)
    totals = []
    for n in (3_000, 12_000, 48_000):
        measured.clear()
        _font, lines = textfit.fit_text("Maria Lopez " * (n // 12), kit.font_bold, 90, 60, 1600, max_lines=2)
        assert lines[-1].endswith("\u2026")
        totals.append(sum(measured))
    assert totals[2] <= totals[0] * 1.05, totals  # 16 times the text, no more work: linear at worst


def test_stills_of_cards_in_five_scripts(kit):
    """Stills a person looks at (tests/output/cards/); every glyph in them comes from a font that has it."""
    OUT.mkdir(parents=True, exist_ok=True)
    frame = Image.new("RGB", (1920, 1080), (120, 110, 100))
    for script, (name, specialty, department) in SCRIPTS.items():
        spec = TitleCardSpec(name, specialty, department, "Riverside University Hospital")
        title = draw_title_card(spec, kit, (1920, 1080))
        blank = draw_title_card(TitleCardSpec(""), kit, (1920, 1080))
        box = _ink(ImageChops.difference(title, blank))
        x, y, w, h = title_safe_rect((1920, 1080))
        assert box is not None and box[0] >= x and box[1] >= y and box[2] <= x + w and box[3] <= y + h
        title.save(OUT / f"{script}-title.png")
        lower = Image.new("RGBA", (1920, 1080), (90, 90, 90, 255))
        lower.alpha_composite(draw_lower_third(LowerThirdSpec(name, department), kit, (1920, 1080)))
        lower.convert("RGB").save(OUT / f"{script}-lower-third.png")
        draw_end_card(EndCardSpec(name, "555-0142", "riverside.example.org", department), kit,
                      (1080, 1920)).save(OUT / f"{script}-end-card-vertical.png")
        draw_thumbnail(frame, spec, kit).save(OUT / f"{script}-thumbnail.png")
        chain = fonts.font_chain(str(kit.font_bold))
        for char, face in _drawn(name, chain):
            assert ord(char) in coverage(face)
    assert len(list(OUT.glob("*.png"))) >= 20
