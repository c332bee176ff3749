"""Nested jobs are stages of the outer job: a batch's upload and an import's copy show progress and stop on Cancel."""

from __future__ import annotations

import sys
from concurrent.futures import Future
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[3]
if str(ROOT) not in sys.path:  # `tests.fakes` lives beside the tests, not in the installed package
    sys.path.insert(0, str(ROOT))

from introstudio.core.batch.run import BatchProgress, pending_result, run_batch  # noqa: E402
from introstudio.core.batch.tasks import ItemResult, TaskOptions  # noqa: E402
from introstudio.core.errors import Cancelled  # noqa: E402
from introstudio.core.jobs import CancelToken, Progress, run_job  # noqa: E402
from introstudio.core.locks import BATCH_LOCK, is_locked  # noqa: E402
from introstudio.core.project import Clinician, Script, create_project, open_project  # noqa: E402
from tests.fakes.publishing import CHUNK, TOKEN, make_project  # noqa: E402
from tests.fakes.youtube_server import FakeYouTubeServer  # noqa: E402


class Rendered:
    """A batch backend whose workers have nothing to do (the publish step runs in the batch's own process)."""

    label = "in process"
    capacity = None

    def submit(self, folder: str, options: TaskOptions) -> Future:
        future: Future = Future()
        future.set_result((replace(pending_result(Path(folder)), status="skipped"), False))  # named as the report does
        return future

    def wait(self, futures: set[Any], timeout: float) -> set[Any]:
        return {f for f in futures if f.done()}

    def result(self, future: Future, folder: str, options: TaskOptions) -> tuple[ItemResult, bool]:
        return future.result()

    def close(self, cancel: bool) -> None:
        pass


def publisher_for(yt: FakeYouTubeServer, tmp: Path) -> Any:
    from introstudio.core.publish.client import ApiConfig
    from introstudio.core.publish.publish import PublishOptions, connector, publish_project
    from introstudio.core.publish.quota import PublishQueue, QuotaLedger

    ledger, queue = QuotaLedger(tmp / "quota.json"), PublishQueue(tmp / "queue.json")
    connect = connector(ApiConfig(api_root=yt.url, access_token=TOKEN, timeout=5.0), None, ledger)
    return lambda pf: publish_project(pf, None, confirmed=True, connect=connect, ledger=ledger, queue=queue,
                                      options=PublishOptions(chunk_size=CHUNK))


def test_cancel_mid_upload_stops_a_batch_publish_and_a_rerun_finishes_it(tmp_path):
    folder = tmp_path / "cardiology"
    ex = make_project(folder / "maria-lopez", size=2 * 1024 * 1024 + 999)  # 9 chunks of 256 KiB
    with FakeYouTubeServer() as yt:
        yt.state.add_access_token(TOKEN)
        publisher = publisher_for(yt, tmp_path)
        token, seen = CancelToken(), []

        def on_progress(p: Progress) -> None:
            seen.append(p)
            if "Uploading" in p.message and p.fraction is not None and p.fraction > 0.3:
                token.cancel()

        with pytest.raises(Cancelled):
            run_job(run_batch(folder, "publish", publisher=publisher, backend=Rendered()), on_progress, token)
        uploads = [p for p in seen if "Uploading" in p.message]
        assert uploads, "the upload's own progress reached the batch"
        assert all(isinstance(p, BatchProgress) and p.message.startswith("Maria Lopez: publishing: ")
                   and p.counter == "0/1 finished; publishing Maria Lopez" for p in uploads)
        assert 0.1 < uploads[-1].fraction < 1.0  # inside this clinician's share, not the whole bar
        assert yt.state.videos == {}, "the upload was stopped, not run to the end"
        assert not is_locked(ex.pf.folder / BATCH_LOCK)  # closing the nested job released the project
        assert "stopped before the end" in (folder / "batch-report.html").read_text(encoding="utf-8")

        summary = run_job(run_batch(folder, "publish", publisher=publisher, backend=Rendered()))
        assert summary.ok and summary.results[0].published_url
        video = yt.state.only_video()  # published in full on the second run
        assert video.sha256 == ex.sha256 and open_project(ex.pf.folder).project.publish.video_id == video.id
        assert yt.state.sessions_created == 1  # the second run resumed the upload Cancel stopped


def test_cancel_mid_copy_stops_an_import_and_leaves_nothing(tmp_path):
    from introstudio.core.media.tools import run_ffmpeg
    from introstudio.core.project.ops import import_takes

    clip = tmp_path / "take.mp4"
    run_ffmpeg(["-y", "-f", "lavfi", "-i", "testsrc=size=160x120:rate=10:duration=2", "-f", "lavfi", "-i",
                "sine=duration=2", "-c:v", "libx264", "-c:a", "aac", "-shortest", clip])
    pf = create_project(tmp_path / "lopez", Clinician(name="Maria Lopez"), Script(free_text="Hello."))
    token, messages = CancelToken(), []

    def on_progress(p: Progress) -> None:
        messages.append(p.message)
        if sum("Copying" in m for m in messages) == 2:  # the copy's own report: a chunk is written
            token.cancel()

    with pytest.raises(Cancelled):
        run_job(import_takes(pf, [clip]), on_progress, token)
    assert open_project(pf.folder).project.takes == []
    assert not pf.media_dir.exists() or list(pf.media_dir.iterdir()) == []  # no copy, no .part left behind
