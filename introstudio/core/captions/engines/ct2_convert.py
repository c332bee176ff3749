"""Turn a CTranslate2 Whisper model (the bundled tiny.en) into an openai-whisper checkpoint, losslessly.

CTranslate2 writes `model.bin` as (ctranslate2/specs/model_spec.py, `_serialize`, binary version 6):
u32 version, string spec name, u32 revision, u32 count, then per variable: string name, u8 rank,
u32 dims..., u8 dtype id, u32 byte count, raw bytes; then u32 alias count and (alias, target) string
pairs. A string is u16 length (with its NUL), UTF-8 bytes, NUL. All little-endian.

openai-whisper and CTranslate2 hold the same tensors under other names; CTranslate2 fuses the
self-attention query/key/value (`linear_0`) and the cross-attention key/value (`linear_1`). Its fused
key bias is zero (Whisper's key has no bias; a key bias would not change softmax anyway), so splitting
the fused tensors gives back the original checkpoint. Tensors keep their dtype (float16 for tiny.en).
"""

from __future__ import annotations

import base64
import gzip
import hashlib
import json
import os
import re
import struct
from pathlib import Path
from typing import TYPE_CHECKING, Any

from introstudio.core.errors import InvalidInputError, NotFoundError

if TYPE_CHECKING:
    import numpy

# Order of include/ctranslate2/types.h DataType, as ctranslate2's `_dtype_to_type_id` writes it.
_CT2_DTYPES = ("float32", "int8", "int16", "int32", "float16", "bfloat16")
_SUPPORTED_BINARY_VERSIONS = range(1, 7)
CHECKPOINT_FORMAT = 1  # bump when the conversion changes, so cached checkpoints are rebuilt


