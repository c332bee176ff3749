"""Video metadata: built from the project and brand-kit templates, checked against YouTube's limits first.

Templates use the script template language ({var}, {?var: text}, {!var: text}); the values are the
clinician's fields plus display_name/formal_name. A brand kit may carry a `[youtube]` table with
`title`, `description`, `tags`, `category_id`, `language` and `contains_synthetic_media`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from introstudio.core.errors import IntroStudioError, InvalidInputError
from introstudio.core.project.model import Project, Publish

MAX_TITLE_CHARS = 100
MAX_DESCRIPTION_BYTES = 5000
MAX_TAGS_CHARS = 500
PRIVACY_VALUES = ("private", "unlisted", "public")
# Assignable categories (US); confirm per region with videoCategories.list.
CATEGORIES: Mapping[str, str] = {
    "1": "Film & Animation", "2": "Autos & Vehicles", "10": "Music", "15": "Pets & Animals", "17": "Sports",
    "19": "Travel & Events", "20": "Gaming", "22": "People & Blogs", "23": "Comedy", "24": "Entertainment",
    "25": "News & Politics", "26": "Howto & Style", "27": "Education", "28": "Science & Technology",
    "29": "Nonprofits & Activism",
}
YOUTUBE_KEYS = frozenset({"title", "description", "tags", "category_id", "language", "contains_synthetic_media"})
_LANGUAGE = re.compile(r"[A-Za-z]{2,3}(?:-[A-Za-z0-9]{2,8})*\Z")

DEFAULT_TITLES = (
    "{display_name}{?specialty:, {specialty}}{?organisation: | {organisation}}",
    "{display_name}{?specialty:, {specialty}}",  # used when the first is over 100 characters
    "{display_name}",
)
DEFAULT_DESCRIPTION = "\n".join((
    "Meet {display_name}{?credentials:, {credentials}}{?specialty:, {specialty}}{?organisation: at {organisation}}.",
    "",
    "{?department:Department: {department}}",
    "{?focus_areas:Special interests: {focus_areas}}",
    "{?languages:Languages: {languages}}",
    "{?clinic_location:Where: {clinic_location}}",
    "{?phone:Appointments: {phone}}",
    "{?web_page:More: {web_page}}",
))
DEFAULT_TAGS = ("{specialty}", "{department}", "{organisation}", "{display_name}", "{role}",
                "meet your clinician")


class MetadataError(InvalidInputError):
    """One metadata value breaks a YouTube rule; `field` names it."""

    def __init__(self, field_name: str, message: str, hint: str = "") -> None:
        super().__init__(message, hint)
        self.field = field_name


class EmptyTitleError(MetadataError):
    """YouTube needs a title."""


class TitleTooLongError(MetadataError):
    """Titles are at most 100 characters."""


class DescriptionTooLongError(MetadataError):
    """Descriptions are at most 5000 bytes (UTF-8)."""


class AngleBracketError(MetadataError):
    """Titles, descriptions and tags may not contain < or >."""


class TagsTooLongError(MetadataError):
    """Tags are at most 500 characters together, counting commas and quotes."""


class CategoryError(MetadataError):
    """The category id is not an assignable YouTube category."""


class LanguageError(MetadataError):
    """The language is not a BCP-47 code such as en or es-MX."""


class PrivacyError(MetadataError):
    """Privacy is private, unlisted or public."""


@dataclass(frozen=True)
class VideoMetadata:
    """Exactly what videos.insert sends; `notify_subscribers` travels as a query parameter."""

    title: str
    description: str = ""
    tags: tuple[str, ...] = ()
    category_id: str = "27"
    language: str = "en"
    privacy: str = "private"
    made_for_kids: bool = False
    notify_subscribers: bool = False
    contains_synthetic_media: bool = False

    def insert_body(self) -> dict[str, Any]:
        snippet: dict[str, Any] = {"title": self.title, "description": self.description,
                                   "categoryId": self.category_id, "defaultLanguage": self.language,
                                   "defaultAudioLanguage": self.language}
        if self.tags:
            snippet["tags"] = list(self.tags)
        return {"snippet": snippet,
                "status": {"privacyStatus": self.privacy, "selfDeclaredMadeForKids": self.made_for_kids,
                           "containsSyntheticMedia": self.contains_synthetic_media}}


@dataclass(frozen=True)
class MetadataTemplates:
    """How titles, descriptions and tags are made when the project does not set them."""

    titles: tuple[str, ...] = DEFAULT_TITLES
    description: str = DEFAULT_DESCRIPTION
    tags: tuple[str, ...] = DEFAULT_TAGS
    category_id: str | None = None
    language: str | None = None
    contains_synthetic_media: bool = False
    organisation: str = ""  # the kit's organisation, used when the clinician has none
    source: str = field(default="built-in", compare=False)


def load_templates(kit_file: str | Path | None) -> MetadataTemplates:
    """The `[youtube]` and `[organisation]` tables of a brand kit file; the defaults for None."""
    from introstudio.core.render.brandkit import read_kit_toml

    file, data = read_kit_toml(kit_file)
    if data is None:
        return MetadataTemplates()
    yt = data.get("youtube") or {}
    unknown = sorted(set(yt) - YOUTUBE_KEYS) if isinstance(yt, dict) else ["(not a table)"]
    if unknown:
        raise InvalidInputError(f"Brand kit {file}: [youtube] {', '.join(unknown)} is not a setting.",
                                f"[youtube] takes: {', '.join(sorted(YOUTUBE_KEYS))}.")
    org = str((data.get("organisation") or {}).get("name", "") or "")
    title = yt.get("title")
    titles = (str(title), *DEFAULT_TITLES) if title else DEFAULT_TITLES
    tags = yt.get("tags")
    return MetadataTemplates(
        titles=titles, description=str(yt.get("description", DEFAULT_DESCRIPTION)),
        tags=tuple(str(t) for t in tags) if isinstance(tags, list) else DEFAULT_TAGS,
        category_id=str(yt["category_id"]) if "category_id" in yt else None,
        language=str(yt["language"]) if "language" in yt else None,
        contains_synthetic_media=bool(yt.get("contains_synthetic_media", False)),
        organisation=org, source=str(file))


def _fill(template: str, values: Mapping[str, str]) -> str:
    """One line of template text filled and tidied; unknown variables are an error naming them."""
    from introstudio.core.script.syntax import SyntaxProblem, emit, parse_paragraph, tidy, variable_names

    try:
        nodes = parse_paragraph(template)
    except SyntaxProblem as exc:
        raise InvalidInputError(f"The YouTube template {template!r} is malformed: {exc.args[0]}",
                                "Fix the [youtube] table of the brand kit.") from None
    unknown = sorted({n for n in variable_names(nodes) if n not in values})
    if unknown:
        raise InvalidInputError(f"The YouTube template {template!r} uses unknown variable(s) {', '.join(unknown)}.",
                                f"Known: {', '.join(sorted(values))}.")
    out: list[str] = []
    emit(nodes, values, out)
    return tidy("".join(out))


def template_values(project: Project, organisation: str = "") -> dict[str, str]:
    from introstudio.core.project.model import PROFILE_FIELDS
    from introstudio.core.script.templates import computed_values

    c = project.clinician
    values = {f: " ".join(str(getattr(c, f, "")).split()) for f in PROFILE_FIELDS}
    values["organisation"] = values["organisation"] or organisation
    values.update(computed_values(values["name"], values["title"]))
    return values


def build_metadata(project: Project, templates: MetadataTemplates | None = None, privacy: str | None = None,
                   contains_synthetic_media: bool | None = None) -> VideoMetadata:
    """Metadata for the project's video: what the user set in the project wins over the templates."""
    meta = compose_metadata(project, templates, privacy, contains_synthetic_media)
    validate_metadata(meta)
    return meta


