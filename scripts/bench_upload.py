"""Upload throughput: IntroStudio's resumable upload vs one plain HTTP PUT of the same file, same server, same run.

Both go to the local fake YouTube server (tests/fakes), which reads and hashes every byte either way.
The IntroStudio side is the real path: google-api-python-client `next_chunk()` with the default chunk
size, the retry loop and the atomic project saves (session at once, offset at most once a second).
For reference it also measures saving the project after every single chunk. Goal: >= 80% of the plain PUT.

    .venv/bin/python scripts/bench_upload.py [--mb 256] [--runs 3] [--chunk-mib 8]
"""

from __future__ import annotations

import argparse
import http.client
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from introstudio.core.jobs import run_job  # noqa: E402
from introstudio.core.publish.client import ApiConfig  # noqa: E402
from introstudio.core.publish.metadata import build_metadata  # noqa: E402
from introstudio.core.publish.publish import connector  # noqa: E402
from introstudio.core.publish.upload import SAVE_INTERVAL, hash_file, upload_video  # noqa: E402
from tests.fakes.publishing import TOKEN, make_project  # noqa: E402
from tests.fakes.youtube_server import FakeYouTubeServer  # noqa: E402


def plain_put(port: int, file: Path) -> float:
    """Seconds for one PUT of the whole file (1 MiB socket writes), answer included."""
    size = file.stat().st_size
    started = time.perf_counter()
    conn = http.client.HTTPConnection("127.0.0.1", port, blocksize=1 << 20)
    with open(file, "rb") as body:
        conn.request("PUT", "/plain", body=body, headers={"Content-Length": str(size),
                                                          "Content-Type": "application/octet-stream"})
        response = conn.getresponse()
        response.read()
    conn.close()
    assert response.status == 200, response.status
    return time.perf_counter() - started


def introstudio_upload(server: FakeYouTubeServer, ex, chunk: int, save_interval: float) -> tuple[float, int]:
    """Seconds for upload_video (session start to the final 200), saving the project as publish does."""
    config = ApiConfig(api_root=server.url, access_token=TOKEN, timeout=60)
    api = connector(config, None, None)(())
    meta = build_metadata(ex.pf.project)
    sha = run_job(hash_file(ex.video))

    def save(state: dict) -> None:
        ex.pf.project.publish.upload = state
        ex.pf.save()

    started = time.perf_counter()
    outcome = run_job(upload_video(api, ex.video, meta, sha, None, save, chunk, save_interval=save_interval))
    seconds = time.perf_counter() - started
    assert server.state.videos[outcome.video_id].sha256 == sha
    return seconds, outcome.bytes_sent


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mb", type=int, default=256, help="file size in MiB")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--chunk-mib", type=int, default=8, help="upload chunk size (IntroStudio's default: 8)")
    args = parser.parse_args()
    size = args.mb << 20
    with tempfile.TemporaryDirectory() as tmp, FakeYouTubeServer() as server:
        server.state.add_access_token(TOKEN)
        ex = make_project(Path(tmp) / "bench", size=size)
        started = time.perf_counter()
        run_job(hash_file(ex.video))
        hash_seconds = time.perf_counter() - started
        plain_put(server.server_address[1], ex.video)  # warm the page cache and the server
        plain, ours, every = [], [], []
        for _ in range(args.runs):  # interleaved, so drift on a shared machine hits both alike
            plain.append(plain_put(server.server_address[1], ex.video))
            ours.append(introstudio_upload(server, ex, args.chunk_mib << 20, SAVE_INTERVAL)[0])
            every.append(introstudio_upload(server, ex, args.chunk_mib << 20, 0.0)[0])
        p, o, e = statistics.median(plain), statistics.median(ours), statistics.median(every)
        mb = size / 1e6
        chunks = -(-size // (args.chunk_mib << 20))
        print(f"file: {args.mb} MiB, {chunks} chunks of {args.chunk_mib} MiB, {args.runs} runs each (median)")
        print(f"plain HTTP PUT:                        {p:6.2f} s  {mb / p:7.1f} MB/s")
        print(f"IntroStudio resumable upload:          {o:6.2f} s  {mb / o:7.1f} MB/s  ratio {p / o:.0%} (goal >= 80%)")
        print(f"  same, project saved after EVERY chunk: {e:6.2f} s  {mb / e:7.1f} MB/s  ratio {p / e:.0%}")
        print(f"before uploading, the SHA-256 of the file takes {hash_seconds:.2f} s ({mb / hash_seconds:.0f} MB/s)")
        return 0 if p / o >= 0.8 else 1


if __name__ == "__main__":
    raise SystemExit(main())
