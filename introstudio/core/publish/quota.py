"""The quota ledger: what each YouTube call costs, per Pacific-time day, and a queue for after the reset.

YouTube's quota resets at midnight Pacific Time. Costs follow the API's published table; videos.insert
cost 1,600 units until 3 Dec 2025, then about 100; from 1 Jun 2026 uploads have their own bucket of
100 calls a day, apart from the 10,000 units for everything else. Every request costs at least 1 unit.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone
from pathlib import Path
from types import MappingProxyType
from typing import Any

from introstudio.core.project.atomic import atomic_write_text
from introstudio.core.publish.errors import QuotaExceededError

log = logging.getLogger(__name__)

LEDGER_VERSION = 1
KEEP_DAYS = 14
BASE_COSTS: Mapping[str, int] = MappingProxyType({
    "videos.list": 1, "videos.update": 50, "captions.insert": 400, "captions.update": 450,
    "captions.list": 50, "captions.delete": 50, "thumbnails.set": 50, "playlistItems.insert": 50,
    "channels.list": 1, "videoCategories.list": 1,
})


@dataclass(frozen=True)
class QuotaPolicy:
    """Unit costs and limits on one day."""

    daily_units: int = 10_000
    costs: Mapping[str, int] = field(default_factory=lambda: BASE_COSTS)
    upload_calls_per_day: int | None = None  # the separate videos.insert bucket, when there is one

    def units(self, method: str) -> int:
        return self.costs.get(method, 1)


def policy_for(day: date, daily_units: int = 10_000) -> QuotaPolicy:
    """The cost table YouTube applied on `day` (Pacific date)."""
    if day < date(2025, 12, 4):
        return QuotaPolicy(daily_units, MappingProxyType({**BASE_COSTS, "videos.insert": 1600}))
    if day < date(2026, 6, 1):
        return QuotaPolicy(daily_units, MappingProxyType({**BASE_COSTS, "videos.insert": 100}))
    return QuotaPolicy(daily_units, MappingProxyType({**BASE_COSTS, "videos.insert": 0}), upload_calls_per_day=100)


def _zone() -> Any:
    try:
        from zoneinfo import ZoneInfo

        return ZoneInfo("America/Los_Angeles")
    except Exception:  # noqa: BLE001 - no tz database (Windows without tzdata): US rules by hand
        return None


def pacific_offset(utc: datetime) -> timedelta:
    """UTC offset of US Pacific time at `utc` (PDT from the 2nd Sunday of March to the 1st of November)."""
    zone = _zone()
    if zone is not None:
        return utc.astimezone(zone).utcoffset() or timedelta(hours=-8)
    y = utc.year
    march = date(y, 3, 8) + timedelta(days=(6 - date(y, 3, 8).weekday()) % 7)
    november = date(y, 11, 1) + timedelta(days=(6 - date(y, 11, 1).weekday()) % 7)
    start = datetime.combine(march, time(10), timezone.utc)
    end = datetime.combine(november, time(9), timezone.utc)
    return timedelta(hours=-7) if start <= utc < end else timedelta(hours=-8)


def pacific_day(utc: datetime) -> date:
    return (utc.astimezone(timezone.utc) + pacific_offset(utc)).date()


def next_reset(utc: datetime) -> datetime:
    """The next midnight Pacific, as an aware UTC datetime."""
    midnight = datetime.combine(pacific_day(utc) + timedelta(days=1), time(0))
    guess = (midnight - timedelta(hours=-8)).replace(tzinfo=timezone.utc)
    return (midnight - pacific_offset(guess - timedelta(hours=1))).replace(tzinfo=timezone.utc)


def _utc_now() -> datetime:
    return datetime.now(timezone.utc)


@dataclass(frozen=True)
class Usage:
    """Units and uploads spent on one Pacific day."""

    day: date
    units: int
    uploads: int
    policy: QuotaPolicy

    @property
    def units_left(self) -> int:
        return max(0, self.policy.daily_units - self.units)

    @property
    def uploads_left(self) -> int | None:
        cap = self.policy.upload_calls_per_day
        return None if cap is None else max(0, cap - self.uploads)


@dataclass(frozen=True)
class Need:
    """What one publish will spend."""

    units: int
    uploads: int


class QuotaWaitError(QuotaExceededError):
    """The work does not fit in today's quota; it is queued for `reset_at`."""

    def __init__(self, message: str, hint: str, reset_at: datetime) -> None:
        super().__init__(message, hint)
        self.reset_at = reset_at