def preview_metadata(project: Project, templates: MetadataTemplates | None = None
                     ) -> tuple[VideoMetadata, VideoMetadata, list[MetadataError]]:
    """(what an upload would send, what the templates alone would give, every problem), never raising.

    For a form that shows the templates' text where the user typed nothing, and the problems as they type.
    A brand kit whose YouTube text cannot be filled in (an unknown {variable}) is one of the problems; the
    built-in templates stand in for it so the form still shows something.
    """
    problems: list[MetadataError] = []
    blank = replace(project, publish=Publish(privacy=project.publish.privacy))
    try:
        meta, defaults = compose_metadata(project, templates), compose_metadata(blank, templates)
    except IntroStudioError as exc:
        problems.append(MetadataError("templates", f"The brand kit's YouTube text cannot be used: {exc.message}",
                                      exc.hint or "Fix the [youtube] table of the brand kit."))
        meta, defaults = compose_metadata(project), compose_metadata(blank)
    return meta, defaults, problems + metadata_problems(meta)


def compose_metadata(project: Project, templates: MetadataTemplates | None = None, privacy: str | None = None,
                     contains_synthetic_media: bool | None = None) -> VideoMetadata:
    """The metadata as `build_metadata` makes it, before it is checked."""
    t = templates or MetadataTemplates()
    p = project.publish
    values = template_values(project, t.organisation)
    title = p.title.strip()
    if not title:
        filled = [_fill(x, values) for x in t.titles]
        title = next((x for x in filled if x and len(x) <= MAX_TITLE_CHARS), filled[0] if filled else "")
    description = p.description.strip()
    if not description:
        lines = [_fill(line, values) if line.strip() else "" for line in t.description.split("\n")]
        description = re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()
    tags = [" ".join(x.split()) for x in p.tags if x.strip()] or [_fill(x, values) for x in t.tags]
    synthetic = contains_synthetic_media
    if synthetic is None:  # declared by the caller, else by the project, else by the brand kit
        synthetic = bool(getattr(p, "contains_synthetic_media", t.contains_synthetic_media))
    defaults = Publish()  # a project value left at its default gives way to the kit's
    category = p.category_id if p.category_id and (p.category_id != defaults.category_id or not t.category_id) \
        else t.category_id
    language = p.language if p.language and (p.language != defaults.language or not t.language) else t.language
    meta = VideoMetadata(
        title=title, description=description, tags=_dedupe(tags),
        category_id=str(category or defaults.category_id).strip(),
        language=str(language or defaults.language).strip(),
        privacy=(privacy or p.privacy or "private").strip().lower(),
        contains_synthetic_media=synthetic,
    )
    return meta


