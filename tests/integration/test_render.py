"""Real exports of generated projects, checked the way YouTube and a viewer would see them."""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import struct
import subprocess
from fractions import Fraction
from pathlib import Path

import pytest
from PIL import Image, ImageChops

from introstudio.core.captions.formats import read_srt, read_vtt
from introstudio.core.captions.cues import Cue
from introstudio.core.errors import Cancelled
from introstudio.core.jobs import CancelToken, Progress, run_job
from introstudio.core.media.probe import probe
from introstudio.core.media.testmedia import make_clip
from introstudio.core.media.tools import ffmpeg_exe
from introstudio.core.project import CaptionTrack, Clinician, Script, create_project, open_project
from introstudio.core.project.ops import import_takes
from introstudio.core.render.brandkit import load_brand_kit
from introstudio.core.render.cards import lower_third_box
from introstudio.core.render.export import frame_moments, render_project
from introstudio.core.render.outputs import staged_files
from introstudio.core.render.records import export_records

pytestmark = pytest.mark.slow

TRIM_IN = 0.5
CUES = [Cue(1.2, 3.4, ("Hello, I'm Dr Maria Lopez,",)), Cue(3.6, 5.9, ("a cardiologist at the Heart Centre.",))]
CLINICIAN = Clinician(name="Maria Lopez", title="Dr.", credentials="MD", specialty="Cardiology",
                      department="Heart Centre", organisation="St Elsewhere Hospital", phone="020 7946 0000")


def make_project(root: Path, name: str, captions: bool = True, **clip):
    clip.setdefault("seconds", 6.5)
    source = make_clip(root / f"{name}-source.mp4", **clip)
    pf = create_project(root / name, CLINICIAN, Script(free_text="Hello, I'm Dr Maria Lopez."))
    run_job(import_takes(pf, [source]))
    pf.project.takes[0].trim_in = TRIM_IN
    if captions:
        pf.project.captions.append(CaptionTrack(take_id=1, cues=list(CUES)))
    pf.save()
    return pf


def run_cli(*argv: str) -> dict:
    """`introstudio render ...` through render_cmd's own parser (the lead registers it in the main CLI)."""
    from introstudio.cli import render_cmd

    parser = argparse.ArgumentParser()
    render_cmd.register(parser.add_subparsers())
    args = parser.parse_args(["render", *argv, "--json"])
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        assert args.func(args) == 0
    return json.loads(out.getvalue())


@pytest.fixture(scope="session")
def kit():
    return load_brand_kit()


@pytest.fixture(scope="session")
def preview(tmp_path_factory):
    """The sample project rendered with `preview` through the CLI, with --frames."""
    root = tmp_path_factory.mktemp("render-preview")
    pf = make_project(root, "proj", size=(640, 360), fps=30)
    report = run_cli(str(pf.folder), "--preset", "preview", "--frames", str(root / "frames"))
    return pf, report


@pytest.fixture(scope="session")
def hd(tmp_path_factory):
    """The same kind of project rendered with youtube-720p to a -16 LUFS target, progress recorded."""
    root = tmp_path_factory.mktemp("render-720p")
    pf = make_project(root, "proj", size=(1280, 720), fps=30000 / 1001)
    pf.project.design.loudness_target = -16.0
    pf.save()
    steps: list[Progress] = []
    result = run_job(render_project(pf, "youtube-720p", root / "clip.mp4"), steps.append)
    return pf, result, steps


def top_level_atoms(path: Path) -> list[str]:
    atoms, offset, end = [], 0, path.stat().st_size
    with open(path, "rb") as fh:
        while offset < end:
            fh.seek(offset)
            size, kind = struct.unpack(">I4s", fh.read(8))
            if size == 1:
                size = struct.unpack(">Q", fh.read(8))[0]
            atoms.append(kind.decode("latin-1"))
            offset += size if size else end
    return atoms


