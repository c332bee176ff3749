"""Names in every script: per-character font fallback and bidi-aware line layout for the Pillow cards.

A card's font (the brand kit's, e.g. Lato) is tried first; a character it lacks goes to the first Noto font
that covers it (Noto Sans, then Arabic, Hebrew, Devanagari and 16 more scripts, Noto Sans CJK, symbols,
monochrome Noto Emoji: the PyPI wheels `manimgx-fonts` and `manimgx-fonts-cjk`). Coverage is read from each
font's cmap with fontTools, so a character no font has is reported (`undrawable_characters`) rather than
drawn as a box.

A line is split into runs of one font and one direction; runs are put in visual order by the Unicode bidi
algorithm (rules P2-P3, W1-W7, N1-N2 and L2, resolved per character, reordered per run), and each run is
shaped by HarfBuzz through Pillow's raqm layout with its direction and language. Without raqm (a Pillow
built without FriBiDi) right-to-left runs are reversed so the order is right, but Arabic letters are not
joined and Indic clusters are not reordered: `shaping_warning` says so.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from PIL import ImageDraw, ImageFont, features

RAQM = bool(features.check("raqm"))
_ENGINE = ImageFont.Layout.RAQM if RAQM else ImageFont.Layout.BASIC

# Noto files of manimgx-fonts in fallback order (Noto Sans first: Latin, Greek, Cyrillic, Vietnamese).
_SCRIPT_FILES = ("NotoSans[wght].ttf", "NotoSansArabic[wght].ttf", "NotoSansHebrew[wght].ttf",
                 "NotoSansDevanagari[wght].ttf", "NotoSansBengali[wght].ttf", "NotoSansGurmukhi[wght].ttf",
                 "NotoSansGujarati[wght].ttf", "NotoSansOriya[wght].ttf", "NotoSansTamil[wght].ttf",
                 "NotoSansTelugu[wght].ttf", "NotoSansKannada[wght].ttf", "NotoSansMalayalam[wght].ttf",
                 "NotoSansSinhala[wght].ttf", "NotoSansThai[wght].ttf", "NotoSansLao[wght].ttf",
                 "NotoSansKhmer[wght].ttf", "NotoSansMyanmar[wght].ttf", "NotoSansArmenian[wght].ttf",
                 "NotoSansGeorgian[wght].ttf", "NotoSansEthiopic[wght].ttf")
_LATE_FILES = ("NotoSansSymbols[wght].ttf", "NotoEmoji[wght].ttf")
_CJK_FILE, _CJK_SC = "NotoSansCJK-VF.otf.ttc", 2  # faces: 0 JP, 1 KR, 2 SC, 3 TC, 4 HK
_EMOJI_PRESENTATION = 0xFE0F
_BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
_LANGUAGE_OF_SCRIPT = {"ARABIC": "ar", "HEBREW": "he", "DEVANAGARI": "hi", "BENGALI": "bn", "GURMUKHI": "pa",
                       "GUJARATI": "gu", "ORIYA": "or", "TAMIL": "ta", "TELUGU": "te", "KANNADA": "kn",
                       "MALAYALAM": "ml", "SINHALA": "si", "THAI": "th", "CJK": "zh", "HIRAGANA": "ja",
                       "KATAKANA": "ja", "HANGUL": "ko"}


@dataclass(frozen=True)
class Face:
    """One font file (and face index inside a collection) in a fallback chain."""

    path: str
    index: int = 0


@lru_cache(maxsize=1)
def fallback_faces() -> tuple[Face, ...]:
    """The bundled Noto fallbacks, in the order they are tried; fonts whose package is missing are skipped."""
    faces: list[Face] = []
    try:
        import manimgx_fonts

        folder = Path(manimgx_fonts.__file__).parent
        faces += [Face(str(folder / f)) for f in _SCRIPT_FILES if (folder / f).is_file()]
    except ImportError:
        folder = None
    try:
        import manimgx_fonts_cjk

        cjk = Path(manimgx_fonts_cjk.__file__).parent / _CJK_FILE
        if cjk.is_file():
            faces.append(Face(str(cjk), _CJK_SC))
    except ImportError:
        pass
    if folder is not None:
        faces += [Face(str(folder / f)) for f in _LATE_FILES if (folder / f).is_file()]
    return tuple(faces)


@lru_cache(maxsize=64)
def coverage(face: Face) -> frozenset[int]:
    """The code points `face` has a glyph for (its best cmap, read with fontTools)."""
    from fontTools.ttLib import TTFont

    with TTFont(face.path, fontNumber=face.index, lazy=True) as font:
        return frozenset(font.getBestCmap() or {})


@dataclass(frozen=True)
class FontChain:
    """The fonts tried for each character, first to last, drawn at one weight (400 regular, 700 bold)."""

    faces: tuple[Face, ...]
    weight: int = 400
    _memo: dict[tuple[str, bool], int | None] = field(default_factory=dict, compare=False, repr=False)

    def face_for(self, char: str, emoji: bool = False) -> int | None:
        """Index of the first face covering `char` (the emoji font first when `emoji`), or None."""
        key = (char, emoji)
        if key not in self._memo:
            code = ord(char)
            order: list[int] = list(range(len(self.faces)))
            if emoji:
                order = [i for i in order if "Emoji" in self.faces[i].path] + order
            self._memo[key] = next((i for i in order if code in coverage(self.faces[i])), None)
        return self._memo[key]


@lru_cache(maxsize=32)
def font_chain(primary: str | Path, weight: int | None = None) -> FontChain:
    """`primary` (a brand-kit font) followed by the Noto fallbacks at the primary's weight."""
    if weight is None:
        from introstudio.core.render.brandkit import font_family

        weight = 700 if font_family(Path(primary))[1] >= 600 else 400
    return FontChain((Face(str(primary)), *fallback_faces()), weight)


