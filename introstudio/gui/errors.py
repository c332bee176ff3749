"""The one place the GUI reports failures: message + hint (+ tool details), silent on a user's cancel."""

from __future__ import annotations

import logging
import traceback

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox, QWidget

from introstudio.core.errors import Cancelled, IntroStudioError, ToolError, disk_error

log = logging.getLogger("introstudio.gui")


def describe(exc: BaseException) -> tuple[str, str, str]:
    """(message, hint, details) for any exception: the CLI's message, its hint in the app's words (app_hints)."""
    from introstudio.gui.app_hints import app_hint

    if isinstance(exc, ToolError):
        command = " ".join(exc.command)
        details = exc.details(30) + (f"\n\nCommand: {command}" if command else "")
        return exc.message, app_hint(exc.hint), details.strip()
    if isinstance(exc, IntroStudioError):
        return exc.message, app_hint(exc.hint), ""
    disk = disk_error(exc)  # a full, read-only or forbidden folder is the user's to fix, not a bug
    if disk is not None:
        return disk.message, disk.hint, f"{type(exc).__name__}: {exc}"
    tb = "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))
    return (f"Unexpected error: {exc!r}",
            "This is a bug. The details below are also in the IntroStudio log; please send them to support.",
            tb)


def show_error(parent: QWidget | None, exc: BaseException) -> QMessageBox | None:
    """Show `exc` as a window-modal message box (non-blocking); nothing for Cancelled."""
    if isinstance(exc, Cancelled):
        log.info("cancelled: %s", exc)
        return None
    message, hint, details = describe(exc)
    if (isinstance(exc, IntroStudioError) and not isinstance(exc, ToolError)) or disk_error(exc) is not None:
        log.info("user error: %s", message)
    else:
        log.error("%s\n%s", message, details)
    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Warning)
    box.setWindowTitle("IntroStudio")
    box.setText(message)
    box.setObjectName("errorBox")
    if hint:
        box.setInformativeText(hint)
    if details:
        box.setDetailedText(details)
    box.setStandardButtons(QMessageBox.StandardButton.Ok)
    box.setAccessibleName("Error")
    box.setAccessibleDescription(f"{message} {hint}".strip())
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    box.open()  # window-modal, does not block the event loop
    return box
