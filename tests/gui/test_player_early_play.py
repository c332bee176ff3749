"""Play pressed as soon as a file is loaded plays it (the open's queued pause used to undo it)."""

from __future__ import annotations

from PySide6.QtCore import Qt


def test_play_pressed_before_the_first_frame_plays(qtbot, clip_file):
    from introstudio.gui.widgets.player import Player

    player = Player(trim=False)
    qtbot.addWidget(player)
    player.show()
    qtbot.waitExposed(player)
    player.load(clip_file, fps=25, duration=2.0)
    qtbot.mouseClick(player.play_button, Qt.MouseButton.LeftButton)  # before the file has even opened
    qtbot.waitUntil(lambda: player.position() > 0.5, timeout=8000)
    assert player.play_button.text() == "Pause"
    player.release()
    qtbot.waitUntil(lambda: player.media.source().isEmpty(), timeout=10000)