def stream_facts(path: Path) -> dict:
    import av

    with av.open(str(path)) as c:
        v, a = c.streams.video[0], c.streams.audio[0]
        facts = {"profile": v.codec_context.profile, "pix_fmt": v.codec_context.pix_fmt,
                 "size": (v.codec_context.width, v.codec_context.height), "audio_profile": a.codec_context.profile,
                 "audio_rate": a.codec_context.sample_rate, "audio_codec": a.codec_context.name,
                 "time_base": v.time_base}
        packets = [p for p in c.demux(v) if p.pts is not None]
    pts = sorted(p.pts for p in packets)
    facts["frame_steps"] = {b - a for a, b in zip(pts, pts[1:])}
    keys = sorted(p.pts for p in packets if p.is_keyframe)
    facts["key_steps"] = {b - a for a, b in zip(keys, keys[1:])}
    return facts


def frame(path: Path, at: float, tmp: Path) -> Image.Image:
    png = tmp / f"frame-{at:.2f}.png"
    subprocess.run([ffmpeg_exe(), "-v", "error", "-y", "-ss", f"{at:.3f}", "-i", str(path), "-frames:v", "1",
                    str(png)], check=True)
    return Image.open(png).convert("RGB")


def check_youtube_properties(video: Path, width: int, height: int, fps: Fraction, expected_seconds: float):
    facts = stream_facts(video)
    assert facts["profile"] == "High"
    assert facts["pix_fmt"] == "yuv420p"
    assert facts["size"] == (width, height)
    assert (facts["audio_codec"], facts["audio_profile"], facts["audio_rate"]) == ("aac", "LC", 48000)
    atoms = top_level_atoms(video)
    assert atoms.index("moov") < atoms.index("mdat"), atoms  # faststart
    assert len(facts["frame_steps"]) == 1  # constant frame rate
    step = facts["frame_steps"].pop() * facts["time_base"]
    assert abs(1 / step - fps) < Fraction(1, 1000)
    gop = round(float(fps) / 2)
    assert facts["key_steps"] == {gop * step / facts["time_base"]}  # a keyframe every half second
    data = video.read_bytes()[:400_000]
    assert b"open_gop=0" in data and f"keyint={gop} ".encode() in data and b"bframes=2" in data
    info = probe(video)
    assert info.video.rotation == 0 and not info.video.variable_frame_rate
    assert abs(info.duration - expected_seconds) <= 0.1


def test_preview_export_meets_the_preset(preview, kit):
    pf, report = preview
    video = Path(report["video"])
    assert report["preset"] == "preview" and video.parent == pf.exports_dir
    expected = kit.title_card_seconds + (6.5 - TRIM_IN) + kit.end_card_seconds
    check_youtube_properties(video, 640, 360, Fraction(30), expected)
    assert abs(report["loudness_lufs"] - (-14.0)) <= 1.0
    assert report["true_peak"] <= -1.0
    assert not staged_files(video)


def test_hd_export_meets_the_preset_and_its_loudness_target(hd, kit):
    pf, result, steps = hd
    expected = kit.title_card_seconds + (6.5 - TRIM_IN) + kit.end_card_seconds
    check_youtube_properties(result.video, 1280, 720, Fraction(30000, 1001), expected)
    assert b"bitrate=5000 " in result.video.read_bytes()[:400_000]
    assert abs(result.loudness_lufs - (-16.0)) <= 1.0
    fractions = [s.fraction for s in steps if s.fraction is not None]
    assert fractions == sorted(fractions) and fractions[-1] == 1.0
    assert any(s.message == "Encoding" and s.speed for s in steps)


