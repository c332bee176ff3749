"""Helpers for publish tests and the upload benchmark: a project with an export, a publish run, checks."""

from __future__ import annotations

import hashlib
import random
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tests.fakes.youtube_server import FakeYouTubeServer

CHUNK = 256 * 1024
TOKEN = "ya29.test-access-token"
SRT = (
    "1\n00:00:00,500 --> 00:00:02,800\nHello, I'm Dr. Maria Lopez.\n\n"
    "2\n00:00:03,000 --> 00:00:05,500\nI'm an endocrinologist at Riverside Health.\n"
)
TITLE = "Dr. Maria Lopez, Endocrinology | Riverside Health"


@dataclass
class Exported:
    pf: Any
    video: Path
    srt: Path
    thumbnail: Path

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.video.read_bytes()).hexdigest()


def make_project(folder: Path, size: int = 3 * 1024 * 1024 + 12345, seed: int = 7) -> Exported:
    """A project whose latest export is `size` random bytes, with a sidecar SRT and a 1280x720 JPEG."""
    from PIL import Image

    from introstudio.core.project import Clinician, Script, create_project

    pf = create_project(folder, Clinician(name="Maria Lopez", title="Dr.", specialty="Endocrinology",
                                          organisation="Riverside Health", languages="English and Spanish"),
                        Script(template_id="physician-intro"))
    video = pf.exports_dir / "maria-lopez-youtube-1080p.mp4"
    rng = random.Random(seed)
    with open(video, "wb") as fh:
        for start in range(0, size, 1 << 20):
            fh.write(rng.randbytes(min(1 << 20, size - start)))
    srt = video.with_suffix(".srt")
    srt.write_text(SRT, encoding="utf-8")
    thumb = video.with_suffix(".jpg")
    Image.new("RGB", (1280, 720), (11, 37, 69)).save(thumb, "JPEG", quality=85)
    def sha(path: Path) -> str:
        return hashlib.sha256(path.read_bytes()).hexdigest()

    # Recorded as an export records what it checked: the video's size and hash, and its sidecars' hashes.
    pf.project.exports.append({"file": pf.relative(video), "preset": "youtube-1080p", "take_id": None,
                               "srt": pf.relative(srt), "thumbnail": pf.relative(thumb),
                               "size": video.stat().st_size, "sha256": sha(video),
                               "sidecar_sha256": {"srt": sha(srt), "thumbnail": sha(thumb)}})
    pf.save()
    return Exported(pf, video, srt, thumb)


def assert_one_good_video(server: FakeYouTubeServer, ex: Exported, privacy: str = "private",
                          captions: int = 1, thumbnail: bool = True) -> Any:
    """Exactly one video, with the file's bytes, the right metadata, caption track and thumbnail."""
    video = server.state.only_video()
    assert video.size == ex.video.stat().st_size
    assert video.sha256 == ex.sha256
    snippet, status = video.body["snippet"], video.body["status"]
    assert snippet["title"] == TITLE
    assert snippet["categoryId"] == "27" and snippet["defaultLanguage"] == "en"
    assert "Endocrinology" in snippet["tags"] and "Riverside Health" in snippet["tags"]
    assert "Meet Dr. Maria Lopez, Endocrinology at Riverside Health." in snippet["description"]
    assert status == {"privacyStatus": privacy, "selfDeclaredMadeForKids": False, "containsSyntheticMedia": False}
    assert video.params["notifySubscribers"] == "false"
    assert video.params["part"] == "snippet,status"
    assert len(video.captions) == captions
    if captions:
        assert video.captions[0].data == ex.srt.read_bytes()
        assert video.captions[0].language == "en" and video.captions[0].name == "English"
    assert (video.thumbnail == ex.thumbnail.read_bytes()) if thumbnail else video.thumbnail is None
    assert ex.pf.project.publish.video_id == video.id
    return video


def run_publish(ex: Exported, config: Any, tmp: Path, privacy: str | None = None, chunk: int = CHUNK,
                token_file: Path | None = None, **options: Any) -> Any:
    """publish_project with instant backoff; returns (result, sleeps, ledger, queue)."""
    from introstudio.core.jobs import run_job
    from introstudio.core.publish.publish import PublishOptions, connector, publish_project
    from introstudio.core.publish.quota import PublishQueue, QuotaLedger
    from introstudio.core.publish.retry import RetryPolicy

    sleeps: list[float] = []
    ledger = QuotaLedger(tmp / "quota.json")
    queue = PublishQueue(tmp / "queue.json")
    retry = RetryPolicy(sleep=sleeps.append, random=lambda: 0.5)
    job = publish_project(ex.pf, privacy, confirmed=True, public_confirmed=privacy == "public",
                          connect=connector(config, token_file, ledger, retry), ledger=ledger, queue=queue,
                          options=PublishOptions(chunk_size=chunk, **options))
    return run_job(job), sleeps, ledger, queue