class QuotaLedger:
    """Counts what this organisation's uploads spend per Pacific day, in a small JSON file."""

    def __init__(self, file: Path, daily_units: int = 10_000, clock: Callable[[], datetime] = _utc_now,
                 policy: Callable[[date, int], QuotaPolicy] = policy_for) -> None:
        self.file = Path(file)
        self.daily_units = daily_units
        self.clock = clock
        self._policy = policy

    def today(self) -> date:
        return pacific_day(self.clock())

    def policy(self) -> QuotaPolicy:
        return self._policy(self.today(), self.daily_units)

    def usage(self) -> Usage:
        entry = self._load()["days"].get(self.today().isoformat(), {})
        return Usage(self.today(), int(entry.get("units", 0)), int(entry.get("uploads", 0)), self.policy())

    def record(self, method: str, count: int = 1) -> None:
        """Add `count` calls of `method` to today's total."""
        policy = self.policy()
        with _file_lock(self.file, "counting YouTube quota"):  # several publishers share one ledger
            data = self._load()
            entry = data["days"].setdefault(self.today().isoformat(), {"units": 0, "uploads": 0, "calls": {}})
            entry["units"] = int(entry.get("units", 0)) + policy.units(method) * count
            if method == "videos.insert":
                entry["uploads"] = int(entry.get("uploads", 0)) + count
            calls = entry.setdefault("calls", {})
            calls[method] = int(calls.get(method, 0)) + count
            self._save(data)

    def mark_exhausted(self, uploads: bool = False) -> None:
        """YouTube said the quota is spent: believe it until the reset, whatever the ledger counted."""
        policy = self.policy()
        with _file_lock(self.file, "counting YouTube quota"):
            data = self._load()
            entry = data["days"].setdefault(self.today().isoformat(), {"units": 0, "uploads": 0, "calls": {}})
            if uploads and policy.upload_calls_per_day is not None:
                entry["uploads"] = max(int(entry.get("uploads", 0)), policy.upload_calls_per_day)
            else:
                entry["units"] = max(int(entry.get("units", 0)), policy.daily_units)
            entry["exhausted_at"] = self.clock().isoformat()
            self._save(data)

    def need(self, upload: bool, captions: int, thumbnail: bool, checks: int = 1) -> Need:
        """Cost of one publish: the upload, `checks` videos.list, caption tracks and a thumbnail."""
        p = self.policy()
        units = (p.units("videos.insert") if upload else 0) + checks * p.units("videos.list") \
            + captions * p.units("captions.insert") + (p.units("thumbnails.set") if thumbnail else 0)
        return Need(units, 1 if upload else 0)

    def fits(self, need: Need) -> bool:
        usage = self.usage()
        uploads_left = usage.uploads_left
        return need.units <= usage.units_left and (uploads_left is None or need.uploads <= uploads_left)

    def next_reset(self) -> datetime:
        return next_reset(self.clock())

    def wait_error(self, need: Need | None, what: str) -> QuotaWaitError:
        """The error that tells the user when the queued work can go."""
        usage, reset = self.usage(), self.next_reset()
        local = reset.astimezone()
        if need is None:
            why = "YouTube says today's quota is spent"
        else:
            left = f"{usage.units_left} units" + ("" if usage.uploads_left is None else f" and {usage.uploads_left} uploads")
            why = f"{what} needs {need.units} units" + (f" and {need.uploads} upload" if need.uploads else "") + \
                  f", but only {left} are left today"
        return QuotaWaitError(
            f"{why}. It is queued for after YouTube's daily reset at {local:%H:%M} on {local:%a %d %b} "
            f"(midnight Pacific time).",
            "Run `introstudio publish --queued` after that time; nothing was lost.", reset)

    def _load(self) -> dict[str, Any]:
        try:
            data = json.loads(self.file.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            data = {}
        if not isinstance(data, dict) or not isinstance(data.get("days"), dict):
            data = {"schema_version": LEDGER_VERSION, "days": {}}
        return data

    def _save(self, data: dict[str, Any]) -> None:
        cutoff = (self.today() - timedelta(days=KEEP_DAYS)).isoformat()
        data["days"] = {d: v for d, v in data["days"].items() if d >= cutoff}
        data["schema_version"] = LEDGER_VERSION
        self.file.parent.mkdir(parents=True, exist_ok=True)
        atomic_write_text(self.file, json.dumps(data, indent=2, sort_keys=True) + "\n")


def _file_lock(file: Path, what: str) -> Any:
    """The lock around one read-modify-write of a shared ledger or queue file (made with its folder)."""
    from introstudio.core.locks import FileLock

    file.parent.mkdir(parents=True, exist_ok=True)
    return FileLock(file.with_name(f".{file.name}.lock"), what, wait=30.0)


@dataclass(frozen=True)
class QueuedPublish:
    """A publish that waits for the quota reset."""

    project: str
    privacy: str
    not_before: str  # ISO 8601, UTC
    queued_at: str
    reason: str = ""


class PublishQueue:
    """Projects waiting for quota, in a JSON file next to the ledger."""

    def __init__(self, file: Path) -> None:
        self.file = Path(file)

    def entries(self) -> list[QueuedPublish]:
        try:
            raw = json.loads(self.file.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return []
        items = raw.get("queue", []) if isinstance(raw, dict) else []
        known = set(QueuedPublish.__dataclass_fields__)
        return [QueuedPublish(**{k: str(v) for k, v in item.items() if k in known})
                for item in items if isinstance(item, dict) and item.get("project")]

    def add(self, project: Path | str, privacy: str, not_before: datetime, reason: str = "") -> QueuedPublish:
        entry = QueuedPublish(str(project), privacy, not_before.astimezone(timezone.utc).isoformat(),
                              _utc_now().replace(microsecond=0).isoformat(), reason)
        with _file_lock(self.file, "queueing a publish"):  # several publishers share one queue
            self._write([e for e in self.entries() if e.project != entry.project] + [entry])
        return entry

    def remove(self, project: Path | str) -> bool:
        with _file_lock(self.file, "queueing a publish"):
            entries = self.entries()
            kept = [e for e in entries if e.project != str(project)]
            if len(kept) != len(entries):
                self._write(kept)
        return len(kept) != len(entries)

    def due(self, now: datetime | None = None) -> list[QueuedPublish]:
        now = now or _utc_now()
        return [e for e in self.entries() if datetime.fromisoformat(e.not_before) <= now]

    def _write(self, entries: list[QueuedPublish]) -> None:
        self.file.parent.mkdir(parents=True, exist_ok=True)
        data = {"schema_version": 1, "queue": [e.__dict__ for e in entries]}
        atomic_write_text(self.file, json.dumps(data, indent=2) + "\n")
