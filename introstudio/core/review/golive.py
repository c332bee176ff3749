"""Go live and take down: change the uploaded video's privacy with `videos.update` (part=status, 50 units).

Go-live happens only when every approval the organisation requires is current for exactly what was uploaded
(the uploaded file's SHA-256 is the approved export's). Both run under the project's publish lock (no upload or
other privacy change of the project meanwhile), re-read project.json under it, read the video's status first
(`videos.list part=status`, 1 unit) and send that status back with only `privacyStatus` changed: videos.update
resets the status properties a request leaves out. Quota is counted by the ledger and checked before anything
is sent. Each change is recorded in the project's review state and appended to the audit log.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from introstudio.core.errors import UserError
from introstudio.core.jobs import Job, Progress
from introstudio.core.locks import publish_lock
from introstudio.core.project.model import now_iso
from introstudio.core.project.store import ProjectFolder
from introstudio.core.review import audit
from introstudio.core.review.approvals import ApprovalsMissingError, NotReadyError, review_status, withdraw_all
from introstudio.core.review.policy import ApprovalPolicy
from introstudio.core.review.web import WEB_DIR, WebOutputs, withdraw_web_outputs, write_web_outputs

log = logging.getLogger(__name__)

MUTABLE_STATUS = ("privacyStatus", "embeddable", "license", "publicStatsViewable", "publishAt",
                  "selfDeclaredMadeForKids", "containsSyntheticMedia")
LOCK_WAIT = 5.0


class PrivacyNotChangedError(UserError):
    """YouTube answered but kept the old privacy (e.g. an unverified API project locks uploads private)."""


@dataclass(frozen=True)
class PrivacyChange:
    """What go-live or take-down did on YouTube."""

    video_id: str
    before: str
    after: str
    units: int  # quota units spent
    changed: bool  # False: it already was `after`, nothing was updated
    web: WebOutputs | None = None
    removed: tuple[Path, ...] = ()

    @property
    def url(self) -> str:
        return f"https://youtu.be/{self.video_id}"


Connect = Callable[[Sequence[str]], Any]


def check_ready(pf: ProjectFolder, policy: ApprovalPolicy, kit: str | None = None) -> Any:
    """The review status, or ApprovalsMissingError naming every missing or stale approval; also checks that the
    video on YouTube was uploaded from the approved export."""
    status = review_status(pf, policy, kit)
    if not status.ready:
        raise ApprovalsMissingError(
            "Not live: " + "; ".join(status.missing()) + ".",
            "Write the review page (`introstudio review DIR`), and record each approval with `introstudio approve "
            "DIR --as NAME --role ROLE` once the reviewer has confirmed what it shows.")
    video_id = pf.project.publish.video_id
    if not video_id:
        raise NotReadyError("Not live: the video has not been uploaded yet.",
                        "Upload it privately first: `introstudio publish DIR` (then go live).")
    uploaded = (pf.project.publish.upload or {}).get("sha256")
    approved = status.subject.video.get("sha256") if status.subject else None
    if uploaded != approved:
        raise ApprovalsMissingError(
            f"Not live: video {video_id} on YouTube was uploaded from another export than the approved one.",
            "Upload the approved export (`introstudio publish DIR --new-video`), then go live.")
    return status


def _need(ledger: Any, units: int, again: str) -> None:
    """Refuse before sending anything when today's quota cannot pay for the change (nothing is queued)."""
    if ledger is None:
        return
    from introstudio.core.publish.errors import QuotaExceededError
    from introstudio.core.publish.quota import Need

    if not ledger.fits(Need(units, 0)):
        left, reset = ledger.usage().units_left, ledger.next_reset().astimezone()
        raise QuotaExceededError(
            f"Nothing was changed: changing the video's privacy needs {units} quota units, but only {left} are left "
            "today.", f"Run `{again}` again after YouTube's daily reset at {reset:%H:%M} on {reset:%a %d %b} "
            "(midnight Pacific time)" + ("; to take it down at once, make it private in YouTube Studio." if
                                          "takedown" in again else "."))


def _set_privacy(api: Any, video_id: str, privacy: str, fraction: float) -> Job[tuple[str, str, int]]:
    """(before, after, units): videos.list the status, then videos.update it when it differs."""
    listing = yield from api.execute("videos.list", lambda: api.service.videos().list(part="status", id=video_id),
                                     fraction)
    items = listing.get("items") or []
    if not items:
        raise UserError(f"YouTube has no video {video_id} any more (deleted in YouTube Studio?).",
                        "Upload the video again with `introstudio publish DIR --new-video`.")
    status = dict(items[0].get("status") or {})
    before = str(status.get("privacyStatus", ""))
    if before == privacy:
        return before, before, 1
    body_status = {k: status[k] for k in MUTABLE_STATUS if k in status}
    body_status["privacyStatus"] = privacy
    if privacy != "private":
        body_status.pop("publishAt", None)  # a scheduled time is only allowed on a private video
    body = {"id": video_id, "status": body_status}
    yield Progress(fraction + 0.3, f"Making the video {privacy}")
    updated = yield from api.execute("videos.update",
                                     lambda: api.service.videos().update(part="status", body=body), fraction + 0.4)
    after = str((updated.get("status") or {}).get("privacyStatus", ""))
    return before, after, 51


