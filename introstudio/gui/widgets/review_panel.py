"""Review and approval, in the app: the review page, approvals (with a consent form), go live, take down, history.

Reached from the Publish page ("Review and approval…"). It drives the same core as `introstudio review`,
`approve`, `golive`, `takedown` and `audit`; YouTube calls run in the background like the upload does.
"""

from __future__ import annotations

import html
import logging
import os
from pathlib import Path
from typing import Any

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from introstudio.core.context import AppContext
from introstudio.core.errors import IntroStudioError
from introstudio.core.paths import AppPaths
from introstudio.core.project.store import ProjectFolder
from introstudio.core.review.approvals import ROLE_NAMES, record_approval, review_status, statements
from introstudio.core.review.policy import ROLES, load_policy
from introstudio.core.settings import Settings
from introstudio.gui import errors
from introstudio.gui.external_changes import worker_folder
from introstudio.gui.operations import Operation
from introstudio.gui.widgets.dialogs import Ask

log = logging.getLogger("introstudio.gui")


class ReviewAsk:
    """The panel's own questions, patched in tests like `Ask`."""

    @classmethod
    def consent_form(cls, parent: QWidget | None) -> Path | None:
        file, _ = QFileDialog.getOpenFileName(parent, "Attach the signed consent (release) form", str(Path.home()),
                                              "Signed forms (*.pdf *.png *.jpg *.jpeg *.tif *.tiff *.webp)")
        return Path(file) if file else None

    @classmethod
    def takedown_reason(cls, parent: QWidget | None) -> str | None:
        text, ok = QInputDialog.getText(parent, "Take the video down",
                                        "Why? (kept in the project's history, e.g. “Dr. Lopez left in March”)")
        return text.strip() if ok and text.strip() else None


