"""An upload survives its process being killed: a new process resumes the same session, sending no byte twice
beyond the chunk in flight; and a changed file starts over instead of mixing two files."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time

import pytest

from introstudio.core.project import open_project
from introstudio.core.publish.quota import QuotaWaitError
from tests.fakes.publishing import CHUNK, TOKEN, assert_one_good_video, run_publish

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))


def _introstudio() -> list[str]:
    return [sys.executable, "-m", "introstudio"]


def _publish_process(yt, ex, home) -> subprocess.Popen:
    env = {**os.environ, "INTROSTUDIO_YOUTUBE_API_ROOT": yt.url, "INTROSTUDIO_YOUTUBE_ACCESS_TOKEN": TOKEN,
           "INTROSTUDIO_HOME": str(home), "PYTHONPATH": ROOT}
    return subprocess.Popen([*_introstudio(), "publish", str(ex.pf.folder), "--yes", "--json",
                             "--chunk-size", str(CHUNK)], env=env, cwd=ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def test_killed_upload_resumes_in_a_new_process(yt, exported, tmp_path):
    size = exported.video.stat().st_size
    yt.state.chunk_delay = 0.15  # slow the server per chunk so the kill lands mid-file
    first = _publish_process(yt, exported, tmp_path / "home")
    deadline = time.monotonic() + 30
    while yt.state.chunk_puts < 4:
        assert first.poll() is None, first.communicate()
        assert time.monotonic() < deadline, "the upload never started"
        time.sleep(0.02)
    first.send_signal(signal.SIGKILL)
    first.wait(timeout=10)
    session = next(iter(yt.state.sessions.values()))
    held = session.offset
    assert 0 < held < size and not yt.state.videos
    saved = open_project(exported.pf.folder).project.publish.upload
    assert saved["session_uri"].endswith(session.id) and saved["sha256"] == exported.sha256

    yt.state.chunk_delay = 0.0
    second = _publish_process(yt, exported, tmp_path / "home")
    out, err = second.communicate(timeout=60)
    assert second.returncode == 0, err
    report = json.loads(out)
    assert report["resumed_from"] == held and report["captions"] == "uploaded" and report["thumbnail"] == "set"
    exported.pf = open_project(exported.pf.folder)
    assert_one_good_video(yt, exported)
    assert yt.state.sessions_created == 1  # the same session: no second video could exist
    assert yt.state.bytes_received() - size <= CHUNK  # nothing re-sent beyond the chunk in flight
    assert report["bytes_sent"] == size - held


def test_changed_file_starts_over(yt, exported, config, tmp_path):
    yt.inject("quota", at=5)  # stop mid-file, leaving a saved session
    with pytest.raises(QuotaWaitError):
        run_publish(exported, config, tmp_path)
    assert exported.pf.project.publish.upload["session_uri"]
    with open(exported.video, "r+b") as fh:  # re-rendered: same size, other bytes
        fh.seek(100)
        fh.write(b"re-rendered")
    exported.pf.project.exports[-1]["sha256"] = exported.sha256  # ... and recorded, as an export records it
    exported.pf.save()
    (tmp_path / "quota.json").unlink()
    result, _, _, _ = run_publish(exported, config, tmp_path)
    assert yt.state.sessions_created == 2 and result.resumed_from == 0
    assert_one_good_video(yt, exported)  # hashes to the NEW file


def test_cancel_keeps_the_session_and_the_offset(yt, exported, config, tmp_path):
    """Closing the job (the GUI's cancel, Ctrl-C) leaves a resumable state; the next run continues it."""
    from introstudio.core.publish.publish import PublishOptions, connector, publish_project
    from introstudio.core.publish.quota import QuotaLedger

    ledger = QuotaLedger(tmp_path / "quota.json")
    job = publish_project(exported.pf, confirmed=True, connect=connector(config, None, ledger), ledger=ledger,
                          options=PublishOptions(chunk_size=CHUNK))
    for step in job:
        if step.fraction and step.fraction > 0.4:
            break
    job.close()
    saved = open_project(exported.pf.folder).project.publish.upload
    held = next(iter(yt.state.sessions.values())).offset
    assert saved["offset"] == held > 0 and not yt.state.videos
    result, _, _, _ = run_publish(exported, config, tmp_path)
    assert result.resumed_from == held
    assert yt.state.bytes_received() == exported.video.stat().st_size
    assert_one_good_video(yt, exported)