def default_chain() -> FontChain:
    """The chain of the default brand kit's bold font (Lato): what warnings check names against."""
    import font_lato

    return font_chain(font_lato.font_files["LatoBold"], 700)


@lru_cache(maxsize=256)
def load_face(face: Face, size: int, weight: int = 400) -> ImageFont.FreeTypeFont:
    """A Pillow font for one face at a pixel size, its weight axis (if variable) set to `weight`."""
    font = ImageFont.truetype(face.path, max(1, int(size)), index=face.index, layout_engine=_ENGINE)
    try:
        axes = font.get_variation_axes()
    except (OSError, AttributeError):
        return font
    values = [max(a["minimum"], min(a["maximum"], weight)) if a.get("name") in (b"Weight", "Weight")
              else a["default"] for a in axes]
    font.set_variation_by_axes(values)
    return font


# --- which characters can be drawn --------------------------------------------------------------------------

def clean_line(text: str) -> str:
    """What is drawn of `text`: NFC, without control characters and explicit bidi embeddings/overrides."""
    text = unicodedata.normalize("NFC", text)
    return "".join(c for c in text if unicodedata.category(c) != "Cc" and c not in _BIDI_CONTROLS)


def _ignorable(char: str) -> bool:
    """Default-ignorable: joiners, variation selectors, marks of direction; shaped away, never a box."""
    code = ord(char)
    return (unicodedata.category(char) == "Cf" or 0xFE00 <= code <= 0xFE0F or 0xE0100 <= code <= 0xE01EF
            or 0xE0020 <= code <= 0xE007F)


def undrawable_characters(text: str, chain: FontChain | None = None) -> list[str]:
    """The characters of `text` no font of `chain` (default: Lato + Noto fallbacks) can draw, each once."""
    chain = chain or default_chain()
    out: dict[str, None] = {}
    for char in clean_line(text):
        if char.isspace() or _ignorable(char) or char in out:
            continue
        if chain.face_for(char) is None:
            out[char] = None
    return list(out)


def describe_characters(chars: list[str], limit: int = 5) -> str:
    """'"𓀀" (U+13000 EGYPTIAN HIEROGLYPH A001), ...' for a warning."""
    shown = [f'"{c}" (U+{ord(c):04X} {unicodedata.name(c, "unnamed")})' for c in chars[:limit]]
    return ", ".join(shown) + (f" and {len(chars) - limit} more" if len(chars) > limit else "")


