"""openai-whisper for real: the bundled CTranslate2 tiny.en converts losslessly and transcribes like faster-whisper."""

from __future__ import annotations

import difflib
import itertools
import json
import re
import shutil
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from introstudio.core.captions.engines.base import TranscribeOptions
from introstudio.core.errors import Cancelled, NotFoundError, UserError
from introstudio.core.jobs import CancelToken, Progress, run_job

SPEECH = ("Hello, I'm Doctor Maria Lopez. I'm an endocrinologist at Riverside Clinic. "
          "I help people with diabetes and thyroid conditions.")


def normalise(text: str) -> list[str]:
    return re.sub(r"[^\w\s']", " ", text.lower()).split()


def word_differences(a: list[str], b: list[str]) -> int:
    """Words inserted, deleted or replaced between two transcripts."""
    ops = difflib.SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes()
    return sum(max(i2 - i1, j2 - j1) for tag, i1, i2, j1, j2 in ops if tag != "equal")


@pytest.fixture(scope="module")
def whisper():
    pytest.importorskip("torch")
    return pytest.importorskip("whisper")


@pytest.fixture(scope="module")
def bundled() -> Path:
    from introstudio.core.captions.models import bundled_model_path

    try:
        return bundled_model_path()
    except NotFoundError as exc:
        pytest.skip(str(exc))


