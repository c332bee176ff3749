"""The project model: clinician, script, takes, captions, design and publish metadata (schema v1)."""

from __future__ import annotations

import uuid
from dataclasses import asdict, dataclass, field, fields
from datetime import datetime, timezone
from typing import Any

from introstudio.core.captions.model import Cue

SCHEMA_VERSION = 1

# Clinician fields that are also script-template variables, in form order.
PROFILE_FIELDS: tuple[str, ...] = (
    "name",
    "title",
    "credentials",
    "role",
    "pronouns",
    "specialty",
    "department",
    "organisation",
    "focus_areas",
    "languages",
    "clinic_location",
    "phone",
    "web_page",
    "years_experience",
    "first_visit_notes",
)


def now_iso() -> str:
    return datetime.now(timezone.utc).replace(microsecond=0).isoformat()


@dataclass
class Clinician:
    """Who the video introduces; every field is plain text a coordinator types or a roster supplies."""

    name: str = ""
    title: str = ""
    credentials: str = ""
    role: str = ""  # e.g. "nurse practitioner" (advanced practice providers)
    pronouns: str = ""
    specialty: str = ""
    department: str = ""
    organisation: str = ""
    focus_areas: str = ""
    languages: str = ""
    clinic_location: str = ""
    phone: str = ""
    web_page: str = ""
    years_experience: str = ""
    first_visit_notes: str = ""

    def values(self) -> dict[str, str]:
        """The non-empty fields, as template values."""
        return {k: v for k, v in asdict(self).items() if str(v).strip()}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Clinician:
        known = {f.name for f in fields(cls)}
        return cls(**{k: str(v) for k, v in d.items() if k in known})


@dataclass
class Script:
    """Either a template with extra values (the clinician fields fill the rest) or the user's own text."""

    template_id: str | None = None
    values: dict[str, str] = field(default_factory=dict)
    free_text: str | None = None
    words_per_minute: int | None = None

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Script:
        wpm = d.get("words_per_minute")
        return cls(
            template_id=d.get("template_id"),
            values={str(k): str(v) for k, v in (d.get("values") or {}).items()},
            free_text=d.get("free_text"),
            words_per_minute=int(wpm) if wpm is not None else None,
        )


@dataclass
class Take:
    """One recording or imported clip, stored under the project's media folder."""

    id: int
    file: str  # relative to the project folder, POSIX separators
    source: str  # where it came from (original path, or "recorded")
    added_at: str
    media: dict[str, Any]  # MediaInfo.to_dict()
    warnings: list[str] = field(default_factory=list)
    trim_in: float = 0.0
    trim_out: float | None = None
    script_match: float | None = None
    label: str = ""

    @property
    def name(self) -> str:
        return f"take {self.id}"

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Take:
        return cls(
            id=int(d["id"]),
            file=str(d["file"]),
            source=str(d.get("source", "")),
            added_at=str(d.get("added_at", "")),
            media=dict(d.get("media") or {}),
            warnings=[str(w) for w in d.get("warnings", [])],
            trim_in=float(d.get("trim_in", 0.0)),
            trim_out=None if d.get("trim_out") is None else float(d["trim_out"]),
            script_match=None if d.get("script_match") is None else float(d["script_match"]),
            label=str(d.get("label", "")),
        )


@dataclass
class CaptionTrack:
    """Captions of one take, with how they were made."""

    take_id: int
    language: str = "en"
    engine: str = ""
    model: str = ""
    profile: str = "default"
    created_at: str = ""
    edited: bool = False
    cues: list[Cue] = field(default_factory=list)
    # Where the clinician departed from the script: {"kind", "script_text", "heard_text", "start", "end"}.
    departures: list[dict[str, Any]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        d = {k: getattr(self, k) for k in ("take_id", "language", "engine", "model", "profile")}
        d.update(created_at=self.created_at, edited=self.edited, cues=[c.to_dict() for c in self.cues],
                 departures=[dict(x) for x in self.departures])
        return d

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> CaptionTrack:
        return cls(
            take_id=int(d["take_id"]),
            language=str(d.get("language", "en")),
            engine=str(d.get("engine", "")),
            model=str(d.get("model", "")),
            profile=str(d.get("profile", "default")),
            created_at=str(d.get("created_at", "")),
            edited=bool(d.get("edited", False)),
            cues=[Cue.from_dict(c) for c in d.get("cues", [])],
            departures=[dict(x) for x in d.get("departures", [])],
        )


@dataclass
class Design:
    """Look and export choices; the brand kit supplies colours, fonts and logo."""

    brand_kit: str | None = None  # path to a shared kit file; None = the organisation's default
    title_card: bool = True
    lower_third: bool = True
    end_card: bool = True
    burn_captions: bool = True
    caption_profile: str = "default"
    preset: str = "youtube-1080p"
    loudness_target: float = -14.0

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Design:
        known = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in d.items() if k in known})


