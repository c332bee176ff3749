"""Draw the bundled default logo mark (resources/brandkit/default-logo.png) with Pillow.

A teal rounded square holding a white medical cross with a small heart cut-out: readable on dark and
light cards, free of any real organisation's identity. Drawn at 4x and downsampled for clean edges.
Run: .venv/bin/python scripts/make_default_logo.py [OUT.png]
"""

from __future__ import annotations

import sys
from pathlib import Path

from PIL import Image, ImageDraw

SIZE = 256
SCALE = 4
TEAL = (0, 150, 160, 255)
TEAL_DARK = (0, 112, 122, 255)
WHITE = (255, 255, 255, 255)
OUT = Path(__file__).resolve().parents[1] / "resources" / "brandkit" / "default-logo.png"


def draw_logo(size: int = SIZE) -> Image.Image:
    """The logo mark as an RGBA image of `size` x `size` pixels."""
    big = size * SCALE
    img = Image.new("RGBA", (big, big), (0, 0, 0, 0))
    d = ImageDraw.Draw(img)
    pad = big * 0.04
    radius = big * 0.22
    # A darker lower edge gives the tile a little depth without a gradient (keeps the PNG small).
    d.rounded_rectangle((pad, pad + big * 0.02, big - pad, big - pad), radius=radius, fill=TEAL_DARK)
    d.rounded_rectangle((pad, pad, big - pad, big - pad - big * 0.03), radius=radius, fill=TEAL)
    c = big / 2
    arm, half = big * 0.30, big * 0.105
    r = big * 0.035
    d.rounded_rectangle((c - half, c - arm, c + half, c + arm), radius=r, fill=WHITE)
    d.rounded_rectangle((c - arm, c - half, c + arm, c + half), radius=r, fill=WHITE)
    # A small heart in the centre of the cross, in the tile colour.
    h = big * 0.075
    d.ellipse((c - h * 1.05, c - h * 0.85, c + h * 0.05, c + h * 0.25), fill=TEAL)
    d.ellipse((c - h * 0.05, c - h * 0.85, c + h * 1.05, c + h * 0.25), fill=TEAL)
    d.polygon([(c - h * 1.0, c - h * 0.15), (c + h * 1.0, c - h * 0.15), (c, c + h * 1.05)], fill=TEAL)
    return img.resize((size, size), Image.Resampling.LANCZOS)


def main(argv: list[str]) -> int:
    out = Path(argv[0]) if argv else OUT
    out.parent.mkdir(parents=True, exist_ok=True)
    logo = draw_logo().quantize(colors=64, method=Image.Quantize.FASTOCTREE)
    logo.save(out, optimize=True)
    print(f"wrote {out} ({out.stat().st_size} bytes)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
