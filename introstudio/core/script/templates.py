"""Script templates: TOML files with variables and optional sections, filled into a script to read.

Template syntax (inside the ``text`` of a template; paragraphs are separated by blank lines):

    {name}                  the value of variable ``name``
    {?languages: text}      ``text`` only when ``languages`` is not blank; may hold {vars} and sections
    {!title: text}          ``text`` only when ``title`` IS blank (the "otherwise" of a section)
    {{  }}                  a literal ``{`` or ``}`` (also inside sections)

Nothing else is special: there is no expression language, no attribute access and no code. Values are
inserted once, as plain text, and are never expanded again, so a value like "{name}" stays literal.
A section cannot span paragraphs. After sections drop out, whitespace is tidied: runs of spaces become
one, spaces before , . ; : ! ? ) are removed, ", ." becomes "." and paragraphs left empty disappear.

Computed variables (see ``COMPUTED_VARIABLES``) are derived from ``name`` and ``title``: templates may
use them but never declare them; a caller may override one explicitly by passing it in ``values``
(e.g. ``last_name="López García"`` for a compound surname); a blank override falls back to the computed one.

Template files are UTF-8 TOML: id, title, language (BCP-47), description, words_per_minute, text and
``[[variables]]`` tables (name, label, required, default, example). The file name must be ``<id>.toml``.
``translation_of`` (optional) names the template this one translates, paragraph for paragraph, so a take read
from either gets captions in both languages (captions/parallel.py).
"""

from __future__ import annotations

import difflib
import re
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from introstudio.core.errors import InvalidInputError, NotFoundError, TemplateError
from introstudio.core.paths import RESOURCES_DIR
from introstudio.core.script.reading import (
    MAX_WORDS_PER_MINUTE,
    count_words,
    reading_seconds,
)
from introstudio.core.script.syntax import (
    SyntaxProblem,
    emit,
    parse_paragraph,
    split_paragraphs,
    tidy,
    variable_names,
)

TEMPLATES_DIR = RESOURCES_DIR / "templates"

COMPUTED_VARIABLES: Mapping[str, str] = {
    "display_name": "title and full name, e.g. 'Dr. Maria Lopez' (just the name when there is no title)",
    "formal_name": "title and last name, e.g. 'Dr. Lopez' (the full name when there is no title)",
    "first_name": "the first word of name, honorifics like 'Dr.' skipped",
    "last_name": "the last word of name, suffixes like 'Jr.' and text after a comma skipped",
}

_ID = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*\Z")
_VAR_NAME = re.compile(r"[a-z_][a-z0-9_]*\Z")
_LANGUAGE = re.compile(r"[A-Za-z]{2,3}(?:-[A-Za-z0-9]{2,8})*\Z")
_TOP_KEYS = {"id", "title", "language", "description", "words_per_minute", "text", "variables", "translation_of"}
_VAR_KEYS = {"name", "label", "required", "default", "example"}
_HONORIFICS = {"dr", "dra", "doctor", "doctora", "prof", "professor", "mr", "mrs", "ms", "mx", "sr", "sra"}
_SUFFIXES = {"jr", "sr", "ii", "iii", "iv"}


@dataclass(frozen=True)
class Variable:
    """A blank in a template that a clinician's profile or the user fills."""

    name: str
    label: str
    required: bool = False
    default: str | None = None
    example: str = ""


@dataclass(frozen=True)
class Template:
    """A parsed script template; ``paragraphs`` hold the unfilled template text."""

    id: str
    title: str
    language: str
    description: str
    words_per_minute: int
    variables: tuple[Variable, ...]
    paragraphs: tuple[str, ...]
    source: Path | None = None
    translation_of: str | None = None  # the id of the template this one translates paragraph for paragraph

    def variable(self, name: str) -> Variable:
        """The declared variable called ``name``."""
        for var in self.variables:
            if var.name == name:
                return var
        raise NotFoundError(f"Template {self.id} has no variable {name!r}.",
                            f"Declared: {', '.join(v.name for v in self.variables)}.")

    def example_values(self) -> dict[str, str]:
        """Every declared variable's example, for previews and tests."""
        return {v.name: v.example for v in self.variables if v.example}


