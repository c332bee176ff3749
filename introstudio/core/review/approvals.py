"""Consent and approvals: who approved exactly what (hashed), which approvals are current, and the project's state.

An approval stores the `Subject` it was given for. It is *current* while the subject now hashes the same (and,
for a clinician's consent form, the copied form is unchanged) and it was not withdrawn by a take-down. Go-live
needs a current approval from every role the organisation's policy requires.
"""

from __future__ import annotations

import shutil
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from introstudio.core.errors import IntroStudioError, InvalidInputError, NotFoundError, UserError
from introstudio.core.project.model import now_iso
from introstudio.core.project.store import ProjectFolder
from introstudio.core.review import audit
from introstudio.core.review.policy import ROLES, ApprovalPolicy
from introstudio.core.review.subject import Subject, changes, current_subject

APPROVALS_DIR = "approvals"
CONSENT_TYPES = {".pdf", ".png", ".jpg", ".jpeg", ".tif", ".tiff", ".webp"}
STATES = ("not exported", "exported", "uploaded", "in review", "approved", "live", "taken down")
ROLE_NAMES = {"clinician": "the clinician", "communications": "communications/compliance"}
STATEMENTS = {
    "clinician": ("I have watched this video with its captions, and read its title, description and tags.",
                  "What I say, and the details shown about me, are correct.",
                  "I consent to this video of me, with my name and likeness, being published as {visibility} "
                  "on YouTube and on {organisation}'s web pages."),
    "communications": ("The video, captions, title, description and tags meet {organisation}'s communications "
                       "and compliance standards.",
                       "The captions are accurate and complete.",
                       "It may be published as {visibility}."),
}


class NotReadyError(UserError):
    """Go-live was refused before anything was sent: the project is not ready (approvals, upload)."""


class ApprovalsMissingError(NotReadyError):
    """Go-live was refused: a required approval is missing or stale; the message names each."""


def statements(role: str, visibility: str, organisation: str) -> list[str]:
    """What a reviewer in `role` confirms, filled in."""
    return [s.format(visibility=visibility, organisation=organisation or "the organisation")
            for s in STATEMENTS[role]]


def visibility_of(pf: ProjectFolder, policy: ApprovalPolicy) -> str:
    """The visibility go-live will set: the project's choice (review.visibility), else the organisation's."""
    chosen = pf.project.review.get("visibility")
    return chosen if chosen in ("public", "unlisted") else policy.visibility


@dataclass(frozen=True)
class RoleStatus:
    """One required (or given) role: its current approval, or why there is none."""

    role: str
    required: bool
    current: dict[str, Any] | None
    problem: str  # "" when current

    @property
    def ok(self) -> bool:
        return self.current is not None


@dataclass(frozen=True)
class ReviewStatus:
    """Every role's approval against what the project would publish now, and the project's review state."""

    subject: Subject | None
    subject_error: str
    roles: tuple[RoleStatus, ...]
    state: str
    visibility: str

    @property
    def ready(self) -> bool:
        return self.subject is not None and all(r.ok for r in self.roles if r.required)

    def missing(self) -> list[str]:
        """'communications/compliance: no approval recorded', one per required role that is not current."""
        if self.subject is None:
            return [self.subject_error]
        return [f"{ROLE_NAMES[r.role]}: {r.problem}" for r in self.roles if r.required and not r.ok]


def _consent_problem(pf: ProjectFolder, approval: dict[str, Any]) -> str:
    form = approval.get("consent_form")
    if not isinstance(form, dict):
        return ""
    from introstudio.core.render.records import file_sha256

    path = pf.resolve(str(form.get("file", "")))
    if not path.is_file():
        return f"the consent form {form.get('file')} went missing"
    return "" if file_sha256(path) == form.get("sha256") else "the consent form file changed"


def review_status(pf: ProjectFolder, policy: ApprovalPolicy, kit: str | None = None) -> ReviewStatus:
    """Check every approval against the project as it is now (hashes the export: a fraction of a second)."""
    visibility = visibility_of(pf, policy)
    subject, error = None, ""
    try:
        subject = current_subject(pf, visibility, kit)
    except IntroStudioError as exc:
        error = f"{exc.message} {exc.hint}".strip()
    roles = []
    for role in ROLES:
        given = [a for a in pf.project.approvals if a.get("role") == role]
        current, problem = None, "no approval recorded"
        for approval in reversed(given):  # the newest approval of a role decides
            who = f"{approval.get('name')} approved at {approval.get('at')}"
            if approval.get("withdrawn"):
                w = approval["withdrawn"]
                problem = (f"{approval.get('name')}'s approval was withdrawn when the video was taken down "
                           f"({w.get('at', '')}: {w.get('reason', '')}); approve again")
            elif subject is None:
                problem = "cannot be checked: " + error
            elif changed := changes(Subject.from_dict(approval.get("subject") or {}), subject):
                problem = f"stale: {', '.join(changed)} changed since {who}"
            elif consent := _consent_problem(pf, approval):
                problem = f"stale: {consent} since {who}"
            elif role == "clinician" and policy.consent_form and not approval.get("consent_form"):
                problem = (f"{approval.get('name')}'s approval has no signed consent form, which the organisation "
                           "requires (approve again with --consent-form FILE)")
            else:
                current, problem = approval, ""
            break
        roles.append(RoleStatus(role, role in policy.required, current, problem))
    status = ReviewStatus(subject, error, tuple(roles), "", visibility)
    return ReviewStatus(subject, error, tuple(roles), project_state(pf, status), visibility)