def test_sidecars_thumbnail_and_record(hd, kit):
    pf, result, _ = hd
    record = open_project(pf.folder).project.exports[-1]
    title = record["title_seconds"]  # the title card in whole frames: 90 / 29.97 s here
    assert abs(title - kit.title_card_seconds) < 0.01
    for cues in (read_srt(result.srt).cues, read_vtt(result.vtt).cues):
        assert [c.text for c in cues] == [c.text for c in CUES]
        assert all(abs(c.start - (cue.start - TRIM_IN + title)) < 0.0015 for c, cue in zip(cues, CUES))
    assert result.thumbnail.suffix == ".jpg" and result.thumbnail.stat().st_size <= 2 * 1024 * 1024
    with Image.open(result.thumbnail) as thumb:
        assert (thumb.format, thumb.size) == ("JPEG", (1280, 720))
    assert record["preset"] == "youtube-720p" and record["file"] == str(result.video)  # outside the project
    assert record["loudness_lufs"] == result.loudness_lufs
    assert record["lower_third"][0] == round(title + CUES[0].start - TRIM_IN, 3)


def test_frames_show_cards_lower_third_and_caption_clear_of_it(preview, kit, tmp_path):
    """The stills `render --frames` writes: cards in brand colours; lower third on its bar, caption at the top."""
    pf, report = preview
    frames = {name: next(Path(f) for f in report["frames"] if f.endswith(f"-{name}.png"))
              for name in ("title-card", "lower-third", "end-card")}
    size = (640, 360)
    rgb = {name: tuple(int(colour[i:i + 2], 16) for i in (1, 3, 5))
           for name, colour in (("primary", kit.primary_colour), ("background", kit.background_colour))}
    for name in ("title-card", "end-card"):
        with Image.open(frames[name]) as img:
            top_edge = img.convert("RGB").crop((200, 2, 440, 6)).resize((1, 1)).getpixel((0, 0))
        assert max(abs(a - b) for a, b in zip(top_edge, rgb["background"])) < 24, name
    with Image.open(frames["lower-third"]) as img:
        shot = img.convert("RGB")
    x, y, w, h = lower_third_box(size)
    bar = shot.crop((x + w - w // 6, y + 2, x + w - 4, y + 5)).resize((1, 1)).getpixel((0, 0))
    assert max(abs(a - b) for a, b in zip(bar, rgb["primary"])) < 24  # the bar is on screen
    # What differs from the raw footage at the same moment is the overlay: the bar and the caption above it.
    record = export_records(open_project(pf.folder).project)[-1]
    at = dict(frame_moments(pf, record))["lower-third"]
    raw = frame(pf.resolve(pf.project.takes[0].file), at - record.title_seconds + TRIM_IN, tmp_path)
    changed = ImageChops.difference(shot, raw.resize(size)).convert("L").point(lambda v: 255 if v > 60 else 0)
    caption = changed.crop((0, 0, 640, y)).getbbox()
    assert caption is not None, "no caption on screen with the lower third"
    assert caption[3] < 360 // 3, "the caption must move to the top while the lower third is on"
    assert abs((caption[0] + caption[2]) / 2 - 320) < 40  # centred
    below_bar = changed.crop((0, y + h + 2, 640, 360)).getbbox()
    assert below_bar is None or below_bar[3] - below_bar[1] < 6  # nothing drawn under the bar


def test_rotated_vfr_10bit_silent_clip_comes_out_upright_8bit_cfr_with_silence(tmp_path):
    pf = make_project(tmp_path, "phone", captions=False, seconds=3.0, size=(320, 240), fps=30, rotation=90,
                      vfr=True, pix_fmt="yuv420p10le", audio=False)
    take = pf.project.takes[0]
    assert take.media["video"]["rotation"] == 90 and take.media["video"]["variable_frame_rate"]
    result = run_job(render_project(pf, "preview"))
    facts = stream_facts(result.video)
    assert facts["pix_fmt"] == "yuv420p" and facts["size"] == (640, 360) and len(facts["frame_steps"]) == 1
    assert result.loudness_lufs is None or result.loudness_lufs < -60  # silence
    assert result.srt is None and result.vtt is None
    # Upright: the portrait picture is pillarboxed (black left and right), not stretched or lying down.
    shot = frame(result.video, 3.0 + 0.5, tmp_path)  # before the lower third comes on
    shot.save(tmp_path / "upright.png")
    columns = [shot.crop((x, 0, x + 1, 360)).resize((1, 1)).getpixel((0, 0)) for x in (5, 320, 634)]
    assert max(columns[0]) < 24 and max(columns[2]) < 24 and max(columns[1]) > 60
    content = shot.convert("L").point(lambda v: 255 if v > 24 else 0).getbbox()
    assert content is not None and content[3] - content[1] > content[2] - content[0]  # taller than wide


def test_cancel_leaves_nothing_at_the_output(tmp_path):
    pf = make_project(tmp_path, "cancel", seconds=6.0, size=(1280, 720))
    out = tmp_path / "cancelled.mp4"
    cancel = CancelToken()

    def on_progress(p: Progress) -> None:
        if p.message == "Encoding" and (p.fraction or 0) > 0.3:
            cancel.cancel()

    with pytest.raises(Cancelled):
        run_job(render_project(pf, "youtube-720p", out), on_progress, cancel)
    assert not out.exists() and not staged_files(out)
    assert not any(p.name.startswith(".cancelled") and p.suffix != ".lock" for p in tmp_path.iterdir())
    assert not running_with(str(tmp_path / ".cancelled."))  # ffmpeg was stopped, not left encoding


def running_with(marker: str) -> list[int]:
    """Live (non-zombie) processes whose command line mentions `marker`."""
    found = []
    for entry in Path("/proc").iterdir():
        with contextlib.suppress(OSError):
            if entry.name.isdigit() and marker.encode() in (entry / "cmdline").read_bytes():
                if (entry / "stat").read_text().split(") ")[-1][:1] != "Z":
                    found.append(int(entry.name))
    return found


def test_subtitles_path_with_quotes_colons_and_commas_reaches_ffmpeg(tmp_path, kit):
    """ffmpeg-python escapes filter options at both levels: a hostile folder name still works."""
    from introstudio.core.render.ass import write_ass
    from introstudio.core.render.graph import build_command
    from introstudio.core.render.plan import RenderPlan
    from introstudio.core.render.presets import get_preset

    odd = tmp_path / "Dr O'Brien: notes, [v2]; final"
    odd.mkdir()
    source = make_clip(odd / "take.mp4", seconds=1.0, size=(160, 120), audio=False)
    ass = write_ass([Cue(0.0, 1.0, ("Hello",))], odd / "caps.ass", kit, (640, 360))
    plan = RenderPlan(source=source, trim_in=0.0, trim_out=1.0, source_fps=25, source_vfr=False,
                      source_has_audio=False, source_rotation=0, source_size=(160, 120), source_bit_depth=8,
                      preset=get_preset("preview"), fps=Fraction(25), output=odd / "out.mp4",
                      captions_ass=ass, fonts_dir=kit.fonts_dir)
    subprocess.run(build_command(plan, ffmpeg_exe(), progress=False), check=True, capture_output=True)
    assert probe(odd / "out.mp4").video is not None


def test_source_colour_tags_and_guesses(tmp_path):
    from introstudio.core.render.plan import source_colour

    hd = make_clip(tmp_path / "hd.mp4", seconds=0.5, size=(1280, 720), audio=False)
    sd = make_clip(tmp_path / "sd.mp4", seconds=0.5, size=(320, 240), audio=False)
    assert source_colour(hd, 1280, 720) == ("bt709", False)  # untagged HD is BT.709 by convention
    assert source_colour(sd, 320, 240) == ("smpte170m", False)
    tagged = tmp_path / "tagged.mp4"
    subprocess.run([ffmpeg_exe(), "-v", "error", "-i", str(sd), "-c:v", "libx264", "-preset", "ultrafast",
                    "-colorspace", "bt709", "-color_range", "pc", str(tagged)], check=True)
    assert source_colour(tagged, 320, 240) == ("bt709", True)
