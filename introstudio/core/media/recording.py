"""From a raw Matroska recording to a project take, crash-safe: lock files, remux, recovery (Qt-free).

The recorder (gui/recorder.py) writes each take as a hidden ``.recording-*.mkv`` in the project's media
folder, guarded by a `RecordingLock`. Matroska clusters are readable up to the last one flushed, so a
crash or power cut loses seconds, not the take. When recording stops, `save_recording` remuxes the raw
file (PyAV, no re-encode) into ``take-*.mkv`` and adds the take through the import checks;
`interrupted_recordings` finds raw files whose recorder died, and `recover_recordings` saves them the
next time the project opens. Everything here runs on a worker thread or in the CLI.

Lock files use QLockFile's layout (pid, application, host name, one per line), so locks left by earlier
versions, which used QLockFile, are read the same way. The holder keeps the file open: on POSIX with an
flock() the kernel drops when the process dies, on Windows with a handle that forbids deleting the file.
"""

from __future__ import annotations

import contextlib
import logging
import os
import socket
import time
import uuid
from collections.abc import Sequence
from pathlib import Path

from introstudio.core.errors import MediaError
from introstudio.core.jobs import Job, Progress
from introstudio.core.media.importing import check_importable, move_to_unique
from introstudio.core.processes import pid_alive
from introstudio.core.project.model import Take, now_iso
from introstudio.core.project.store import ProjectFolder

log = logging.getLogger(__name__)

RAW_PREFIX = ".recording-"
LOCK_SUFFIX = ".lock"
INTERRUPTED = "The recording was interrupted (IntroStudio closed or crashed); the last seconds may be missing."
_YOUNG_SECONDS = 10.0  # an empty lock file this new may be one whose creator has not written it yet


def new_raw_path(folder: Path, extension: str = ".mkv") -> Path:
    """A fresh, unique name for a raw recording in `folder` (the project's media folder)."""
    return folder / f"{RAW_PREFIX}{time.strftime('%Y%m%d-%H%M%S')}-{uuid.uuid4().hex[:6]}{extension}"


def lock_path(raw: Path) -> Path:
    return raw.with_name(raw.name + LOCK_SUFFIX)


# --- lock files for recordings in progress ---------------------------------------------------------

class RecordingLock:
    """An exclusive lock on a raw recording, held by the process writing it; released if that process dies."""

    __slots__ = ("_fd", "path")

    def __init__(self, path: Path, fd: int) -> None:
        self.path, self._fd = path, fd

    @classmethod
    def acquire(cls, raw: Path) -> RecordingLock:
        """Lock `raw` for recording (a stale lock is taken over); MediaError when that is not possible."""
        path = lock_path(raw)
        for _ in range(2):
            try:
                fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_EXCL, 0o644)
            except FileExistsError:
                if clear_stale_lock(raw):
                    continue
                break
            except OSError as exc:
                log.warning("cannot create %s: %r", path, exc)
                break
            try:
                _try_flock(fd, wait=True)  # waits only while another process checks whether it is stale
                os.write(fd, f"{os.getpid()}\nintrostudio\n{socket.gethostname()}\n".encode())
            except OSError as exc:
                log.warning("cannot lock %s: %r", path, exc)
                _close_and_remove(path, fd)
                break
            return cls(path, fd)
        raise MediaError(f"Cannot lock {raw.name} for recording.", "Check that the project folder is writable.")

    @property
    def held(self) -> bool:
        return self._fd >= 0

    def release(self) -> None:
        """Remove the lock file and let go; does nothing the second time."""
        if self._fd >= 0:
            fd, self._fd = self._fd, -1
            _close_and_remove(self.path, fd)

    def __del__(self) -> None:  # like QLockFile's destructor: a lock no one holds any more goes
        with contextlib.suppress(Exception):  # at interpreter exit; the process ending releases it anyway
            self.release()


def clear_stale_lock(raw: Path) -> bool:
    """True when no live process holds `raw`'s lock; a stale lock file (its holder died) is removed."""
    path = lock_path(raw)
    if os.name == "nt":  # the holder's open handle forbids deleting the file
        try:
            os.unlink(path)
        except FileNotFoundError:
            return True
        except OSError:
            return False
        return True
    try:
        fd = os.open(path, os.O_RDWR)
    except FileNotFoundError:
        return True
    except OSError:
        return False
    try:
        locked = _try_flock(fd)
        if locked is False:
            return False  # a live holder
        if not _holder_gone(path, fd, flock_works=locked is True):
            return False
        path.unlink(missing_ok=True)  # while holding the flock, as QLockFile does
        return True
    except OSError:
        return False
    finally:
        os.close(fd)


def _holder_gone(path: Path, fd: int, flock_works: bool) -> bool:
    """Whether an unlocked lock file is stale; without flock support, whether its pid is dead."""
    lines = os.pread(fd, 4096, 0).decode("utf-8", "replace").splitlines()
    try:
        pid = int(lines[0])
    except (IndexError, ValueError):  # not written yet (or garbage): stale unless brand new
        return time.time() - path.stat().st_mtime > _YOUNG_SECONDS
    if flock_works:
        return True  # the holder's flock went with its process
    host = lines[2] if len(lines) > 2 else ""
    if host and host != socket.gethostname():
        return False  # another machine's recording: leave it alone
    return not pid_alive(pid)


