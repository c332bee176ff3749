"""Preview stills for the Look page, drawn off the UI thread with the render feature's card functions."""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from introstudio.core.jobs import Job, Progress
from introstudio.core.project.model import Project
from introstudio.core.script.templates import computed_values

PREVIEW_LONG_SIDE = 960
SAMPLE_CAPTION = ("Hello, and welcome. I made this short video",)


@dataclass(frozen=True)
class PreviewRequest:
    """Everything the preview job needs, copied on the UI thread so the worker shares no live state."""

    project: Project
    brand_kit: str | None
    size: tuple[int, int]
    frame: Path | None  # the take to grab a background frame from
    frame_at: float
    caption: tuple[str, ...]
    reframe: str = "fit"  # as the export preset does it: "fit" (pad with black) or "crop-center"


def preview_size(preset_size: tuple[int, int]) -> tuple[int, int]:
    """The preset's shape at preview resolution (even sides)."""
    w, h = preset_size
    scale = PREVIEW_LONG_SIDE / max(w, h)
    return (int(w * scale) // 2 * 2, int(h * scale) // 2 * 2)


def _specs(project: Project, kit: Any) -> tuple[Any, Any, Any]:
    """Title, lower-third and end-card specs: the renderer's own choice, else built from the profile here."""
    from introstudio.core.render import cards

    try:
        from introstudio.core.render.plan import card_specs
    except ImportError:
        card_specs = None
    if card_specs is not None:
        return card_specs(project.clinician, kit)
    c = project.clinician
    name = computed_values(c.name, c.title)["display_name"] if c.name else "Clinician name"
    name_line = f"{name}, {c.credentials}" if c.credentials else name
    dept = " · ".join(t for t in (c.specialty, c.department) if t)
    return (cards.TitleCardSpec(name_line, c.specialty, c.department, c.organisation or kit.organisation),
            cards.LowerThirdSpec(name_line, dept),
            cards.EndCardSpec.from_kit(kit, c.phone, c.web_page, c.organisation))


def _png(image: Any) -> bytes:
    buf = io.BytesIO()
    image.save(buf, format="PNG", compress_level=1)
    return buf.getvalue()


def _background(request: PreviewRequest) -> Any:
    from PIL import Image, ImageDraw, ImageOps

    from introstudio.gui.widgets.media_jobs import grab_frame

    size = request.size
    if request.frame is not None:
        data = grab_frame(request.frame, request.frame_at, size[0])
        if data:
            frame = Image.open(io.BytesIO(data)).convert("RGB")
            if request.reframe == "crop-center":
                return ImageOps.fit(frame, size)
            return ImageOps.pad(frame, size, color="#000000")
    img = Image.new("RGB", size, "#6B7B8C")
    draw = ImageDraw.Draw(img)
    draw.ellipse((size[0] * 0.35, size[1] * 0.18, size[0] * 0.65, size[1] * 1.2), fill="#8D9CAB")
    return img


def _caption(img: Any, lines: tuple[str, ...], kit: Any) -> None:
    """Draw a caption at the top of the frame (it moves up while the name strap is on screen)."""
    from PIL import Image, ImageDraw, ImageFont

    from introstudio.core.render.brandkit import hex_to_rgb

    w, h = img.size
    font = ImageFont.truetype(str(kit.font_bold), max(12, round(h * 0.05)))
    draw = ImageDraw.Draw(img)
    boxes = [draw.textbbox((0, 0), line, font=font) for line in lines]
    line_h = round(h * 0.065)
    pad = round(h * 0.015)
    top = round(h * 0.07)
    overlay = Image.new("RGBA", img.size, (0, 0, 0, 0))
    od = ImageDraw.Draw(overlay)
    alpha = round(255 * float(kit.caption_box_opacity))
    for i, (line, box) in enumerate(zip(lines, boxes)):
        tw = box[2] - box[0]
        x, y = (w - tw) // 2, top + i * line_h
        od.rectangle((x - pad, y - pad // 2, x + tw + pad, y + line_h - pad // 2),
                     fill=(*hex_to_rgb(kit.caption_box_colour), alpha))
        od.text((x, y), line, font=font, fill=(*hex_to_rgb(kit.caption_text_colour), 255))
    img.paste(overlay, (0, 0), overlay)


def previews_job(request: PreviewRequest) -> Job[dict[str, Any]]:
    """PNG bytes of the title card, a frame with the lower third and a caption, and the end card."""
    from introstudio.core.render import cards
    from introstudio.core.render.brandkit import check_contrast, load_brand_kit

    yield Progress(0.0, "Reading the brand kit")
    kit = load_brand_kit(request.brand_kit)
    title, lower, end = _specs(request.project, kit)
    yield Progress(0.2, "Drawing the title card")
    out: dict[str, Any] = {"title": _png(cards.draw_title_card(title, kit, request.size))}
    yield Progress(0.45, "Drawing the name strap")
    frame = _background(request).convert("RGBA")
    strap = cards.draw_lower_third(lower, kit, request.size)
    frame.alpha_composite(strap.convert("RGBA"))
    frame = frame.convert("RGB")
    _caption(frame, request.caption or SAMPLE_CAPTION, kit)
    out["lower"] = _png(frame)
    yield Progress(0.8, "Drawing the end card")
    out["end"] = _png(cards.draw_end_card(end, kit, request.size))
    out["warnings"] = list(check_contrast(kit))
    out["kit"] = str(kit.source or "")
    yield Progress(1.0, "Previews ready")
    return out