def _dedupe(tags: Sequence[str]) -> tuple[str, ...]:
    seen: set[str] = set()
    out = []
    for tag in tags:
        if tag and tag.lower() not in seen:
            seen.add(tag.lower())
            out.append(tag)
    return tuple(out)


def tags_length(tags: Sequence[str]) -> int:
    """YouTube's count: each tag, plus 2 quotes if it has a space, plus the commas between tags."""
    return sum(len(t) + (2 if " " in t else 0) for t in tags) + max(0, len(tags) - 1)


def metadata_problems(meta: VideoMetadata) -> list[MetadataError]:
    """Every rule `meta` breaks, each as its own specific error (empty when it may be sent)."""
    edit = "Change it on the Publish page or in the project's publish settings."
    problems: list[MetadataError] = []
    if not meta.title.strip():
        problems.append(EmptyTitleError("title", "The video has no title.", edit))
    if len(meta.title) > MAX_TITLE_CHARS:
        problems.append(TitleTooLongError(
            "title", f"The title is {len(meta.title)} characters; YouTube allows {MAX_TITLE_CHARS}.", edit))
    size = len(meta.description.encode("utf-8"))
    if size > MAX_DESCRIPTION_BYTES:
        problems.append(DescriptionTooLongError(
            "description", f"The description is {size} bytes; YouTube allows {MAX_DESCRIPTION_BYTES} "
            "(accented letters and emoji count 2-4 bytes each).", edit))
    for name, text in (("title", meta.title), ("description", meta.description), *(("tags", t) for t in meta.tags)):
        if "<" in text or ">" in text:
            problems.append(AngleBracketError(name, f"The {name} contains '<' or '>', which YouTube refuses: "
                                              f"{text[:60]!r}.", "Remove the angle brackets."))
    total = tags_length(meta.tags)
    if total > MAX_TAGS_CHARS:
        problems.append(TagsTooLongError(
            "tags", f"The tags add up to {total} characters (commas and quotes around tags with spaces count); "
            f"YouTube allows {MAX_TAGS_CHARS}.", "Remove or shorten some tags."))
    if meta.category_id not in CATEGORIES:
        common = "22 People & Blogs, 27 Education, 28 Science & Technology, 29 Nonprofits & Activism"
        problems.append(CategoryError("category_id", f"{meta.category_id!r} is not a YouTube category id.",
                                      f"Use one of: {common}."))
    if not _LANGUAGE.match(meta.language):
        problems.append(LanguageError("language", f"{meta.language!r} is not a language code.",
                                      "Use a code such as en, es or en-GB."))
    if meta.privacy not in PRIVACY_VALUES:
        problems.append(PrivacyError("privacy", f"Privacy {meta.privacy!r} is not one of {', '.join(PRIVACY_VALUES)}.",
                                     "Use private (the default), unlisted or public."))
    return problems


def validate_metadata(meta: VideoMetadata) -> None:
    """Raise the first problem (the message says how many more there are)."""
    problems = metadata_problems(meta)
    if problems:
        first = problems[0]
        if len(problems) > 1:
            first.message += f" ({len(problems) - 1} more problem(s): " + "; ".join(
                p.field for p in problems[1:]) + ")"
            first.args = (first.message,)
        raise first
