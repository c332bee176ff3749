"""Child process for the 200% scaling check: opens the real window and audits every page.

Usage: QT_SCALE_FACTOR=2 python scale_child.py PROJECT_DIR HOME_DIR SCREENSHOT_DIR
Run on a real X display (Xvfb). Prints one JSON object: the logical screen size, the window size and,
per page, what a user at that scale could not see or reach ("problems"), plus where its screenshot went.

Checked on every page:
- the window fits on the screen, and nothing needs scrolling sideways (only up and down);
- no button or label is squeezed below the size its text needs (clipped words);
- every control can be brought into view (the page scrolls to it) and is reached by pressing Tab,
  and Tab never gets stuck on one control (a keyboard trap);
- no Alt+letter is used twice (menus, footer, page), and every row of the step list, the selected one
  included, is drawn at 4.5:1 contrast or more (measured from the pixels).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))  # mnemonics.py, pixels.py

from PySide6.QtCore import QEventLoop, Qt, QTimer
from PySide6.QtTest import QTest
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QAbstractSlider,
    QAbstractSpinBox,
    QApplication,
    QComboBox,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QWidget,
)

INTERACTIVE = (QAbstractButton, QComboBox, QLineEdit, QPlainTextEdit, QAbstractSpinBox, QAbstractSlider,
               QAbstractItemView)


def settle(app: QApplication, ms: int = 300) -> None:
    """Let the event loop run for `ms` (a local loop: QApplication.quit would close the window)."""
    loop = QEventLoop()
    QTimer.singleShot(ms, loop.quit)
    loop.exec()


def controls(page: QWidget) -> list[QWidget]:
    """The enabled, shown controls a user works with on `page` (not parts of other controls)."""
    found = []
    for w in page.findChildren(QWidget):
        if not isinstance(w, INTERACTIVE) or isinstance(w, QHeaderView) or not w.isVisibleTo(page):
            continue
        if not w.isEnabled() or isinstance(w.parentWidget(), (QAbstractSpinBox, QAbstractItemView, QComboBox)):
            continue
        if type(w).__name__ == "QScrollBar" or w.objectName() == "qt_scrollarea_hcontainer":
            continue
        found.append(w)
    return found


def describe(w: QWidget) -> str:
    text = w.text() if isinstance(w, (QAbstractButton, QLabel)) else ""
    return f"{type(w).__name__} {w.accessibleName() or text or w.objectName()!r}"


def tab_walk(app: QApplication, window: QWidget, page: QWidget, limit: int = 120) -> tuple[set[int], list[str]]:
    """Press Tab from the step list until focus comes back round; the page's controls it reached."""
    problems: list[str] = []
    window.steps.setFocus(Qt.FocusReason.TabFocusReason)
    app.processEvents()
    reached: set[int] = set()
    first = app.focusWidget()
    previous = first
    for _ in range(limit):
        QTest.keyClick(app.focusWidget() or window, Qt.Key.Key_Tab)
        app.processEvents()
        now = app.focusWidget()
        if now is None:
            problems.append("Tab left the window")
            break
        if now is previous:
            problems.append(f"Tab is stuck on {describe(now)}")
            break
        if page.isAncestorOf(now):
            reached.add(id(now))
            page.scroll.ensureWidgetVisible(now)
        if now is first:
            break
        previous = now
    else:
        problems.append(f"Tab never came back to the step list in {limit} presses (a loop that traps the keyboard)")
    return reached, problems


def audit(app: QApplication, window, name: str, shots: Path) -> dict:
    window.show_page(name)
    settle(app)
    page = window.pages[name]
    problems = []
    if page.scroll.horizontalScrollBar().maximum() > 0:
        problems.append(f"needs sideways scrolling ({page.scroll.horizontalScrollBar().maximum()} px)")
    for w in page.findChildren(QWidget):
        if isinstance(w, (QAbstractButton, QLabel)) and w.isVisibleTo(page) and w.text():
            hint = w.minimumSizeHint()
            if w.width() < hint.width() or w.height() < hint.height():
                problems.append(f"{describe(w)} is squeezed to {w.width()}x{w.height()}, needs {hint.width()}x{hint.height()}")
    items = controls(page)
    reached, tab_problems = tab_walk(app, window, page)
    problems += tab_problems
    for w in items:
        if id(w) not in reached and w.focusPolicy() != Qt.FocusPolicy.NoFocus:
            problems.append(f"{describe(w)} is not reached with Tab")
        page.scroll.ensureWidgetVisible(w)
        app.processEvents()
        if w.visibleRegion().isEmpty():
            problems.append(f"{describe(w)} cannot be scrolled into view")
    from mnemonics import clashes
    from pixels import step_rows_contrast

    problems += [f"Alt+{k.upper()} is used by {' and '.join(v)}" for k, v in clashes(window, page).items()]
    problems += [f"step {row!r} is drawn at {ratio:.1f}:1 contrast (needs 4.5)"
                 for row, ratio in step_rows_contrast(window.steps).items() if ratio < 4.5]
    page.scroll.verticalScrollBar().setValue(0)
    settle(app, 100)
    shot = shots / f"{name}.png"
    window.grab().save(str(shot))
    return {"problems": problems, "controls": len(items), "screenshot": str(shot),
            "scrolls": page.scroll.verticalScrollBar().maximum()}


def main() -> int:
    project_dir, home, shots = (Path(a) for a in sys.argv[1:4])
    shots.mkdir(parents=True, exist_ok=True)
    app = QApplication([sys.argv[0]])
    from introstudio.gui import style

    style.apply(app)  # the look the app has (app.py applies it once)
    from introstudio.core.paths import AppPaths
    from introstudio.core.project.store import open_project
    from introstudio.core.settings import Settings
    from introstudio.gui.main_window import MainWindow
    from introstudio.gui.operations import Operation

    window = MainWindow(AppPaths.for_user(home), Settings(), remember=False)
    window.set_project(open_project(project_dir))
    window.show()
    window.activateWindow()  # Xvfb has no window manager to give the window the keyboard
    settle(app, 500)
    room = window.screen().availableGeometry()
    report = {"scale": window.devicePixelRatio(), "screen": [room.width(), room.height()],
              "window": [window.frameGeometry().width(), window.frameGeometry().height()], "pages": {}}
    for name in window.pages:
        report["pages"][name] = audit(app, window, name, shots)
    Operation.cancel_all()
    window.close()
    print(json.dumps(report))
    return 0


if __name__ == "__main__":
    sys.exit(main())
