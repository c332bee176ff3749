"""What checking approvals and going live cost, side by side with their baselines.

* approval check (`review_status`) of an export of SIZE MB: first time (hashes the video) and again (remembered
  while the file is unchanged), vs a plain SHA-256 of the same file;
* the review page written (hard link, WebVTT, HTML) vs copying the video;
* go-live + take-down against the local YouTube stand-in, vs the two videos.list calls alone.

Usage: .venv/bin/python scripts/bench_review.py [--size-mb 120]
"""

from __future__ import annotations

import argparse
import hashlib
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def timed(fn, repeat: int = 3) -> float:
    best = float("inf")
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - started)
    return best


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--size-mb", type=int, default=120)
    args = parser.parse_args()
    from introstudio.core.jobs import run_job
    from introstudio.core.publish.client import ApiConfig
    from introstudio.core.publish.publish import connector
    from introstudio.core.publish.quota import QuotaLedger
    from introstudio.core.review import subject
    from introstudio.core.review.approvals import record_approval, review_status
    from introstudio.core.review.golive import go_live, take_down
    from introstudio.core.review.page import write_review_page
    from introstudio.core.review.policy import ApprovalPolicy
    from tests.fakes.publishing import TOKEN, make_project, run_publish
    from tests.fakes.youtube_server import FakeYouTubeServer

    policy = ApprovalPolicy()
    with tempfile.TemporaryDirectory() as tmp, FakeYouTubeServer() as yt:
        tmp_path = Path(tmp)
        yt.state.add_access_token(TOKEN)
        ex = make_project(tmp_path / "lopez", size=args.size_mb * 1024 * 1024)
        config = ApiConfig(api_root=yt.url, access_token=TOKEN, timeout=30.0)

        plain = timed(lambda: hashlib.file_digest(open(ex.video, "rb"), "sha256").hexdigest())

        def first() -> None:
            subject._HASHES.clear()
            review_status(ex.pf, policy)

        cold, warm = timed(first), timed(lambda: review_status(ex.pf, policy))
        print(f"approval check, {args.size_mb} MB export: first {cold * 1000:.0f} ms, again {warm * 1000:.1f} ms; "
              f"baseline plain SHA-256 {plain * 1000:.0f} ms")

        page = timed(lambda: write_review_page(ex.pf, policy), 1)
        copy = timed(lambda: shutil.copyfile(ex.video, tmp_path / "copy.mp4"), 1)
        print(f"review page written: {page * 1000:.0f} ms; baseline copying the video {copy * 1000:.0f} ms")

        run_publish(ex, config, tmp_path, chunk=8 * 1024 * 1024)
        for name, role in (("Maria Lopez", "clinician"), ("Sam Carter", "communications")):
            record_approval(ex.pf, role, name, policy)
        ledger = QuotaLedger(tmp_path / "bench-quota.json")
        connect = connector(config, None, ledger)
        started = time.perf_counter()
        run_job(go_live(ex.pf, policy, connect=connect, ledger=ledger))
        live = time.perf_counter() - started
        started = time.perf_counter()
        run_job(take_down(ex.pf, "benchmark", connect=connect, ledger=ledger))
        down = time.perf_counter() - started
        api = connect(("x",))
        video_id = ex.pf.project.publish.video_id
        started = time.perf_counter()
        for _ in range(2):
            run_job(api.execute("videos.list", lambda: api.service.videos().list(part="status", id=video_id)))
        lists = time.perf_counter() - started
        print(f"go-live {live * 1000:.0f} ms, take-down {down * 1000:.0f} ms (local stand-in; {ledger.usage().units} "
              f"units counted); baseline two videos.list calls {lists * 1000:.0f} ms")


if __name__ == "__main__":
    main()
