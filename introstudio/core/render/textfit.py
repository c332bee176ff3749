"""Text that fits a box: shrink to a minimum size, then wrap, then (last resort) shorten with an ellipsis.

A block is a column of text items and rules; `fit_block` fits every item to the width and scales the
whole column down until it also fits the height, so nothing a card draws can leave its box. Text is
measured and drawn through a font fallback chain (fonts.py), so a name in any script fits as it is drawn.
Fitting is linear in the text's length: text that could never be shown is cut before it is measured.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property, lru_cache
from itertools import combinations, pairwise
from pathlib import Path

from PIL import ImageDraw, ImageFont

from introstudio.core.render.fonts import ChainFont, base_direction, chain_font

OVERHANG = 0.03  # of the font size: room left for glyphs whose ink overhangs their advance
LINE_PITCH = 1.12  # baseline-to-baseline distance inside one item, in font sizes
_ELLIPSIS = "\u2026"
_MAX_ENUMERATED_WORDS = 24


@lru_cache(maxsize=512)
def load_font(path: str | Path, size: int) -> ImageFont.FreeTypeFont:
    """A Pillow font at a pixel size (cached: cards ask for the same few sizes again and again)."""
    return ImageFont.truetype(str(path), max(1, int(size)))


def text_width(font: ImageFont.FreeTypeFont | ChainFont, text: str) -> int:
    """Width `text` needs: its advance plus 3% of the size for ink overhanging the first and last glyph.

    Layout-only (no rasterising), so fitting can try many sizes and breaks quickly.
    """
    if not text:
        return 0
    return math.ceil(font.getlength(text) + OVERHANG * font.size)


@dataclass(frozen=True)
class TextItem:
    """One paragraph of a block: preferred and minimum pixel sizes, how many lines it may wrap to."""

    text: str
    font: Path
    size: float
    min_size: float
    colour: str
    max_lines: int = 1
    gap: float = 0.0  # space above the item, in multiples of its size
    rank: int = 0  # 0 = headline; items of one rank share a size, a lower rank stays clearly smaller


@dataclass(frozen=True)
class Rule:
    """A short horizontal line in a block (e.g. under the name)."""

    length: float
    thickness: float
    colour: str
    gap: float = 0.0  # space above, in pixels


@dataclass(frozen=True)
class FittedText:
    """A text item after fitting: the font chosen and the lines to draw."""

    lines: tuple[str, ...]
    font: ChainFont
    colour: str
    gap: int

    @property
    def size(self) -> int:
        return int(self.font.size)

    @cached_property
    def extent(self) -> tuple[int, int]:
        """(ascent, descent) of the lines: the brand font's, or more where a fallback font's ink needs it."""
        pairs = [self.font.extent(ln) for ln in self.lines] or [self.font.getmetrics()]
        return max(a for a, _ in pairs), max(d for _, d in pairs)

    @property
    def height(self) -> int:
        ascent, descent = self.extent
        return round((len(self.lines) - 1) * self.size * LINE_PITCH) + ascent + descent

    @property
    def width(self) -> int:
        return max((text_width(self.font, ln) for ln in self.lines), default=0)

    @property
    def right_to_left(self) -> bool:
        """A paragraph that starts in Arabic, Hebrew, ...: its wrapped lines share a right edge."""
        return base_direction(" ".join(self.lines)) == "R"


@dataclass(frozen=True)
class FittedRule:
    length: int
    thickness: int
    colour: str
    gap: int

    @property
    def height(self) -> int:
        return self.thickness

    @property
    def width(self) -> int:
        return self.length


Fitted = FittedText | FittedRule


def fit_text(text: str, font: Path, size: float, min_size: float, max_width: int,
             max_lines: int = 1) -> tuple[ChainFont, tuple[str, ...]]:
    """Largest font size and line breaks for `text` within `max_width`: shrink, then wrap, then ellipsis."""
    text = " ".join(text.split())
    size, min_size = max(1, round(size)), max(1, min(round(min_size), round(size)))
    if not text:
        return chain_font(font, size), ()
    floor = max(1, round(min_size * 0.6))
    # No glyph that shows is narrower than ~0.15 em, so characters past this many can never be drawn:
    # cutting them first keeps fitting linear in the length of the text (a 12,000-character name took 18 s).
    most = math.ceil(max_lines * max_width / (0.15 * floor)) + 16
    if len(text) > most:
        text = text[:most]
    for s in _sizes(size, min_size):
        f = chain_font(font, s)
        if text_width(f, text) <= max_width:
            return f, (text,)
    for n in range(2, max_lines + 1):
        for s in _sizes(size, min_size):
            f = chain_font(font, s)
            lines = wrap(text, f, max_width, n)
            if lines:
                return f, lines
    for s in _sizes(min_size, floor):
        f = chain_font(font, s)
        lines = wrap(text, f, max_width, max_lines) if max_lines > 1 else ()
        if lines or text_width(f, text) <= max_width:
            return f, lines or (text,)
    f = chain_font(font, floor)
    return f, _shorten(text, f, max_width, max_lines)


def wrap(text: str, font: ChainFont, max_width: int, lines: int) -> tuple[str, ...]:
    """The best break of `text` into exactly `lines` lines no wider than `max_width`, or () if none fits.

    Balanced lines are preferred; a break after a comma (name, then credentials) is favoured and a
    line holding only a short word (a lone "Dr.") is avoided.
    """
    words = text.split()
    if len(words) < lines:
        return ()
    width_cache: dict[tuple[int, int], int] = {}

    def width(i: int, j: int) -> int:
        if (i, j) not in width_cache:
            width_cache[i, j] = text_width(font, " ".join(words[i:j]))
        return width_cache[i, j]

    if len(words) > _MAX_ENUMERATED_WORDS:
        return _greedy(words, width, max_width, lines)
    best: tuple[float, tuple[int, ...]] | None = None
    for cuts in combinations(range(1, len(words)), lines - 1):
        bounds = (0, *cuts, len(words))
        widths = [width(a, b) for a, b in pairwise(bounds)]
        if max(widths) > max_width:
            continue
        cost = float(max(widths))
        for a, b in pairwise(bounds):
            if b < len(words) and words[b - 1].endswith((",", ";", ":")):
                cost *= 0.85
            if b - a == 1 and len(words[a]) <= 3:
                cost *= 1.4
        if best is None or cost < best[0]:
            best = (cost, bounds)
    if best is None:
        return ()
    bounds = best[1]
    return tuple(" ".join(words[a:b]) for a, b in pairwise(bounds))


def _greedy(words: list[str], width, max_width: int, lines: int) -> tuple[str, ...]:
    out: list[tuple[int, int]] = []
    start = 0
    for i in range(1, len(words) + 1):
        if width(start, i) > max_width:
            if i - 1 == start:
                return ()
            out.append((start, i - 1))
            start = i - 1
    out.append((start, len(words)))
    if len(out) != lines or any(width(a, b) > max_width for a, b in out):
        return ()
    return tuple(" ".join(words[a:b]) for a, b in out)


def _shorten(text: str, font: ChainFont, max_width: int, max_lines: int) -> tuple[str, ...]:
    """Greedy lines with the last one cut to fit and ended with an ellipsis."""
    words = text.split()
    lines: list[str] = []
    while words and len(lines) < max_lines - 1:
        n = 0
        while n < len(words) and text_width(font, " ".join(words[:n + 1])) <= max_width:
            n += 1
        if n == 0:
            break
        lines.append(" ".join(words[:n]))
        words = words[n:]
    if words:
        rest = " ".join(words)
        if text_width(font, rest) > max_width:
            rest = _longest_prefix(rest, font, max_width) + _ELLIPSIS
        lines.append(rest)
    return tuple(lines)


def _longest_prefix(text: str, font: ChainFont, max_width: int) -> str:
    """The longest start of `text` that fits with an ellipsis after it (binary search: log n measurements)."""
    low, high = 0, len(text)
    while low < high:
        mid = (low + high + 1) // 2
        if text_width(font, text[:mid].rstrip() + _ELLIPSIS) <= max_width:
            low = mid
        else:
            high = mid - 1
    return text[:low].rstrip()


def _sizes(high: int, low: int) -> list[int]:
    step = max(1, high // 30)
    sizes = list(range(high, low - 1, -step))
    return sizes if sizes and sizes[-1] == low else [*sizes, low]


def fit_block(items: Sequence[TextItem | Rule], max_width: int, max_height: int) -> list[Fitted]:
    """Fit each item to `max_width`, scaling the whole block down until it fits `max_height` too.

    Hierarchy holds whatever the text: items of one rank get one size (the smallest any of them
    needed) and every rank stays at most `RANK_STEP` times the size of the rank above it.
    """
    scale = 1.0
    while True:
        fitted = _fit_ranked(items, max_width, scale)
        placed = [fitted[i] for i in range(len(items)) if i in fitted]
        if block_height(placed) <= max_height or scale < 0.2:
            return placed
        scale *= 0.92


RANK_STEP = 0.8


def _fit_ranked(items: Sequence[TextItem | Rule], max_width: int, scale: float) -> dict[int, Fitted]:
    out: dict[int, Fitted] = {}
    texts = {i: it for i, it in enumerate(items) if isinstance(it, TextItem) and it.text.strip()}
    ceiling = float("inf")
    for rank in sorted({it.rank for it in texts.values()}):
        members = {i: it for i, it in texts.items() if it.rank == rank}
        first = {i: _fit_item(it, max_width, min(it.size * scale, ceiling), it.min_size * scale)
                 for i, it in members.items()}
        shared = min(f.size for f in first.values())
        for i, it in members.items():
            out[i] = first[i] if first[i].size == shared else _fit_item(it, max_width, shared, shared)
        ceiling = min(f.size for i, f in out.items() if i in members) * RANK_STEP
    for i, item in enumerate(items):
        if isinstance(item, Rule):
            out[i] = FittedRule(max(1, round(item.length * scale)), max(1, round(item.thickness * scale)),
                                item.colour, round(item.gap * scale))
    return out


def _fit_item(item: TextItem, max_width: int, size: float, min_size: float) -> FittedText:
    font, lines = fit_text(item.text, item.font, size, min(min_size, size), max_width, item.max_lines)
    return FittedText(lines, font, item.colour, round(item.gap * font.size))


def block_height(fitted: Sequence[Fitted]) -> int:
    """Height of a fitted block (the first item's gap is not counted)."""
    return sum(f.height + (f.gap if i else 0) for i, f in enumerate(fitted))


def block_width(fitted: Sequence[Fitted]) -> int:
    return max((f.width for f in fitted), default=0)


def draw_block(draw: ImageDraw.ImageDraw, fitted: Sequence[Fitted], x: int, y: int, width: int,
               align: str = "left") -> None:
    """Draw a fitted block with its top at `y`, each line aligned left or centred within x..x+width."""
    top = y
    for i, item in enumerate(fitted):
        if i:
            top += item.gap
        if isinstance(item, FittedRule):
            left = x if align == "left" else x + (width - item.length) // 2
            draw.rectangle((left, top, left + item.length - 1, top + item.thickness - 1), fill=item.colour)
        else:
            ascent, _ = item.extent
            right_edge = item.width if align == "left" and len(item.lines) > 1 and item.right_to_left else 0
            for n, line in enumerate(item.lines):
                baseline = top + ascent + round(n * item.size * LINE_PITCH)
                left = x if align == "left" else x + (width - round(item.font.getlength(line))) // 2
                if right_edge:
                    left = x + right_edge - text_width(item.font, line)
                left += round(OVERHANG * item.size / 2)
                item.font.draw(draw, (left, baseline), line, item.colour)
        top += item.height