def shaping_warning(text: str) -> str | None:
    """Why `text` will not look right on this computer (Pillow without raqm and a script that needs it)."""
    if RAQM:
        return None
    needs = {s for c in text if (s := _script(c)) in _LANGUAGE_OF_SCRIPT and s not in ("CJK", "HIRAGANA",
                                                                                          "KATAKANA", "HANGUL")}
    if not needs or needs == {"HEBREW"}:
        return None
    return ("This computer's Pillow has no text shaping (libraqm/FriBiDi), so "
            f"{', '.join(sorted(s.title() for s in needs))} letters are drawn unjoined on the cards.")


# --- layout ---------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Run:
    """A piece of one line in one font and one direction; `level` is its bidi embedding level."""

    text: str
    face: int
    level: int
    language: str | None

    @property
    def direction(self) -> str:
        return "rtl" if self.level % 2 else "ltr"


def _script(char: str) -> str:
    name = unicodedata.name(char, "")
    return name.split(" ", 1)[0] if name else ""


def _strong(char: str) -> str:
    bidi = unicodedata.bidirectional(char)
    return "R" if bidi in ("R", "AL") else bidi


def _directions(text: str, base: str) -> list[str]:
    """'L' or 'R' per character: weak types and neutrals resolved (W1-W7, N1-N2), marks follow their base."""
    kinds = [_strong(c) for c in text]
    resolved: list[str | None] = []
    last_strong = base
    for kind in kinds:
        if kind in ("L", "R"):
            last_strong = kind
            resolved.append(kind)
        elif kind == "EN":  # W7: a European number after L is L; after R it stays inside the R run
            resolved.append(last_strong)
        elif kind == "AN":
            resolved.append("R")
        else:
            resolved.append(None)
    i = 0
    while i < len(resolved):  # N1/N2: neutrals between equal directions take it, else the base direction
        if resolved[i] is not None:
            i += 1
            continue
        j = i
        while j < len(resolved) and resolved[j] is None:
            j += 1
        before = resolved[i - 1] if i else base
        after = resolved[j] if j < len(resolved) else base
        fill = before if before == after else base
        for k in range(i, j):
            resolved[k] = fill
        i = j
    for k, char in enumerate(text):  # NSM and joiners keep the direction of what they attach to
        if k and (unicodedata.category(char) in ("Mn", "Me") or _ignorable(char)):
            resolved[k] = resolved[k - 1]
    return [r or base for r in resolved]


def base_direction(text: str) -> str:
    """'R' when the first strong character is right-to-left (P2-P3), else 'L'."""
    return next((k for k in map(_strong, text) if k in ("L", "R")), "L")


@lru_cache(maxsize=8192)
def itemize(chain: FontChain, text: str) -> tuple[Run, ...]:
    """The runs of one line in visual (left-to-right) order."""
    text = clean_line(text)
    if not text:
        return ()
    base = base_direction(text)
    dirs = _directions(text, base)
    faces = _faces(chain, text)
    paragraph = 1 if base == "R" else 0
    levels = [paragraph + (1 if (d == "R") != (paragraph == 1) else 0) for d in dirs]
    runs: list[Run] = []
    start = 0
    for i in range(1, len(text) + 1):
        if i == len(text) or faces[i] != faces[start] or levels[i] != levels[start]:
            piece = text[start:i]
            runs.append(Run(piece, faces[start], levels[start], _language(piece)))
            start = i
    return tuple(_reorder(runs))


def _faces(chain: FontChain, text: str) -> list[int]:
    """The face of each character: marks and joiners stay with their base, spaces and punctuation between two
    characters of one font take that font (an Arabic or CJK name is one run), other characters the first
    face that covers them."""
    faces: list[int | None] = []
    for i, char in enumerate(text):
        prev = faces[-1] if faces else None
        attaches = prev is not None and (
            unicodedata.category(char) in ("Mn", "Mc", "Me") or _ignorable(char)
            or 0x1F3FB <= ord(char) <= 0x1F3FF or text[i - 1] == "\u200d")
        emoji = i + 1 < len(text) and ord(text[i + 1]) == _EMOJI_PRESENTATION  # e.g. the 1 of a keycap 1
        if attaches and (_ignorable(char) or ord(char) in coverage(chain.faces[prev])):
            faces.append(prev)
        elif not emoji and _strong(char) not in ("L", "R") and not (
                0x1F000 <= ord(char) or 0x2190 <= ord(char) <= 0x2BFF):
            faces.append(None)  # a neutral: decided below, from its neighbours
        else:
            faces.append(chain.face_for(char, emoji))
    following: list[int | None] = [None] * len(faces)  # the next decided face after each position
    for i in range(len(faces) - 2, -1, -1):
        following[i] = faces[i + 1] if faces[i + 1] is not None else following[i + 1]
    out: list[int] = []
    for i, (char, face) in enumerate(zip(text, faces, strict=True)):
        if face is None:
            before = out[-1] if out else None
            after = following[i]
            if before is not None and before == after and ord(char) in coverage(chain.faces[before]):
                face = before
            else:
                face = chain.face_for(char)
        # Nobody has it: the primary font draws its .notdef (undrawable_characters reports it).
        out.append(face if face is not None else (out[-1] if out else 0))
    return out


