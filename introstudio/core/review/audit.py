"""The project's audit log: append-only JSON lines, each carrying the SHA-256 of the line before it.

Every step that changes what the public will see (export, captions, upload, approval, go-live, take-down)
appends one entry to `audit.jsonl` in the project folder:

    {"at": ..., "by": ..., "details": {...}, "event": "golive", "hash": H, "prev": P, "seq": 7}

`prev` is the SHA-256 of the previous line's bytes (64 zeros for the first), `hash` the SHA-256 of the entry
itself without `hash`. `verify` recomputes both, so an edited line (its own hash no longer fits), a deleted
line (a gap in `seq`, and the next line's `prev` does not fit) or a line put in between is found and named.
A chain cannot see its own end cut off, so approvals and the review state in project.json record the log's head
(`audit_head`) when they are made, and `verify` checks the log still reaches every recorded head.
No secret goes in: keys and values that look like tokens or client secrets are refused before writing.
"""

from __future__ import annotations

import getpass
import hashlib
import json
import logging
import os
import re
import socket
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from introstudio.core.locks import FileLock
from introstudio.core.project.model import now_iso

log = logging.getLogger(__name__)

AUDIT_FILE = "audit.jsonl"
AUDIT_LOCK = ".audit.lock"
GENESIS = "0" * 64
EVENTS = ("export", "captions", "upload", "approval", "golive", "takedown")
_SECRET_KEY = re.compile(r"token|secret|password|authorization|session_uri|credential", re.I)
_SECRET_VALUE = re.compile(r"ya29\.|1//[A-Za-z0-9_-]{8}|GOCSPX-|Bearer\s|upload_id=")


@dataclass(frozen=True)
class AuditEntry:
    """One line of the log, as read back."""

    line: int  # 1-based line number in the file
    seq: int
    at: str
    event: str
    by: str
    details: dict[str, Any]
    sha256: str  # of the line's bytes: what the next line's `prev` must be


@dataclass
class AuditReport:
    """What `verify` found: the entries it could read and every problem, each naming its line."""

    file: Path
    entries: list[AuditEntry] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def head(self) -> dict[str, Any] | None:
        """{"seq", "sha256"} of the last entry (what approvals record), or None for an empty log."""
        return None if not self.entries else {"seq": self.entries[-1].seq, "sha256": self.entries[-1].sha256}