@pytest.fixture(scope="module")
def cache_dir(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("whisper-cache")


@pytest.fixture(scope="module")
def checkpoint(whisper, bundled, cache_dir) -> Path:
    from introstudio.core.captions.engines.ct2_convert import ensure_converted

    return ensure_converted(bundled, cache_dir)


@pytest.fixture(scope="module")
def speech_wav(tmp_path_factory) -> Path:
    if shutil.which("espeak-ng") is None:
        pytest.skip("espeak-ng is not installed")
    wav = tmp_path_factory.mktemp("speech") / "intro.wav"
    subprocess.run(["espeak-ng", "-w", str(wav), SPEECH], check=True, capture_output=True)
    return wav


@pytest.fixture(scope="module")
def engine(whisper, bundled, cache_dir, checkpoint):
    from introstudio.core.captions.engines.openai import OpenAIWhisperEngine

    return OpenAIWhisperEngine(None, cache_dir=cache_dir)


@pytest.fixture(scope="module")
def full_transcript(engine, speech_wav):
    steps: list[Progress] = []
    transcript = run_job(engine.transcribe(speech_wav, TranscribeOptions()), steps.append)
    return transcript, steps


def test_conversion_is_lossless_and_loads_with_whisper(whisper, bundled, checkpoint):
    import torch

    from introstudio.core.captions.engines.ct2_convert import read_ct2_model

    ct2 = read_ct2_model(bundled / "model.bin")
    model = whisper.load_model(str(checkpoint), device="cpu")  # strict load: every name and shape matches
    assert model.dims.n_vocab == 51864 and model.dims.n_text_layer == 4 and model.dims.n_audio_head == 6
    params = model.state_dict()
    qkv = ct2["encoder/layer_2/self_attention/linear_0/weight"]
    pairs = {
        "encoder.conv1.weight": ct2["encoder/conv1/weight"],
        "encoder.blocks.2.attn.query.weight": qkv[:384],
        "encoder.blocks.2.attn.key.weight": qkv[384:768],
        "encoder.blocks.2.attn.value.weight": qkv[768:],
        "encoder.blocks.2.attn.value.bias": ct2["encoder/layer_2/self_attention/linear_0/bias"][768:],
        "decoder.blocks.3.cross_attn.query.weight": ct2["decoder/layer_3/attention/linear_0/weight"],
        "decoder.blocks.3.cross_attn.value.bias": ct2["decoder/layer_3/attention/linear_1/bias"][384:],
        "decoder.blocks.0.mlp.2.weight": ct2["decoder/layer_0/ffn/linear_1/weight"],
        "decoder.token_embedding.weight": ct2["decoder/embeddings/weight"],
        "decoder.positional_embedding": ct2["decoder/position_encodings/encodings"],
        "decoder.ln.weight": ct2["decoder/layer_norm/gamma"],
    }
    for name, expected in pairs.items():
        assert torch.equal(params[name], torch.from_numpy(expected.copy()).float()), name
    stored = torch.load(checkpoint, weights_only=True)["model_state_dict"]
    assert all(t.dtype == torch.float16 for t in stored.values())
    assert not ct2["encoder/layer_2/self_attention/linear_0/bias"][384:768].any()  # the key bias we drop is zero


def test_conversion_is_cached(bundled, cache_dir, checkpoint):
    from introstudio.core.captions.engines.ct2_convert import cached_checkpoint_path, ensure_converted

    before = checkpoint.stat().st_mtime_ns
    assert ensure_converted(bundled, cache_dir) == checkpoint == cached_checkpoint_path(bundled, cache_dir)
    assert checkpoint.stat().st_mtime_ns == before


def test_alignment_heads_come_from_config(engine, bundled):
    heads = json.loads((bundled / "config.json").read_text())["alignment_heads"]
    model = run_job(engine.load())
    assert sorted(model.alignment_heads.to_dense().nonzero().tolist()) == sorted(heads)


def test_transcribes_like_faster_whisper(full_transcript, speech_wav, bundled):
    from faster_whisper import WhisperModel

    transcript, steps = full_transcript
    fw = WhisperModel(str(bundled), device="cpu", compute_type="int8", cpu_threads=2)
    segments, _ = fw.transcribe(str(speech_wav), language="en", beam_size=5, word_timestamps=True)
    expected = normalise(" ".join(s.text for s in segments))
    got = normalise(transcript.text)
    assert word_differences(got, expected) <= 1, (got, expected)
    assert {"maria", "lopez", "endocrinologist", "diabetes"} <= set(got)
    assert transcript.engine == "openai-whisper" and transcript.model == "tiny.en" and transcript.language == "en"
    assert steps[-1].fraction == 1.0 and any("Transcribing" in s.message for s in steps)


def test_word_times_are_ordered_and_inside_the_audio(full_transcript):
    transcript, _ = full_transcript
    words = transcript.words
    assert len(words) >= 15
    assert all(0.0 <= w.start <= w.end <= transcript.duration + 0.01 for w in words)
    assert all(a.start <= b.start and a.end <= b.end + 1e-6 for a, b in itertools.pairwise(words))
    assert words[-1].end > transcript.duration - 2.0  # the speech runs to near the end of the file


def test_trim_gives_source_file_times(engine, full_transcript, speech_wav):
    """Cut at the pause after the first sentence: the words after it keep their times in the file."""
    full, _ = full_transcript
    lopez = next(i for i, w in enumerate(full.words) if "lopez" in w.text.lower())
    cut = (full.words[lopez].end + full.words[lopez + 1].start) / 2
    trimmed = run_job(engine.transcribe(speech_wav, TranscribeOptions(start=cut)))
    assert trimmed.words and all(w.start >= cut for w in trimmed.words)
    rest = normalise(" ".join(w.text for w in full.words[lopez + 1:]))
    assert word_differences(normalise(trimmed.text), rest) <= 1
    first = next(w for w in full.words[lopez + 1:] if normalise(w.text) == normalise(trimmed.words[0].text))
    assert abs(trimmed.words[0].start - first.start) < 0.3


def test_cancel_stops_the_worker(engine, speech_wav):
    """Cancel as transcription starts: the worker stops within a model step and leaves no hook or thread behind."""
    model = run_job(engine.load())
    steps: list[int] = []
    counter = model.decoder.register_forward_pre_hook(lambda module, args: steps.append(1))
    token = CancelToken()

    def on_progress(step: Progress) -> None:
        if step.message.startswith("Transcribing"):
            token.cancel()

    try:
        with pytest.raises(Cancelled):
            run_job(engine.transcribe(speech_wav, TranscribeOptions()), on_progress, token)
    finally:
        counter.remove()
    assert not any(t.name == "openai-whisper" and t.is_alive() for t in threading.enumerate())
    assert len(steps) <= 3  # the whole window takes ~35 decoder steps; the cancel came before them
    assert not model.encoder._forward_pre_hooks and not model.decoder._forward_pre_hooks


def test_named_model_is_never_downloaded(whisper, tmp_path, monkeypatch):
    from introstudio.core.captions.engines.openai import OpenAIWhisperEngine

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    with pytest.raises(NotFoundError) as err:
        OpenAIWhisperEngine("base.en")
    assert "never downloads" in err.value.message and "--model" in err.value.hint
    assert not (tmp_path / "whisper").exists()


def test_missing_whisper_says_how_to_install(monkeypatch):
    from introstudio.core.captions.engines.openai import OpenAIWhisperEngine

    monkeypatch.setitem(sys.modules, "whisper", None)
    with pytest.raises(UserError) as err:
        OpenAIWhisperEngine(None)
    assert err.value.hint == "pip install 'introstudio[openai-whisper]'"