def _connect(connect: Connect) -> Any:
    """The API with the permission videos.update needs (youtube.force-ssl, the one captions need too)."""
    from introstudio.core.publish.auth import scopes_for
    from introstudio.core.publish.errors import AuthError

    try:
        return connect(scopes_for(True))
    except AuthError as exc:
        if "force-ssl" not in exc.message:
            raise
        raise AuthError("Nothing was changed: the YouTube sign-in does not allow changing a video's privacy "
                        "(youtube.force-ssl).", "Run `introstudio auth login` again and allow every permission "
                        "IntroStudio asks for.") from exc


def go_live(pf: ProjectFolder, policy: ApprovalPolicy, *, connect: Connect, ledger: Any = None,
            actor: str = "IntroStudio", kit: str | None = None) -> Job[PrivacyChange]:
    """Make the approved, uploaded video `public`/`unlisted`, then write the web team's files."""
    check_ready(pf, policy, kit)  # before the lock and the network: say what is missing at once
    yield Progress(0.0, "Checking the approvals")
    with publish_lock(pf.folder, f"{actor} (going live)", LOCK_WAIT):
        pf.reload()  # what another process recorded meanwhile (a take-down, a new export, an approval)
        status = check_ready(pf, policy, kit)
        video_id = str(pf.project.publish.video_id)
        _need(ledger, 51, "introstudio golive DIR")
        api = _connect(connect)
        before, after, units = yield from _set_privacy(api, video_id, status.visibility, 0.2)
        if after != status.visibility:
            raise PrivacyNotChangedError(
                f"YouTube kept video {video_id} {after or 'unchanged'} instead of making it {status.visibility}.",
                "Videos uploaded through an unverified API project stay private: have the Google Cloud project "
                "verified (YouTube API audit), or change the visibility in YouTube Studio.")
        by = audit.actor(actor)
        approvals = [{"role": r.role, "name": r.current.get("name"), "approval_id": r.current.get("id"),
                      "digest": r.current.get("digest")} for r in status.roles if r.required and r.current]
        head = audit.append(pf.folder, "golive", by, {
            "video_id": video_id, "from": before, "to": after, "units": units, "approvals": approvals,
            "video_sha256": status.subject.video.get("sha256") if status.subject else None})
        at = now_iso()
        pf.project.review.update(state="live", privacy=after, live_at=at, live_by=by, video_id=video_id,
                                 approvals=[a["approval_id"] for a in approvals], golive_audit=head)
        pf.save()
    yield Progress(0.9, "Writing the web page files")
    web = write_web(pf, status.subject, video_id, at)
    yield Progress(1.0, f"Live: {after}")
    return PrivacyChange(video_id, before, after, units, before != after, web)


def write_web(pf: ProjectFolder, subject: Any, video_id: str, at: str) -> WebOutputs:
    """The web team's files from the approved captions and metadata."""
    from introstudio.core.captions.formats import read_captions

    srt = (subject.captions.get("srt") or subject.captions.get("vtt") or {}).get("file")
    cues = read_captions(pf.resolve(srt)).cues if srt else []
    upload = pf.project.publish.upload or {}
    uploaded = str(upload.get("finished_at") or at)
    meta = subject.metadata
    return write_web_outputs(pf.folder / WEB_DIR, video_id, str(meta.get("title", "")),
                             str(meta.get("description", "")), uploaded, subject.duration, cues,
                             str(meta.get("language") or "en"))


def take_down(pf: ProjectFolder, reason: str, *, connect: Connect, ledger: Any = None,
              actor: str = "IntroStudio") -> Job[PrivacyChange]:
    """Make the video private again (a clinician left, a detail is wrong); withdraws every approval."""
    reason = " ".join(str(reason or "").split())
    if not reason:
        raise UserError("A take-down needs a reason.", 'Pass --reason "..." (e.g. "Dr. Lopez left in March").')
    yield Progress(0.0, "Taking the video down")
    with publish_lock(pf.folder, f"{actor} (taking down)", LOCK_WAIT):
        pf.reload()
        video_id = pf.project.publish.video_id
        if not video_id:
            raise UserError("There is nothing to take down: this project has no video on YouTube.",
                            "Check the project folder; `introstudio info DIR` shows what was published.")
        _need(ledger, 51, "introstudio takedown DIR")
        api = _connect(connect)
        before, after, units = yield from _set_privacy(api, video_id, "private", 0.2)
        if after != "private":
            raise PrivacyNotChangedError(f"YouTube kept video {video_id} {after}.",
                                         "Make it private in YouTube Studio now, then run takedown again.")
        by = audit.actor(actor)
        head = audit.append(pf.folder, "takedown", by, {"video_id": video_id, "from": before, "to": after,
                                                        "units": units, "reason": reason})
        at = now_iso()
        withdraw_all(pf, reason)
        pf.project.review.update(state="taken down", privacy=after, taken_down_at=at, taken_down_by=by,
                                 takedown_reason=reason, takedown_audit=head)
        pf.save()
    removed = withdraw_web_outputs(pf.folder / WEB_DIR, reason, at)
    yield Progress(1.0, "Private")
    return PrivacyChange(video_id, before, after, units, before != after, None, tuple(removed))
