"""Burned-in captions: the ASS file's structure, placement around the lower third, escaping, and real libass."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from PIL import Image, ImageChops

from introstudio.core.captions.cues import Cue
from introstudio.core.media.tools import run_ffmpeg
from introstudio.core.render.ass import (
    ass_colour,
    ass_escape,
    ass_time,
    caption_style,
    ffmpeg_filter_path,
    overlaps,
    subtitles_filter,
    write_ass,
)
from introstudio.core.render.brandkit import load_brand_kit
from introstudio.core.render.cards import title_safe_rect

DIALOGUE = re.compile(r"^Dialogue: 0,(\d+:\d\d:\d\d\.\d\d),(\d+:\d\d:\d\d\.\d\d),(Top|Bottom),,0,0,0,,(.*)$")


@pytest.fixture(scope="module")
def kit():
    return load_brand_kit()


def sections(text: str) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    current = ""
    for line in text.splitlines():
        if line.startswith("[") and line.endswith("]"):
            current = line[1:-1]
            out[current] = []
        elif line.strip() and current:
            out[current].append(line)
    return out


def styles(body: list[str]) -> dict[str, dict[str, str]]:
    names = [f.strip() for f in body[0].removeprefix("Format:").split(",")]
    rows = [dict(zip(names, (v.strip() for v in ln.removeprefix("Style:").split(",")))) for ln in body[1:]]
    return {row["Name"]: row for row in rows}


def test_ass_file_parses_with_script_info_styles_and_timed_dialogue(kit, tmp_path):
    cues = [Cue(0.5, 2.25, ("Hello, I'm Dr. Lopez.",)), Cue(3661.234, 3663.0, ("Two", "lines"))]
    path = write_ass(cues, tmp_path / "c.ass", kit, (1920, 1080))
    text = path.read_text(encoding="utf-8")
    parts = sections(text)
    assert {"Script Info", "V4+ Styles", "Events"} <= parts.keys()
    info = dict(ln.split(": ", 1) for ln in parts["Script Info"] if not ln.startswith(";"))
    assert info["ScriptType"] == "v4.00+" and info["PlayResX"] == "1920" and info["PlayResY"] == "1080"
    style = styles(parts["V4+ Styles"])
    bottom, top = style["Bottom"], style["Top"]
    assert bottom["Fontname"] == "Lato" and bottom["Bold"] == "-1"
    assert 0.045 * 1080 <= int(bottom["Fontsize"]) <= 0.05 * 1080
    assert bottom["Alignment"] == "2" and top["Alignment"] == "8"
    assert bottom["BorderStyle"] == "4"  # one box per cue (libass), see ass.py
    assert bottom["BackColour"] == "&H40000000"  # black box at 75% opacity: alpha 0x40
    assert bottom["PrimaryColour"] == "&H00FFFFFF"
    assert int(bottom["MarginV"]) >= 54 and int(bottom["MarginL"]) >= 96  # inside title-safe
    events = [DIALOGUE.match(ln) for ln in parts["Events"][1:]]
    assert all(events) and parts["Events"][0].startswith("Format: Layer, Start, End, Style")
    assert [(m[1], m[2], m[3]) for m in events] == [("0:00:00.50", "0:00:02.25", "Bottom"),
                                                   ("1:01:01.23", "1:01:03.00", "Bottom")]
    assert events[1][4].endswith("Two\\Nlines")


def test_vertical_captions_are_relatively_bigger_and_clear_the_phone_controls():
    landscape, vertical = caption_style((1920, 1080)), caption_style((1080, 1920))
    assert vertical.font_size / 1080 > landscape.font_size / 1920
    assert vertical.margin_bottom >= 0.2 * 1920


def test_times_and_colours():
    assert ass_time(0) == "0:00:00.00"
    assert ass_time(59.999) == "0:01:00.00"
    assert ass_time(3661.234) == "1:01:01.23"
    assert ass_time(-1) == "0:00:00.00"
    assert ass_colour("#112233") == "&H00332211"
    assert ass_colour("#112233", 0.75) == "&H40332211"
    assert ass_colour("#FFFFFF", 0.0) == "&HFFFFFFFF"


def test_cues_overlapping_the_lower_third_go_to_the_top(kit, tmp_path):
    window = [(1.0, 4.0)]
    cues = [Cue(0.0, 1.0, ("before, touching",)), Cue(0.5, 1.5, ("straddles the start",)),
            Cue(2.0, 3.0, ("inside",)), Cue(3.9, 5.0, ("straddles the end",)), Cue(4.0, 6.0, ("after",))]
    assert [overlaps(c, window) for c in cues] == [False, True, True, True, False]
    text = write_ass(cues, tmp_path / "c.ass", kit, (1280, 720), avoid=window).read_text(encoding="utf-8")
    placed = [m[3] for m in map(DIALOGUE.match, text.splitlines()) if m]
    assert placed == ["Bottom", "Top", "Top", "Top", "Bottom"]


def test_special_characters_are_escaped(kit, tmp_path):
    assert ass_escape("{\\an8}move me") == "\\{\\\u2060an8\\}move me"
    assert ass_escape("a\\Nb") == "a\\\u2060Nb"
    assert ass_escape("one\ntwo\r\nthree") == "one\\Ntwo\\Nthree"
    text = write_ass([Cue(0, 1, ("{\\b1}bold?", "C:\\new"))], tmp_path / "c.ass", kit, (1280, 720)).read_text()
    body = DIALOGUE.match(text.splitlines()[-1])[4]
    unescaped = re.findall(r"(?<!\\)\{[^}]*\}", body)
    assert unescaped == [unescaped[0]] and "shad" in unescaped[0]  # only our own box-padding override


def test_ffmpeg_filter_path_escapes_both_levels():
    assert ffmpeg_filter_path("/tmp/plain/c.ass") == "/tmp/plain/c.ass"
    assert ffmpeg_filter_path("/tmp/Dr O'Neil/c.ass") == "/tmp/Dr O\\\\\\'Neil/c.ass"
    assert ffmpeg_filter_path("/a:b/[x],y;z") == "/a\\\\:b/\\[x\\]\\,y\\;z"


def caption_box(frame: Image.Image, background: Image.Image) -> tuple[int, int, int, int] | None:
    diff = ImageChops.difference(frame.convert("RGB"), background.convert("RGB")).convert("L")
    return diff.point(lambda v: 255 if v > 40 else 0).getbbox()


def test_libass_burns_captions_bottom_then_top_in_the_brand_font(kit, tmp_path):
    """Real ffmpeg + libass, through a folder whose name needs filter escaping."""
    size = (1280, 720)
    folder = tmp_path / "Dr O'Neil captions, v1"
    cues = [Cue(0.0, 1.0, ("{\\an8} stays at the bottom",)), Cue(1.0, 2.0, ("Moved to the top",))]
    ass = write_ass(cues, folder / "captions.ass", kit, size, avoid=[(1.0, 2.0)])
    out = tmp_path / "frame_%d.png"
    result = run_ffmpeg([
        "-loglevel", "verbose", "-f", "lavfi", "-i", f"color=c=0x3366AA:s={size[0]}x{size[1]}:r=30:d=2",
        "-vf", f"{subtitles_filter(ass, kit.fonts_dir)},select='eq(n\\,15)+eq(n\\,45)'",
        "-fps_mode", "passthrough", "-y", out,
    ], timeout=60)
    assert re.search(r"fontselect: \(Lato, 700, 0\) -> .*Lato-Bold", result.stderr.decode("utf-8", "replace"))
    background = Image.new("RGB", size, (0x33, 0x66, 0xAA))
    safe_x, safe_y, safe_w, safe_h = title_safe_rect(size)
    bottom = caption_box(Image.open(tmp_path / "frame_1.png"), background)
    top = caption_box(Image.open(tmp_path / "frame_2.png"), background)
    assert bottom is not None and top is not None
    assert bottom[1] > size[1] * 0.75 and bottom[3] <= safe_y + safe_h  # escaped {\an8} did not move it
    assert top[3] < size[1] * 0.25 and top[1] >= safe_y
    for box in (bottom, top):
        assert box[0] >= safe_x and box[2] <= safe_x + safe_w
        assert abs((box[0] + box[2]) / 2 - size[0] / 2) < 4  # centred


def test_subtitles_filter_names_file_and_fonts_dir(tmp_path):
    f = subtitles_filter(Path("/x/it's.ass"), Path("/fonts"))
    assert f == "subtitles=filename=/x/it\\\\\\'s.ass:fontsdir=/fonts"