@dataclass(frozen=True)
class FilledScript:
    """A script ready to read: the template filled in, or the user's own text."""

    template_id: str | None
    language: str
    paragraphs: tuple[str, ...]
    words_per_minute: int = 150

    @property
    def text(self) -> str:
        """The paragraphs joined by blank lines."""
        return "\n\n".join(self.paragraphs)

    @property
    def word_count(self) -> int:
        """Spoken words in the script."""
        return count_words(self.text)

    @property
    def seconds(self) -> float:
        """Estimated reading time at the script's pace."""
        return reading_seconds(self.word_count, self.words_per_minute)


# --- parsing template files -----------------------------------------------------------------------

def parse_template(text: str, source: Path | None = None) -> Template:
    """Parse and check one template file's text; TemplateError names the file and what is wrong."""
    where = source.name if source else "template"

    def fail(problem: str, hint: str) -> TemplateError:
        return TemplateError(f"{where}: {problem}", hint)

    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise fail(f"not valid TOML ({exc})", "Fix the TOML syntax at that line; quote text with \"\"\".")
    unknown = sorted(set(data) - _TOP_KEYS)
    if unknown:
        raise fail(f"unknown key(s) {', '.join(unknown)}", f"Allowed keys: {', '.join(sorted(_TOP_KEYS))}.")
    for key in ("id", "title", "language", "text"):
        if not isinstance(data.get(key), str) or not data[key].strip():
            raise fail(f"missing or empty '{key}'", f"Add {key} = \"...\" at the top of the file.")
    tid = data["id"].strip()
    if not _ID.match(tid):
        raise fail(f"id {tid!r} must be lower-case letters, digits and hyphens", "E.g. id = \"physician-intro\".")
    language = data["language"].strip()
    if not _LANGUAGE.match(language):
        raise fail(f"language {language!r} is not a BCP-47 tag", "E.g. language = \"en\" or \"es-US\".")
    if not isinstance(description := data.get("description", ""), str):
        raise fail("description must be text", "E.g. description = \"For ...\".")
    wpm = data.get("words_per_minute", 150)
    if isinstance(wpm, bool) or not isinstance(wpm, int) or not 0 < wpm <= MAX_WORDS_PER_MINUTE:
        raise fail(f"words_per_minute {wpm!r} must be a whole number from 1 to {MAX_WORDS_PER_MINUTE}",
                   "Most people read aloud at 130-160 words per minute.")

    variables = _parse_variables(data.get("variables", []), fail)
    declared = {v.name for v in variables}
    paragraphs: list[str] = []
    for number, (offset, para) in enumerate(split_paragraphs(data["text"]), start=1):
        try:
            nodes = parse_paragraph(para)
        except SyntaxProblem as exc:
            line = data["text"].count("\n", 0, offset + exc.args[1]) + 1
            raise fail(f"paragraph {number} (line {line} of text): {exc.args[0]}",
                       "See the syntax at the top of introstudio/core/script/templates.py.") from None
        for name in variable_names(nodes):
            if name in COMPUTED_VARIABLES and "name" not in declared:
                raise fail(f"paragraph {number} uses {{{name}}}, which needs a declared 'name' variable",
                           "Declare a [[variables]] entry with name = \"name\".")
            if name not in declared and name not in COMPUTED_VARIABLES:
                close = difflib.get_close_matches(name, [*declared, *COMPUTED_VARIABLES], n=1)
                raise fail(f"paragraph {number} uses variable '{name}', which is not declared"
                           + (f" (did you mean '{close[0]}'?)" if close else ""),
                           "Declare it in a [[variables]] table or fix the spelling. Declared: "
                           f"{', '.join(sorted(declared)) or 'none'}.")
        paragraphs.append(para)
    if not paragraphs:
        raise fail("the text is empty", "Write the script in text = \"\"\"...\"\"\".")
    pair = data.get("translation_of")
    if pair is not None and (not isinstance(pair, str) or not _ID.match(pair) or pair == tid):
        raise fail(f"translation_of {pair!r} must be the id of another template",
                   'E.g. translation_of = "physician-intro".')
    return Template(tid, data["title"].strip(), language, description.strip(), wpm,
                    variables, tuple(paragraphs), source, pair)


