"""The audit log: a hash chain that names an edited, deleted, inserted or torn line, and never holds a secret."""

from __future__ import annotations

import json

from introstudio.core.review import audit


def _log(folder, n=4):
    for i in range(n):
        audit.append(folder, "export", "test", {"file": f"exports/v{i}.mp4", "sha256": f"{i:064x}"})
    return (folder / audit.AUDIT_FILE).read_text().splitlines(keepends=True)


def test_an_intact_chain_verifies_and_links_each_line_to_the_one_before(tmp_path):
    lines = _log(tmp_path)
    report = audit.verify(tmp_path)
    assert report.ok and [e.seq for e in report.entries] == [1, 2, 3, 4]
    entries = [json.loads(x) for x in lines]
    assert entries[0]["prev"] == audit.GENESIS
    import hashlib

    for before, after in zip(lines, entries[1:]):
        assert after["prev"] == hashlib.sha256(before.rstrip("\n").encode()).hexdigest()
    assert report.head == {"seq": 4, "sha256": report.entries[-1].sha256}


def test_an_edited_line_is_named_even_the_last_one(tmp_path):
    lines = _log(tmp_path)
    for index in (1, 3):
        edited = list(lines)
        edited[index] = edited[index].replace("v", "w", 1)
        (tmp_path / audit.AUDIT_FILE).write_text("".join(edited))
        report = audit.verify(tmp_path)
        assert not report.ok and report.problems[0].startswith(f"line {index + 1} (entry {index + 1}, export")
        assert "was edited" in report.problems[0]


def test_a_deleted_or_inserted_line_is_named(tmp_path):
    lines = _log(tmp_path)
    (tmp_path / audit.AUDIT_FILE).write_text("".join(lines[:1] + lines[2:]))
    report = audit.verify(tmp_path)
    assert report.problems == ["entry 2 before line 2 (entry 3, export at "
                               f"{json.loads(lines[2])['at']}) is missing: deleted from the log."]
    (tmp_path / audit.AUDIT_FILE).write_text("".join(lines[:2] + lines[1:]))  # a copied line put in again
    report = audit.verify(tmp_path)
    assert not report.ok and any(p.startswith("line 3 ") and "does not follow" in p for p in report.problems)


def test_a_cut_off_end_is_found_through_a_recorded_head(tmp_path):
    _log(tmp_path, 3)
    head = audit.verify(tmp_path).head
    lines = _log(tmp_path, 0)
    (tmp_path / audit.AUDIT_FILE).write_text("".join(lines[:-1]))
    assert audit.verify(tmp_path).ok  # a chain alone cannot see its end cut off...
    report = audit.verify(tmp_path, [("the go-live", head)])  # ...the head project.json recorded can
    assert report.problems == ["the go-live was recorded at entry 3, but the log ends at entry 2: lines were "
                               "deleted from its end."]


def test_a_torn_last_line_is_reported_and_appending_goes_on(tmp_path):
    lines = _log(tmp_path, 2)
    (tmp_path / audit.AUDIT_FILE).write_text("".join(lines) + '{"seq": 3, "at": "2026')
    audit.append(tmp_path, "upload", "test", {"video_id": "abc"})
    report = audit.verify(tmp_path)
    assert [e.event for e in report.entries] == ["export", "export", "upload"]
    assert report.problems[0] == "line 3 is not a readable entry: it was edited or damaged."


def test_no_secret_is_ever_written(tmp_path):
    audit.append(tmp_path, "upload", "Bearer ya29.abc", {
        "video_id": "x", "access_token": "ya29.secret", "note": "refresh 1//0gAbCdEfGhIjK", "client_secret": "s",
        "nested": {"session_uri": "http://h/upload?upload_id=123", "ok": "kept"}})
    text = (tmp_path / audit.AUDIT_FILE).read_text()
    for secret in ("ya29", "1//0g", "upload_id", "client_secret", "access_token", '"s"'):
        assert secret not in text
    assert '"ok":"kept"' in text and audit.verify(tmp_path).ok


def test_describe_reads_like_a_history(tmp_path):
    audit.append(tmp_path, "takedown", "introstudio takedown (ana on pc)",
                 {"from": "public", "to": "private", "reason": "left in March"})
    line = audit.describe(audit.verify(tmp_path).entries[0])
    assert "#1 taken down: public -> private; reason: left in March  [introstudio takedown (ana on pc)]" in line
