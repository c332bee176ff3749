"""The quota ledger and publish queue are shared by every publisher: parallel processes never lose a count."""

from __future__ import annotations

import subprocess
import sys
from datetime import datetime, timezone
from pathlib import Path

from introstudio.core.publish.quota import PublishQueue, QuotaLedger

WORKER = """
import sys
from datetime import datetime, timezone
from pathlib import Path
from introstudio.core.publish.quota import PublishQueue, QuotaLedger
folder, n = Path(sys.argv[1]), int(sys.argv[2])
ledger, queue = QuotaLedger(folder / "quota.json"), PublishQueue(folder / "queue.json")
for i in range(40):
    ledger.record("captions.insert")
queue.add(folder / f"project-{n}", "private", datetime(2030, 1, 1, tzinfo=timezone.utc), "quota")
"""


def test_parallel_publishers_keep_every_count_and_every_queued_project(tmp_path: Path) -> None:
    procs = [subprocess.Popen([sys.executable, "-c", WORKER, str(tmp_path), str(n)]) for n in range(4)]
    assert all(p.wait(timeout=120) == 0 for p in procs)
    usage = QuotaLedger(tmp_path / "quota.json").usage()
    assert usage.units == 4 * 40 * 400  # captions.insert costs 400 units
    assert sorted(Path(e.project).name for e in PublishQueue(tmp_path / "queue.json").entries()) == \
        [f"project-{n}" for n in range(4)]
    assert PublishQueue(tmp_path / "queue.json").due(datetime(2031, 1, 1, tzinfo=timezone.utc))