class ReviewPanel(QWidget):
    """State, approvals and history of one project, with the actions that change them."""

    def __init__(self, pf: ProjectFolder, paths: AppPaths, settings: Settings, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.pf = pf
        self.ctx = AppContext(paths, settings, dict(os.environ))  # the app is an edge: the environment is read here
        self.kit = self.ctx.brand_kit(pf)
        self.consent: Path | None = None
        self.operation: Operation | None = None
        layout = QVBoxLayout(self)
        self.state = QLabel()
        self.state.setObjectName("reviewState")
        self.state.setWordWrap(True)
        layout.addWidget(self.state)
        self.approvals = QLabel()
        self.approvals.setObjectName("approvalsList")
        self.approvals.setWordWrap(True)
        layout.addWidget(self.approvals)
        self.page_button = self._button("Write the &review page", "Write the review page and show its folder",
                                        self.write_page)
        layout.addWidget(self.page_button)

        form = QFormLayout()
        self.name = QLineEdit()
        self.name.setAccessibleName("Approver's full name")
        self.name.textChanged.connect(self._update_buttons)
        self.role = QComboBox()
        self.role.setAccessibleName("Approver's role")
        for role in ROLES:
            self.role.addItem(ROLE_NAMES[role].capitalize(), role)
        self.role.currentIndexChanged.connect(self._show_statements)
        self.statements = QLabel()
        self.statements.setWordWrap(True)
        self.confirmed = QCheckBox("The reviewer watched the video and confirms the statements above")
        self.confirmed.toggled.connect(self._update_buttons)
        self.consent_button = self._button("Attach signed &consent form…", "Attach the clinician's signed consent "
                                           "form", self.choose_consent)
        form.addRow("Approver", self.name)
        form.addRow("Role", self.role)
        form.addRow("", self.statements)
        form.addRow("", self.consent_button)
        form.addRow("", self.confirmed)
        layout.addLayout(form)
        row = QHBoxLayout()
        self.approve_button = self._button("Record &approval", "Record this approval", self.approve)
        self.golive_button = self._button("&Go live…", "Make the approved video public on YouTube", self.go_live)
        self.takedown_button = self._button("&Take down…", "Make the video private again", self.take_down)
        for button in (self.approve_button, self.golive_button, self.takedown_button):
            row.addWidget(button)
        row.addStretch(1)
        layout.addLayout(row)
        self.result = QLabel()
        self.result.setObjectName("reviewResult")
        self.result.setWordWrap(True)
        layout.addWidget(self.result)
        history = QLabel("History (audit log)")
        layout.addWidget(history)
        self.history = QPlainTextEdit()
        self.history.setReadOnly(True)
        self.history.setAccessibleName("History of this video: the audit log")
        history.setBuddy(self.history)
        layout.addWidget(self.history, 1)
        self.refresh()

    def _button(self, text: str, name: str, slot: Any) -> QPushButton:
        button = QPushButton(text)
        button.setAccessibleName(name)
        button.clicked.connect(slot)
        return button

    def policy(self) -> Any:
        return load_policy(self.kit)

    # --- showing ---------------------------------------------------------------------------------------
    def refresh(self) -> None:
        """Check the approvals against the project as it is now and show them with the history."""
        from introstudio.core.review.approvals import audit_heads
        from introstudio.core.review.audit import describe, verify

        try:
            policy = self.policy()
            self.status = review_status(self.pf, policy, self.kit)
        except IntroStudioError as exc:
            self.status = None
            self.state.setText(f"{exc.message} {exc.hint}")
        if self.status is not None:
            s = self.status
            video = self.pf.project.publish.video_id
            self.state.setText(f"State: <b>{html.escape(s.state)}</b>. "
                               + (f"On YouTube as https://youtu.be/{video}. " if video else "Not uploaded yet. ")
                               + f"Going live makes it {html.escape(s.visibility)}.")
            lines = []
            for r in s.roles:
                what = (f"✔ approved by {html.escape(r.current['name'])} at {html.escape(r.current['at'])}"
                        if r.ok else f"✘ {html.escape(r.problem)}")
                lines.append(f"{html.escape(ROLE_NAMES[r.role].capitalize())}"
                             f"{'' if r.required else ' (optional)'}: {what}")
            if s.subject is None:
                lines.append(html.escape(s.subject_error))
            self.approvals.setText("<br>".join(lines))
        report = verify(self.pf.folder, audit_heads(self.pf))
        text = [describe(e) for e in report.entries] or ["Nothing recorded yet."]
        text.append("Intact: every entry is chained by SHA-256." if report.ok else
                    "⚠ The log was changed: " + " ".join(report.problems))
        self.history.setPlainText("\n".join(text))
        self._show_statements()
        self._update_buttons()

    def _show_statements(self) -> None:
        role = self.role.currentData()
        visibility = self.status.visibility if self.status else "public"
        self.statements.setText("\n".join(f"• {t}" for t in statements(role, visibility,
                                                                          self.pf.project.clinician.organisation)))
        self.consent_button.setVisible(role == "clinician")
        self._update_buttons()

    def _busy(self) -> bool:
        return self.operation is not None and self.operation.running

    def _update_buttons(self) -> None:
        status = getattr(self, "status", None)
        has_subject = status is not None and status.subject is not None
        video = bool(self.pf.project.publish.video_id)
        self.approve_button.setEnabled(has_subject and bool(self.name.text().strip()) and self.confirmed.isChecked()
                                       and not self._busy())
        self.golive_button.setEnabled(bool(status and status.ready) and video and status.state != "live"
                                      and not self._busy())
        self.takedown_button.setEnabled(video and not self._busy())
        self.page_button.setEnabled(has_subject)

    # --- actions ---------------------------------------------------------------------------------------
    def write_page(self) -> Any:
        from introstudio.core.review.page import write_review_page

        try:
            page = write_review_page(self.pf, self.policy(), None, self.kit)
        except IntroStudioError as exc:
            errors.show_error(self, exc)
            return None
        self.result.setText(f"Review page: {page.index} ({page.cues} captions). Send the folder to the reviewer or "
                            "open index.html in a browser here.")
        Ask.open_folder(page.folder)
        self.refresh()
        return page

    def choose_consent(self) -> None:
        self.consent = ReviewAsk.consent_form(self)
        self.consent_button.setText(f"Consent form: {self.consent.name}" if self.consent else
                                    "Attach signed &consent form…")

    def approve(self) -> dict[str, Any] | None:
        role = self.role.currentData()
        try:
            approval = record_approval(self.pf, role, self.name.text(), self.policy(),
                                       consent_form=self.consent if role == "clinician" else None,
                                       actor="the IntroStudio app", kit=self.kit)
        except IntroStudioError as exc:
            errors.show_error(self, exc)
            return None
        self.result.setText(f"Recorded: {approval['name']} approves as {role}.")
        self.name.clear()
        self.confirmed.setChecked(False)
        self.consent = None
        self.consent_button.setText("Attach signed &consent form…")
        self.refresh()
        return approval

    def go_live(self) -> Operation | None:
        from introstudio.core.review.golive import go_live

        status = self.status
        if status is None or self._busy() or not Ask.confirm(
                self, "Go live?", f"Make the video {status.visibility} on YouTube now? "
                f"{'Anyone can find and watch it.' if status.visibility == 'public' else ''}", yes="Go live"):
            return None
        ledger = self.ctx.quota_ledger()
        folder, policy, kit, connect = self.pf.folder, self.policy(), self.kit, self.ctx.connector(ledger)
        return self._run(lambda: go_live(worker_folder(folder, "going live"), policy, connect=connect, ledger=ledger,
                                         actor="the IntroStudio app", kit=kit), "Going live")

    def take_down(self) -> Operation | None:
        from introstudio.core.review.golive import take_down

        reason = None if self._busy() else ReviewAsk.takedown_reason(self)
        if not reason:
            return None
        ledger = self.ctx.quota_ledger()
        folder, connect = self.pf.folder, self.ctx.connector(ledger)
        return self._run(lambda: take_down(worker_folder(folder, "taking the video down"), reason, connect=connect,
                                           ledger=ledger, actor="the IntroStudio app"), "Taking the video down")

    def _run(self, factory: Any, label: str) -> Operation:
        """Run on the worker's own ProjectFolder (saves merge under the lock); the window's takes it in here."""
        pf = self.pf
        self.operation = (Operation(self, factory, label).writing(pf.folder)
                          .on_success(self._changed).on_finished(lambda: (pf.reload(), self.refresh())).run())
        self._update_buttons()
        return self.operation

    def _changed(self, change: Any) -> None:
        text = f"Now {change.after}: {change.url} (was {change.before}; {change.units} quota units)."
        if change.web is not None:
            text += f" For the web page: {change.web.snippet}"
        if change.removed:
            text += " The web page files were withdrawn: take the video off the web page too."
        self.result.setText(text)


class ReviewDialog(QDialog):
    """The panel in a window of its own."""

    def __init__(self, pf: ProjectFolder, paths: AppPaths, settings: Settings, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Review and approval")
        self.panel = ReviewPanel(pf, paths, settings, self)
        layout = QVBoxLayout(self)
        layout.addWidget(self.panel)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.resize(760, 680)


def open_review_dialog(page: Any) -> ReviewDialog | None:
    """Open the dialog for the Publish page's project (non-modal, so the video can be checked meanwhile)."""
    if page.pf is None:
        return None
    dialog = ReviewDialog(page.pf, page.paths, page.settings, page)
    dialog.finished.connect(lambda _code: page.refresh(page.pf))
    dialog.show()
    page.review_dialog = dialog
    return dialog
