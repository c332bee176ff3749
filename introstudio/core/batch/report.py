"""The batch report a coordinator opens: an HTML page and the same rows as CSV, rewritten atomically.

`write_report` is called as each clinician finishes, so a crash or a stop leaves a report that is true
for everything finished so far (and says which projects are still pending).
"""

from __future__ import annotations

import csv
import html
import io
import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

from introstudio.core.batch.tasks import ItemResult, StepResult
from introstudio.core.project.atomic import atomic_write_bytes, atomic_write_text
from introstudio.core.project.store import ProjectFolder

REPORT_HTML = "batch-report.html"
REPORT_CSV = "batch-report.csv"
CSV_COLUMNS = ("name", "status", "duration_seconds", "caption_check", "caption_problems", "script_match",
               "loudness_lufs", "true_peak", "video", "srt", "vtt", "thumbnail", "published_url", "review_state", "error", "hint",
               "steps", "seconds_taken", "attempt", "worker", "finished_at", "folder")


@dataclass(frozen=True)
class ReportInfo:
    """What the batch was asked to do, shown at the top of the report."""

    folder: Path
    steps: tuple[str, ...]
    preset: str | None
    started_at: str
    runner: str  # e.g. "2 local workers" or "Dask at tcp://host:8786"
    notes: tuple[str, ...] = ()


def write_report(results: Sequence[ItemResult], info: ReportInfo, running: bool = False) -> tuple[Path, Path]:
    """Write batch-report.csv and batch-report.html into the batch folder, each atomically."""
    folder = Path(info.folder)
    csv_path, html_path = folder / REPORT_CSV, folder / REPORT_HTML
    # utf-8-sig: Excel opens the CSV with accents intact.
    atomic_write_bytes(csv_path, render_csv(results).encode("utf-8-sig"))
    atomic_write_text(html_path, render_html(results, info, running))
    return html_path, csv_path


