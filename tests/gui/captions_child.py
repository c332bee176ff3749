"""Child process for the caption editor's layout check: the real window on the Captions page, maximised.

Usage: [QT_SCALE_FACTOR=2] python captions_child.py PROJECT_DIR HOME_DIR SCREENSHOT.png [PAGE]
Run on a real X display (Xvfb) of the size under test. Prints one JSON object with what a user sees:
the logical screen, the window, the width of the Text column (in pixels and in average characters of
the table's font), the video pane's width, whether the page needs sideways scrolling, and the detail
line shown for the selected caption.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from PySide6.QtCore import QEventLoop, QTimer
from PySide6.QtWidgets import QAbstractButton, QApplication, QLabel, QWidget


def settle(ms: int) -> None:
    """Let the event loop run for `ms` (a local loop: QApplication.quit would close the window)."""
    loop = QEventLoop()
    QTimer.singleShot(ms, loop.quit)
    loop.exec()


def main() -> int:
    project_dir, home, shot = (Path(a) for a in sys.argv[1:4])
    name = sys.argv[4] if len(sys.argv) > 4 else "captions"
    _app = QApplication([sys.argv[0]])  # kept alive for the run
    from introstudio.core.paths import AppPaths
    from introstudio.core.project.store import open_project
    from introstudio.core.settings import Settings
    from introstudio.gui.main_window import MainWindow
    from introstudio.gui.operations import Operation
    from introstudio.gui.widgets.cue_table import COL_TEXT

    window = MainWindow(AppPaths.for_user(home), Settings(), remember=False)
    window.set_project(open_project(project_dir), name)
    room = window.screen().availableGeometry()
    window.setGeometry(room)  # Xvfb has no window manager: maximised by hand
    window.show()
    window.activateWindow()
    settle(800)
    page = window.pages[name]
    if name != "captions":  # another page: its picture and whether anything on it is squeezed
        shot.parent.mkdir(parents=True, exist_ok=True)
        window.grab().save(str(shot))
        squeezed = [w.objectName() or w.text() for w in page.findChildren(QWidget)
                    if isinstance(w, (QAbstractButton, QLabel)) and w.isVisibleTo(page) and w.text()
                    and (w.width() < w.minimumSizeHint().width() or w.height() < w.minimumSizeHint().height())]
        visible = {w.objectName(): w.isVisibleTo(page) for w in page.findChildren(QWidget) if w.objectName()}
        print(json.dumps({"squeezed": squeezed, "visible": visible, "info": getattr(page, "info", QLabel()).text(),
                          "sideways": page.scroll.horizontalScrollBar().maximum()}))
        Operation.cancel_all()
        window.close()
        return 0
    table = page.table
    table.setCurrentCell(1, COL_TEXT)
    settle(300)
    text_width = table.columnWidth(COL_TEXT)
    char = max(table.fontMetrics().averageCharWidth(), 1)
    shot.parent.mkdir(parents=True, exist_ok=True)
    window.grab().save(str(shot))
    report = {"scale": window.devicePixelRatio(), "screen": [room.width(), room.height()],
              "window": [window.width(), window.height()], "text_px": text_width,
              "text_chars": round(text_width / char, 1), "table_px": table.viewport().width(),
              "video_px": page.player.width(), "sideways": page.scroll.horizontalScrollBar().maximum(),
              "detail": page.cue_detail.text() if hasattr(page, "cue_detail") else ""}
    Operation.cancel_all()
    window.close()
    print(json.dumps(report))
    return 0


if __name__ == "__main__":
    sys.exit(main())
