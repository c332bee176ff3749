"""Title card, lower third, end card and thumbnail, drawn with Pillow at the exact output frame size.

Every piece of text is fitted (shrunk, wrapped, and only as a last resort shortened) to stay inside the
title-safe area (90% of the frame). Landscape frames use a left-aligned layout with the logo in the
corner; square and vertical frames stack logo and text in the centre.
"""

from __future__ import annotations

import io
import os
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageDraw

from introstudio.core.render.brandkit import BrandKit, hex_to_rgb
from introstudio.core.render.textfit import (
    Rule,
    TextItem,
    block_height,
    block_width,
    draw_block,
    fit_block,
)

Size = tuple[int, int]
Box = tuple[int, int, int, int]  # x, y, width, height

THUMBNAIL_SIZE: Size = (1280, 720)
THUMBNAIL_MAX_BYTES = 2 * 1024 * 1024
TITLE_SAFE = 0.05  # margin on each side: title-safe is the central 90% (EBU R 95)
ACTION_SAFE = 0.035  # action-safe is the central 93%


@dataclass(frozen=True)
class TitleCardSpec:
    """What the opening card says about the clinician."""

    name_line: str  # e.g. "Dr. Maria Lopez, MD, PhD"
    specialty: str = ""
    department: str = ""
    organisation: str = ""


@dataclass(frozen=True)
class LowerThirdSpec:
    """The name strap shown while the clinician starts speaking."""

    name_line: str
    department_line: str = ""


@dataclass(frozen=True)
class EndCardSpec:
    """The closing card: what to do next and how to get in touch."""

    call_to_action: str
    phone: str = ""
    web: str = ""
    organisation: str = ""

    @classmethod
    def from_kit(cls, kit: BrandKit, phone: str = "", web: str = "", organisation: str = "") -> EndCardSpec:
        """The kit's end card, with the clinician's own phone, web page or organisation where given."""
        return cls(kit.end_card_call_to_action, phone or kit.end_card_phone, web or kit.end_card_web,
                   organisation or kit.organisation)


def title_safe_rect(size: Size) -> Box:
    """(x, y, w, h) of the title-safe area: text never leaves it."""
    return _inset(size, TITLE_SAFE)


def action_safe_rect(size: Size) -> Box:
    """(x, y, w, h) of the action-safe area: nothing important is drawn outside it."""
    return _inset(size, ACTION_SAFE)


def _inset(size: Size, margin: float) -> Box:
    w, h = size
    mx, my = round(w * margin), round(h * margin)
    return mx, my, w - 2 * mx, h - 2 * my


def _stacked(size: Size) -> bool:
    """Square and vertical frames centre a stacked layout; landscape frames align left."""
    return size[0] / size[1] < 1.25


def _unit(size: Size) -> float:
    """The length that sizes scale with: the short side, a little more in tall (9:16) frames."""
    w, h = size
    return min(w, h) * (1.2 if h > 1.5 * w else 1.0)


# --- cards ----------------------------------------------------------------------------------------------

def draw_title_card(spec: TitleCardSpec, kit: BrandKit, size: Size) -> Image.Image:
    """The opening card (RGB): logo, name with credentials, specialty, department and organisation."""
    img = _card_base(kit, size)
    u = _unit(size)
    items: list[TextItem | Rule] = [
        TextItem(spec.name_line, kit.font_bold, 0.085 * u, 0.064 * u, kit.text_colour,
                 max_lines=3 if _stacked(size) else 2),
        TextItem(spec.specialty, kit.font_regular, 0.05 * u, 0.04 * u, kit.accent_colour, max_lines=2, gap=0.3,
                 rank=1),
    ]
    details = [t for t in (spec.department, spec.organisation) if t.strip()]
    if details:
        items.append(Rule(0.07 * u, max(2, 0.006 * u), kit.accent_colour, gap=0.04 * u))
        items += [TextItem(t, kit.font_regular, 0.038 * u, 0.032 * u, kit.text_colour, max_lines=2,
                           gap=1.0 if i == 0 else 0.35, rank=2) for i, t in enumerate(details)]
    _layout_card(img, kit, items, logo_scale=0.13)
    return img


def draw_end_card(spec: EndCardSpec, kit: BrandKit, size: Size) -> Image.Image:
    """The closing card (RGB): logo, call to action, phone, web address and organisation, centred."""
    img = _card_base(kit, size)
    u = _unit(size)
    items: list[TextItem | Rule] = [
        TextItem(spec.call_to_action, kit.font_bold, 0.08 * u, 0.052 * u, kit.text_colour, max_lines=3)]
    contact = [(spec.phone, kit.font_bold, kit.text_colour), (spec.web, kit.font_regular, kit.accent_colour)]
    contact = [c for c in contact if c[0].strip()]
    if contact:
        items.append(Rule(0.07 * u, max(2, 0.006 * u), kit.accent_colour, gap=0.045 * u))
        items += [TextItem(t, font, 0.05 * u, 0.036 * u, colour, gap=0.9 if i == 0 else 0.45, rank=1)
                  for i, (t, font, colour) in enumerate(contact)]
    if spec.organisation.strip():
        items.append(TextItem(spec.organisation, kit.font_regular, 0.036 * u, 0.028 * u, kit.text_colour,
                              max_lines=2, gap=1.6, rank=2))
    _layout_card(img, kit, items, logo_scale=0.14, centred=True)
    return img


