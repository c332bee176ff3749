"""Child process for the crash test: records programmatic frames in real time until it is killed.

Usage: python record_child.py PROJECT_DIR
Prints "raw PATH" once recording starts and "sent N" after every frame; never stops by itself (a
safety timer quits after 60 s so a broken test cannot leave it running).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import numpy as np
from PySide6.QtCore import QSize, QTimer
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QApplication

from introstudio.core.project.store import open_project
from introstudio.gui.recorder import Recorder
from introstudio.gui.synthetic import SyntheticSource

SIZE = QSize(640, 360)
_rng = np.random.default_rng(7)


def noisy_frame(index: int, size: QSize) -> QImage:
    """Noise (a worst case for the encoder) so the file grows quickly and is flushed often."""
    pixels = _rng.integers(0, 256, (size.height(), size.width(), 4), dtype=np.uint8)
    pixels[..., 3] = 255
    pixels[: size.height() // 8, : size.width() * (index % 25 + 1) // 25] = 255  # a growing bar per second
    return QImage(pixels.data, size.width(), size.height(), size.width() * 4, QImage.Format.Format_RGBA8888).copy()


def main() -> int:
    app = QApplication(sys.argv[:1])
    pf = open_project(Path(sys.argv[1]))
    recorder = Recorder()
    source = SyntheticSource(size=SIZE, fps=25, realtime=True, frame_maker=noisy_frame)
    recorder.use_synthetic(source)
    source.frames_sent.connect(lambda n: print(f"sent {n}", flush=True))
    recorder.failed.connect(lambda text: print(f"failed {text}", flush=True))
    raw = recorder.start(pf.media_dir)
    print(f"raw {raw}", flush=True)
    QTimer.singleShot(60_000, app.quit)
    return app.exec()


if __name__ == "__main__":
    sys.exit(main())
