"""Write sample stills of a brand kit's graphics so a person can look at them.

For each frame size: the title card, the lower third (over a gray frame, with a caption burned in by
libass at the top, where it goes while the lower third is shown), a plain caption at the bottom, and
the end card; plus one thumbnail. Captions are burned with the bundled ffmpeg, so what you see is what
libass draws.

    .venv/bin/python scripts/render_look.py [--kit KIT.toml] [--out DIR] [--sizes 1920x1080,1080x1920]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

from PIL import Image, ImageDraw

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from introstudio.core.captions.cues import Cue
from introstudio.core.media.tools import run_ffmpeg
from introstudio.core.render.ass import subtitles_filter, write_ass
from introstudio.core.render.brandkit import check_contrast, load_brand_kit
from introstudio.core.render.cards import (
    EndCardSpec,
    LowerThirdSpec,
    TitleCardSpec,
    draw_end_card,
    draw_lower_third,
    draw_thumbnail,
    draw_title_card,
    save_thumbnail,
)

SIZES = "1920x1080,1280x720,1080x1080,1080x1920,640x360"
TITLE = TitleCardSpec("Dr. Maria Lopez, MD, PhD", "Endocrinology",
                      "Endocrinology, Diabetes and Metabolism", "Riverside University Hospital")
LONG_TITLE = TitleCardSpec("Dr. Maria Fernanda Lopez-Gutierrez de la Cruz, MD, PhD, FACE",
                           "Paediatric Endocrinology and Adolescent Medicine",
                           "Department of Endocrinology, Diabetes and Metabolism",
                           "Riverside University Hospital and Regional Children's Centre")
LOWER = LowerThirdSpec("Dr. Maria Lopez, MD, PhD", "Endocrinology, Diabetes and Metabolism")
END = EndCardSpec("Book an appointment with Dr. Lopez", "555-0142", "riverside.example.org/lopez",
                  "Riverside University Hospital")
CAPTION = ("I look after people with diabetes,", "thyroid disease and osteoporosis.")


def gray_frame(size: tuple[int, int]) -> Image.Image:
    """A stand-in for camera footage: a soft gray gradient with a head-and-shoulders silhouette."""
    w, h = size
    img = Image.linear_gradient("L").resize(size).point(lambda v: 90 + v // 3).convert("RGB")
    d = ImageDraw.Draw(img)
    cx, u = w // 2, min(w, h)
    d.ellipse((cx - u * 0.12, h * 0.22, cx + u * 0.12, h * 0.22 + u * 0.3), fill=(150, 150, 150))
    d.rounded_rectangle((cx - u * 0.3, h * 0.22 + u * 0.33, cx + u * 0.3, h * 1.1), radius=u * 0.1,
                        fill=(120, 120, 120))
    return img


def burn(frame: Image.Image, ass: Path, fonts_dir: Path, out: Path, at: float) -> None:
    """Burn the ASS file onto a still with libass (the same filter the export uses)."""
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "frame.png"
        frame.save(src)
        shift = f"setpts=PTS+{at:.3f}/TB"  # the single frame is shown at `at` seconds
        run_ffmpeg(["-y", "-i", src, "-vf", f"{shift},{subtitles_filter(ass, fonts_dir)}", "-frames:v", "1", out])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kit", type=Path, default=None, help="brand kit file (default: the bundled kit)")
    parser.add_argument("--out", type=Path, default=ROOT / "build" / "look")
    parser.add_argument("--sizes", default=SIZES)
    args = parser.parse_args(argv)
    kit = load_brand_kit(args.kit)
    for warning in check_contrast(kit):
        print("warning:", warning)
    args.out.mkdir(parents=True, exist_ok=True)
    cues = [Cue(0.0, 2.0, CAPTION), Cue(2.0, 4.0, CAPTION)]
    written = []
    for size_text in args.sizes.split(","):
        size = tuple(int(v) for v in size_text.lower().split("x"))
        assert len(size) == 2
        tag = f"{size[0]}x{size[1]}"
        title = args.out / f"{tag}-title.png"
        draw_title_card(TITLE, kit, size).save(title)
        long_title = args.out / f"{tag}-title-long.png"
        draw_title_card(LONG_TITLE, kit, size).save(long_title)
        frame = gray_frame(size)
        overlay = draw_lower_third(LOWER, kit, size)
        with_lower = frame.convert("RGBA")
        with_lower.alpha_composite(overlay)
        ass = write_ass(cues, args.out / f"{tag}.ass", kit, size, avoid=[(0.0, 2.0)])
        lower = args.out / f"{tag}-lower-third.png"
        burn(with_lower.convert("RGB"), ass, kit.fonts_dir, lower, at=1.0)
        caption = args.out / f"{tag}-caption.png"
        burn(frame, ass, kit.fonts_dir, caption, at=3.0)
        end = args.out / f"{tag}-end.png"
        draw_end_card(END, kit, size).save(end)
        written += [title, long_title, lower, caption, end]
    thumb = save_thumbnail(draw_thumbnail(gray_frame((1920, 1080)), TITLE, kit), args.out / "thumbnail.jpg")
    plain = save_thumbnail(draw_thumbnail(None, TITLE, kit), args.out / "thumbnail-no-frame.jpg")
    written += [thumb, plain]
    for path in written:
        print(path)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