def actor(what: str) -> str:
    """'introstudio golive (ana on lab-pc)': the program and the computer account that did it."""
    try:
        user = getpass.getuser()
    except (KeyError, OSError):
        user = "unknown user"
    return f"{what} ({user} on {socket.gethostname()})"


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _canonical(entry: dict[str, Any]) -> bytes:
    return json.dumps(entry, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def _clean(value: Any, path: str = "details") -> Any:
    """`value` with nothing that looks like a secret; such keys and values are dropped and logged."""
    if isinstance(value, dict):
        out = {}
        for k, v in value.items():
            if _SECRET_KEY.search(str(k)):
                log.warning("audit: left out %s.%s (looks like a secret)", path, k)
                continue
            out[str(k)] = _clean(v, f"{path}.{k}")
        return out
    if isinstance(value, (list, tuple)):
        return [_clean(v, path) for v in value]
    if isinstance(value, str) and _SECRET_VALUE.search(value):
        log.warning("audit: removed a value of %s (looks like a secret)", path)
        return "[removed: looked like a secret]"
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    return str(value)


def _lines(file: Path) -> list[bytes]:
    try:
        data = file.read_bytes()
    except FileNotFoundError:
        return []
    return data.split(b"\n")[:-1] if data.endswith(b"\n") else data.split(b"\n") if data else []


def append(folder: str | os.PathLike[str], event: str, by: str, details: dict[str, Any] | None = None
           ) -> dict[str, Any]:
    """Append one entry under the log's lock (fsynced); returns {"seq", "sha256"}, the new head."""
    if event not in EVENTS:
        raise ValueError(f"unknown audit event {event!r}")
    folder = Path(folder)
    file = folder / AUDIT_FILE
    with FileLock(folder / AUDIT_LOCK, "writing the audit log", wait=30.0):
        lines = _lines(file)
        prev, seq = GENESIS, 1
        if lines:
            prev = _sha(lines[-1])
            try:
                seq = int(json.loads(lines[-1]).get("seq", len(lines))) + 1
            except (ValueError, AttributeError):  # a damaged last line: verify names it; keep counting
                seq = len(lines) + 1
        entry: dict[str, Any] = {"seq": seq, "at": now_iso(), "event": event, "by": _clean(by, "by"),
                                 "details": _clean(details or {}), "prev": prev}
        entry["hash"] = _sha(_canonical(entry))
        line = _canonical(entry)
        fd = os.open(file, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
        try:
            data = line + b"\n"
            if file.stat().st_size and not _ends_with_newline(file):
                data = b"\n" + data  # after a torn write: start a fresh line (verify reports the torn one)
            os.write(fd, data)
            os.fsync(fd)
        finally:
            os.close(fd)
    log.info("audit %s #%d in %s", event, seq, folder)
    return {"seq": seq, "sha256": _sha(line)}


def _ends_with_newline(file: Path) -> bool:
    with open(file, "rb") as fh:
        fh.seek(-1, os.SEEK_END)
        return fh.read(1) == b"\n"


def record(folder: str | os.PathLike[str], event: str, by: str, details: dict[str, Any] | None = None
           ) -> dict[str, Any] | None:
    """`append` for steps whose own work is already done (export, captions, upload): a log that cannot be
    written is logged and reported as None, never undoing or failing the step."""
    try:
        return append(folder, event, by, details)
    except Exception:  # noqa: BLE001 - the step succeeded; the missing entry shows as a gap nowhere, so log it
        log.exception("audit: could not append %s to %s", event, folder)
        return None


def verify(folder: str | os.PathLike[str], heads: Iterable[tuple[str, dict[str, Any]]] = ()) -> AuditReport:
    """Read the whole log and check every line's hash and link; `heads` are (what, {"seq","sha256"}) recorded
    elsewhere (approvals, go-live) that the log must still contain."""
    file = Path(folder) / AUDIT_FILE
    report = AuditReport(file)
    prev, expected_seq = GENESIS, 1
    for number, raw in enumerate(_lines(file), start=1):
        try:
            entry = json.loads(raw.decode("utf-8"))
            if not isinstance(entry, dict):
                raise ValueError("not an object")
        except (ValueError, UnicodeDecodeError):
            report.problems.append(f"line {number} is not a readable entry: it was edited or damaged.")
            prev, expected_seq = _sha(raw), expected_seq + 1
            continue
        seq = entry.get("seq")
        label = f"line {number} (entry {seq}, {entry.get('event', '?')} at {entry.get('at', '?')})"
        body = {k: v for k, v in entry.items() if k != "hash"}
        if entry.get("hash") != _sha(_canonical(body)):
            report.problems.append(f"{label} was edited: its content no longer matches its hash.")
        if isinstance(seq, int) and seq > expected_seq:
            missing = f"entry {expected_seq}" if seq == expected_seq + 1 else f"entries {expected_seq}-{seq - 1}"
            report.problems.append(f"{missing} before {label} {'is' if seq == expected_seq + 1 else 'are'} "
                                   "missing: deleted from the log.")
        elif entry.get("prev") != prev:
            report.problems.append(f"{label} does not follow the line before it: a line before it was edited, "
                                   "deleted or inserted.")
        sha = _sha(raw)
        report.entries.append(AuditEntry(number, seq if isinstance(seq, int) else -1, str(entry.get("at", "")),
                                         str(entry.get("event", "")), str(entry.get("by", "")),
                                         details if isinstance(details := entry.get("details"), dict) else {},
                                         sha))
        prev, expected_seq = sha, (seq if isinstance(seq, int) else expected_seq) + 1
    by_seq = {e.seq: e for e in report.entries}
    for what, head in heads:
        if not isinstance(head, dict) or not isinstance(head.get("seq"), int):
            continue
        found = by_seq.get(head["seq"])
        if found is None:
            last = report.entries[-1].seq if report.entries else 0
            report.problems.append(f"{what} was recorded at entry {head['seq']}, but the log ends at entry {last}: "
                                   "lines were deleted from its end.")
        elif found.sha256 != head.get("sha256"):
            report.problems.append(f"line {found.line} (entry {found.seq}) is not the entry {what} was recorded at: "
                                   "it was edited or replaced.")
    return report


def describe(entry: AuditEntry) -> str:
    """One readable line of history: '2026-12-05 18:40 golive: public (introstudio golive (ana on pc))'."""
    d = entry.details
    what = {
        "export": lambda: f"exported {d.get('file', '')} (SHA-256 {str(d.get('sha256', ''))[:12]})",
        "captions": lambda: f"captions {d.get('action', 'changed')}: {d.get('cues', '?')} captions, take "
                            f"{d.get('take_id', '?')}",
        "upload": lambda: f"uploaded as video {d.get('video_id', '')} ({d.get('privacy', '')})",
        "approval": lambda: f"{d.get('role', '')} approval by {d.get('name', '')}"
                            + (" with consent form" if d.get("consent_form") else ""),
        "golive": lambda: f"went live: {d.get('from', '?')} -> {d.get('to', '?')} (video {d.get('video_id', '')})",
        "takedown": lambda: f"taken down: {d.get('from', '?')} -> private; reason: {d.get('reason', '')}",
    }.get(entry.event, lambda: entry.event)()
    return f"{entry.at.replace('T', ' ')[:16]}  #{entry.seq} {what}  [{entry.by}]"
