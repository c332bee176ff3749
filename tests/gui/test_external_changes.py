"""The open app takes in what other processes save to its project, and its own saves never erase that."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

# A separate IntroStudio process changing the profile through the core API (what any writer does).
EDIT_PROFILE = """
import sys
from pathlib import Path
from introstudio.core.project.store import open_project
pf = open_project(Path(sys.argv[1]))
for pair in sys.argv[2:]:
    key, value = pair.split("=", 1)
    setattr(pf.project.clinician, key, value)
pf.save()
"""

# Another process holding the project lock until its stdin closes (a writer that takes its time).
HOLD_LOCK = """
import sys
from introstudio.core.locks import project_lock
with project_lock(sys.argv[1], "introstudio batch", wait=10):
    print("held", flush=True)
    sys.stdin.read()
"""


def on_disk(folder: Path) -> dict:
    return json.loads((folder / "project.json").read_text(encoding="utf-8"))


def introstudio(*args: object) -> str:
    done = subprocess.run([sys.executable, "-m", "introstudio", *map(str, args)], check=False, capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return done.stdout


def edit_elsewhere(folder: Path, **fields: str) -> None:
    subprocess.run([sys.executable, "-c", EDIT_PROFILE, str(folder), *(f"{k}={v}" for k, v in fields.items())],
                   check=True, timeout=60)


@pytest.fixture
def short_clip(tmp_path_factory) -> Path:
    from introstudio.core.media.testmedia import make_clip

    return make_clip(tmp_path_factory.mktemp("footage") / "second take.mp4", seconds=1.0, size=(160, 120))


def open_window(qtbot, project, app_paths):
    """The real main window on `project`, shown, active and settled (so later file events are the test's)."""
    from introstudio.core.settings import Settings
    from introstudio.gui.main_window import MainWindow

    win = MainWindow(app_paths, Settings(), remember=False)
    qtbot.addWidget(win)
    win.set_project(project, "clinician")
    with qtbot.waitActive(win):
        win.show()
        win.activateWindow()
    qtbot.wait(300)  # the activation's own look at the file is over
    win.reloads = []  # type: ignore[attr-defined]
    win.external.reloaded.connect(win.reloads.append)
    return win


@pytest.fixture
def window(qtbot, project, app_paths):
    return open_window(qtbot, project, app_paths)


def settle_players(qtbot, page) -> None:
    """Wait until the page's video players have loaded their file (hiding one mid-load can hang Qt's decoder)."""
    from PySide6.QtMultimedia import QMediaPlayer

    from introstudio.gui.widgets.player import Player

    ready = (QMediaPlayer.MediaStatus.LoadedMedia, QMediaPlayer.MediaStatus.BufferedMedia)
    for player in page.findChildren(Player):
        if not player.media.source().isEmpty():
            qtbot.waitUntil(lambda p=player: p.media.mediaStatus() in ready, timeout=10000)


def type_into(qtbot, window, field: str, text: str) -> None:
    editor = window.pages["clinician"].fields[field]
    editor.setFocus()
    editor.selectAll()
    qtbot.keyClicks(editor, text)


def test_takes_and_captions_saved_by_other_processes_appear_and_a_later_edit_keeps_them(
        qtbot, window, project, short_clip, tmp_path, shown_errors):
    folder = project.folder
    window.show_page("takes")
    introstudio("import", folder, short_clip)
    takes = window.pages["takes"].list
    qtbot.waitUntil(lambda: takes.count() == 2, timeout=5000)  # no restart, no click
    assert [t.id for t in window.pf.project.takes] == [1, 2]
    assert "another IntroStudio (takes)" in window.statusBar().currentMessage()
    settle_players(qtbot, window.pages["takes"])

    window.show_page("captions")
    srt = tmp_path / "take2.srt"
    srt.write_text("1\n00:00:00,000 --> 00:00:00,900\nHello from the batch.\n", encoding="utf-8")
    introstudio("captions", "import", folder, srt, "--take", 2)
    table = window.pages["captions"].table
    qtbot.waitUntil(lambda: [c.lines for c in table.cues] == [("Hello from the batch.",)], timeout=5000)
    assert "another IntroStudio (captions)" in window.statusBar().currentMessage()
    settle_players(qtbot, window.pages["captions"])

    window.show_page("clinician")
    reloads = len(window.reloads)
    type_into(qtbot, window, "department", "Heart Center")
    window.pages["clinician"].flush()
    doc = on_disk(folder)
    assert doc["clinician"]["department"] == "Heart Center"
    assert [t["id"] for t in doc["takes"]] == [1, 2]  # the other processes' work is still there
    assert [c["cues"][0]["lines"] for c in doc["captions"] if c["take_id"] == 2] == [["Hello from the batch."]]
    qtbot.wait(2 * 150 + 300)  # our own save's file events have come and gone
    assert len(window.reloads) == reloads  # and took nothing in: no loop
    assert shown_errors == []


def test_an_edit_not_saved_yet_survives_a_reload_and_the_field_both_changed_is_named(
        qtbot, monkeypatch, project, app_paths, shown_errors):
    monkeypatch.setattr("introstudio.gui.pages.base.AUTOSAVE_DELAY_MS", 60_000)  # the edit stays unsaved
    window = open_window(qtbot, project, app_paths)
    page = window.pages["clinician"]
    type_into(qtbot, window, "specialty", "Cardiac surgery")
    edit_elsewhere(project.folder, specialty="Oncology", phone="555-0199")

    qtbot.waitUntil(lambda: page.fields["phone"].text() == "555-0199", timeout=5000)
    assert page.fields["specialty"].text() == "Cardiac surgery"  # what the user typed stays on screen
    assert window.pf.project.clinician.specialty == "Cardiac surgery"
    note = window.statusBar().currentMessage()
    assert "another IntroStudio (profile)" in note and "profile specialty" in note

    page.flush()
    clinician = on_disk(project.folder)["clinician"]
    assert (clinician["specialty"], clinician["phone"]) == ("Cardiac surgery", "555-0199")
    assert shown_errors == []


def test_a_save_racing_another_process_merges_and_refreshes_the_page(qtbot, window, project, shown_errors):
    page = window.pages["clinician"]
    type_into(qtbot, window, "title", "Prof.")
    edit_elsewhere(project.folder, title="Dr", credentials="MD, PhD")  # no event runs meanwhile:
    page.flush()  # this save meets their change first, before the window has noticed it
    clinician = on_disk(project.folder)["clinician"]
    assert (clinician["title"], clinician["credentials"]) == ("Prof.", "MD, PhD")
    qtbot.waitUntil(lambda: page.fields["credentials"].text() == "MD, PhD", timeout=3000)
    note = window.statusBar().currentMessage()
    assert "another IntroStudio (profile)" in note and "profile title" in note
    assert shown_errors == []


def test_a_busy_lock_is_shown_once_and_the_edit_is_saved_when_it_frees(
        qtbot, monkeypatch, project, app_paths, shown_errors):
    import functools

    from introstudio.core import locks

    monkeypatch.setattr("introstudio.core.project.store.project_lock",
                        functools.partial(locks.project_lock, wait=0.3))  # give up sooner than 30 s
    monkeypatch.setattr("introstudio.gui.external_changes.POLL_MS", 200)
    window = open_window(qtbot, project, app_paths)
    holder = subprocess.Popen([sys.executable, "-c", HOLD_LOCK, str(project.folder)], stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "held"
        page = window.pages["clinician"]
        type_into(qtbot, window, "phone", "555-0123")
        page.flush()
        assert [type(e).__name__ for e in shown_errors] == ["LockBusy"]
        assert "introstudio batch" in shown_errors[0].message and shown_errors[0].hint
        assert window.pf.project.clinician.phone == "555-0123"  # kept in memory
        assert on_disk(project.folder)["clinician"]["phone"] == "555-0100"
        qtbot.wait(600)  # polls while the lock is held: no retry, so no second message
        assert len(shown_errors) == 1
    finally:
        holder.stdin.close()
        holder.wait(timeout=30)
    qtbot.waitUntil(lambda: on_disk(project.folder)["clinician"]["phone"] == "555-0123", timeout=5000)
    assert not page.unsaved and len(shown_errors) == 1


def test_an_import_in_the_app_is_its_own_change_and_keeps_what_was_typed_meanwhile(
        qtbot, window, project, short_clip, wait_op, shown_errors):
    button = window.pages["takes"].import_button  # the Takes page's button, its page not shown
    button.set_project(window.pf)
    op = button.import_files([short_clip])
    assert op.writes == project.folder
    type_into(qtbot, window, "department", "Heart Center")  # the UI thread saves while the worker imports
    wait_op(op)
    window.pages["clinician"].flush()
    assert [t.id for t in window.pf.project.takes] == [1, 2]
    doc = on_disk(project.folder)
    assert [t["id"] for t in doc["takes"]] == [1, 2] and doc["clinician"]["department"] == "Heart Center"
    assert "another IntroStudio" not in window.statusBar().currentMessage()
    assert shown_errors == []


def test_undo_never_puts_back_an_old_value_over_a_change_made_elsewhere(qtbot, window, project, tmp_path):
    page = window.pages["clinician"]
    type_into(qtbot, window, "department", "Heart Center")
    page.flush()
    assert window.undo_action.isEnabled()
    srt = tmp_path / "take1.srt"
    srt.write_text("1\n00:00:00,000 --> 00:00:00,900\nHello.\n", encoding="utf-8")
    introstudio("captions", "import", project.folder, srt)  # another part: our profile edit still undoes
    qtbot.waitUntil(lambda: window.pf.project.captions_for(1) is not None, timeout=5000)
    qtbot.wait(50)
    assert window.undo_action.isEnabled()

    edit_elsewhere(project.folder, phone="555-0199")  # the part our undo step would restore
    qtbot.waitUntil(lambda: page.fields["phone"].text() == "555-0199", timeout=5000)
    qtbot.waitUntil(lambda: not window.undo_action.isEnabled(), timeout=1000)
    window.undo_action.trigger()  # nothing to undo: their phone stays
    assert on_disk(project.folder)["clinician"]["phone"] == "555-0199"
    assert window.pf.project.clinician.department == "Heart Center"
