"""The start panel: recent projects that survive a restart, and one project per clinician from a roster."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

ROSTER = ("Name,Credentials,Specialty,Department,Phone\n"
          "Maria Lopez,MD,Cardiology,Heart and Vascular Center,555-0100\n"
          "Ana Kim,DO,Paediatrics,Children's Clinic,555-0111\n")


def window_for(qtbot, app_paths, remember=False):
    from introstudio.core.settings import Settings
    from introstudio.gui.main_window import MainWindow

    window = MainWindow(app_paths, Settings(), remember=remember)
    qtbot.addWidget(window)
    return window


def test_a_roster_makes_one_project_each_listed_to_open(qtbot, wait_op, app_paths, tmp_path, monkeypatch,
                                                       shown_errors):
    from introstudio.gui.operations import Operation
    from introstudio.gui.widgets.dialogs import Ask

    roster = tmp_path / "cardiology roster.csv"
    roster.write_text(ROSTER, encoding="utf-8")
    into = tmp_path / "projects"
    into.mkdir()
    monkeypatch.setattr(Ask, "roster_file", classmethod(lambda cls, parent, start=None: roster))
    monkeypatch.setattr(Ask, "projects_folder", classmethod(lambda cls, parent, start=None: into))
    window = window_for(qtbot, app_paths)
    start = window.start
    qtbot.mouseClick(start.roster_button, Qt.MouseButton.LeftButton)
    for operation in list(Operation.running_operations()):
        wait_op(operation)
    qtbot.waitUntil(lambda: start.recent.count() == 2, timeout=10000)
    assert "2 project(s)" in start.report.text() and "2 created" in start.report.text()
    labels = [start.recent.item(i).text() for i in range(2)]
    assert labels[0].startswith("Maria Lopez · Cardiology") and labels[1].startswith("Ana Kim · Paediatrics")
    assert (into / "maria-lopez" / "project.json").is_file()
    start.recent.setFocus()
    start.recent.setCurrentRow(1)
    QTest.keyClick(start.recent, Qt.Key.Key_Return)  # the keyboard way to open one
    assert window.pf is not None and window.pf.project.clinician.name == "Ana Kim"
    assert window.pf.project.clinician.department == "Children's Clinic"
    window.close_project()
    assert window.pf is None and window.stack.currentWidget() is start
    assert start.recent.item(0).text().startswith("Ana Kim")  # most recent first
    window.close()
    assert shown_errors == []


def test_a_roster_with_bad_rows_is_refused_row_by_row(qtbot, wait_op, app_paths, tmp_path, monkeypatch,
                                                     shown_errors):
    from introstudio.gui.operations import Operation
    from introstudio.gui.widgets.dialogs import Ask

    roster = tmp_path / "roster.csv"
    roster.write_text("Name,Specialty\nMaria Lopez,Cardiology\n,Neurology\n", encoding="utf-8")
    monkeypatch.setattr(Ask, "roster_file", classmethod(lambda cls, parent, start=None: roster))
    monkeypatch.setattr(Ask, "projects_folder", classmethod(lambda cls, parent, start=None: tmp_path))
    window = window_for(qtbot, app_paths)
    op = window.import_roster()
    assert isinstance(op, Operation)
    wait_op(op)
    assert len(shown_errors) == 1 and "row 3" in str(shown_errors[0]).lower()
    assert not (tmp_path / "maria-lopez").exists()  # nothing is created from a roster with bad rows
    assert window.start.roster_button.isEnabled()
    window.close()


def test_recent_projects_survive_a_restart(qtbot, project, app_paths):
    first = window_for(qtbot, app_paths, remember=True)
    first.set_project(project)
    first.close()
    second = window_for(qtbot, app_paths, remember=True)
    assert second.start.recent.count() == 1
    assert second.start.recent.item(0).text().startswith("Dr. Maria Lopez · Cardiology")
    second.start.recent.itemActivated.emit(second.start.recent.item(0))
    assert second.pf is not None and second.pf.folder == project.folder
    second.close()


def test_produce_a_folder_runs_the_batch_and_lists_each_clinician(qtbot, wait_op, project, app_paths,
                                                                 shown_errors):
    from introstudio.gui.widgets.batch_dialog import BatchDialog

    window = window_for(qtbot, app_paths)
    qtbot.mouseClick(window.start.batch_button, Qt.MouseButton.LeftButton)
    dialog = window.findChild(BatchDialog)
    assert dialog is not None and not dialog.start_button.isEnabled()  # no folder yet
    dialog.folder.setText(str(project.folder.parent))
    dialog.steps["captions"].setChecked(False)  # the export alone keeps this test short
    dialog.workers.setValue(1)
    qtbot.mouseClick(dialog.start_button, Qt.MouseButton.LeftButton)
    assert dialog.operation is not None and not dialog.start_button.isEnabled()
    wait_op(dialog.operation, timeout=180_000)
    assert dialog.results.count() == 1 and "Maria Lopez" in dialog.results.item(0).text()
    assert "all done" in dialog.summary.text() and dialog.report_button.isEnabled()
    assert dialog.report == project.folder.parent / "batch-report.html" and dialog.report.is_file()
    exported = list(project.exports_dir.glob("*.mp4"))
    assert len(exported) == 1 and exported[0].stat().st_size > 10_000
    dialog.close()
    window.close()
    assert shown_errors == []
