"""The two safeguards of a publish: one upload per project at a time, and captions or a recorded choice not to.

*One upload at a time.* Two publishers of one project (two staff, the app and the CLI, a batch) would each
start a resumable session and make two videos. The upload therefore runs under the project's publish lock
(`locks.publish_lock`, an OS lock that ends with its holder); a second publisher waits for it (saying who holds
it) or is refused, and once it has the lock it re-reads project.json, so it continues or reports the first
one's upload instead of starting another.

*Captions.* A clinician video without captions shuts out people who are deaf or hard of hearing (WCAG 2.1
SC 1.2.2, Section 504). Publishing an export that has none is refused unless the caller says so explicitly;
that choice is recorded in `project.publish.captions_waived` ({"at", "by", "reason", ...}) with the export it
was made for, so continuing the same upload later (a retry, the quota queue) needs no second choice.
"""

from __future__ import annotations

import getpass
import socket
import time
from typing import Any

from introstudio.core.jobs import Job, Progress
from introstudio.core.locks import FileLock, LockBusy, describe_holder, publish_lock
from introstudio.core.project.model import now_iso
from introstudio.core.project.store import ProjectFolder
from introstudio.core.publish.assets import PublishAssets
from introstudio.core.publish.errors import PublishError

NO_CAPTIONS_CHOICE = ("Publish without captions: people who are deaf or hard of hearing will not be able to "
                      "follow this video")
WAIT_POLL = 0.2  # seconds between attempts while another publisher holds the lock


class CaptionsMissingError(PublishError):
    """The export has no captions and publishing without them was not chosen explicitly; nothing was sent."""


def _who() -> str:
    try:
        user = getpass.getuser()
    except (KeyError, OSError):  # no user name in this environment (some containers)
        user = "unknown user"
    return f"{user} on {socket.gethostname()}"


def waiver_covers(pf: ProjectFolder, assets: PublishAssets, sha256: str | None = None) -> bool:
    """Whether a recorded choice to publish without captions was made for this very export."""
    waived = pf.project.publish.captions_waived
    if not isinstance(waived, dict):
        return False
    same = waived.get("file") == pf.relative(assets.video) and waived.get("size") == assets.video.stat().st_size
    return same and (sha256 is None or waived.get("sha256") in (None, sha256))


def check_caption_rule(pf: ProjectFolder, assets: PublishAssets, without_captions: bool,
                       sha256: str | None = None) -> bool:
    """Refuse an uncaptioned export unless `without_captions` (or a recorded choice for it); True = waived."""
    if without_captions:
        return True
    if assets.srt is not None:
        return False
    if waiver_covers(pf, assets, sha256):
        return True
    raise CaptionsMissingError(
        f"Nothing was uploaded: the export {assets.video.name} has no captions, so people who are deaf or hard "
        "of hearing could not follow it (WCAG 2.1 SC 1.2.2 asks for captions on every prerecorded video).",
        "Make captions for the take (`introstudio captions DIR`), render again, then publish. To publish "
        "without captions on purpose, pass --no-captions (the choice is recorded in the project).")


def record_waiver(pf: ProjectFolder, assets: PublishAssets, sha256: str, by: str) -> dict[str, Any]:
    """Write down (in memory; the caller saves) who chose to publish this export without captions, and why."""
    reason = ("the export has no captions" if assets.srt is None
              else "captions exist but were not uploaded, on request")
    waived = {"at": now_iso(), "by": f"{by} ({_who()})", "reason": reason, "file": pf.relative(assets.video),
              "size": assets.video.stat().st_size, "sha256": sha256}
    pf.project.publish.captions_waived = waived
    return waived


def hold_publish_lock(pf: ProjectFolder, what: str, wait: float) -> Job[FileLock]:
    """Take the project's publish lock, waiting up to `wait` s (with a message saying for whom); else LockBusy."""
    lock = publish_lock(pf.folder, what)
    deadline = time.monotonic() + max(0.0, wait)
    while True:
        try:
            return lock.acquire(wait=0)
        except LockBusy as busy:
            holder = describe_holder(busy.holder)
            if time.monotonic() >= deadline:
                raise LockBusy(
                    f"Nothing was uploaded: {holder} is uploading this project to YouTube.",
                    "Run publish again when that upload has finished: it then reports the same video and "
                    "uploads nothing twice" + (f" (this one waited {wait:g} s)." if wait else "."),
                    busy.holder) from None
            yield Progress(None, f"Waiting: {holder} is uploading this project")
            time.sleep(WAIT_POLL)