def _parse_variables(raw: Any, fail: Any) -> tuple[Variable, ...]:
    if not isinstance(raw, list):
        raise fail("'variables' must be [[variables]] tables", "Write each as a [[variables]] table.")
    seen: set[str] = set()
    out: list[Variable] = []
    for index, entry in enumerate(raw, start=1):
        if not isinstance(entry, dict):
            raise fail(f"variable {index} is not a table", "Write each as a [[variables]] table.")
        name = entry.get("name")
        label = f"variable {name!r}" if isinstance(name, str) else f"variable {index}"
        unknown = sorted(set(entry) - _VAR_KEYS)
        if unknown:
            raise fail(f"{label} has unknown key(s) {', '.join(unknown)}",
                       f"Allowed: {', '.join(sorted(_VAR_KEYS))}.")
        if not isinstance(name, str) or not _VAR_NAME.match(name):
            raise fail(f"{label} needs a name of lower-case letters, digits and _", "E.g. name = \"phone\".")
        if name in COMPUTED_VARIABLES:
            raise fail(f"{label} is computed from name and title and cannot be declared",
                       f"Remove it; use {{{name}}} in the text directly.")
        if name in seen:
            raise fail(f"{label} is declared twice", "Keep one [[variables]] table per variable.")
        seen.add(name)
        required = entry.get("required", False)
        if not isinstance(required, bool):
            raise fail(f"{label}: required must be true or false", "E.g. required = true.")
        for key in ("label", "default", "example"):
            if key in entry and not isinstance(entry[key], str):
                raise fail(f"{label}: {key} must be text", f"Quote it: {key} = \"...\".")
        out.append(Variable(name, entry.get("label", name.replace("_", " ").capitalize()),
                            required, entry.get("default"), entry.get("example", "")))
    return tuple(out)


# --- finding templates ----------------------------------------------------------------------------

def _dirs(extra_dirs: Sequence[Path | str]) -> list[Path]:
    dirs = [TEMPLATES_DIR, *(Path(d) for d in extra_dirs)]
    for d in dirs:
        if not d.is_dir():
            raise NotFoundError(f"Template folder {d} does not exist.",
                                "Check the path, or reinstall IntroStudio if it is the bundled folder.")
    return dirs


def _load_file(path: Path) -> Template:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise TemplateError(f"{path.name}: cannot be read ({exc})", "Save it as UTF-8 text.") from None
    template = parse_template(text, source=path)
    if template.id != path.stem:
        raise TemplateError(f"{path.name}: declares id {template.id!r} but the file is named {path.name}",
                            f"Rename the file to {template.id}.toml or change its id.")
    return template


def list_templates(extra_dirs: Sequence[Path | str] = ()) -> list[Template]:
    """Every template, sorted by id; a template in a later extra dir replaces one with the same id."""
    found: dict[str, Template] = {}
    for d in _dirs(extra_dirs):
        for path in sorted(d.glob("*.toml")):
            template = _load_file(path)
            found[template.id] = template
    return [found[k] for k in sorted(found)]


def load_template(template_id: str, extra_dirs: Sequence[Path | str] = ()) -> Template:
    """The template with this id (extra dirs win over the bundled ones)."""
    dirs = _dirs(extra_dirs)
    if _ID.match(template_id):
        for d in reversed(dirs):
            if (path := d / f"{template_id}.toml").is_file():
                return _load_file(path)
    available = sorted({p.stem for d in dirs for p in d.glob("*.toml")})
    raise NotFoundError(f"No script template called {template_id!r}.",
                        f"Available templates: {', '.join(available) or 'none'}.")


