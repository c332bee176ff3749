"""The quota ledger: costs per Pacific-time day, the reset time across DST, and queueing what does not fit."""

from __future__ import annotations

from datetime import date, datetime, timezone

import pytest

from introstudio.core.publish import quota
from introstudio.core.publish.quota import (
    PublishQueue,
    QuotaLedger,
    QuotaWaitError,
    next_reset,
    pacific_day,
    policy_for,
)
from tests.fakes.publishing import run_publish


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=timezone.utc)


class Clock:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


@pytest.mark.parametrize("now, day", [
    (utc(2026, 11, 24, 7, 59), date(2026, 11, 23)),  # PST: UTC-8
    (utc(2026, 11, 24, 8, 0), date(2026, 11, 24)),
    (utc(2026, 7, 1, 6, 59), date(2026, 6, 30)),  # PDT: UTC-7
    (utc(2026, 7, 1, 7, 0), date(2026, 7, 1)),
])
def test_pacific_day(now, day):
    assert pacific_day(now) == day


@pytest.mark.parametrize("now, reset", [
    (utc(2026, 11, 23, 12, 0), utc(2026, 11, 24, 8, 0)),
    (utc(2026, 7, 1, 12, 0), utc(2026, 7, 2, 7, 0)),
    (utc(2026, 3, 8, 9, 0), utc(2026, 3, 9, 7, 0)),  # 1 a.m. PST on the day clocks go forward
    (utc(2026, 11, 1, 7, 30), utc(2026, 11, 2, 8, 0)),  # 0:30 PDT on the day clocks go back
])
def test_next_reset_is_midnight_pacific(now, reset, monkeypatch):
    assert next_reset(now) == reset
    monkeypatch.setattr(quota, "_zone", lambda: None)  # no tz database (Windows without tzdata)
    assert next_reset(now) == reset


def test_cost_tables_follow_youtubes_changes():
    assert policy_for(date(2025, 11, 1)).units("videos.insert") == 1600
    assert policy_for(date(2026, 1, 10)).units("videos.insert") == 100
    june = policy_for(date(2026, 6, 1))
    assert june.units("videos.insert") == 0 and june.upload_calls_per_day == 100
    assert june.units("captions.insert") == 400 and june.units("thumbnails.set") == 50
    assert june.units("videos.list") == 1 and june.units("anything.else") == 1


def test_ledger_counts_per_day_and_persists(tmp_path):
    clock = Clock(utc(2026, 11, 23, 20, 0))
    ledger = QuotaLedger(tmp_path / "q.json", clock=clock)
    for method in ("videos.insert", "videos.list", "captions.insert", "thumbnails.set"):
        ledger.record(method)
    usage = QuotaLedger(tmp_path / "q.json", clock=clock).usage()  # a new process reads the same file
    assert (usage.units, usage.uploads, usage.units_left, usage.uploads_left) == (451, 1, 9549, 99)
    clock.now = utc(2026, 11, 24, 8, 0)  # midnight Pacific
    assert ledger.usage().units == 0


def test_the_fifth_upload_under_the_old_costs_is_queued_with_the_reset_time(tmp_path):
    clock = Clock(utc(2025, 11, 20, 18, 0))
    ledger = QuotaLedger(tmp_path / "q.json", clock=clock)
    need = ledger.need(upload=True, captions=1, thumbnail=True)
    assert need.units == 1600 + 1 + 400 + 50
    for _ in range(4):
        assert ledger.fits(need)
        for m in ("videos.insert", "videos.list", "captions.insert", "thumbnails.set"):
            ledger.record(m)
    assert not ledger.fits(need)
    error = ledger.wait_error(need, "This upload")
    assert isinstance(error, QuotaWaitError) and error.reset_at == utc(2025, 11, 21, 8, 0)
    local = error.reset_at.astimezone()
    assert f"{local:%H:%M}" in error.message and "needs 2051 units" in error.message
    assert "1796 units are left" in error.message and "--queued" in error.hint


def test_upload_bucket_limits_uploads(tmp_path):
    ledger = QuotaLedger(tmp_path / "q.json", clock=Clock(utc(2026, 11, 23, 20, 0)))
    need = ledger.need(upload=True, captions=1, thumbnail=True)
    ledger.mark_exhausted(uploads=True)
    assert ledger.usage().uploads_left == 0 and ledger.usage().units_left == 10_000 and not ledger.fits(need)
    assert ledger.fits(ledger.need(upload=False, captions=1, thumbnail=True))  # captions of an uploaded video


def test_queue_due_and_remove(tmp_path):
    queue = PublishQueue(tmp_path / "queue.json")
    queue.add(tmp_path / "a", "private", utc(2026, 11, 24, 8, 0))
    queue.add(tmp_path / "b", "public", utc(2026, 11, 25, 8, 0))
    queue.add(tmp_path / "a", "unlisted", utc(2026, 11, 24, 8, 0))  # re-queued: replaced, not doubled
    assert [(e.project, e.privacy) for e in queue.entries()] == [(str(tmp_path / "b"), "public"),
                                                                  (str(tmp_path / "a"), "unlisted")]
    assert [e.project for e in queue.due(utc(2026, 11, 24, 9, 0))] == [str(tmp_path / "a")]
    assert queue.remove(tmp_path / "a") and not queue.remove(tmp_path / "a")


def test_publish_that_does_not_fit_is_queued_without_contacting_youtube(yt, exported, config, tmp_path):
    full = QuotaLedger(tmp_path / "quota.json")
    for _ in range(25):
        full.record("captions.insert")  # 10,000 units spent today
    with pytest.raises(QuotaWaitError, match="queued for after"):
        run_publish(exported, config, tmp_path)
    assert yt.state.log == []
    (entry,) = PublishQueue(tmp_path / "queue.json").entries()
    assert entry.project == str(exported.pf.folder) and entry.privacy == "private"
