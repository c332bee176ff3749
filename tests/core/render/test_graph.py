"""The export command is a pure function of the plan: compared as argument lists, nothing is run."""

from __future__ import annotations

import dataclasses
from fractions import Fraction
from pathlib import Path

import pytest

from introstudio.core.captions.cues import Cue
from introstudio.core.errors import ToolError
from introstudio.core.render.graph import (
    build_command,
    build_copy_command,
    build_frame_command,
    build_loudness_check_command,
    build_measure_command,
    parse_ebur128_report,
    parse_loudnorm,
)
from introstudio.core.render.plan import (
    Card,
    LoudnormMeasure,
    LowerThird,
    RenderPlan,
    lower_third_window,
    shift_cues,
)
from introstudio.core.render.presets import get_preset

PROLOGUE = ["ffmpeg", "-hide_banner", "-nostdin", "-y", "-loglevel", "warning", "-progress", "pipe:1", "-nostats"]
MEASURED = LoudnormMeasure(input_i=-23.5, input_tp=-6.2, input_lra=7.1, input_thresh=-33.9, target_offset=0.3)


def make_plan(**changes) -> RenderPlan:
    plan = RenderPlan(
        source=Path("/p/media/take.mp4"), trim_in=1.5, trim_out=9.0, source_fps=29.97, source_vfr=False,
        source_has_audio=True, source_rotation=0, source_size=(1920, 1080), source_bit_depth=8,
        preset=get_preset("youtube-1080p"), fps=Fraction(30), output=Path("/p/exports/out.mp4"),
        title=Card(Path("/w/title.png"), 3.0), lower_third=LowerThird(Path("/w/lt.png"), 96, 800, 1.2, 6.2),
        captions_ass=Path("/w/captions.ass"), fonts_dir=Path("/fonts"), end=Card(Path("/w/end.png"), 4.0),
        loudness=MEASURED, target_lufs=-14.0,
    )
    return dataclasses.replace(plan, **changes)


def sub(haystack: list[str], needle: list[str]) -> bool:
    """True when `needle` occurs in `haystack` as a contiguous run."""
    n = len(needle)
    return any(haystack[i:i + n] == needle for i in range(len(haystack) - n + 1))


def filter_complex(args: list[str]) -> str:
    return args[args.index("-filter_complex") + 1]


def _fit(src: str, first: int, footage: str = "") -> list[str]:
    """The chain that brings a picture to 1920x1080 BT.709 yuv420p, labels s<first>..s<first+3>."""
    a, b, c, d = (f"[s{first + i}]" for i in range(4))
    return [
        f"{src}scale=force_divisible_by=2:force_original_aspect_ratio=decrease:h=1080:{footage}"
        f"out_color_matrix=bt709:out_range=tv:w=1920{a}",
        f"{a}pad=color=black:h=1080:w=1920:x=(ow-iw)/2:y=(oh-ih)/2{b}",
        f"{b}setsar=sar=1{c}",
        f"{c}format=pix_fmts=yuv420p{d}",
    ]


def test_full_filter_graph():
    assert filter_complex(build_command(make_plan())).split(";") == [
        *_fit("[0:v]", 0),  # title card: converted once, then held for 3 s = 90 frames
        "[s3]tpad=stop=89:stop_mode=clone[s4]",
        "[2:v]fps=fps=30[s5]",  # the take: VFR -> CFR first
        *_fit("[s5]", 6, footage="in_color_matrix=bt709:in_range=tv:"),  # HD BT.709 in = out: no conversion
        "[3:v]format=pix_fmts=rgba[s10]",  # lower third: held, faded in/out, moved to its start, overlaid
        "[s10]tpad=stop=149:stop_mode=clone[s11]",
        "[s11]fade=alpha=1:duration=0.3:start_time=0:type=in[s12]",
        "[s12]fade=alpha=1:duration=0.3:start_time=4.7:type=out[s13]",
        "[s13]setpts=PTS+1.2/TB[s14]",
        "[s9][s14]overlay=eof_action=pass:format=yuv420:x=96:y=800[s15]",
        "[s15]subtitles=filename=/w/captions.ass:fontsdir=/fonts[s16]",
        "[2:a]aformat=channel_layouts=stereo:sample_fmts=fltp:sample_rates=48000[s17]",
        "[s17]loudnorm=i=-14:linear=true:lra=20:measured_i=-23.5:measured_lra=7.1:measured_thresh=-33.9:"
        "measured_tp=-6.2:offset=0.3:print_format=none:tp=-1.5[s18]",
        "[s18]aresample=48000[s19]",
        *_fit("[4:v]", 20),  # end card, 4 s
        "[s23]tpad=stop=119:stop_mode=clone[s24]",
        "[s4][1:a][s16][s19][s24][5:a]concat=a=1:n=3:v=1[s25][s26]",
        "[s25]setparams=color_primaries=bt709:color_trc=bt709:colorspace=bt709:range=tv[s27]",
    ]


