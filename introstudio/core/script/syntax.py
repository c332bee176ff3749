"""The template language: {var}, {?var: text}, {!var: text}, {{ }} — parsed to nodes, never executed."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Union

_FIELD = re.compile(r"\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}")
_SECTION = re.compile(r"\{([?!])\s*([A-Za-z_][A-Za-z0-9_]*)\s*:")
_PARAGRAPH_BREAK = re.compile(r"\n[ \t\r\f\v]*\n\s*")


@dataclass(frozen=True)
class Var:
    name: str


@dataclass(frozen=True)
class Section:
    name: str
    negate: bool
    body: tuple[Node, ...]


Node = Union[str, Var, Section]


class SyntaxProblem(Exception):
    """A syntax error in one paragraph; args are (message, position)."""


def _parse_seq(s: str, i: int, nested: bool) -> tuple[tuple[Node, ...], int, bool]:
    """Parse until the end or (when nested) the ``}`` closing a section; returns nodes, end, closed."""
    out: list[Node] = []
    buf: list[str] = []

    def flush() -> None:
        if buf:
            out.append("".join(buf))
            buf.clear()

    while i < len(s):
        c = s[i]
        if s.startswith("{{", i) or s.startswith("}}", i):
            buf.append(c)
            i += 2
        elif c == "{":
            flush()
            if m := _SECTION.match(s, i):
                body, end, closed = _parse_seq(s, m.end(), nested=True)
                if not closed:
                    raise SyntaxProblem(f"section '{{{m.group(1)}{m.group(2)}:' is never closed with '}}'", i)
                out.append(Section(m.group(2), m.group(1) == "!", body))
                i = end
            elif m := _FIELD.match(s, i):
                out.append(Var(m.group(1)))
                i = m.end()
            else:
                snippet = s[i:i + 20].split("\n")[0]
                raise SyntaxProblem(f"'{snippet}' is not '{{variable}}' or '{{?variable: text}}' "
                                     "(write '{{' for a literal brace)", i)
        elif c == "}":
            if nested:
                flush()
                return tuple(out), i + 1, True
            raise SyntaxProblem("unmatched '}' (write '}}' for a literal brace)", i)
        else:
            buf.append(c)
            i += 1
    flush()
    return tuple(out), i, False


@lru_cache(maxsize=512)
def parse_paragraph(text: str) -> tuple[Node, ...]:
    return _parse_seq(text, 0, nested=False)[0]


def variable_names(nodes: Iterable[Node]) -> Iterable[str]:
    for node in nodes:
        if isinstance(node, Var):
            yield node.name
        elif isinstance(node, Section):
            yield node.name
            yield from variable_names(node.body)


def emit(nodes: Iterable[Node], values: Mapping[str, str], out: list[str]) -> None:
    for node in nodes:
        if isinstance(node, str):
            out.append(node)
        elif isinstance(node, Var):
            out.append(values[node.name])  # inserted as plain text, never parsed again
        elif bool(values[node.name]) != node.negate:
            emit(node.body, values, out)


_TIDY = (
    (re.compile(r"\s+"), " "),
    (re.compile(r"\s+([,.;:!?)\]»])"), r"\1"),
    (re.compile(r"([(\[¿¡«])\s+"), r"\1"),
    (re.compile(r",(?:\s*,)+"), ","),
    (re.compile(r",\s*(?=[.;:!?])"), ""),
    (re.compile(r"(?<!\.)\.\.(?!\.)"), "."),
)


def tidy(text: str) -> str:
    """Whitespace and punctuation left tidy after optional sections drop out."""
    for pattern, replacement in _TIDY:
        text = pattern.sub(replacement, text)
    return text.strip()


def split_paragraphs(text: str) -> list[tuple[int, str]]:
    """(offset, paragraph) for each non-blank paragraph; paragraphs are separated by blank lines."""
    found, start = [], 0
    for m in [*_PARAGRAPH_BREAK.finditer(text), None]:
        end = m.start() if m else len(text)
        chunk = text[start:end]
        if chunk.strip():
            found.append((start + len(chunk) - len(chunk.lstrip()), chunk.strip()))
        start = m.end() if m else end
    return found
