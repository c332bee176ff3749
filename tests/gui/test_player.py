"""The take player keeps a file open only while it is on screen, and comes back where it was."""

from __future__ import annotations

from PySide6.QtMultimedia import QMediaPlayer


def test_the_decoder_runs_only_while_the_player_is_shown(qtbot, clip_file):
    from introstudio.gui.widgets.player import Player

    player = Player(trim=True)
    qtbot.addWidget(player)
    player.load(clip_file, fps=25, duration=2.0, trim_in=0.4)
    assert player.media.source().isEmpty()  # hidden: nothing is decoding
    assert player.position() == 0.4 and player.trim_in.value() == 0.4
    player.show()
    qtbot.waitExposed(player)
    qtbot.waitUntil(lambda: player.media.source().toLocalFile() == str(clip_file), timeout=5000)
    qtbot.waitUntil(lambda: player.media.mediaStatus() in (QMediaPlayer.MediaStatus.LoadedMedia,
                                                           QMediaPlayer.MediaStatus.BufferedMedia), timeout=5000)
    player.seek(1.2)
    qtbot.waitUntil(lambda: abs(player.position() - 1.2) < 0.05, timeout=5000)
    player.hide()
    assert abs(player.position() - 1.2) < 0.05  # remembered
    qtbot.waitUntil(lambda: player.media.source().isEmpty(), timeout=5000)  # closed from the event loop
    player.show()
    qtbot.waitUntil(lambda: abs(player.media.position() / 1000 - 1.2) < 0.05, timeout=5000)  # back where it was
    player.release()
    assert player.source is None
    qtbot.waitUntil(lambda: player.media.source().isEmpty(), timeout=5000)


def test_pages_with_players_can_be_destroyed_while_shown(qtbot, project):
    """Destroying a shown page with an open file could deadlock PySide6 (decoder threads vs Python's lock).

    The hang itself depends on thread timing; the invariant that prevents it (a closed page holds no open
    file) is what this checks, and then the pages are destroyed for real.
    """
    from PySide6.QtCore import QCoreApplication, QEvent

    from introstudio.gui.operations import Operation
    from introstudio.gui.pages.captions import CaptionsPage
    from introstudio.gui.pages.takes import TakesPage

    for kind in (TakesPage, CaptionsPage, TakesPage):
        page = kind()
        page.refresh(project)
        page.show()
        qtbot.waitExposed(page)
        qtbot.waitUntil(lambda: not page.player.media.source().isEmpty(), timeout=5000)
        qtbot.wait(200)  # decoder threads up and running
        page.close()
        # What keeps the destructor from waiting on decoder threads (a load still running is closed as it ends).
        qtbot.waitUntil(lambda: page.player.media.source().isEmpty(), timeout=10000)
        qtbot.waitUntil(lambda: not Operation.running_operations(), timeout=30000)  # e.g. the thumbnails job
        page.deleteLater()
        QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)


def test_a_file_loaded_while_shown_opens_at_its_trim_in(qtbot, clip_file):
    from introstudio.gui.widgets.player import Player

    player = Player(trim=True)
    qtbot.addWidget(player)
    player.show()
    qtbot.waitExposed(player)
    player.load(clip_file, fps=25, duration=2.0)
    player.seek(1.5)
    qtbot.waitUntil(lambda: abs(player.position() - 1.5) < 0.05, timeout=5000)
    player.load(clip_file, fps=25, duration=2.0, trim_in=0.4)  # another take, trimmed: not where the last one was
    qtbot.waitUntil(lambda: abs(player.media.position() / 1000 - 0.4) < 0.05, timeout=5000)


def test_hiding_or_reloading_while_the_file_still_loads_never_blocks(qtbot, clip_file, tmp_path):
    """Stopping or changing the source from Python could deadlock with the backend's threads; the player queues
    those calls to the event loop, and ends up where it was last asked to be."""
    from introstudio.gui.widgets.player import Player

    player = Player(trim=True)
    qtbot.addWidget(player)
    player.show()
    qtbot.waitExposed(player)
    for _ in range(5):  # hide at once, show, load again: each while the previous load may still run
        player.load(clip_file, fps=25, duration=2.0)
        player.play()
        player.hide()
        player.show()
    player.hide()
    qtbot.waitUntil(lambda: player.media.source().isEmpty(), timeout=10000)
    player.show()
    qtbot.waitUntil(lambda: player.media.source().toLocalFile() == str(clip_file)
                    and player.media.mediaStatus() in (QMediaPlayer.MediaStatus.LoadedMedia,
                                                       QMediaPlayer.MediaStatus.BufferedMedia), timeout=10000)
    player.release()
    qtbot.waitUntil(lambda: player.media.source().isEmpty(), timeout=10000)