def test_concat_order_is_title_main_end():
    graph = filter_complex(build_command(make_plan()))
    concat = next(c for c in graph.split(";") if "concat=" in c)
    # title video + silence, main video + audio, end video + silence
    assert concat.startswith("[s4][1:a][s16][s19][s24]")
    assert "[5:a]concat=a=1:n=3:v=1" in concat


def test_take_without_audio_gets_silence_for_its_length():
    args = build_command(make_plan(source_has_audio=False, loudness=None))
    assert sub(args, ["-f", "lavfi", "-t", "7.5", "-i", "anullsrc=r=48000:cl=stereo"])
    graph = filter_complex(args)
    assert "loudnorm" not in graph and "[2:a]" not in graph


def test_no_cards_no_lower_third_no_captions_means_no_concat():
    plan = make_plan(title=None, end=None, lower_third=None, captions_ass=None, fonts_dir=None)
    args = build_command(plan)
    graph = filter_complex(args)
    assert "concat" not in graph and "overlay" not in graph and "subtitles" not in graph
    assert args.count("-i") == 1
    assert sub(args, ["-ss", "1.5", "-to", "9", "-i", "/p/media/take.mp4"])


def test_unmeasured_audio_is_not_normalised():
    graph = filter_complex(build_command(make_plan(loudness=None)))
    assert "loudnorm" not in graph and "aformat=channel_layouts=stereo" in graph


def test_crop_center_for_vertical():
    graph = filter_complex(build_command(make_plan(preset=get_preset("vertical"))))
    assert ("[s5]scale=force_original_aspect_ratio=increase:h=1920:in_color_matrix=bt709:in_range=tv:"
            "out_color_matrix=bt709:out_range=tv:w=1080[s6];[s6]crop=h=1920:w=1080[s7]") in graph


def test_sd_full_range_footage_is_converted_to_bt709_tv_range():
    graph = filter_complex(build_command(make_plan(source_color_matrix="smpte170m", source_full_range=True)))
    assert "[s5]scale=force_divisible_by=2:force_original_aspect_ratio=decrease:h=1080:in_color_matrix=smpte170m:" \
           "in_range=pc:out_color_matrix=bt709:out_range=tv:w=1920[s6]" in graph


def test_preview_uses_crf_and_high_fps_uses_more_bits():
    args = build_command(make_plan(preset=get_preset("preview")))
    assert sub(args, ["-crf", "28"]) and "-b:v" not in args and sub(args, ["-preset", "ultrafast"])
    args = build_command(make_plan(fps=Fraction(60000, 1001)))
    assert sub(args, ["-b:v", "12000k"]) and sub(args, ["-g", "30"]) and sub(args, ["-r", "60000/1001"])
    assert "fps=fps=60000/1001" in filter_complex(args)


def test_steady_tone_keeps_linear_loudnorm():
    plan = make_plan(loudness=dataclasses.replace(MEASURED, input_lra=0.0))
    assert "measured_lra=0.1" in filter_complex(build_command(plan))


def test_paths_are_escaped_for_the_filtergraph():
    plan = make_plan(captions_ass=Path("/w/it's: here/c,1.ass"), fonts_dir=Path("C:/Fonts"))
    graph = filter_complex(build_command(plan))
    assert "subtitles=filename=/w/it\\\\\\'s\\\\: here/c\\,1.ass:fontsdir=C\\\\:/Fonts" in graph


def test_progress_can_be_left_out_and_the_executable_named():
    args = build_command(make_plan(), ffmpeg_path="/opt/ffmpeg", progress=False)
    assert args[:6] == ["/opt/ffmpeg", "-hide_banner", "-nostdin", "-y", "-loglevel", "warning"]
    assert "-progress" not in args


def test_measure_command():
    assert build_measure_command(make_plan()) == [
        "ffmpeg", "-hide_banner", "-nostdin", "-y", "-loglevel", "info", "-progress", "pipe:1", "-nostats",
        "-ss", "1.5", "-to", "9", "-i", "/p/media/take.mp4",
        "-filter_complex",
        "[0:a]aformat=channel_layouts=stereo:sample_fmts=fltp:sample_rates=48000[s0];"
        "[s0]loudnorm=i=-14:lra=20:print_format=json:tp=-1.5[s1]",
        "-map", "[s1]", "-f", "null", "-dn", "-sn", "-vn", "-",
    ]


