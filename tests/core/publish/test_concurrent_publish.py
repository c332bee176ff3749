"""Two publishers of one project, as real `introstudio publish` processes against the fake YouTube server: one
video, whoever starts first; the second waits (and says for whom), or is refused with `--wait 0`, and a killed
first publisher's session is resumed by the second, never doubled."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import threading
import time

import pytest

from introstudio.core.jobs import run_job
from introstudio.core.locks import LockBusy, publish_lock
from introstudio.core.project import open_project
from introstudio.core.publish.publish import PublishOptions, connector, publish_project
from tests.fakes.publishing import CHUNK, TOKEN, assert_one_good_video, run_publish

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
URL = re.compile(r"^(Uploaded|Already on YouTube): https://youtu\.be/(\S+) ", re.MULTILINE)


def publisher(yt, ex, home, *extra: str) -> subprocess.Popen:
    env = {**os.environ, "INTROSTUDIO_YOUTUBE_API_ROOT": yt.url, "INTROSTUDIO_YOUTUBE_ACCESS_TOKEN": TOKEN,
           "INTROSTUDIO_HOME": str(home), "PYTHONPATH": ROOT}
    return subprocess.Popen([sys.executable, "-m", "introstudio", "publish", str(ex.pf.folder), "--yes",
                             "--chunk-size", str(CHUNK), *extra], env=env, cwd=ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def wait_for(condition, what: str, proc: subprocess.Popen | None = None, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert proc is None or proc.poll() is None, proc.communicate()
        assert time.monotonic() < deadline, what
        time.sleep(0.02)


def finish(proc: subprocess.Popen) -> tuple[int, str, str]:
    out, err = proc.communicate(timeout=90)
    return proc.returncode, out, err


def test_two_publishers_started_together_make_one_video(yt, exported, tmp_path):
    yt.state.chunk_delay = 0.1  # ~1.3 s of upload: the two overlap
    first, second = publisher(yt, exported, tmp_path / "a"), publisher(yt, exported, tmp_path / "b")
    results = [finish(first), finish(second)]
    for code, _, err in results:
        assert code == 0, err
    said = [URL.search(out) for _, out, _ in results]
    assert all(said), [out for _, out, _ in results]
    assert sorted(m.group(1) for m in said) == ["Already on YouTube", "Uploaded"]
    video = yt.state.only_video()
    assert {m.group(2) for m in said} == {video.id}  # both report the same video
    assert yt.state.sessions_created == 1 and yt.state.bytes_received() == exported.video.stat().st_size
    exported.pf = open_project(exported.pf.folder)
    assert_one_good_video(yt, exported)  # one caption track, one thumbnail: the second added none


def test_a_second_publisher_waits_says_for_whom_then_reports_the_same_video(yt, exported, tmp_path):
    yt.state.chunk_delay = 0.15
    first = publisher(yt, exported, tmp_path / "a", "--json")
    wait_for(lambda: yt.state.chunk_puts >= 2, "the first upload never started", first)
    second = publisher(yt, exported, tmp_path / "b", "--json")
    code1, out1, err1 = finish(first)
    code2, out2, err2 = finish(second)
    assert code1 == 0 and code2 == 0, (err1, err2)
    one, two = json.loads(out1), json.loads(out2)
    assert one["video_id"] == two["video_id"] == yt.state.only_video().id
    assert not one["already_uploaded"] and two["already_uploaded"] and two["bytes_sent"] == 0
    assert yt.state.sessions_created == 1 and len(yt.state.only_video().captions) == 1


def test_with_wait_0_the_second_is_refused_and_told_who_uploads(yt, exported, tmp_path):
    yt.state.chunk_delay = 0.5  # the first holds the lock for seconds, however slowly the second starts
    first = publisher(yt, exported, tmp_path / "a")
    wait_for(lambda: yt.state.chunk_puts >= 2, "the first upload never started", first)
    code, out, err = finish(publisher(yt, exported, tmp_path / "b", "--wait", "0"))
    yt.state.chunk_delay = 0.0
    assert code == 2
    assert "Nothing was uploaded: introstudio publish (uploading to YouTube)" in err
    assert f"(process {first.pid} on " in err and "is uploading this project to YouTube" in err
    assert "Run publish again when that upload has finished" in err
    assert "Uploaded" not in out
    assert finish(first)[0] == 0
    assert yt.state.sessions_created == 1 and len(yt.state.videos) == 1


def test_a_killed_first_publisher_is_resumed_by_the_waiting_second(yt, exported, tmp_path):
    size = exported.video.stat().st_size
    yt.state.chunk_delay = 0.15
    first = publisher(yt, exported, tmp_path / "a")
    wait_for(lambda: yt.state.chunk_puts >= 3, "the first upload never started", first)
    second = publisher(yt, exported, tmp_path / "b", "--json")
    time.sleep(1.0)  # the second is started up and waiting for the lock
    assert second.poll() is None
    first.send_signal(signal.SIGKILL)
    first.wait(timeout=10)
    yt.state.chunk_delay = 0.0
    code, out, err = finish(second)
    assert code == 0, err
    report = json.loads(out)
    assert 0 < report["resumed_from"] < size  # the dead publisher's session, continued from its offset
    assert yt.state.sessions_created == 1 and report["video_id"] == yt.state.only_video().id
    exported.pf = open_project(exported.pf.folder)
    assert_one_good_video(yt, exported)


def test_waiting_can_be_cancelled_and_times_out_with_who_holds_it(yt, exported, config, tmp_path):
    """In-process, as the app runs it: another thread holds the lock; the job waits, stops when closed, and
    after `lock_wait` is refused naming the holder; once the lock is free it uploads."""
    taken, release = threading.Event(), threading.Event()

    def holder() -> None:
        with publish_lock(exported.pf.folder, "the IntroStudio app (uploading to YouTube)"):
            taken.set()
            release.wait(30)

    thread = threading.Thread(target=holder)
    thread.start()
    try:
        assert taken.wait(10)
        options = PublishOptions(chunk_size=CHUNK, lock_wait=30.0)
        job = publish_project(exported.pf, confirmed=True, connect=connector(config, None, None), options=options)
        step = next(s for s in job if s.message.startswith("Waiting:"))
        assert "the IntroStudio app (uploading to YouTube) in this window (process" in step.message
        job.close()  # Cancel while waiting: nothing was sent
        assert yt.state.log == [] and yt.state.sessions_created == 0
        started = time.monotonic()
        quick = PublishOptions(chunk_size=CHUNK, lock_wait=0.5)
        with pytest.raises(LockBusy, match="the IntroStudio app .* is uploading this project") as busy:
            run_job(publish_project(exported.pf, confirmed=True, connect=connector(config, None, None),
                                    options=quick))
        assert 0.5 <= time.monotonic() - started < 5 and "(this one waited 0.5 s)" in busy.value.hint
        assert yt.state.sessions_created == 0
    finally:
        release.set()
        thread.join(10)
    result, _, _, _ = run_publish(exported, config, tmp_path)  # free again: it uploads
    assert result.video_id == yt.state.only_video().id