def read_ct2_model(path: str | os.PathLike[str]) -> dict[str, numpy.ndarray]:
    """Every variable of a CTranslate2 `model.bin` as a numpy array by its name (aliases included)."""
    import numpy as np

    path = Path(path)
    if path.is_dir():
        path = path / "model.bin"
    if not path.is_file():
        raise NotFoundError(f"No CTranslate2 model at {path}.", "Pass a folder that holds model.bin.")
    buf = bytearray(path.read_bytes())  # writable, so arrays can be handed to torch without copies
    pos = 0

    def take(fmt: str) -> Any:
        nonlocal pos
        (value,) = struct.unpack_from("<" + fmt, buf, pos)
        pos += struct.calcsize("<" + fmt)
        return value

    def string() -> str:
        nonlocal pos
        length = take("H")
        text = bytes(buf[pos:pos + length - 1]).decode("utf-8")
        pos += length
        return text

    try:
        version = take("I")
        if version not in _SUPPORTED_BINARY_VERSIONS:
            raise InvalidInputError(f"{path} is CTranslate2 binary version {version}, which IntroStudio cannot read.",
                                    "Re-convert the model with ctranslate2 4.x.")
        string()  # spec name, e.g. "WhisperSpec"
        if version >= 2:
            take("I")  # spec revision
        variables: dict[str, numpy.ndarray] = {}
        for _ in range(take("I")):
            name = string()
            shape = tuple(take("I") for _ in range(take("B")))
            dtype = _CT2_DTYPES[take("B")]
            nbytes = take("I")
            np_dtype = np.dtype(np.uint16 if dtype == "bfloat16" else dtype)
            raw = np.frombuffer(buf, dtype=np_dtype, count=nbytes // np_dtype.itemsize, offset=pos)
            pos += nbytes
            if dtype == "bfloat16":  # numpy has no bfloat16; widening to float32 is exact
                raw = (raw.astype(np.uint32) << 16).view(np.float32)
            variables[name] = raw.reshape(shape)
        if version >= 3 and pos < len(buf):
            for _ in range(take("I")):
                alias, target = string(), string()
                variables[alias] = variables[target]
    except (struct.error, IndexError, ValueError, KeyError) as exc:
        raise InvalidInputError(f"{path} is not a readable CTranslate2 model ({exc}).",
                                "Check the file is complete, or re-convert the model.") from exc
    return variables


def _float(variables: dict[str, numpy.ndarray], name: str) -> numpy.ndarray:
    """One weight as stored, or de-quantised to float32 when CTranslate2 stored it as int8/int16."""
    import numpy as np

    value = variables[name]
    scale = variables.get(name + "_scale")
    if scale is None:
        return value
    scale = scale.astype(np.float32)
    return value.astype(np.float32) / (scale[:, None] if scale.ndim == 1 else scale)


def _count_layers(variables: dict[str, numpy.ndarray], prefix: str) -> int:
    pattern = re.compile(rf"^{prefix}/layer_(\d+)/")
    return len({m.group(1) for name in variables if (m := pattern.match(name))})


def whisper_dims(variables: dict[str, numpy.ndarray]) -> dict[str, int]:
    """openai-whisper's ModelDimensions, read off the tensor shapes of a CTranslate2 Whisper model."""
    conv1 = variables["encoder/conv1/weight"]
    embeddings = variables["decoder/embeddings/weight"]
    return {
        "n_mels": int(conv1.shape[1]),
        "n_vocab": int(embeddings.shape[0]),
        "n_audio_ctx": int(variables["encoder/position_encodings/encodings"].shape[0]),
        "n_audio_state": int(conv1.shape[0]),
        "n_audio_head": int(variables["encoder/num_heads"]),
        "n_audio_layer": _count_layers(variables, "encoder"),
        "n_text_ctx": int(variables["decoder/position_encodings/encodings"].shape[0]),
        "n_text_state": int(embeddings.shape[1]),
        "n_text_head": int(variables["decoder/num_heads"]),
        "n_text_layer": _count_layers(variables, "decoder"),
    }


def whisper_state_dict(variables: dict[str, numpy.ndarray]) -> dict[str, numpy.ndarray]:
    """The CTranslate2 tensors under openai-whisper's state_dict names, fused projections split."""
    import numpy as np

    out: dict[str, np.ndarray] = {}

    def v(name: str) -> np.ndarray:
        return _float(variables, name)

    def norm(dst: str, src: str) -> None:
        out[f"{dst}.weight"], out[f"{dst}.bias"] = v(f"{src}/gamma"), v(f"{src}/beta")

    def linear(dst: str, src: str, bias: bool = True) -> None:
        out[f"{dst}.weight"] = v(f"{src}/weight")
        if bias:
            out[f"{dst}.bias"] = v(f"{src}/bias")

    def split(dst: str, src: str, names: tuple[str, ...]) -> None:
        weights = np.split(v(f"{src}/weight"), len(names), axis=0)
        biases = np.split(v(f"{src}/bias"), len(names), axis=0)
        for name, weight, bias in zip(names, weights, biases):
            out[f"{dst}.{name}.weight"] = weight
            if name != "key":  # Whisper's key has no bias; CTranslate2 stores zeros there
                out[f"{dst}.{name}.bias"] = bias

    def block(dst: str, src: str, cross: bool) -> None:
        split(f"{dst}.attn", f"{src}/self_attention/linear_0", ("query", "key", "value"))
        linear(f"{dst}.attn.out", f"{src}/self_attention/linear_1")
        norm(f"{dst}.attn_ln", f"{src}/self_attention/layer_norm")
        if cross:
            linear(f"{dst}.cross_attn.query", f"{src}/attention/linear_0")
            split(f"{dst}.cross_attn", f"{src}/attention/linear_1", ("key", "value"))
            linear(f"{dst}.cross_attn.out", f"{src}/attention/linear_2")
            norm(f"{dst}.cross_attn_ln", f"{src}/attention/layer_norm")
        linear(f"{dst}.mlp.0", f"{src}/ffn/linear_0")
        linear(f"{dst}.mlp.2", f"{src}/ffn/linear_1")
        norm(f"{dst}.mlp_ln", f"{src}/ffn/layer_norm")

    dims = whisper_dims(variables)
    linear("encoder.conv1", "encoder/conv1")
    linear("encoder.conv2", "encoder/conv2")
    out["encoder.positional_embedding"] = v("encoder/position_encodings/encodings")
    for i in range(dims["n_audio_layer"]):
        block(f"encoder.blocks.{i}", f"encoder/layer_{i}", cross=False)
    norm("encoder.ln_post", "encoder/layer_norm")
    out["decoder.token_embedding.weight"] = v("decoder/embeddings/weight")
    out["decoder.positional_embedding"] = v("decoder/position_encodings/encodings")
    for i in range(dims["n_text_layer"]):
        block(f"decoder.blocks.{i}", f"decoder/layer_{i}", cross=True)
    norm("decoder.ln", "decoder/layer_norm")
    return out


def alignment_heads_dump(heads: list[list[int]] | list[tuple[int, int]], n_layer: int, n_head: int) -> str:
    """(layer, head) pairs as the base85 gzipped bool mask `Whisper.set_alignment_heads()` takes."""
    import numpy as np

    mask = np.zeros((n_layer, n_head), dtype=bool)
    for layer, head in heads:
        mask[int(layer), int(head)] = True
    return base64.b85encode(gzip.compress(mask.tobytes(), mtime=0)).decode("ascii")


def _fingerprint(model_dir: Path) -> str:
    """Changes when the model files change (size + mtime), so a stale conversion is never reused."""
    h = hashlib.sha256(f"format={CHECKPOINT_FORMAT};{model_dir.resolve()}".encode())
    for name in ("model.bin", "config.json"):
        path = model_dir / name
        if path.is_file():
            st = path.stat()
            h.update(f";{name}:{st.st_size}:{st.st_mtime_ns}".encode())
    return h.hexdigest()[:16]


def cached_checkpoint_path(model_dir: str | os.PathLike[str], cache_dir: str | os.PathLike[str]) -> Path:
    """Where the converted checkpoint of `model_dir` lives in `cache_dir`."""
    model_dir = Path(model_dir)
    return Path(cache_dir) / f"whisper-{model_dir.name}-{_fingerprint(model_dir)}.pt"


def convert_ct2_to_whisper(model_dir: str | os.PathLike[str], out_file: str | os.PathLike[str]) -> Path:
    """Write `{"dims", "model_state_dict", "alignment_heads"}` for `whisper.load_model(out_file)`."""
    import torch

    model_dir = Path(model_dir)
    variables = read_ct2_model(model_dir / "model.bin")
    if "encoder/conv1/weight" not in variables or "decoder/embeddings/weight" not in variables:
        raise InvalidInputError(f"{model_dir} is a CTranslate2 model, but not a Whisper one.",
                                "Choose a Whisper model folder (model.bin, config.json, tokenizer.json).")
    try:
        dims = whisper_dims(variables)
        state = {k: torch.from_numpy(a) for k, a in whisper_state_dict(variables).items()}
    except KeyError as exc:
        raise InvalidInputError(f"{model_dir}/model.bin lacks the Whisper tensor {exc}.",
                                "Re-convert the model with ctranslate2's Whisper converter.") from exc
    config_file = model_dir / "config.json"
    config = json.loads(config_file.read_text(encoding="utf-8")) if config_file.is_file() else {}
    checkpoint: dict[str, Any] = {"dims": dims, "model_state_dict": state}
    if config.get("alignment_heads"):
        checkpoint["alignment_heads"] = alignment_heads_dump(config["alignment_heads"], dims["n_text_layer"],
                                                             dims["n_text_head"])
    out_file = Path(out_file)
    out_file.parent.mkdir(parents=True, exist_ok=True)
    tmp = out_file.with_name(f".{out_file.name}.{os.getpid()}.tmp")
    try:
        torch.save(checkpoint, tmp)
        os.replace(tmp, out_file)
    finally:
        tmp.unlink(missing_ok=True)
    return out_file


def ensure_converted(model_dir: str | os.PathLike[str], cache_dir: str | os.PathLike[str]) -> Path:
    """The cached checkpoint for `model_dir`, converting it once (later calls reuse the file)."""
    target = cached_checkpoint_path(model_dir, cache_dir)
    if target.is_file():
        return target
    return convert_ct2_to_whisper(model_dir, target)
