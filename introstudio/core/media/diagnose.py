"""Why a file is not usable media: missing, unreadable, empty, a document, a cut-off MP4."""

from __future__ import annotations

import os
import stat
from pathlib import Path

from introstudio.core.errors import MediaError
from introstudio.core.media.isobmff import index_problem, layout


def require_file(path: Path) -> int:
    """Size of `path`, after checking it exists, is a readable regular file and is not empty.

    The kind of file is decided with stat() before anything opens it, so a named pipe or a device
    given as footage is refused at once instead of blocking (a FIFO's open() waits for a writer).
    """
    name = path.name or str(path)
    try:
        info = os.stat(path)
    except FileNotFoundError:
        raise MediaError(
            f'"{name}" does not exist.',
            hint=f"Check the file is still in {path.parent}; it may have been moved or renamed, "
            "or be on a drive that is not plugged in.",
        ) from None
    except OSError as exc:
        raise _cannot_read(name, exc) from None
    if not stat.S_ISREG(info.st_mode):
        raise _not_a_file(path, info.st_mode)
    try:
        with open(path, "rb", buffering=0, opener=_opener) as handle:
            mode = os.fstat(handle.fileno()).st_mode
            if not stat.S_ISREG(mode):  # swapped for something else since the check
                raise _not_a_file(path, mode)
            handle.read(1)
            size = os.fstat(handle.fileno()).st_size
    except OSError as exc:
        raise _cannot_read(name, exc) from None
    if size == 0:
        raise MediaError(
            f'"{name}" is empty (0 bytes).',
            hint="The copy or download did not finish, or the recording failed. "
            "Copy it again from the phone, camera or share.",
        )
    return size


def _opener(path: str, flags: int) -> int:
    """open() flags that never wait: a path swapped for a pipe after the check still returns at once."""
    return os.open(path, flags | getattr(os, "O_NONBLOCK", 0))


def _cannot_read(name: str, exc: OSError) -> MediaError:
    if isinstance(exc, PermissionError):
        return MediaError(
            f'"{name}" cannot be read: permission denied.',
            hint="Copy the file somewhere you own (e.g. Documents) or ask IT to grant read access, "
            "then import the copy.",
        )
    return MediaError(
        f'"{name}" cannot be read: {exc.strerror or exc}.', hint="Copy the file to this computer and try again."
    )


def _not_a_file(path: Path, mode: int) -> MediaError:
    """Why a folder, pipe, device or socket is not footage, in words."""
    name = str(path) if stat.S_ISCHR(mode) or stat.S_ISBLK(mode) else (path.name or str(path))
    if stat.S_ISDIR(mode):
        return MediaError(
            f'"{name}" is a folder, not a video file.', hint="Open the folder and choose the video file inside it."
        )
    kind = {
        stat.S_ISFIFO(mode): "a named pipe (FIFO), a channel between programs",
        stat.S_ISCHR(mode): "a device, not a file",
        stat.S_ISBLK(mode): "a whole disk or partition (a block device)",
        stat.S_ISSOCK(mode): "a socket (a connection point between programs)",
    }.get(True, "not an ordinary file")
    return MediaError(
        f'"{name}" is {kind}, not a video file, so it cannot be imported.'.replace("not a file, not", "not"),
        hint="Choose the recorded video file itself (e.g. an .mp4 or .mov); to record from a camera, "
        "use the Record page in the app.",
    )


def unreadable(path: Path, reason: str) -> MediaError:
    """Explain, from its first bytes, why an existing file cannot be opened as media."""
    name = path.name
    try:
        with open(path, "rb") as handle:
            head = handle.read(4096)
    except OSError:
        head = b""
    convert = "Export or convert it to an MP4 (H.264) video, check it plays in a video player, then import that."
    if is_iso_media(head):
        shape = layout(path)
        if shape.cut and not shape.has_index:
            return MediaError(
                f'"{name}" is incomplete: the recording was cut off before it was finished, '
                "so its index (the MP4 'moov' box) is missing and it cannot be played.",
                hint="If it came from a phone or camera, copy it again from the device. If a recorder crashed "
                "while writing it, remuxing cannot help because the index is missing; a repair tool such as "
                "untrunc can sometimes rebuild it using another clip recorded on the same device.",
            )
        problem = shape.problem or index_problem(path)
        if problem:
            return damaged_index(path, problem)
        return MediaError(f'"{name}" looks like an MP4/MOV video but is damaged ({reason}).', hint=convert)
    for magic, kind in _MAGIC:
        if head.lstrip().lower().startswith(magic):
            return MediaError(f'"{name}" is {kind}, not a video file.', hint="Choose the video recording itself.")
    if head and b"\0" not in head:
        try:
            head.decode("utf-8")
            return MediaError(
                f'"{name}" is a text file, not a video file (despite its name).',
                hint="Choose the video recording itself; renaming a file does not convert it.",
            )
        except UnicodeDecodeError:
            pass
    return MediaError(f'"{name}" is not a video or audio file IntroStudio can read ({reason}).', hint=convert)


_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"%pdf", "a PDF document"),
    (b"<!doctype html", "a web page (HTML); the download probably saved a page instead of the video"),
    (b"<html", "a web page (HTML); the download probably saved a page instead of the video"),
    (b"pk\x03\x04", "a ZIP archive (or an Office document); unzip it first"),
)
_BOX_TYPES = {b"ftyp", b"moov", b"mdat", b"free", b"skip", b"wide", b"pnot", b"uuid", b"moof", b"styp"}


def is_iso_media(head: bytes) -> bool:
    """Whether a file starting with `head` is an MP4/MOV (ISO base media) file."""
    return len(head) >= 8 and head[4:8] in _BOX_TYPES


def damaged_index(path: Path, problem: str) -> MediaError:
    """An MP4/MOV whose index (moov box) is garbled: say so, rather than 'audio only' or 'not media'."""
    return MediaError(
        f'"{path.name}" is damaged: its index (the MP4/MOV \'moov\' box, which says where the picture and sound '
        f"are) cannot be read ({problem}), so its video cannot be used.",
        hint="Copy it again from the phone, camera or card; if this copy is the only one, a repair tool such as "
        "untrunc can sometimes rebuild the index using another clip recorded on the same device.",
    )