# --- filling templates ----------------------------------------------------------------------------

def _clean_value(key: str, value: object) -> str:
    """A value as one line of plain text; numbers are accepted, None is blank."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        value = str(value)
    if value is not None and not isinstance(value, str):
        raise TemplateError(f"The value for {key!r} must be text, not {type(value).__name__}.",
                            "Pass plain text for every template variable.")
    return " ".join((value or "").split())


def computed_values(name: str, title: str = "") -> dict[str, str]:
    """display_name, formal_name, first_name and last_name derived from a full name and a title."""
    words = name.split(",")[0].split()
    while words and words[0].lower().rstrip(".") in _HONORIFICS and len(words) > 1:
        words = words[1:]
    core = list(words)
    while len(core) > 1 and core[-1].lower().rstrip(".") in _SUFFIXES:
        core.pop()
    first, last = (core[0], core[-1]) if core else ("", "")
    bare = " ".join(words)
    return {
        "display_name": f"{title} {bare}" if title and bare else name,
        "formal_name": f"{title} {last}" if title and last else name,
        "first_name": first,
        "last_name": last,
    }


def render(template: Template, values: Mapping[str, object]) -> FilledScript:
    """Fill the template; TemplateError names every missing required variable or any unknown key."""
    declared = {v.name: v for v in template.variables}
    unknown = sorted(k for k in values if k not in declared and k not in COMPUTED_VARIABLES)
    if unknown:
        raise TemplateError(
            f"Template {template.id} has no variable(s) {', '.join(unknown)}.",
            f"Declared: {', '.join(declared) or 'none'}; computed: {', '.join(COMPUTED_VARIABLES)}.")
    resolved: dict[str, str] = {}
    for var in template.variables:
        resolved[var.name] = _clean_value(var.name, values.get(var.name)) or _clean_value(var.name, var.default)
    missing = [v for v in template.variables if v.required and not resolved[v.name]]
    if missing:
        flags = " ".join(f'--{v.name.replace("_", "-")} "..."' for v in missing)
        raise TemplateError(
            f"Template {template.id} needs: {', '.join(f'{v.name} ({v.label})' for v in missing)}.",
            f"Set {'it' if len(missing) == 1 else 'them'} with {flags} or on the Clinician page.")
    if "name" in declared:
        computed = computed_values(resolved["name"], resolved.get("title", ""))
        for key, value in computed.items():
            resolved[key] = _clean_value(key, values.get(key)) or value
    paragraphs: list[str] = []
    for number, para in enumerate(template.paragraphs, start=1):
        try:  # templates from parse_template are already checked; a hand-built one may not be
            nodes = parse_paragraph(para)
            if bad := [n for n in variable_names(nodes) if n not in resolved]:
                raise SyntaxProblem(f"variable {bad[0]!r} is not declared", 0)
        except SyntaxProblem as exc:
            raise TemplateError(f"Template {template.id}, paragraph {number}: {exc.args[0]}",
                                "Fix the template file.") from None
        out: list[str] = []
        emit(nodes, resolved, out)
        if tidied := tidy("".join(out)):
            paragraphs.append(tidied)
    return FilledScript(template.id, template.language, tuple(paragraphs), template.words_per_minute)


def free_text_script(text: str, language: str = "en", words_per_minute: int = 150) -> FilledScript:
    """The user's own script, split into paragraphs on blank lines and used as written."""
    paragraphs = tuple(" ".join(p.split()) for _, p in split_paragraphs(text or ""))
    if not paragraphs:
        raise InvalidInputError("The script is empty.", "Write or paste the text the clinician will read.")
    return FilledScript(None, language, paragraphs, words_per_minute)
