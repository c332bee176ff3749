"""Brand kits: one shareable TOML file (plus logo and fonts beside it) giving every video the same look.

A kit file is versioned with `schema_version`; relative paths resolve against the kit's own folder, so
a department can share one folder. Keys a kit leaves out take the bundled default kit's values (except
the logo, which is never inherited). `check_contrast` applies the WCAG 2.1 contrast formula to every
text/background pair the cards, lower third and captions use.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from introstudio.core.errors import InvalidInputError, NotFoundError
from introstudio.core.paths import RESOURCES_DIR

SCHEMA_VERSION = 1
DEFAULT_KIT = RESOURCES_DIR / "brandkit" / "default.toml"
MIN_CONTRAST = 4.5  # WCAG 2.1 AA, normal-size text

_HEX = re.compile(r"^#[0-9A-Fa-f]{6}$")
_FONT_SUFFIXES = (".ttf", ".otf", ".ttc")
_WEIGHTS = (("hairline", 100), ("thin", 100), ("extralight", 200), ("ultralight", 200), ("light", 300),
            ("medium", 500), ("semibold", 600), ("demibold", 600), ("extrabold", 800), ("ultrabold", 800),
            ("heavy", 900), ("black", 900), ("bold", 700))

# section -> key -> kind; the file layout of schema version 1.
_SCHEMA: dict[str, dict[str, str]] = {
    "organisation": {"name": "text", "logo": "logo"},
    "colours": {"background": "colour", "text": "colour", "primary": "colour", "secondary": "colour",
                "accent": "colour", "caption_text": "colour", "caption_box": "colour",
                "caption_box_opacity": "opacity"},
    "fonts": {"regular": "font", "bold": "font"},
    "end_card": {"call_to_action": "text", "phone": "text", "web": "text"},
    "timing": {"title_card": "seconds", "end_card": "seconds", "lower_third": "seconds"},
}
_OTHER_SECTIONS = frozenset({"youtube", "approvals"})  # read elsewhere: publish metadata, review policy
_MIGRATIONS: dict[int, Any] = {}  # version n -> function(dict) -> dict of version n+1


def kit_file(kit: str | Path | None) -> Path:
    """The brand kit file a project or setting names (a folder means its brandkit.toml), else the default kit."""
    file = Path(kit).expanduser() if kit else DEFAULT_KIT
    if file.is_dir():
        file = file / "brandkit.toml" if (file / "brandkit.toml").is_file() else file / "default.toml"
    return file


def read_kit_toml(kit: str | Path | None) -> tuple[Path, dict | None]:
    """(the kit's file, its TOML), None when there is no such file; an unreadable kit raises naming it.

    For the parts of a kit other modules read on their own ([youtube], [approvals]): one place resolves and
    parses the file, so they agree on which file it is and what a broken one says.
    """
    file = kit_file(kit)
    try:
        return file, tomllib.loads(file.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return file, None
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise InvalidInputError(f"The brand kit {file} cannot be read: {exc}", "Fix or replace the kit file.") from exc


@dataclass(frozen=True)
class BrandKit:
    """Everything the renderer needs to make a clip look like the organisation's: colours are '#RRGGBB'."""

    organisation: str
    logo: Path | None
    primary_colour: str
    secondary_colour: str
    text_colour: str
    background_colour: str
    accent_colour: str
    caption_text_colour: str
    caption_box_colour: str
    caption_box_opacity: float
    font_regular: Path
    font_bold: Path
    end_card_call_to_action: str
    end_card_phone: str
    end_card_web: str
    title_card_seconds: float
    end_card_seconds: float
    lower_third_seconds: float
    version: int = SCHEMA_VERSION  # the kit file format (schema_version) this kit was read as
    source: Path | None = None  # the kit file, for messages; None when built in code

    @property
    def fonts_dir(self) -> Path:
        """The folder holding both fonts: pass it to ffmpeg's subtitles filter as `fontsdir`."""
        return self.font_regular.parent

    @property
    def caption_font(self) -> tuple[str, int]:
        """(family name as libass sees it, weight) of the font captions use: the kit's bold font."""
        return font_family(self.font_bold)


def load_brand_kit(path: str | Path | None = None) -> BrandKit:
    """Read a brand kit file; None reads the bundled default. Bad values raise InvalidInputError naming them."""
    file = DEFAULT_KIT if path is None else Path(path).expanduser()
    if file.is_dir():
        file = file / "brandkit.toml" if (file / "brandkit.toml").is_file() else file / "default.toml"
    if not file.is_file():
        raise NotFoundError(f"The brand kit {file} does not exist.",
                            "Check the path, or leave the brand kit empty to use IntroStudio's default kit.")
    data = _read_toml(file)
    version = data.pop("schema_version", 1)
    if not isinstance(version, int) or version < 1:
        raise _bad(file, "schema_version", f"is {version!r}", "It must be a whole number; this format is 1.")
    if version > SCHEMA_VERSION:
        raise InvalidInputError(f"The brand kit {file} was made by a newer IntroStudio (kit format {version}).",
                                "Update IntroStudio on this computer to use this kit.")
    while version < SCHEMA_VERSION:
        data, version = _MIGRATIONS[version](data), version + 1
    _check_keys(file, data)
    if file.resolve() != DEFAULT_KIT.resolve():
        defaults = _read_toml(DEFAULT_KIT)
        defaults.pop("schema_version", None)
        merged = {s: {**defaults.get(s, {}), **data.get(s, {})} for s in _SCHEMA}
        merged["organisation"]["logo"] = data.get("organisation", {}).get("logo", "")
        default_values = {(s, k) for s, keys in defaults.items() if isinstance(keys, dict) for k in keys
                          if k not in data.get(s, {})}
    else:
        merged, default_values = {s: dict(data.get(s, {})) for s in _SCHEMA}, set()
    values: dict[tuple[str, str], Any] = {}
    for section, keys in _SCHEMA.items():
        for key, kind in keys.items():
            where = DEFAULT_KIT if (section, key) in default_values else file
            values[section, key] = _convert(where, f"{section}.{key}", kind, merged[section].get(key), key)
    regular, bold = values["fonts", "regular"], values["fonts", "bold"]
    if regular.parent != bold.parent:
        raise InvalidInputError(
            f"Brand kit {file}: fonts.regular and fonts.bold are in different folders.",
            "Put both font files in one folder next to the kit: burned-in captions read fonts from one folder.")
    c = "colours"
    return BrandKit(
        organisation=values["organisation", "name"], logo=values["organisation", "logo"],
        primary_colour=values[c, "primary"], secondary_colour=values[c, "secondary"],
        text_colour=values[c, "text"], background_colour=values[c, "background"],
        accent_colour=values[c, "accent"], caption_text_colour=values[c, "caption_text"],
        caption_box_colour=values[c, "caption_box"], caption_box_opacity=values[c, "caption_box_opacity"],
        font_regular=regular, font_bold=bold,
        end_card_call_to_action=values["end_card", "call_to_action"],
        end_card_phone=values["end_card", "phone"], end_card_web=values["end_card", "web"],
        title_card_seconds=values["timing", "title_card"], end_card_seconds=values["timing", "end_card"],
        lower_third_seconds=values["timing", "lower_third"], version=version, source=file,
    )


def font_family(font: Path) -> tuple[str, int]:
    """(family name, weight 100-900) of a font file, read the way libass reads it."""
    from PIL import ImageFont

    family, style = ImageFont.truetype(str(font), 12).getname()
    squashed = (style or "").lower().replace(" ", "").replace("-", "")
    weight = next((w for word, w in _WEIGHTS if word in squashed), 400)
    return family or font.stem, weight


# --- contrast -------------------------------------------------------------------------------------------

def hex_to_rgb(colour: str) -> tuple[int, int, int]:
    """'#RRGGBB' -> (r, g, b)."""
    if not _HEX.match(colour):
        raise InvalidInputError(f"{colour!r} is not a colour like '#1565C0'.", "Write colours as # and 6 hex digits.")
    return int(colour[1:3], 16), int(colour[3:5], 16), int(colour[5:7], 16)


def relative_luminance(colour: str | tuple[int, int, int]) -> float:
    """WCAG 2.1 relative luminance of an sRGB colour (0 = black, 1 = white)."""
    rgb = hex_to_rgb(colour) if isinstance(colour, str) else colour

    def channel(v: int) -> float:
        s = v / 255
        return s / 12.92 if s <= 0.04045 else ((s + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(v) for v in rgb)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast_ratio(fg: str | tuple[int, int, int], bg: str | tuple[int, int, int]) -> float:
    """WCAG 2.1 contrast ratio (1 .. 21) between two colours, in either order."""
    a, b = sorted((relative_luminance(fg), relative_luminance(bg)), reverse=True)
    return (a + 0.05) / (b + 0.05)


def check_contrast(kit: BrandKit, minimum: float = MIN_CONTRAST) -> list[str]:
    """A warning for every text/background pair the kit's graphics use that is below `minimum`:1."""
    pairs = [
        ("text colour", "text", kit.text_colour, "background colour", "background",
         kit.background_colour, "title card, end card and thumbnail"),
        ("accent colour", "accent", kit.accent_colour, "background colour", "background",
         kit.background_colour, "specialty on the title card and thumbnail, web address on the end card"),
        ("text colour", "text", kit.text_colour, "primary colour", "primary", kit.primary_colour,
         "lower third (name and department on the bar)"),
    ]
    warnings = []
    for fg_name, fg_key, fg, bg_name, bg_key, bg, where in pairs:
        ratio = contrast_ratio(fg, bg)
        if ratio < minimum:
            warnings.append(
                f"{fg_name.capitalize()} {fg} on {bg_name} {bg} ({where}) has contrast {ratio:.2f}:1, below "
                f"{minimum:g}:1. Make colours.{fg_key} lighter or colours.{bg_key} darker (or the other way "
                f"round) until the ratio reaches {minimum:g}:1.")
    box = hex_to_rgb(kit.caption_box_colour)
    worst = min(contrast_ratio(kit.caption_text_colour, _over(box, kit.caption_box_opacity, video))
                for video in ((0, 0, 0), (255, 255, 255)))
    if worst < minimum:
        warnings.append(
            f"Caption text {kit.caption_text_colour} on the caption box {kit.caption_box_colour} at opacity "
            f"{kit.caption_box_opacity:g} has contrast {worst:.2f}:1 over the brightest or darkest video, below "
            f"{minimum:g}:1. Raise colours.caption_box_opacity or make colours.caption_text and "
            f"colours.caption_box further apart.")
    return warnings


def _over(box: tuple[int, int, int], opacity: float, video: tuple[int, int, int]) -> tuple[int, int, int]:
    """The colour a viewer sees where a box of `opacity` lies over `video`."""
    return tuple(round(b * opacity + v * (1 - opacity)) for b, v in zip(box, video))  # type: ignore[return-value]


# --- reading --------------------------------------------------------------------------------------------

def _read_toml(file: Path) -> dict[str, Any]:
    try:
        return tomllib.loads(file.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise InvalidInputError(f"The brand kit {file} cannot be read: {exc}",
                                "Fix the file in a text editor; resources/brandkit/default.toml is an example."
                                ) from exc


def _check_keys(file: Path, data: dict[str, Any]) -> None:
    """Unknown sections or keys are almost always typos: name them rather than ignore them."""
    for section, keys in data.items():
        if section in _OTHER_SECTIONS:
            continue
        if section not in _SCHEMA or not isinstance(keys, dict):
            raise _bad(file, section, "is not a brand kit section",
                       f"Sections are: {', '.join('[' + s + ']' for s in (*_SCHEMA, *sorted(_OTHER_SECTIONS)))}.")
        for key in keys:
            if key not in _SCHEMA[section]:
                raise _bad(file, f"{section}.{key}", "is not a brand kit setting",
                           f"[{section}] takes: {', '.join(_SCHEMA[section])}.")


def _convert(file: Path, name: str, kind: str, value: Any, key: str) -> Any:
    """One TOML value -> its BrandKit value, or InvalidInputError naming the key and file."""
    if kind == "text":
        if value is None:
            return ""
        if not isinstance(value, str):
            raise _bad(file, name, f"is {value!r}", "Write it as text in double quotes.")
        return value.strip()
    if kind == "colour":
        if not isinstance(value, str) or not _HEX.match(value.strip()):
            raise _bad(file, name, f"is {value!r}, not a colour like \"#1565C0\"",
                       "Write colours as # followed by six hexadecimal digits (RRGGBB).")
        return value.strip().upper()
    if kind == "opacity":
        if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value <= 1:
            raise _bad(file, name, f"is {value!r}", "Use a number from 0 (transparent) to 1 (solid), e.g. 0.75.")
        return float(value)
    if kind == "seconds":
        if isinstance(value, bool) or not isinstance(value, int | float) or not 0 < value <= 60:
            raise _bad(file, name, f"is {value!r}", "Use a number of seconds above 0 and at most 60, e.g. 3.0.")
        return float(value)
    if kind == "logo":
        if value in (None, ""):
            return None
        if not isinstance(value, str):
            raise _bad(file, name, f"is {value!r}", "Give the logo's file name in double quotes, or \"\".")
        return _logo(file, name, value)
    if kind == "font":
        if not isinstance(value, str) or not value.strip():
            raise _bad(file, name, f"is {value!r}", 'Give a font file (.ttf/.otf) or "Lato".')
        return _font(file, name, value.strip(), bold=key == "bold")
    raise AssertionError(kind)


def _resolve(file: Path, value: str) -> Path:
    path = Path(value).expanduser()
    return path if path.is_absolute() else (file.parent / path).resolve()


def _logo(file: Path, name: str, value: str) -> Path:
    path = _resolve(file, value)
    if not path.is_file():
        raise InvalidInputError(f"Brand kit {file}: {name} names {path}, which does not exist.",
                                "Put the logo file next to the kit (paths are relative to the kit file), "
                                "or set logo = \"\" for no logo.")
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(path) as img:
            img.verify()
    except (OSError, UnidentifiedImageError) as exc:
        raise InvalidInputError(f"Brand kit {file}: {name} ({path}) is not a readable image: {exc}",
                                "Export the logo as PNG (with transparency) and point the kit at it.") from exc
    return path


def _font(file: Path, name: str, value: str, bold: bool) -> Path:
    squashed = value.replace(" ", "").replace("-", "").lower()
    if squashed.startswith("lato") and not value.lower().endswith(_FONT_SUFFIXES):
        import font_lato

        files = {k.lower(): Path(v) for k, v in font_lato.font_files.items()}
        key = "latobold" if squashed == "lato" and bold else squashed
        if key not in files:
            raise _bad(file, name, f"names {value!r}, which is not a bundled font",
                       f"Use \"Lato\" or a font file; bundled styles: {', '.join(font_lato.font_files)}.")
        return files[key]
    path = _resolve(file, value)
    if not path.is_file():
        raise InvalidInputError(f"Brand kit {file}: {name} names {path}, which does not exist.",
                                'Put the font file next to the kit (paths are relative to it), or use "Lato".')
    from PIL import ImageFont

    if path.suffix.lower() not in _FONT_SUFFIXES:
        raise _bad(file, name, f"names {path.name}, which is not a .ttf, .otf or .ttc font", 'Or use "Lato".')
    try:
        ImageFont.truetype(str(path), 12)
    except OSError as exc:
        raise InvalidInputError(f"Brand kit {file}: {name} ({path}) is not a usable font: {exc}",
                                'Use a TrueType or OpenType font file, or "Lato".') from exc
    return path


def _bad(file: Path, name: str, problem: str, hint: str) -> InvalidInputError:
    return InvalidInputError(f"Brand kit {file}: {name} {problem}.", hint)
