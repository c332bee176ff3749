"""Read an MP4/MOV's box layout (no decoding) to tell a cut-off file from one whose index is garbled.

A phone or camera clip is a sequence of boxes: `ftyp`, `moov` (the index: one `trak` per stream) and
`mdat` (the data). When ffmpeg cannot make sense of a track it drops it or types it as "data", and the
file then looks like audio only; walking the index says why instead.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

MAX_INDEX_BYTES = 64 * 1024 * 1024  # a moov this large is itself a sign of damage
# Boxes holding only other boxes, down to the track's sample description.
_CONTAINERS = {b"moov", b"trak", b"mdia", b"minf", b"stbl", b"edts", b"dinf"}
# What each container must hold for its track to be readable.
_REQUIRED = {b"trak": (b"tkhd", b"mdia"), b"mdia": (b"mdhd", b"hdlr", b"minf"), b"minf": (b"stbl",),
             b"stbl": (b"stsd",)}


@dataclass(frozen=True)
class Layout:
    """What the top-level walk found: `cut` (a box runs past the end, or no index), or `problem` (garbled)."""

    cut: bool
    has_index: bool
    problem: str = ""


def _readable_type(kind: bytes) -> bool:
    """Box types are four printable characters ('©' allowed, as QuickTime uses it)."""
    return len(kind) == 4 and all(0x20 <= b <= 0x7E or b == 0xA9 for b in kind)


def _boxes(data: bytes, start: int, end: int, base: int) -> list[tuple[bytes, int, int]] | str:
    """(type, body start, box end) of the boxes in data[start:end], or a description of the first bad one.

    `base` is where `data` starts in the file, so messages give file offsets.
    """
    found = []
    offset = start
    while offset + 8 <= end:
        size, kind = int.from_bytes(data[offset:offset + 4], "big"), data[offset + 4:offset + 8]
        header = 8
        if size == 1 and offset + 16 <= end:
            size, header = int.from_bytes(data[offset + 8:offset + 16], "big"), 16
        elif size == 0:
            size = end - offset
        if not _readable_type(kind):
            return f"unreadable box header at byte {base + offset}"
        if size < header or offset + size > end:
            return f"the '{kind.decode('latin-1')}' box at byte {base + offset} does not fit inside its parent"
        found.append((kind, offset + header, offset + size))
        offset += size
    if offset != end and end - offset >= 8:
        return f"stray bytes at byte {base + offset}"
    return found


def _top_level(path: Path) -> tuple[list[tuple[bytes, int, int, int]], str, bool]:
    """(type, offset, header size, size) of the top-level boxes, the first problem, and whether one is cut."""
    boxes: list[tuple[bytes, int, int, int]] = []
    with open(path, "rb") as handle:
        end = handle.seek(0, 2)
        offset = 0
        while offset + 8 <= end:
            handle.seek(offset)
            header = handle.read(16)
            size, kind, header_size = int.from_bytes(header[:4], "big"), header[4:8], 8
            if size == 1 and len(header) >= 16:
                size, header_size = int.from_bytes(header[8:16], "big"), 16
            elif size == 0:
                size = end - offset
            if not _readable_type(kind):
                return boxes, f"unreadable box header at byte {offset}", False
            boxes.append((kind, offset, header_size, size))
            if size < header_size or offset + size > end:
                return boxes, "", True
            offset += size
    return boxes, "", False


def layout(path: Path) -> Layout:
    """Walk the top-level boxes of `path`: cut off (a box runs past the end, or no index) or garbled."""
    boxes, problem, cut = _top_level(path)
    has_index = any(kind == b"moov" for kind, *_ in boxes)
    if problem:
        return Layout(cut=False, has_index=has_index, problem=problem)
    return Layout(cut=cut or not has_index, has_index=has_index)


def index_problem(path: Path) -> str:
    """Why the `moov` index of an MP4/MOV is unreadable ('' when its tracks look whole)."""
    boxes, problem, _cut = _top_level(path)
    moov = next(((offset, header, size) for kind, offset, header, size in boxes if kind == b"moov"), None)
    if moov is None:
        return problem or "the file has no index"
    offset, header, size = moov
    if size > MAX_INDEX_BYTES:
        return f"the index claims {size} bytes"
    with open(path, "rb") as handle:
        handle.seek(offset)
        data = handle.read(size)
    if len(data) < size:
        return "the index runs past the end of the file"
    return _moov_problem(data, header, offset)


def _moov_problem(moov: bytes, header: int, base: int) -> str:
    """The first damaged part of a moov box's tracks, in words ('' when every track is whole)."""
    children = _boxes(moov, header, len(moov), base)
    if isinstance(children, str):
        return children
    tracks = [c for c in children if c[0] == b"trak"]
    if not tracks:
        return "the index lists no tracks"
    for number, (_kind, start, stop) in enumerate(tracks, 1):
        problem = _container_problem(moov, b"trak", start, stop, base)
        if problem:
            return f"track {number}: {problem}"
    return ""


def _container_problem(data: bytes, kind: bytes, start: int, end: int, base: int) -> str:
    children = _boxes(data, start, end, base)
    if isinstance(children, str):
        return children
    kinds = {c[0] for c in children}
    for needed in _REQUIRED.get(kind, ()):
        if needed not in kinds:
            return f"its '{kind.decode()}' box has no '{needed.decode()}'"
    for child, child_start, child_end in children:
        if child in _CONTAINERS:
            problem = _container_problem(data, child, child_start, child_end, base)
            if problem:
                return problem
    return ""