def _card_base(kit: BrandKit, size: Size) -> Image.Image:
    """Background colour with the brand band (primary) and stripe (secondary) along the foot."""
    w, h = size
    img = Image.new("RGB", size, kit.background_colour)
    d = ImageDraw.Draw(img)
    band, stripe = _band(size)
    d.rectangle((0, h - band, w, h), fill=kit.primary_colour)
    d.rectangle((0, h - band - stripe, w, h - band - 1), fill=kit.secondary_colour)
    return img


def _band(size: Size) -> tuple[int, int]:
    """Heights of the primary band and the secondary stripe above it (both inside the bottom 5%)."""
    band = max(3, round(_unit(size) * 0.028))
    return band, max(1, round(band * 0.3))


def _layout_card(img: Image.Image, kit: BrandKit, items: list[TextItem | Rule], logo_scale: float,
                 centred: bool = False) -> None:
    """Place logo and text block in the content box (title-safe area plus a little air)."""
    size = img.size
    u = _unit(size)
    sx, sy, sw, sh = title_safe_rect(size)
    air = round(u * 0.035)
    cx, cy, cw, ch = sx + air, sy + air, sw - 2 * air, sh - 2 * air
    logo = _load_logo(kit)
    logo_h = round(u * logo_scale) if logo is not None else 0
    d = ImageDraw.Draw(img)
    if centred or _stacked(size):
        gap = round(u * 0.06) if logo_h else 0
        fitted = fit_block(items, cw, ch - logo_h - gap)
        group = logo_h + gap + block_height(fitted)
        top = cy + max(0, (ch - group) // 2)
        if logo is not None:
            _paste_logo(img, logo, (cx, top, cw, logo_h), align="center")
        draw_block(d, fitted, cx, top + logo_h + gap, cw, align="center")
        return
    # Landscape: logo in the top-left corner, an accent bar beside a left-aligned block centred on the frame.
    if logo is not None:
        _paste_logo(img, logo, (cx, cy, cw // 3, logo_h), align="left")
    bar = max(2, round(u * 0.008))
    indent = bar + round(u * 0.035)
    region_top = cy + logo_h + (round(u * 0.05) if logo_h else 0)
    fitted = fit_block(items, cw - indent, cy + ch - region_top)
    height = block_height(fitted)
    top = min(max(region_top, (size[1] - height) // 2), cy + ch - height)
    if fitted:
        d.rectangle((cx, top, cx + bar - 1, top + height - 1), fill=kit.accent_colour)
    draw_block(d, fitted, cx + indent, top, cw - indent, align="left")


# --- lower third ----------------------------------------------------------------------------------------

def lower_third_box(size: Size) -> Box:
    """(x, y, w, h) of the lower-third bar: inside the title-safe area, higher up in vertical frames."""
    w, h = size
    sx, sy, sw, sh = title_safe_rect(size)
    if w / h >= 1.25:
        bw, bh, bottom = round(w * 0.5), round(h * 0.15), round(h * 0.92)
    elif w / h >= 0.8:
        bw, bh, bottom = round(w * 0.8), round(h * 0.15), round(h * 0.92)
    else:  # vertical: keep clear of the controls that phone apps lay over the bottom fifth
        bw, bh, bottom = sw, round(w * 0.2), round(h * 0.80)
    bw = min(bw, sw)
    return sx, min(bottom, sy + sh) - bh, bw, bh


def draw_lower_third(spec: LowerThirdSpec, kit: BrandKit, size: Size) -> Image.Image:
    """A full-frame RGBA overlay, transparent except the bar: name (bold) over department, on the primary colour."""
    img = Image.new("RGBA", size, (0, 0, 0, 0))
    x, y, bw, bh = lower_third_box(size)
    u = _unit(size)
    d = ImageDraw.Draw(img)
    d.rectangle((x, y, x + bw - 1, y + bh - 1), fill=kit.primary_colour)
    stripe = max(2, round(u * 0.012))
    d.rectangle((x, y, x + stripe - 1, y + bh - 1), fill=kit.accent_colour)
    pad_x, pad_y = round(u * 0.032), round(bh * 0.14)
    items = [TextItem(spec.name_line, kit.font_bold, 0.054 * u, 0.036 * u, kit.text_colour, max_lines=2),
             TextItem(spec.department_line, kit.font_regular, 0.036 * u, 0.026 * u, kit.text_colour,
                      max_lines=1, gap=0.25, rank=1)]
    inner_w, inner_h = bw - stripe - 2 * pad_x, bh - 2 * pad_y
    fitted = fit_block(items, inner_w, inner_h)
    top = y + pad_y + max(0, (inner_h - block_height(fitted)) // 2)
    draw_block(d, fitted, x + stripe + pad_x, top, inner_w, align="left")
    return img


# --- thumbnail ------------------------------------------------------------------------------------------

def draw_thumbnail(frame: Image.Image | None, spec: TitleCardSpec, kit: BrandKit) -> Image.Image:
    """A 1280x720 RGB thumbnail: the speaker on the right, name and specialty on a brand panel at left."""
    if frame is None:
        return draw_title_card(spec, kit, THUMBNAIL_SIZE)
    w, h = THUMBNAIL_SIZE
    img = _card_base(kit, THUMBNAIL_SIZE)
    panel = round(w * 0.40)
    photo_w = w - panel + round(w * 0.08)  # the photo runs under the panel's soft edge
    img.paste(_cover(frame.convert("RGB"), (photo_w, h)), (w - photo_w, 0))
    fade = round(w * 0.08)
    bg = hex_to_rgb(kit.background_colour)
    mask = Image.linear_gradient("L").rotate(-90).resize((fade, h))  # 255 at left -> 0 at right
    img.paste(Image.new("RGB", (fade, h), bg), (panel, 0), mask)
    ImageDraw.Draw(img).rectangle((0, 0, panel - 1, h), fill=bg)
    base = _card_base(kit, THUMBNAIL_SIZE)  # band and stripe stay visible across the bottom
    band_top = h - sum(_band(THUMBNAIL_SIZE))
    img.paste(base.crop((0, band_top, w, h)), (0, band_top))
    u = h
    sx, sy, _, sh = title_safe_rect(THUMBNAIL_SIZE)
    air = round(u * 0.04)
    x, top, inner_w, bottom = sx + air, sy + air, panel - sx - 2 * air, sy + sh - air
    logo = _load_logo(kit)
    logo_h = round(u * 0.13) if logo is not None else 0
    if logo is not None:
        _paste_logo(img, logo, (x, top, inner_w, logo_h), align="left")
    items: list[TextItem | Rule] = [
        TextItem(spec.name_line, kit.font_bold, 0.095 * u, 0.06 * u, kit.text_colour, max_lines=3),
        TextItem(spec.specialty, kit.font_regular, 0.058 * u, 0.04 * u, kit.accent_colour, max_lines=2, gap=0.35,
                 rank=1),
        TextItem(spec.organisation, kit.font_regular, 0.042 * u, 0.03 * u, kit.text_colour, max_lines=2, gap=0.8,
                 rank=2),
    ]
    region_top = top + logo_h + (round(u * 0.05) if logo_h else 0)
    fitted = fit_block(items, inner_w, bottom - region_top)
    block_top = min(max(region_top, (h - block_height(fitted)) // 2), bottom - block_height(fitted))
    draw_block(ImageDraw.Draw(img), fitted, x, block_top, max(inner_w, block_width(fitted)), align="left")
    return img


def save_thumbnail(img: Image.Image, path: str | Path, max_bytes: int = THUMBNAIL_MAX_BYTES) -> Path:
    """Save as JPEG no larger than `max_bytes` (YouTube's limit is 2 MB), lowering quality until it fits."""
    path = Path(path)
    rgb = img.convert("RGB")
    data = b""
    for quality in (92, 85, 78, 70, 60, 50, 40, 30, 20, 10):
        buf = io.BytesIO()
        rgb.save(buf, "JPEG", quality=quality, optimize=True, progressive=True)
        data = buf.getvalue()
        if len(data) <= max_bytes:
            break
    while len(data) > max_bytes:  # only an absurdly small limit gets here: shrink the picture too
        rgb = rgb.resize((max(16, rgb.width * 3 // 4), max(9, rgb.height * 3 // 4)))
        buf = io.BytesIO()
        rgb.save(buf, "JPEG", quality=10, optimize=True)
        data = buf.getvalue()
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".part")
    tmp.write_bytes(data)
    os.replace(tmp, path)
    return path


# --- images ---------------------------------------------------------------------------------------------

def _load_logo(kit: BrandKit) -> Image.Image | None:
    if kit.logo is None:
        return None
    with Image.open(kit.logo) as src:
        return src.convert("RGBA")


def _paste_logo(img: Image.Image, logo: Image.Image, box: Box, align: str) -> None:
    """Scale the logo to fit `box` keeping its aspect (never above its own size x2) and paste it."""
    x, y, bw, bh = box
    scale = min(bw / logo.width, bh / logo.height, 2.0)
    w, h = max(1, round(logo.width * scale)), max(1, round(logo.height * scale))
    scaled = logo.resize((w, h), Image.Resampling.LANCZOS)
    left = x if align == "left" else x + (bw - w) // 2
    img.paste(scaled, (left, y + (bh - h) // 2), scaled)


def _cover(frame: Image.Image, size: Size) -> Image.Image:
    """Scale and centre-crop `frame` to fill `size` exactly."""
    w, h = size
    scale = max(w / frame.width, h / frame.height)
    resized = frame.resize((max(w, round(frame.width * scale)), max(h, round(frame.height * scale))),
                           Image.Resampling.LANCZOS)
    left, top = (resized.width - w) // 2, (resized.height - h) // 2
    return resized.crop((left, top, left + w, top + h))