def _try_flock(fd: int, wait: bool = False) -> bool | None:
    """Take an exclusive flock: True taken, False held elsewhere (never when waiting), None not supported."""
    if os.name == "nt":
        return None
    import fcntl

    try:
        fcntl.flock(fd, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
    except BlockingIOError:
        return False
    except OSError:  # e.g. ENOLCK or EOPNOTSUPP on some network file systems
        return None
    return True


def _close_and_remove(path: Path, fd: int) -> None:
    if os.name == "nt":  # Windows cannot delete a file that is still open
        os.close(fd)
        path.unlink(missing_ok=True)
    else:  # POSIX: remove first, so no one finds the file unlocked
        path.unlink(missing_ok=True)
        os.close(fd)


def interrupted_recordings(media_dir: Path) -> list[Path]:
    """Raw recordings whose recorder is gone (crashed or killed): their lock is free or stale."""
    return [raw for raw in sorted(media_dir.glob(f"{RAW_PREFIX}*.mkv")) if clear_stale_lock(raw)]


# --- from raw file to take ---------------------------------------------------------------------------

def remux(src: Path, dest: Path) -> Job[int]:
    """Copy the packets of `src` into a fresh Matroska file (durations, cues, real frame rate).

    Qt (PySide6 6.11.3) writes an audio track duration about 1 s too long and an MPEG-4 frame rate of
    25000; the remux takes durations from the packets and sets the stream's real rate.
    """
    import av

    size = max(src.stat().st_size, 1)
    count = 0
    with av.open(str(src), metadata_errors="replace") as inp, av.open(str(dest), "w", format="matroska") as out:
        streams = {}
        for s in inp.streams:
            if s.type in ("video", "audio"):
                streams[s.index] = out.add_stream_from_template(s)
                if s.type == "video" and s.average_rate:
                    streams[s.index].codec_context.framerate = s.average_rate
        try:
            for packet in inp.demux(*(inp.streams[i] for i in streams)):
                if packet.dts is None or not packet.size:
                    continue  # end-of-stream markers
                packet.stream = streams[packet.stream.index]
                out.mux(packet)
                count += 1
                if count % 250 == 0:
                    yield Progress(min((packet.pos or 0) / size, 0.99), f"Saving {src.name}")
        except (av.error.InvalidDataError, av.error.EOFError) as exc:  # a crash cut the last cluster
            log.info("%s ends early (%s); kept %d packets", src.name, exc, count)
    return count


def save_recording(pf: ProjectFolder, raw: Path, interrupted: bool = False, trim_in: float = 0.0) -> Job[Take]:
    """Turn a raw recording into a checked take of the project, saved at once; the raw file goes."""
    stamp = raw.name[len(RAW_PREFIX):].split(".")[0][:15] or time.strftime("%Y%m%d-%H%M%S")
    if not raw.exists() or raw.stat().st_size == 0:
        raw.unlink(missing_ok=True)
        raise MediaError("The recording is empty: nothing was written before it stopped.",
                         "Check the camera and record the take again.")
    temp = raw.with_name(f".finishing-{uuid.uuid4().hex}.mkv")
    final: Path | None = None
    try:
        import av

        try:
            packets = yield from remux(raw, temp)
        except (av.FFmpegError, OSError) as exc:
            packets = 0
            log.warning("cannot remux %s: %r", raw, exc)
        if packets == 0:
            kept = move_to_unique(raw, raw.parent, f"unreadable-recording-{stamp}.mkv")
            raise MediaError(f"The recording could not be read; it was kept as {kept.name}.",
                             "Record the take again. Send the file to support if this keeps happening.")
        final = move_to_unique(temp, pf.media_dir, f"take-{stamp}.mkv")
        yield Progress(0.99, "Checking the take")
        try:
            info, warnings = check_importable(final)
        except MediaError as exc:  # too short, no picture...: keep the raw file visible, never loop on it
            kept = move_to_unique(raw, raw.parent, f"unusable-recording-{stamp}.mkv")
            exc.message = f"{exc.message} The recording was kept as {kept.name}."
            raise
    except BaseException:
        temp.unlink(missing_ok=True)
        if final is not None:
            final.unlink(missing_ok=True)
        raise
    if interrupted:
        warnings.insert(0, INTERRUPTED)
    take = Take(id=pf.project.next_take_id(), file=pf.relative(final), source="recovered" if interrupted
                else "recorded", added_at=now_iso(), media=info.to_dict(), warnings=warnings,
                trim_in=round(min(max(trim_in, 0.0), max(info.duration - 1.0, 0.0)), 3))
    pf.project.takes.append(take)
    pf.save()
    take = pf.project.take_with_file(take.file)  # renumbered if another process added a take meanwhile
    raw.unlink(missing_ok=True)
    log.info("saved %s as take %d (%.1f s)", final.name, take.id, info.duration)
    yield Progress(1.0, f"Saved take {take.id}")
    return take


def recover_recordings(pf: ProjectFolder, raws: Sequence[Path]) -> Job[tuple[list[Take], list[str]]]:
    """Save each interrupted raw recording as a take; returns the takes and what could not be saved."""
    takes: list[Take] = []
    problems: list[str] = []
    for i, raw in enumerate(raws):
        yield Progress(i / max(len(raws), 1), f"Recovering {raw.name}")
        try:
            takes.append((yield from save_recording(pf, raw, interrupted=True)))
        except MediaError as exc:
            problems.append(exc.message)
    return takes, problems