def test_loudness_check_command():
    args = build_loudness_check_command("/p/out.mp4", "/w/r128.txt", progress=False)
    assert sub(args, ["-i", "/p/out.mp4", "-filter_complex",
                      "[0:a]ebur128=metadata=1:peak=true[s0];[s0]ametadata=file=/w/r128.txt:mode=print[s1]"])
    assert args[-6:] == ["-f", "null", "-dn", "-sn", "-vn", "-"]


def test_parse_ebur128_report():
    text = ("frame:0    pts:0       pts_time:0\nlavfi.r128.I=-70.000\nlavfi.r128.true_peak=0.000\n"
            "frame:1    pts:4800    pts_time:0.1\nlavfi.r128.S=nan\nlavfi.r128.I=-14.173\n"
            "lavfi.r128.true_peaks_ch0=0.306\nlavfi.r128.true_peak=0.306\n")
    assert parse_ebur128_report(text) == {"integrated": -14.173, "true_peak": -10.29}
    assert parse_ebur128_report("lavfi.r128.I=-70.000\nlavfi.r128.true_peak=0.000\n") == {
        "integrated": None, "true_peak": None}


def test_copy_command():
    assert build_copy_command("/a/in.mov", "/a/out.mov", 2.0, 7.25, progress=False) == [
        "ffmpeg", "-hide_banner", "-nostdin", "-y", "-loglevel", "warning",
        "-ss", "2", "-to", "7.25", "-i", "/a/in.mov",
        "-avoid_negative_ts", "make_zero", "-c", "copy", "-map_metadata", "-1", "-movflags", "+faststart",
        "/a/out.mov",
    ]
    assert "-to" not in build_copy_command("/a/in.mov", "/a/out.mov", 0, None)


def test_frame_command():
    assert build_frame_command("/v.mp4", 2.5, "/f.png", width=1280) == [
        "ffmpeg", "-hide_banner", "-nostdin", "-y", "-loglevel", "error", "-ss", "2.5", "-i", "/v.mp4",
        "-filter_complex", "[0:v]scale=h=-2:w=1280[s0]", "-map", "[s0]", "-frames:v", "1", "-update", "1",
        "/f.png",
    ]


STDERR = "[Parsed_loudnorm_1 @ 0x55d5] " + """
{
\t"input_i" : "-23.54",
\t"input_tp" : "-6.21",
\t"input_lra" : "7.10",
\t"input_thresh" : "-33.90",
\t"output_i" : "-14.02",
\t"output_tp" : "-1.00",
\t"output_lra" : "6.40",
\t"output_thresh" : "-24.30",
\t"normalization_type" : "dynamic",
\t"target_offset" : "0.02"
}
[out#0/null @ 0x55d5] video:0KiB audio:1KiB
"""


def test_parse_loudnorm():
    report = parse_loudnorm("Input #0, mov {meta}\n" + STDERR)
    assert report["input_i"] == -23.54 and report["normalization_type"] == "dynamic"
    measured = LoudnormMeasure.from_report(report)
    assert measured == LoudnormMeasure(-23.54, -6.21, 7.1, -33.9, 0.02)


def test_parse_loudnorm_silence_and_garbage():
    silent = STDERR.replace('"-23.54"', '"-inf"').replace('"-6.21"', '"-inf"')
    assert LoudnormMeasure.from_report(parse_loudnorm(silent)) is None
    with pytest.raises(ToolError):
        parse_loudnorm("Error opening input file\n")


def test_shift_cues_and_lower_third_window():
    cues = [Cue(0.5, 2.0, ("Before the trim",)), Cue(2.5, 4.0, ("Hello",)), Cue(9.5, 12.0, ("Cut",))]
    main = shift_cues(cues, 2.0, 10.0)
    assert [(c.start, c.end, c.text) for c in main] == [(0.5, 2.0, "Hello"), (7.5, 8.0, "Cut")]
    sidecar = shift_cues(cues, 2.0, 10.0, offset=3.0)
    assert sidecar[0].start == 3.5
    assert lower_third_window(main, 8.0, 5.0) == (0.5, 5.5)
    assert lower_third_window([], 8.0, 5.0) == (1.0, 6.0)
    assert lower_third_window([], 3.0, 5.0) == (1.0, 2.8)
    assert lower_third_window([], 1.0, 5.0) is None
