"""Speech-recognition engines behind one interface; each imports its heavy library only when used."""

from __future__ import annotations

from introstudio.core.captions.engines.base import ENGINE_NAMES, Engine, Transcript, TranscribeOptions, get_engine

__all__ = ["ENGINE_NAMES", "Engine", "Transcript", "TranscribeOptions", "get_engine"]
