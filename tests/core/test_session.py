"""Where the user left off: saved atomically, read back, and never fatal when the file is damaged."""

from __future__ import annotations

import json

from introstudio.core.session import MAX_RECENT, Session


def project_at(folder):
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "project.json").write_text("{}", encoding="utf-8")
    return folder


def test_the_session_comes_back_after_a_restart(tmp_path):
    file = tmp_path / "config" / "session.json"
    a, b = project_at(tmp_path / "a"), project_at(tmp_path / "b")
    session = Session.load(file)
    session.opened(a)
    session.showing("captions")
    session.opened(b)
    session.remember(a)  # made from a roster: recent, but not the open one
    again = Session.load(file)
    assert again.reopen() == b and again.last_page == "captions"
    assert again.recent_projects() == [a, b]
    assert json.loads(file.read_text(encoding="utf-8"))["schema_version"] == 1
    again.closed()
    assert Session.load(file).reopen() is None and Session.load(file).recent_projects() == [a, b]


def test_gone_projects_are_not_listed_and_the_list_is_capped(tmp_path):
    session = Session.load(None)  # in memory: nothing is written
    for n in range(MAX_RECENT + 3):
        session.opened(project_at(tmp_path / f"p{n}"))
    assert len(session.recent_projects()) == MAX_RECENT
    (tmp_path / f"p{MAX_RECENT + 2}" / "project.json").unlink()
    assert session.reopen() is None and tmp_path / f"p{MAX_RECENT + 2}" not in session.recent_projects()
    assert not list(tmp_path.glob("**/session.json"))


def test_a_damaged_or_newer_file_gives_an_empty_session_not_an_error(tmp_path, caplog):
    file = tmp_path / "session.json"
    for text in ("{not json", '["a list"]', '{"schema_version": 99, "last_project": "/x"}',
                 '{"recent": "not a list"}'):
        file.write_text(text, encoding="utf-8")
        session = Session.load(file)
        assert session.reopen() is None and session.recent_projects() == []
    assert "cannot be read" in caplog.text
    session.opened(project_at(tmp_path / "p"))  # and it is replaced by a good one on the next change
    assert Session.load(file).reopen() == tmp_path / "p"