def project_state(pf: ProjectFolder, status: ReviewStatus) -> str:
    """exported, uploaded, in review, approved, live or taken down (what the batch report shows)."""
    review = pf.project.review
    if review.get("state") == "live":
        return "live"
    if status.ready:
        return "approved"
    if review.get("state") == "taken down":
        return "taken down"
    if pf.project.approvals or review.get("page"):
        return "in review"
    if pf.project.publish.video_id:
        return "uploaded"
    return "exported" if pf.project.exports else "not exported"


def _copy_consent_form(pf: ProjectFolder, form: Path) -> dict[str, Any]:
    from introstudio.core.render.records import file_sha256

    form = Path(form).expanduser()
    if not form.is_file():
        raise NotFoundError(f"The consent form {form} does not exist.", "Give the path of the signed PDF or scan.")
    if form.suffix.lower() not in CONSENT_TYPES:
        raise InvalidInputError(f"{form.name} is not a PDF or an image.",
                                f"Attach the signed release form as one of: {', '.join(sorted(CONSENT_TYPES))}.")
    sha = file_sha256(form)
    folder = pf.folder / APPROVALS_DIR
    folder.mkdir(exist_ok=True)
    target = folder / f"consent-{sha[:12]}{form.suffix.lower()}"
    if not target.exists():
        partial = target.with_name(target.name + ".part")
        shutil.copyfile(form, partial)
        if file_sha256(partial) != sha:
            partial.unlink()
            raise InvalidInputError(f"{form.name} changed while it was being copied.", "Attach it again.")
        partial.replace(target)
    return {"file": pf.relative(target), "sha256": sha, "size": target.stat().st_size, "original_name": form.name}


def record_approval(pf: ProjectFolder, role: str, name: str, policy: ApprovalPolicy, *,
                    consent_form: Path | None = None, visibility: str | None = None, actor: str = "IntroStudio",
                    kit: str | None = None) -> dict[str, Any]:
    """Record `name`'s approval as `role` of exactly what the project would publish now; saves and audits."""
    if role not in ROLES:
        raise InvalidInputError(f"{role!r} is not an approval role.", f"Use one of: {', '.join(ROLES)}.")
    name = " ".join(str(name or "").split())
    if not name:
        raise InvalidInputError("An approval needs the approver's name.", 'Pass --as "Full Name".')
    if consent_form is not None and role != "clinician":
        raise InvalidInputError("A consent form is the clinician's: it goes with --role clinician.",
                                "Record the clinician's approval with --consent-form FILE.")
    if visibility is not None:
        if visibility not in ("public", "unlisted"):
            raise InvalidInputError(f"{visibility!r} is not a go-live visibility.", "Use public or unlisted.")
        pf.project.review["visibility"] = visibility
    chosen = visibility_of(pf, policy)
    subject = current_subject(pf, chosen, kit)  # raises when there is no good export to approve
    form = _copy_consent_form(pf, consent_form) if consent_form is not None else None
    organisation = pf.project.clinician.organisation
    approval: dict[str, Any] = {
        "id": uuid.uuid4().hex, "role": role, "name": name, "at": now_iso(), "by": audit.actor(actor),
        "statements": statements(role, chosen, organisation), "subject": subject.to_dict(),
        "digest": subject.digest, "consent_form": form,
    }
    head = audit.append(pf.folder, "approval", approval["by"], {
        "approval_id": approval["id"], "role": role, "name": name, "digest": subject.digest,
        "video_sha256": subject.video.get("sha256"), "visibility": chosen,
        "consent_form": None if form is None else {"file": form["file"], "sha256": form["sha256"]}})
    approval["audit_head"] = head
    pf.project.approvals.append(approval)
    pf.save()
    return approval


def withdraw_all(pf: ProjectFolder, reason: str) -> int:
    """Mark every approval withdrawn (a take-down): going live again needs fresh approvals. The caller saves."""
    count = 0
    for approval in pf.project.approvals:
        if not approval.get("withdrawn"):
            approval["withdrawn"] = {"at": now_iso(), "reason": reason}
            count += 1
    return count


def audit_heads(pf: ProjectFolder) -> list[tuple[str, dict[str, Any]]]:
    """The log heads project.json recorded (each approval, go-live, take-down) for `audit.verify`."""
    heads = [(f"{a.get('name')}'s {a.get('role')} approval", a.get("audit_head") or {})
             for a in pf.project.approvals]
    for key in ("golive_audit", "takedown_audit"):
        if isinstance(pf.project.review.get(key), dict):
            heads.append((key.replace("_audit", "").replace("golive", "the go-live"), pf.project.review[key]))
    return heads
