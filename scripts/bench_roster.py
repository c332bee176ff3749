"""Roster import of 10,000 hostile names vs 10,000 plain ASCII names: time and peak memory, side by side.

The hostile roster cycles through names in Arabic, Hebrew, Chinese, Devanagari, with emoji, starting like
spreadsheet formulas, far too long, holding control characters, repeated, and with a glyph no bundled font
has; bad rows are skipped (--skip-bad-rows) and listed. Each scenario runs in its own process so its peak
resident memory is its own. Phases: a dry run (read, check every row, limits and glyph warnings, nothing
written) and a real import that creates one project folder per clinician.

    python scripts/bench_roster.py                 # 10,000 rows, dry run and real import
    python scripts/bench_roster.py --rows 2000 --dry-run-only
"""

from __future__ import annotations

import argparse
import csv
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

PLAIN = ["Maria Lopez", "John Smith", "Ana Kim", "Omar Haddad", "Grace Okafor", "Lena Novak", "Ravi Patel"]
HOSTILE = [
    "د. محمد عبد الله", "דוד כהן", "张伟", "प्रिया शर्मा", "Zoë Ng 👩‍⚕️", "=cmd|' /C calc'!A0", "+Ana Kim",
    "-Tom Baker", "@Lena Novak", "Ankh \U00013000 Smith", "Renée Ó Súilleabháin-Łukasiewicz",
]
SPECIALTIES = ["Cardiology", "طب الغدد الصماء", "内分泌科", "=1+2", "Neurology"]


def make_roster(path: Path, rows: int, hostile: bool) -> None:
    """Write a CSV roster of `rows` clinicians; a hostile one has about 1 bad row in 12."""
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["Name", "Specialty", "Department"])
        for i in range(rows):
            if not hostile:
                writer.writerow([f"{PLAIN[i % len(PLAIN)]} {i}", "Cardiology", "Heart and Vascular Center"])
                continue
            kind = i % 12
            if kind == 9:
                name = "Maria " + "Fernanda " * (20 + i % 1500) + f"Lopez {i}"  # too long (up to ~13,000 chars)
            elif kind == 10:
                name = f"Tom\x07 Baker {i}"  # a control character
            elif kind == 11:
                name = f"{HOSTILE[0]} {i - 11}"  # a duplicate of an earlier row
            else:
                name = f"{HOSTILE[(i // 12 + kind) % len(HOSTILE)]} {i}"
            writer.writerow([name, SPECIALTIES[i % len(SPECIALTIES)], "قسم القلب" if i % 2 else "心脏科"])


def child(roster: Path, into: Path, dry_run: bool) -> None:
    """Run one import in this process and print its figures as JSON (peak: resident set, or on Windows
    Python's own allocations as tracemalloc counts them)."""
    import tracemalloc

    from introstudio.core.batch.create import import_roster
    from introstudio.core.jobs import run_job

    try:
        import resource
    except ImportError:
        resource = None
        tracemalloc.start()
    start = time.perf_counter()
    result = run_job(import_roster(roster, into, skip_bad_rows=True, dry_run=dry_run))
    seconds = time.perf_counter() - start
    if resource is not None:
        scale = 1 if sys.platform == "darwin" else 1024  # ru_maxrss: bytes on macOS, KiB on Linux
        peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * scale / 1024
    else:
        peak_kb = tracemalloc.get_traced_memory()[1] / 1024
    warned = sum(1 for p in result.projects if p.warnings)
    print(json.dumps({"seconds": seconds, "peak_mb": peak_kb / 1024, "projects": len(result.projects),
                      "skipped": len(result.skipped), "warned": warned}))


def run(roster: Path, into: Path, dry_run: bool) -> dict:
    cmd = [sys.executable, __file__, "--child", str(roster), str(into)] + (["--dry-run-only"] if dry_run else [])
    out = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if out.returncode:
        raise SystemExit(out.stderr[-3000:])
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--dry-run-only", action="store_true", help="only read and check, create nothing")
    parser.add_argument("--child", nargs=2, metavar=("ROSTER", "INTO"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(Path(args.child[0]), Path(args.child[1]), args.dry_run_only)
        return
    with tempfile.TemporaryDirectory(prefix="bench-roster-") as tmp:
        work = Path(tmp)
        phases = [("dry run", True)] + ([] if args.dry_run_only else [("import", False)])
        print(f"{args.rows:,} rows; figures per scenario, each in its own process\n")
        print(f"{'phase':<9} {'roster':<8} {'seconds':>8} {'peak MB':>8} {'projects':>9} {'bad rows':>9} "
              f"{'warned':>7}")
        for phase, dry in phases:
            figures = {}
            for label, hostile in (("plain", False), ("hostile", True)):
                roster = work / f"{label}.csv"
                if not roster.exists():
                    make_roster(roster, args.rows, hostile)
                f = figures[label] = run(roster, work / f"{label}-{phase.replace(' ', '-')}", dry)
                print(f"{phase:<9} {label:<8} {f['seconds']:>8.2f} {f['peak_mb']:>8.1f} {f['projects']:>9,} "
                      f"{f['skipped']:>9,} {f['warned']:>7,}")
            ratio = figures["hostile"]["seconds"] / max(figures["plain"]["seconds"], 1e-9)
            print(f"{'':<9} hostile/plain time x{ratio:.2f}, memory "
                  f"x{figures['hostile']['peak_mb'] / figures['plain']['peak_mb']:.2f}\n")


if __name__ == "__main__":
    main()
