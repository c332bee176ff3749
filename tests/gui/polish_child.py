"""Child process for the studio screenshots: the start panel, Export and Publish pages as the app shows them.

Usage: python polish_child.py PROJECT_DIR HOME_DIR OUT_DIR WIDTH HEIGHT
Run on a real X display (Xvfb), with QT_SCALE_FACTOR set for 200%. Prints one JSON object: the window size and
each screenshot written, and whether the export page's player showed a frame.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from PySide6.QtCore import QEventLoop, QTimer
from PySide6.QtWidgets import QApplication


def settle(ms: int = 300) -> None:
    loop = QEventLoop()
    QTimer.singleShot(ms, loop.quit)
    loop.exec()


def main() -> int:
    project_dir, home, out = (Path(a) for a in sys.argv[1:4])
    width, height = int(sys.argv[4]), int(sys.argv[5])
    out.mkdir(parents=True, exist_ok=True)
    app = QApplication([sys.argv[0]])
    from introstudio.gui import style

    style.apply(app)
    from introstudio.core.paths import AppPaths
    from introstudio.core.settings import Settings
    from introstudio.gui.main_window import MainWindow
    from introstudio.gui.operations import Operation

    window = MainWindow(AppPaths.for_user(home), Settings(), remember=False)
    window.session.remember(project_dir)
    window.close_project()  # the start panel, with the project as a recent card
    window.fit_to_screen(width, height)
    window.show()
    window.activateWindow()
    settle(600)
    shots = {}

    def shot(name: str) -> None:
        path = out / f"{name}.png"
        window.grab().save(str(path))
        shots[name] = str(path)

    shot("start")
    window.open_folder(project_dir, "export")
    export = window.pages["export"]
    framed = False
    for _ in range(50):  # the player opens the file once it is on screen; wait for its first picture
        settle(100)
        if not export.player.video.current_image().isNull():
            framed = True
            break
    settle(300)
    shot("export")
    window.show_page("publish")
    settle(500)
    shot("publish")
    report = {"window": [window.width(), window.height()], "scale": window.devicePixelRatio(), "shots": shots,
              "player_frame": framed, "export_source": str(export.player.source)}
    Operation.cancel_all()
    window.close()
    print(json.dumps(report))
    return 0


if __name__ == "__main__":
    sys.exit(main())
