"""Cards, lower third and thumbnail: the right size and mode, text inside title-safe at every frame size."""

from __future__ import annotations

import io
from dataclasses import replace
from pathlib import Path

import pytest
from PIL import Image, ImageChops

from introstudio.core.render.brandkit import load_brand_kit
from introstudio.core.render.cards import (
    EndCardSpec,
    LowerThirdSpec,
    TitleCardSpec,
    action_safe_rect,
    draw_end_card,
    draw_lower_third,
    draw_thumbnail,
    draw_title_card,
    lower_third_box,
    save_thumbnail,
    title_safe_rect,
)
from introstudio.core.render.textfit import fit_text

SIZES = [(1920, 1080), (1280, 720), (1080, 1080), (1080, 1920), (640, 360)]
NAME_60 = "Dr. Maria Fernanda Lopez-Gutierrez de la Cruz, MD, PhD, FACE"
assert len(NAME_60) == 60
TITLE = TitleCardSpec("Dr. Maria Lopez, MD, PhD", "Endocrinology", "Endocrinology, Diabetes and Metabolism",
                      "Riverside University Hospital")
LONG_TITLE = TitleCardSpec(NAME_60, "Paediatric Endocrinology and Adolescent Medicine",
                           "Department of Endocrinology, Diabetes and Metabolism",
                           "Riverside University Hospital and Regional Children's Centre")
END = EndCardSpec("Book an appointment with Dr. Lopez", "555-0142", "riverside.example.org/lopez",
                  "Riverside University Hospital")
LONG_END = EndCardSpec("Call our friendly team today to book your first appointment with Dr. Maria Lopez",
                       "+44 (0) 20 7946 0142 extension 4410", "https://www.riverside-university-hospital."
                       "example.org/endocrinology/clinicians/lopez", "Riverside University Hospital")


@pytest.fixture(scope="module")
def kit():
    return load_brand_kit()


def ink_box(img: Image.Image, blank: Image.Image) -> tuple[int, int, int, int] | None:
    """Bounding box (left, top, right, bottom) of the pixels where `img` differs from `blank`."""
    diff = ImageChops.difference(img.convert("RGB"), blank.convert("RGB")).convert("L")
    return diff.point(lambda v: 255 if v > 24 else 0).getbbox()


def inside(box: tuple[int, int, int, int], rect: tuple[int, int, int, int]) -> bool:
    x, y, w, h = rect
    return box[0] >= x and box[1] >= y and box[2] <= x + w and box[3] <= y + h


def test_safe_rects_are_90_and_93_percent():
    assert title_safe_rect((1920, 1080)) == (96, 54, 1728, 972)
    assert action_safe_rect((1920, 1080)) == (67, 38, 1786, 1004)
    assert title_safe_rect((1080, 1920)) == (54, 96, 972, 1728)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