def render_csv(results: Sequence[ItemResult]) -> str:
    """One row per clinician, columns as CSV_COLUMNS."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for r in results:
        writer.writerow([_cell(v) for v in _row(r).values()])
    return out.getvalue()


def read_report_csv(path: str | Path) -> list[dict[str, str]]:
    """The rows of a batch-report.csv, as dicts keyed by CSV_COLUMNS (formula guards taken off again)."""
    with open(path, encoding="utf-8-sig", newline="") as fh:
        return [{k: _uncell(v) for k, v in row.items()} for row in csv.DictReader(fh)]


def _uncell(text: str | None) -> str:
    text = text or ""
    return text[1:] if text.startswith("'") and text[1:2] and text[1] in "=+-@\t\r" else text


def _row(r: ItemResult) -> dict[str, Any]:
    return {
        "name": r.name, "status": r.status, "duration_seconds": _round(r.duration, 2),
        "caption_check": r.caption_check, "caption_problems": r.caption_problems,
        "script_match": _round(r.script_match, 3), "loudness_lufs": _round(r.loudness_lufs, 1),
        "true_peak": _round(r.true_peak, 1), "video": r.video, "srt": r.srt, "vtt": r.vtt,
        "thumbnail": r.thumbnail, "published_url": r.published_url, "review_state": r.review_state, "error": r.error, "hint": r.hint,
        "steps": "; ".join(step_text(s) for s in r.steps), "seconds_taken": _round(r.seconds, 1),
        "attempt": r.attempt, "worker": r.worker, "finished_at": r.finished_at, "folder": r.folder,
    }


def step_text(s: StepResult) -> str:
    """'render done'; a skipped publish says why ('publish skipped (the export has no captions; ...)')."""
    return f"{s.step} {s.status}" + (f" ({s.message})" if s.step in ("publish", "golive") and
                                     s.status == "skipped" and s.message else "")


def _round(value: float | None, digits: int) -> float | None:
    return None if value is None else round(float(value), digits)


_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _cell(value: Any) -> str:
    """A CSV cell a spreadsheet shows as text: one starting like a formula gets a leading apostrophe.

    OWASP's CSV-injection rule: '=HYPERLINK(...)' from a roster name must not run when the report is
    opened in Excel or LibreOffice. Numbers the report itself wrote (e.g. a loudness of -14.0) stay numbers.
    """
    if value is None:
        return ""
    if isinstance(value, (int, float)):
        return str(value)
    text = str(value)
    return "'" + text if text.startswith(_FORMULA_STARTS) else text


_CSS = """
body{font-family:system-ui,sans-serif;margin:2em;color:#222}table{border-collapse:collapse;width:100%}
th,td{border-bottom:1px solid #ddd;padding:.5em;text-align:left;vertical-align:top}th{background:#f4f4f4}
img{max-width:160px;max-height:90px}.failed{background:#fdecea}.pending{color:#777}
.status{font-weight:bold}.failed .status{color:#b00020}.done .status{color:#1b5e20}.hint{color:#555}
.summary span{margin-right:1.5em}small{color:#666}
"""


def render_html(results: Sequence[ItemResult], info: ReportInfo, running: bool = False) -> str:
    """A self-contained page; links and thumbnails are relative, so the folder can be moved or shared."""
    folder = Path(info.folder)
    counts: dict[str, int] = {}
    for r in results:
        counts[r.status] = counts.get(r.status, 0) + 1
    e = html.escape
    head = [
        "<!DOCTYPE html>", '<html lang="en"><head><meta charset="utf-8">',
        *(['<meta http-equiv="refresh" content="30">'] if running else []),
        f"<title>IntroStudio batch: {e(folder.name)}</title><style>{_CSS}</style></head><body>",
        f"<h1>Batch report: {e(folder.name)}</h1>",
        f"<p>Steps: {e(', '.join(info.steps))}; preset: {e(info.preset or 'each project’s own')}; "
        f"{e(info.runner)}; started {e(info.started_at)}"
        + (" — <strong>still running</strong> (this page refreshes)" if running else "") + "</p>",
        '<p class="summary">' + "".join(f"<span>{e(k)}: {v}</span>" for k, v in sorted(counts.items())) + "</p>",
        *(f"<p><small>{e(n)}</small></p>" for n in info.notes),
        "<table><tr><th>Thumbnail</th><th>Clinician</th><th>Status</th><th>Duration</th><th>Captions</th>"
        "<th>Loudness</th><th>Outputs</th><th>Published / what to do</th></tr>",
    ]
    rows = [_html_row(r, folder) for r in results]
    return "\n".join([*head, *rows, "</table></body></html>", ""])


def _html_row(r: ItemResult, folder: Path) -> str:
    e = html.escape
    thumb = f'<img src="{_href(r.thumbnail, folder)}" alt="">' if r.thumbnail else ""
    duration = "" if r.duration is None else f"{int(r.duration // 60)}:{r.duration % 60:04.1f}"
    captions = e(r.caption_check)
    if r.script_match is not None:
        captions += f"<br><small>script match {r.script_match:.0%}</small>"
    loud = "" if r.loudness_lufs is None else f"{r.loudness_lufs:.1f} LUFS"
    if r.true_peak is not None:
        loud += f"<br><small>peak {r.true_peak:.1f} dBTP</small>"
    outputs = "<br>".join(f'<a href="{_href(p, folder)}">{e(Path(p).name)}</a>'
                          for p in (r.video, r.srt, r.vtt) if p)
    if r.status == "failed":
        last = e(r.error) + (f'<br><span class="hint">What to do: {e(r.hint)}</span>' if r.hint else "")
    elif r.published_url:
        last = f'<a href="{e(r.published_url)}">{e(r.published_url)}</a>'
        last += f"<br><small>{e(step_text(r.steps[-1]))}</small>" if r.steps and r.steps[-1].step == "golive" else ""
    else:
        last = e("; ".join(step_text(s) for s in r.steps))
    project = f'<a href="{_href(r.folder, folder)}">{e(r.name)}</a>'
    return (f'<tr class="{e(r.status)}"><td>{thumb}</td><td>{project}</td><td class="status">{e(r.status)}'
            f"{f'<br><small>attempt {r.attempt}</small>' if r.attempt > 1 else ''}"
            f"{f'<br><small>{e(r.review_state)}</small>' if r.review_state else ''}</td><td>{duration}</td>"
            f"<td>{captions}</td><td>{loud}</td><td>{outputs}</td><td>{last}</td></tr>")


def _href(path: str | None, folder: Path) -> str:
    """A relative, URL-quoted link from the report's folder (absolute when on another drive)."""
    if not path:
        return ""
    try:
        rel = os.path.relpath(path, folder)
    except ValueError:  # another drive on Windows
        return Path(path).as_uri()
    return quote(Path(rel).as_posix())


def project_facts(pf: ProjectFolder, preset: str) -> dict[str, Any]:
    """The report's facts for one project: newest export of `preset`, caption check, published address."""
    from introstudio.core.captions.layout import check_cues
    from introstudio.core.captions.profiles import get_profile

    facts: dict[str, Any] = {}
    entries = [x for x in pf.project.exports if x.get("preset") == preset and (x.get("file") or x.get("video"))]
    if entries:
        entry = entries[-1]
        for key, stored in (("video", entry.get("file") or entry.get("video")), ("srt", entry.get("srt")),
                            ("vtt", entry.get("vtt")), ("thumbnail", entry.get("thumbnail"))):
            facts[key] = None if not stored else str(Path(stored) if Path(stored).is_absolute()
                                                      else pf.resolve(stored))
        for key in ("duration", "loudness_lufs", "true_peak"):
            facts[key] = entry.get(key)
    take = pf.project.current_take()
    track = pf.project.captions_for(take.id) if take else None
    if track is None:
        facts["caption_check"] = "no captions"
    elif not track.cues:
        facts["caption_check"] = "empty: no speech was heard (check the take's sound)"
    else:
        violations = check_cues(track.cues, get_profile(track.profile))
        facts["caption_problems"] = len(violations)
        facts["caption_check"] = (f"OK ({len(track.cues)} captions, {track.profile})" if not violations else
                                  f"{len(violations)} problem(s) in {len(track.cues)} captions ({track.profile})")
    if take is not None and take.script_match is not None:
        facts["script_match"] = take.script_match
    if pf.project.publish.video_id:
        facts["published_url"] = f"https://youtu.be/{pf.project.publish.video_id}"
    facts["review_state"] = review_state(pf)
    return facts


def review_state(pf: ProjectFolder) -> str:
    """The clinician's state for the report (exported ... live, taken down); "" when it cannot be told."""
    from introstudio.core.errors import IntroStudioError
    from introstudio.core.review.approvals import review_status
    from introstudio.core.review.policy import load_policy

    try:
        return review_status(pf, load_policy(pf.project.design.brand_kit)).state
    except IntroStudioError:
        return ""
