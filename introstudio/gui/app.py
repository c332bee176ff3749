"""Start the desktop app: QApplication, the main window, and the screenshot-and-exit mode."""

from __future__ import annotations

import gc
import logging
import sys
import time
from pathlib import Path
from typing import Any

from introstudio.core.errors import InvalidInputError
from introstudio.core.context import AppContext

log = logging.getLogger("introstudio.gui")

SCREENSHOT_SIZE = (1280, 800)
SCREENSHOT_TIMEOUT = 30.0  # seconds to wait for background work (thumbnails, previews) before grabbing
SCREENSHOT_SETTLE = 0.6  # seconds after showing before the window counts as laid out


def run_gui(project_dir: Path | None, page: str | None, screenshot: Path | None, ctx: AppContext) -> int:
    """Open the main window (on `project_dir`, at `page`); with `screenshot`, save a PNG of it and exit.

    `ctx` is the application context the CLI built (folders, settings with the organisation's defaults); a
    settings file that could not be read is shown once the window is up, with the defaults in use.
    """
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QGuiApplication
    from PySide6.QtWidgets import QApplication

    from introstudio.gui.pages import PAGE_NAMES, page_name

    step = None
    if page:
        step = page_name(page)
        if step is None:
            raise InvalidInputError(f"There is no page called {page!r}.", f"Pages: {', '.join(PAGE_NAMES)}.")
    if screenshot is not None and Path(screenshot).suffix.lower() != ".png":
        raise InvalidInputError(f"{screenshot}: screenshots are PNG files.", "Give a file name ending in .png.")

    if QApplication.instance() is None:
        QGuiApplication.setHighDpiScaleFactorRoundingPolicy(Qt.HighDpiScaleFactorRoundingPolicy.PassThrough)
    app = QApplication.instance() or QApplication([sys.argv[0] if sys.argv else "introstudio"])
    app.setApplicationName("IntroStudio")
    app.setApplicationDisplayName("IntroStudio")
    from introstudio.gui import style

    style.apply(app)  # the one visual language: palette, type, stylesheet (gui/style.py)
    from introstudio.gui.main_window import MainWindow

    window, settings_error = MainWindow(ctx.paths, ctx.settings, remember=screenshot is None), ctx.settings_error
    from introstudio.gui.operations import Operation

    app.aboutToQuit.connect(Operation.cancel_all)
    gc.freeze()  # start-up objects leave the collector's scans: fewer long pauses on the UI thread

    if screenshot is not None:
        if project_dir is not None:
            from introstudio.core.project.store import open_project

            window.set_project(open_project(project_dir), step)  # errors reach the CLI's report
        return _screenshot(app, window, Path(screenshot))

    folder = project_dir or window.last_project()
    if folder is not None:
        if project_dir is None and step is None:  # reopened after a restart (or a crash): as it was
            step = window.last_page()
        window.open_folder(Path(folder), step)
    window.show()
    if settings_error is not None:
        from introstudio.gui.errors import show_error

        show_error(window, settings_error)
    return int(app.exec())


def _screenshot(app: Any, window: Any, out: Path) -> int:
    """Show the window, wait until it is laid out and its background work is done, save it, quit."""
    from PySide6.QtCore import QTimer

    from introstudio.gui.operations import Operation

    window.fit_to_screen(*SCREENSHOT_SIZE)  # smaller on a small or 200%-scaled screen
    window.show()
    shown = time.monotonic()
    outcome = {"code": 1}
    quiet_polls = {"n": 0}

    def poll() -> None:
        elapsed = time.monotonic() - shown
        busy = bool(Operation.running_operations())
        quiet_polls["n"] = 0 if busy else quiet_polls["n"] + 1
        if (quiet_polls["n"] < 3 or elapsed < SCREENSHOT_SETTLE) and elapsed < SCREENSHOT_TIMEOUT:
            return
        timer.stop()
        if busy:
            log.warning("screenshot taken while background work was still running")
        out.parent.mkdir(parents=True, exist_ok=True)
        image = window.grab()
        ok = image.save(str(out), "PNG")
        outcome["code"] = 0 if ok else 1
        if ok:
            print(f"{out} ({image.width()}x{image.height()})")
        else:
            print(f"error: could not write {out}", file=sys.stderr)
        window.close()
        app.quit()

    timer = QTimer(window)
    timer.setInterval(100)
    timer.timeout.connect(poll)
    timer.start()
    app.exec()
    return outcome["code"]