@pytest.mark.parametrize("spec", [TITLE, LONG_TITLE], ids=["title", "long-title"])
def test_title_card_text_stays_title_safe(kit, size, spec):
    card = draw_title_card(spec, kit, size)
    assert card.size == size and card.mode == "RGB"
    blank = draw_title_card(TitleCardSpec(""), kit, size)
    box = ink_box(card, blank)
    assert box is not None, "no text drawn"
    assert inside(box, title_safe_rect(size)), (box, title_safe_rect(size))


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_sixty_character_name_fits_whole_and_readable(kit, size):
    card = draw_title_card(TitleCardSpec(NAME_60), kit, size)
    box = ink_box(card, draw_title_card(TitleCardSpec(""), kit, size))
    assert box is not None and inside(box, title_safe_rect(size))
    assert box[3] - box[1] >= 0.05 * min(size), "the name was shrunk to an unreadable size"
    # Fitted into the card's text width it wraps rather than being cut short.
    _font, lines = fit_text(NAME_60, kit.font_bold, 0.085 * min(size), 0.064 * min(size),
                           title_safe_rect(size)[2] * 3 // 4, max_lines=2)
    assert " ".join(lines) == NAME_60 and len(lines) == 2


def test_fit_text_shrinks_then_wraps_then_shortens(kit):
    font, lines = fit_text("Dr. Li", kit.font_bold, 80, 50, 1000)
    assert lines == ("Dr. Li",) and font.size == 80
    font, lines = fit_text("Dr. Maria Lopez, MD, PhD", kit.font_bold, 80, 50, 800)
    assert len(lines) == 1 and 50 <= font.size < 80  # shrunk, still one line
    font, lines = fit_text("Dr. Maria Lopez, MD, PhD", kit.font_bold, 80, 70, 600, max_lines=2)
    assert lines == ("Dr. Maria Lopez,", "MD, PhD")  # wrapped after the comma
    font, lines = fit_text("Pneumonoultramicroscopicsilicovolcanoconiosis" * 3, kit.font_bold, 80, 50, 300)
    assert lines[-1].endswith("\u2026")


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
@pytest.mark.parametrize("spec", [END, LONG_END], ids=["end", "long-end"])
def test_end_card_text_stays_title_safe(kit, size, spec):
    card = draw_end_card(spec, kit, size)
    assert card.size == size and card.mode == "RGB"
    box = ink_box(card, draw_end_card(EndCardSpec(""), kit, size))
    assert box is not None and inside(box, title_safe_rect(size)), box


def test_end_card_from_kit_prefers_the_clinicians_details(kit):
    spec = EndCardSpec.from_kit(replace(kit, end_card_phone="555-0000", organisation="Kit Org"), web="me.example")
    assert spec == EndCardSpec(kit.end_card_call_to_action, "555-0000", "me.example", "Kit Org")


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
@pytest.mark.parametrize("spec", [LowerThirdSpec("Dr. Maria Lopez, MD, PhD", "Endocrinology"),
                                  LowerThirdSpec(NAME_60, "Department of Endocrinology, Diabetes and Metabolism")],
                         ids=["short", "long"])
def test_lower_third_is_transparent_outside_its_box(kit, size, spec):
    overlay = draw_lower_third(spec, kit, size)
    assert overlay.size == size and overlay.mode == "RGBA"
    x, y, w, h = lower_third_box(size)
    assert inside((x, y, x + w, y + h), title_safe_rect(size))
    alpha = overlay.getchannel("A")
    assert alpha.getbbox() == (x, y, x + w, y + h)
    assert alpha.crop((x, y, x + w, y + h)).getextrema() == (255, 255)  # the bar is fully opaque
    text = ink_box(overlay, draw_lower_third(LowerThirdSpec(""), kit, size))
    assert text is not None and inside(text, (x, y, w, h))


def test_lower_third_sits_low_in_landscape_and_above_phone_controls_in_vertical():
    _x, y, w, h = lower_third_box((1920, 1080))
    assert y > 1080 * 0.6 and w < 1920 * 0.6
    _x, y, w, h = lower_third_box((1080, 1920))
    assert y + h <= 1920 * 0.8 + 1


def test_logo_keeps_its_aspect_and_cards_work_without_one(kit, tmp_path):
    wide = tmp_path / "wide.png"
    Image.new("RGBA", (400, 100), (255, 0, 0, 255)).save(wide)
    card = draw_title_card(TITLE, replace(kit, logo=wide), (1920, 1080))
    r, g, _ = card.convert("RGB").split()
    mask = ImageChops.subtract(r, g).point(lambda v: 255 if v > 200 else 0)
    left, top, right, bottom = mask.getbbox()
    assert (right - left) / (bottom - top) == pytest.approx(4.0, rel=0.05)
    assert inside((left, top, right, bottom), title_safe_rect((1920, 1080)))
    plain = draw_title_card(TITLE, replace(kit, logo=None), (1280, 720))
    assert plain.size == (1280, 720)


def test_thumbnail_is_1280x720_jpeg_under_2_mb(kit, tmp_path):
    frame = Image.effect_noise((1920, 1080), 120).convert("RGB")  # noise: the hardest picture to compress
    thumb = draw_thumbnail(frame, TITLE, kit)
    assert thumb.size == (1280, 720) and thumb.mode == "RGB"
    blank = draw_thumbnail(frame, TitleCardSpec(""), kit)
    box = ink_box(thumb, blank)
    assert box is not None and inside(box, title_safe_rect((1280, 720)))
    out = save_thumbnail(thumb, tmp_path / "thumb.jpg")
    data = out.read_bytes()
    assert data[:3] == b"\xff\xd8\xff" and len(data) <= 2 * 1024 * 1024
    assert Image.open(io.BytesIO(data)).size == (1280, 720)
    small = save_thumbnail(thumb, tmp_path / "small.jpg", max_bytes=150_000)
    assert small.stat().st_size <= 150_000
    assert not list(Path(tmp_path).glob("*.part"))
    assert draw_thumbnail(None, TITLE, kit).size == (1280, 720)
