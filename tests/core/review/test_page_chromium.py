"""The review page in a real browser: headless Chromium opens it from disk, the video plays, the caption track
holds the project's cues, and a screenshot is saved to tests/output/review/ for a person to look at."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from tests.core.review.chromium import Browser, find_chromium

OUTPUT = Path(__file__).resolve().parents[2] / "output" / "review"

PLAY = """(async () => {
  const v = document.getElementById('video'); const t = v.textTracks[0];
  const until = (f, ms) => new Promise(res => { const s = Date.now();
    (function poll() { if (f()) return res(true); if (Date.now() - s > ms) return res(false); setTimeout(poll, 50); })(); });
  await until(() => v.readyState >= 2, 10000);
  let playError = null;
  await v.play().catch(e => { playError = String(e); });
  const played = await until(() => v.currentTime > 0.8, 10000);
  await until(() => t && t.cues && t.cues.length > 0, 5000);
  v.pause(); v.currentTime = 0.7;
  await until(() => t.activeCues && t.activeCues.length > 0, 3000);
  return {played, time: v.currentTime, duration: v.duration, error: v.error && v.error.code, playError,
          kind: t && t.kind, mode: t && t.mode, cues: t && t.cues ? t.cues.length : null,
          first: t && t.cues && t.cues.length ? t.cues[0].text : null,
          active: t && t.activeCues && t.activeCues.length ? t.activeCues[0].text : null,
          marks: document.querySelectorAll('mark.departure').length,
          digest: document.getElementById('digest').textContent, state: document.getElementById('state').textContent};
})()"""


@pytest.mark.skipif(find_chromium() is None, reason="chromium is not installed (scripts/setup.sh --test)")
def test_review_page_plays_with_its_captions_in_chromium(playable):
    from introstudio.core.review.page import write_review_page
    from introstudio.core.review.policy import ApprovalPolicy

    page = write_review_page(playable.pf, ApprovalPolicy())
    assert page.cues == playable.cue_count
    started = time.monotonic()
    with Browser(page.index.as_uri()) as browser:
        found = browser.evaluate(PLAY)
        shot = browser.screenshot(OUTPUT / "review-page.png")
    seconds = time.monotonic() - started
    assert found["error"] is None and found["playError"] is None, found
    assert found["played"] and 3.5 < found["duration"] < 4.5, found
    assert found["kind"] == "captions" and found["cues"] == playable.cue_count, found
    assert found["first"] == "Hello, I'm Dr. Maria Lopez." and found["active"] == "Hello, I'm Dr. Maria Lopez."
    assert found["marks"] == 1  # the departure is highlighted in the script
    assert found["digest"] == page.digest and found["state"] == "in review"
    assert shot.stat().st_size > 10_000
    print(f"chromium: page opened, played and checked in {seconds:.1f} s; screenshot {shot}")