@dataclass
class Publish:
    """YouTube metadata and the state of an upload (no secret is ever stored here)."""

    title: str = ""
    description: str = ""
    tags: list[str] = field(default_factory=list)
    category_id: str = "27"  # Education
    privacy: str = "private"
    language: str = "en"
    contains_synthetic_media: bool = False
    video_id: str | None = None
    upload: dict[str, Any] = field(default_factory=dict)  # resumable session address, file hash, offset

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Publish:
        known = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in d.items() if k in known})


@dataclass
class Project:
    """Everything IntroStudio knows about one clinician video; saved as project.json in its folder."""

    clinician: Clinician = field(default_factory=Clinician)
    script: Script = field(default_factory=Script)
    takes: list[Take] = field(default_factory=list)
    captions: list[CaptionTrack] = field(default_factory=list)
    design: Design = field(default_factory=Design)
    publish: Publish = field(default_factory=Publish)
    exports: list[dict[str, Any]] = field(default_factory=list)
    id: str = field(default_factory=lambda: uuid.uuid4().hex)
    created_at: str = field(default_factory=now_iso)
    modified_at: str = field(default_factory=now_iso)
    selected_take: int | None = None

    def take(self, take_id: int) -> Take:
        for t in self.takes:
            if t.id == take_id:
                return t
        from introstudio.core.errors import NotFoundError

        ids = ", ".join(str(t.id) for t in self.takes) or "none yet"
        raise NotFoundError(f"There is no take {take_id} in this project (takes: {ids}).",
                            "Run `introstudio info DIR` to list the takes.")

    def next_take_id(self) -> int:
        return max((t.id for t in self.takes), default=0) + 1

    def current_take(self) -> Take | None:
        """The chosen take, else the newest one."""
        if self.selected_take is not None:
            for t in self.takes:
                if t.id == self.selected_take:
                    return t
        return self.takes[-1] if self.takes else None

    def captions_for(self, take_id: int) -> CaptionTrack | None:
        return next((c for c in self.captions if c.take_id == take_id), None)

    def to_dict(self) -> dict[str, Any]:
        return {
            "schema_version": SCHEMA_VERSION,
            "id": self.id,
            "created_at": self.created_at,
            "modified_at": self.modified_at,
            "clinician": asdict(self.clinician),
            "script": asdict(self.script),
            "takes": [asdict(t) for t in self.takes],
            "selected_take": self.selected_take,
            "captions": [c.to_dict() for c in self.captions],
            "design": asdict(self.design),
            "publish": asdict(self.publish),
            "exports": list(self.exports),
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Project:
        """Build from a dict already migrated to SCHEMA_VERSION."""
        return cls(
            id=str(d.get("id") or uuid.uuid4().hex),
            created_at=str(d.get("created_at", "")),
            modified_at=str(d.get("modified_at", "")),
            clinician=Clinician.from_dict(d.get("clinician") or {}),
            script=Script.from_dict(d.get("script") or {}),
            takes=[Take.from_dict(t) for t in d.get("takes", [])],
            selected_take=d.get("selected_take"),
            captions=[CaptionTrack.from_dict(c) for c in d.get("captions", [])],
            design=Design.from_dict(d.get("design") or {}),
            publish=Publish.from_dict(d.get("publish") or {}),
            exports=list(d.get("exports", [])),
        )
