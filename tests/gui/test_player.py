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
    assert player.media.source().toLocalFile() == str(clip_file)
    qtbot.waitUntil(lambda: player.media.mediaStatus() in (QMediaPlayer.MediaStatus.LoadedMedia,
                                                           QMediaPlayer.MediaStatus.BufferedMedia), timeout=5000)
    player.seek(1.2)
    qtbot.waitUntil(lambda: abs(player.position() - 1.2) < 0.05, timeout=5000)
    player.hide()
    assert player.media.source().isEmpty() and abs(player.position() - 1.2) < 0.05  # remembered
    player.show()
    qtbot.waitUntil(lambda: abs(player.media.position() / 1000 - 1.2) < 0.05, timeout=5000)  # back where it was
    player.release()
    assert player.media.source().isEmpty() and player.source is None


def test_pages_with_players_can_be_destroyed_while_shown(qtbot, project):
    """Destroying a shown page with an open file could deadlock PySide6 (decoder threads vs Python's lock).

    The hang itself depends on thread timing; the invariant that prevents it (a closed page holds no open
    file) is what this checks, and then the pages are destroyed for real.
    """
    from PySide6.QtCore import QCoreApplication, QEvent

    from introstudio.gui.pages.captions import CaptionsPage
    from introstudio.gui.pages.takes import TakesPage

    for kind in (TakesPage, CaptionsPage, TakesPage):
        page = kind()
        page.refresh(project)
        page.show()
        qtbot.waitExposed(page)
        qtbot.wait(200)  # decoder threads up and running
        assert not page.player.media.source().isEmpty()
        page.close()
        assert page.player.media.source().isEmpty()  # what keeps the destructor from waiting on decoder threads
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
