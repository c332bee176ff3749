"""The project model: clinician, script, takes, captions, design and publish metadata (schema v1)."""

from __future__ import annotations

import uuid
from dataclasses import asdict, dataclass, field, fields
from datetime import datetime, timezone
from typing import Any

from introstudio.core.captions.cues import Cue
from introstudio.core.project import fields as F

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
    def from_dict(cls, d: Any, where: str = "clinician") -> Clinician:
        known = {f.name for f in fields(cls)}
        return cls(**{k: F.text(v, f"{where}.{k}") for k, v in F.obj(d, where).items() if k in known})


@dataclass
class Script:
    """Either a template with extra values (the clinician fields fill the rest) or the user's own text."""

    template_id: str | None = None
    values: dict[str, str] = field(default_factory=dict)
    free_text: str | None = None
    words_per_minute: int | None = None

    @classmethod
    def from_dict(cls, d: Any) -> Script:
        d = F.obj(d, "script")
        values = F.obj(d.get("values"), "script.values")
        return cls(
            template_id=F.opt_text(d.get("template_id"), "script.template_id"),
            values={str(k): F.text(v, f"script.values.{k}") for k, v in values.items()},
            free_text=F.opt_text(d.get("free_text"), "script.free_text"),
            words_per_minute=F.opt_whole(d.get("words_per_minute"), "script.words_per_minute"),
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
    def from_dict(cls, d: Any, where: str = "take") -> Take:
        d = F.obj(d, where, missing_ok=False)
        return cls(
            id=F.whole(F.required(d, "id", f"{where}.id"), f"{where}.id"),
            file=F.text(F.required(d, "file", f"{where}.file"), f"{where}.file"),
            source=F.text(d.get("source"), f"{where}.source"),
            added_at=F.text(d.get("added_at"), f"{where}.added_at"),
            media=dict(F.obj(d.get("media"), f"{where}.media")),
            warnings=F.texts(d.get("warnings"), f"{where}.warnings"),
            trim_in=F.number(d.get("trim_in", 0.0), f"{where}.trim_in"),
            trim_out=F.opt_number(d.get("trim_out"), f"{where}.trim_out"),
            script_match=F.opt_number(d.get("script_match"), f"{where}.script_match"),
            label=F.text(d.get("label"), f"{where}.label"),
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
    # Voiced stretches that had no captions at first: {"start", "end", "outcome", "words", "text"} (rescue.py).
    rescues: list[dict[str, Any]] = field(default_factory=list)
    # "spoken": what the take says; "translation": a parallel script's words timed by the spoken track
    # (captions/parallel.py), `source` naming the script. Never burned in; exported and uploaded beside it.
    kind: str = "spoken"
    source: str = ""
    # The take's trim (in, out or None = the end) when the captions were made: a wider trim later needs new ones.
    span: tuple[float, float | None] | None = None

    def to_dict(self) -> dict[str, Any]:
        d = {k: getattr(self, k) for k in ("take_id", "language", "engine", "model", "profile")}
        d.update(created_at=self.created_at, edited=self.edited, cues=[c.to_dict() for c in self.cues],
                 departures=[dict(x) for x in self.departures])
        if self.rescues:
            d["rescues"] = [dict(x) for x in self.rescues]
        if self.kind != "spoken":
            d.update(kind=self.kind, source=self.source)
        if self.span is not None:
            d["span"] = list(self.span)
        return d

    @classmethod
    def from_dict(cls, d: Any, where: str = "captions") -> CaptionTrack:
        d = F.obj(d, where, missing_ok=False)
        return cls(
            take_id=F.whole(F.required(d, "take_id", f"{where}.take_id"), f"{where}.take_id"),
            language=F.text(d.get("language"), f"{where}.language", default="en"),
            engine=F.text(d.get("engine"), f"{where}.engine"),
            model=F.text(d.get("model"), f"{where}.model"),
            profile=F.text(d.get("profile"), f"{where}.profile", default="default"),
            created_at=F.text(d.get("created_at"), f"{where}.created_at"),
            edited=F.flag(d.get("edited"), f"{where}.edited"),
            cues=[_cue(c, f"{where}.cues[{i}]") for i, c in enumerate(F.items(d.get("cues"), f"{where}.cues"))],
            departures=[dict(F.obj(x, f"{where}.departures[{i}]", missing_ok=False))
                        for i, x in enumerate(F.items(d.get("departures"), f"{where}.departures"))],
            rescues=[dict(F.obj(x, f"{where}.rescues[{i}]", missing_ok=False))
                     for i, x in enumerate(F.items(d.get("rescues"), f"{where}.rescues"))],
            kind=F.text(d.get("kind"), f"{where}.kind", default="spoken"),
            source=F.text(d.get("source"), f"{where}.source"),
            span=_span(d.get("span"), f"{where}.span"),
        )


def _span(value: Any, where: str) -> tuple[float, float | None] | None:
    """The trim a track was made for, [in, out|null]; None when unknown (tracks from older versions)."""
    if value is None:
        return None
    items = F.items(value, where)
    if len(items) != 2:
        return None
    return F.number(items[0], f"{where}[0]"), F.opt_number(items[1], f"{where}[1]")


def _cue(d: Any, where: str) -> Cue:
    """One caption cue, its times and lines type-checked first."""
    d = F.obj(d, where, missing_ok=False)
    return Cue.from_dict({
        "start": F.number(F.required(d, "start", f"{where}.start"), f"{where}.start"),
        "end": F.number(F.required(d, "end", f"{where}.end"), f"{where}.end"),
        "lines": F.texts(F.required(d, "lines", f"{where}.lines"), f"{where}.lines"),
        "flags": F.texts(d.get("flags"), f"{where}.flags"),
        "settings": F.text(d.get("settings"), f"{where}.settings"),
    })


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
    def from_dict(cls, d: Any) -> Design:
        return cls(**_typed(cls, F.obj(d, "design"), "design"))


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
    # Publishing without captions is a recorded choice: {"at", "by", "reason", "file", "size", "sha256"}.
    captions_waived: dict[str, Any] | None = None

    @classmethod
    def from_dict(cls, d: Any) -> Publish:
        return cls(**_typed(cls, F.obj(d, "publish"), "publish"))


def _typed(cls: type, d: dict[str, Any], where: str) -> dict[str, Any]:
    """The known fields of `d`, each checked against its dataclass field's declared type (null: the default)."""
    out: dict[str, Any] = {}
    for f in fields(cls):
        value, kind = d.get(f.name), str(f.type)
        if value is None:
            if f.name in d and kind.endswith("| None"):
                out[f.name] = None
            continue
        read = _READERS.get(kind.removesuffix(" | None"))
        out[f.name] = read(value, f"{where}.{f.name}") if read else value
    return out


_READERS: dict[str, Any] = {"str": F.text, "bool": F.flag, "float": F.number, "int": F.whole,
                            "list[str]": F.texts, "dict[str, Any]": F.obj}


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
    # Review and approval (introstudio/core/review): approvals by id; review = {"state", "visibility", ...}.
    approvals: list[dict[str, Any]] = field(default_factory=list)
    review: dict[str, Any] = field(default_factory=dict)

    def take(self, take_id: int) -> Take:
        for t in self.takes:
            if t.id == take_id:
                return t
        from introstudio.core.errors import NotFoundError

        ids = ", ".join(str(t.id) for t in self.takes) or "none yet"
        raise NotFoundError(f"There is no take {take_id} in this project (takes: {ids}).",
                            "Run `introstudio info DIR` to list the takes.")

    def take_with_file(self, file: str) -> Take:
        """The take stored at `file` (after a save that merged others' takes, its id may have changed)."""
        for t in self.takes:
            if t.file == file:
                return t
        from introstudio.core.errors import NotFoundError

        raise NotFoundError(f"No take of this project is stored at {file}.", "Run `introstudio info DIR`.")

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
        """The take's spoken track (its translations: captions/parallel.py `translations_for`)."""
        return next((c for c in self.captions if c.take_id == take_id and c.kind == "spoken"), None)

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
            "approvals": [dict(a) for a in self.approvals],
            "review": dict(self.review),
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Project:
        """Build from a dict already migrated to SCHEMA_VERSION."""
        return cls(
            id=F.text(d.get("id"), "id") or uuid.uuid4().hex,
            created_at=F.text(d.get("created_at"), "created_at"),
            modified_at=F.text(d.get("modified_at"), "modified_at"),
            clinician=Clinician.from_dict(d.get("clinician")),
            script=Script.from_dict(d.get("script")),
            takes=[Take.from_dict(t, f"takes[{i}]") for i, t in enumerate(F.items(d.get("takes"), "takes"))],
            selected_take=F.opt_whole(d.get("selected_take"), "selected_take"),
            captions=[CaptionTrack.from_dict(c, f"captions[{i}]")
                      for i, c in enumerate(F.items(d.get("captions"), "captions"))],
            design=Design.from_dict(d.get("design")),
            publish=Publish.from_dict(d.get("publish")),
            exports=[dict(F.obj(e, f"exports[{i}]", missing_ok=False))
                     for i, e in enumerate(F.items(d.get("exports"), "exports"))],
            approvals=[dict(F.obj(a, f"approvals[{i}]", missing_ok=False))
                       for i, a in enumerate(F.items(d.get("approvals"), "approvals"))],
            review=dict(F.obj(d.get("review"), "review")),
        )
