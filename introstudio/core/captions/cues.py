"""Caption values shared by engines, alignment, layout and file formats."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Word:
    """One spoken word with its timing in seconds.

    `text` is what the captions show (script spelling after alignment); `heard` is what the engine
    recognised; `departure` is None when the word matches the script, else one of
    "added" (said but not in the script), "changed" (said differently from the script).
    """

    start: float
    end: float
    text: str
    probability: float = 1.0
    heard: str | None = None
    departure: str | None = None


@dataclass(frozen=True)
class Cue:
    """One caption on screen: 1..n lines shown from `start` to `end` (seconds)."""

    start: float
    end: float
    lines: tuple[str, ...]
    flags: tuple[str, ...] = field(default=())  # e.g. ("departure: added 'um'",) for review
    settings: str = ""  # WebVTT cue settings kept from a .vtt file, e.g. "line:10% align:center"

    @property
    def text(self) -> str:
        return "\n".join(self.lines)

    @property
    def duration(self) -> float:
        return self.end - self.start

    def to_dict(self) -> dict:
        d: dict = {"start": round(self.start, 3), "end": round(self.end, 3), "lines": list(self.lines)}
        if self.flags:
            d["flags"] = list(self.flags)
        if self.settings:
            d["settings"] = self.settings
        return d

    @classmethod
    def from_dict(cls, d: dict) -> "Cue":
        return cls(float(d["start"]), float(d["end"]), tuple(d["lines"]), tuple(d.get("flags", ())),
                   str(d.get("settings", "")))