def _language(piece: str) -> str | None:
    scripts = {_script(c) for c in piece}
    if scripts & {"HIRAGANA", "KATAKANA"}:
        return "ja"
    return next((_LANGUAGE_OF_SCRIPT[s] for s in scripts if s in _LANGUAGE_OF_SCRIPT), None)


def _reorder(runs: list[Run]) -> list[Run]:
    """L2: from the highest level down to the lowest odd one, reverse every sequence at that level or above."""
    if not runs:
        return runs
    top, low = max(r.level for r in runs), min(r.level for r in runs)
    lowest_odd = low if low % 2 else low + 1
    for level in range(top, lowest_odd - 1, -1):
        i = 0
        while i < len(runs):
            if runs[i].level >= level:
                j = i
                while j < len(runs) and runs[j].level >= level:
                    j += 1
                runs[i:j] = runs[i:j][::-1]
                i = j
            else:
                i += 1
    return runs


def _options(run: Run) -> dict[str, object]:
    if not RAQM:
        return {}
    options: dict[str, object] = {"direction": run.direction}
    if run.language:
        options["language"] = run.language
    return options


def _basic_text(run: Run) -> str:
    """Without raqm, right-to-left runs are reversed character by character (order right, no joining)."""
    return run.text[::-1] if (not RAQM and run.level % 2) else run.text


class ChainFont:
    """A fallback chain at one pixel size: measures and draws a line of any script like one font would."""

    def __init__(self, chain: FontChain, size: int) -> None:
        self.chain = chain
        self.size = max(1, int(size))
        self.primary = self.font(0)

    def font(self, face: int) -> ImageFont.FreeTypeFont:
        return load_face(self.chain.faces[face], self.size, self.chain.weight)

    def getmetrics(self) -> tuple[int, int]:
        """Ascent and descent of the primary font: line spacing stays the brand font's."""
        return self.primary.getmetrics()

    def runs(self, text: str) -> tuple[Run, ...]:
        return itemize(self.chain, text)

    def getlength(self, text: str) -> float:
        """Advance width of the whole line, every run in its own font, shaped."""
        return sum(self.font(r.face).getlength(_basic_text(r), **_options(r)) for r in self.runs(text))

    def extent(self, text: str) -> tuple[int, int]:
        """(ascent, descent) a line needs: the primary font's, or more where a fallback's ink reaches further."""
        ascent, descent = self.getmetrics()
        for r in self.runs(text):
            if r.face:
                _l, top, _r, bottom = self.font(r.face).getbbox(_basic_text(r), anchor="ls", **_options(r))
                ascent, descent = max(ascent, -top), max(descent, bottom)
        return ascent, descent

    def draw(self, draw: ImageDraw.ImageDraw, xy: tuple[float, float], text: str, fill: object) -> None:
        """Draw `text` with its left end at x and its baseline at y."""
        x, y = xy
        for r in self.runs(text):
            font, piece, options = self.font(r.face), _basic_text(r), _options(r)
            draw.text((x, y), piece, font=font, fill=fill, anchor="ls", **options)
            x += font.getlength(piece, **options)


@lru_cache(maxsize=512)
def chain_font(primary: str | Path, size: int) -> ChainFont:
    """The fallback chain of a brand-kit font at a pixel size (cached: cards reuse a few sizes)."""
    return ChainFont(font_chain(str(primary)), size)
