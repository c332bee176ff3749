"""The review page: a self-contained folder a clinician or reviewer opens in any browser, no server, nothing sent.

It plays the export with its captions (`<video>` + `<track>` WebVTT), shows the script beside it with the
clinician's departures from it highlighted, the details as the cards show them, the title/description/tags
that go to YouTube, what the reviewer is asked to confirm, the approvals so far, and the SHA-256 of what is
reviewed (the same digest an approval records). The caption track is embedded as a `data:` URL as well as
written beside the page: browsers refuse to load a `<track>` file from a `file://` page (an opaque origin),
but a data URL is always same-origin.
"""

from __future__ import annotations

import base64
import html
import os
import re
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from introstudio.core.errors import IntroStudioError
from introstudio.core.project.atomic import atomic_write_text
from introstudio.core.project.store import ProjectFolder
from introstudio.core.review.approvals import ROLE_NAMES, review_status, statements
from introstudio.core.review.policy import ApprovalPolicy

REVIEW_DIR = "review"
CSP = ("default-src 'none'; media-src file: data:; img-src file: data:; style-src 'unsafe-inline'; "
       "script-src 'unsafe-inline'")


@dataclass(frozen=True)
class ReviewPage:
    """The written folder."""

    folder: Path
    index: Path
    video: Path
    vtt: Path | None
    cues: int
    digest: str


def _place(source: Path, target: Path) -> None:
    """The export in the review folder: a hard link when the disk allows (no copy of a large file), else a copy."""
    if target.exists():
        if target.stat().st_size == source.stat().st_size and os.path.samefile(source, target):
            return
        target.unlink()
    try:
        os.link(source, target)
    except OSError:
        shutil.copyfile(source, target)


def _cues(pf: ProjectFolder, subject: Any) -> list[Any]:
    from introstudio.core.captions.formats import read_captions

    entry = subject.captions.get("vtt") or subject.captions.get("srt")
    return list(read_captions(pf.resolve(entry["file"])).cues) if entry else []


def _script_html(pf: ProjectFolder, departures: list[dict[str, Any]]) -> tuple[str, list[dict[str, Any]]]:
    """The script's paragraphs with departures marked where their script text is found; the rest are returned."""
    from introstudio.core.project.ops import filled_script

    try:
        paragraphs = list(filled_script(pf.project).paragraphs)
    except IntroStudioError as exc:
        return f"<p><em>{html.escape(exc.message)}</em></p>", departures
    marks: dict[int, list[tuple[int, int, dict[str, Any]]]] = {}
    unplaced = []
    for dep in departures:
        wanted = str(dep.get("script_text") or "").strip()
        placed = False
        for i, text in enumerate(paragraphs):
            if not wanted:
                break
            m = re.search(re.escape(wanted), text, re.I)
            taken = marks.setdefault(i, [])
            if m and not any(a < m.end() and m.start() < b for a, b, _ in taken):
                taken.append((m.start(), m.end(), dep))
                placed = True
                break
        if not placed:
            unplaced.append(dep)
    out = []
    e = html.escape
    for i, text in enumerate(paragraphs):
        pos, parts = 0, []
        for start, end, dep in sorted(marks.get(i, []), key=lambda x: x[0]):
            heard = str(dep.get("heard_text") or "").strip()
            note = f"{dep.get('kind', 'changed')}: heard “{heard}”" if heard else f"{dep.get('kind', 'skipped')}"
            parts += [e(text[pos:start]), f'<mark class="departure" title="{e(note)}" data-start="'
                      f'{float(dep.get("start") or 0):.2f}">{e(text[start:end])}</mark>'
                      f'<span class="heard"> [{e(note)}]</span>']
            pos = end
        parts.append(e(text[pos:]))
        out.append(f"<p>{''.join(parts)}</p>")
    return "\n".join(out), unplaced


def _rows(pairs: list[tuple[str, str]]) -> str:
    e = html.escape
    return "".join(f"<tr><th scope=\"row\">{e(k)}</th><td>{e(v)}</td></tr>" for k, v in pairs if v)


_CSS = """body{font-family:system-ui,sans-serif;margin:1.5em;color:#1a1a1a;max-width:1400px}
.cols{display:flex;gap:2em;flex-wrap:wrap}.cols>section{flex:1 1 480px}video{width:100%;background:#000}
mark.departure{background:#ffe08a;cursor:pointer}.heard{color:#7a4d00;font-size:.9em}
table{border-collapse:collapse}th,td{text-align:left;vertical-align:top;padding:.3em .8em .3em 0}
pre{white-space:pre-wrap;font-family:inherit;background:#f5f5f5;padding:.6em}.ok{color:#1b5e20}
.missing{color:#b00020}code{font-size:.85em;word-break:break-all}"""

_SCRIPT = """document.querySelectorAll('mark.departure').forEach(function(m){m.addEventListener('click',
function(){var v=document.getElementById('video');v.currentTime=parseFloat(m.dataset.start)||0;v.play();});});"""


def write_review_page(pf: ProjectFolder, policy: ApprovalPolicy, out: Path | None = None,
                      kit: str | None = None) -> ReviewPage:
    """Write index.html, the video (linked or copied), captions.vtt and the thumbnail into `out`."""
    from introstudio.core.captions.formats import write_vtt
    from introstudio.core.render.brandkit import load_brand_kit
    from introstudio.core.render.plan import card_specs

    folder = Path(out) if out else pf.folder / REVIEW_DIR
    index = folder / "index.html"
    status = review_status(pf, policy, kit)
    if status.subject is not None and not pf.project.review.get("page"):  # the project is in review from now
        pf.project.review["page"] = pf.relative(index) if index.is_relative_to(pf.folder) else str(index)
        pf.save()
        status = review_status(pf, policy, kit)
    subject = status.subject
    if subject is None:
        from introstudio.core.errors import UserError

        raise UserError(f"No review page was written: {status.subject_error}",
                        "Export the project first (`introstudio render DIR`).")
    folder.mkdir(parents=True, exist_ok=True)
    source = pf.resolve(subject.video["file"])
    video = folder / source.name
    _place(source, video)
    cues = _cues(pf, subject)
    vtt = None
    track = ""
    if cues:
        vtt = folder / "captions.vtt"
        write_vtt(cues, vtt)
        data = base64.b64encode(vtt.read_bytes()).decode("ascii")
        language = subject.metadata.get("language") or "en"
        track = (f'<track kind="captions" srclang="{html.escape(str(language))}" label="Captions" default '
                 f'src="data:text/vtt;base64,{data}">')
    e = html.escape
    take = pf.project.take(subject.take_id) if subject.take_id is not None else pf.project.current_take()
    track_model = pf.project.captions_for(take.id) if take else None
    script, unplaced = _script_html(pf, list(track_model.departures) if track_model else [])
    title_card, lower, end = card_specs(pf.project.clinician, load_brand_kit(pf.project.design.brand_kit or kit))
    meta = subject.metadata
    organisation = pf.project.clinician.organisation or title_card.organisation
    roles = []
    for r in status.roles:
        current = r.current or {}
        state = (f'<span class="ok">approved by {e(current["name"])} at {e(current["at"])}</span>' if r.ok
                 else f'<span class="missing">{e(r.problem)}</span>')
        asks = "".join(f"<li>{e(s)}</li>" for s in statements(r.role, status.visibility, organisation))
        cmd = f'introstudio approve "{pf.folder}" --as "Your Name" --role {r.role}'
        roles.append(f"<section><h3>{e(ROLE_NAMES[r.role]).capitalize()}"
                     f"{'' if r.required else ' (optional)'}</h3><p>{state}</p><p>You confirm:</p><ul>{asks}</ul>"
                     f"<p>Record it in the app (Publish, Review and approval) or with <code>{e(cmd)}</code>"
                     f"{' --consent-form FILE' if r.role == 'clinician' and policy.consent_form else ''}.</p>"
                     "</section>")
    leftovers = "".join(f"<li>{e(str(d.get('kind')))} at {float(d.get('start') or 0):.1f} s: script "
                        f"“{e(str(d.get('script_text') or ''))}”, heard “{e(str(d.get('heard_text') or ''))}”</li>"
                        for d in unplaced)
    thumb = ""
    record_thumb = pf.resolve(subject.video["file"]).with_suffix(".jpg")
    if record_thumb.is_file():
        shutil.copyfile(record_thumb, folder / "thumbnail.jpg")
        thumb = ' poster="thumbnail.jpg"'
    captions_files = ", ".join(f"{k.upper()} <code>{e(v['sha256'])}</code>" for k, v in subject.captions.items())
    page = f"""<!DOCTYPE html>
<html lang="{e(str(meta.get('language') or 'en'))}"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="{CSP}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Review: {e(str(meta.get('title', '')))}</title><style>{_CSS}</style></head><body>
<header><h1>Review: {e(str(meta.get('title', '')))}</h1>
<p>Please watch the whole video with captions on, read the script beside it, and check the details below.
When go-live is approved, the video becomes <strong>{e(status.visibility)}</strong> on YouTube.
Status now: <strong id="state">{e(status.state)}</strong>.</p></header>
<div class="cols"><section aria-labelledby="h-video"><h2 id="h-video">The video</h2>
<video id="video" controls preload="auto" playsinline src="{e(video.name)}"{thumb}>{track}
Your browser cannot play this video; open {e(video.name)} directly.</video>
<p>{len(cues)} captions{' (also as <a href="captions.vtt">captions.vtt</a>)' if vtt else ''}.</p>
<h2>Shown on the cards</h2><table>{_rows([("Title card", title_card.name_line), ("Specialty", title_card.specialty),
    ("Department", title_card.department), ("Organisation", title_card.organisation),
    ("Lower third", " / ".join(x for x in (lower.name_line, lower.department_line) if x)),
    ("End card", " / ".join(x for x in (end.call_to_action, end.phone, end.web, end.organisation) if x))])}</table>
</section>
<section aria-labelledby="h-script"><h2 id="h-script">The script</h2>
<p>Highlighted: where what was said departs from the script (click to hear it).</p>{script}
{f'<h3>Other departures</h3><ul>{leftovers}</ul>' if leftovers else ''}</section></div>
<section aria-labelledby="h-yt"><h2 id="h-yt">Sent to YouTube</h2><table>{_rows([
    ("Title", str(meta.get('title', ''))), ("Tags", ", ".join(meta.get('tags') or [])),
    ("Category", str(meta.get('category_id', ''))), ("Language", str(meta.get('language', ''))),
    ("Visibility at go-live", status.visibility)])}</table>
<h3>Description</h3><pre>{e(str(meta.get('description', '')))}</pre></section>
<section aria-labelledby="h-approve"><h2 id="h-approve">What you are asked to confirm</h2>{''.join(roles)}</section>
<footer><h2>What is reviewed, exactly</h2><p>Video {e(subject.video['file'])}, SHA-256
<code>{e(subject.video['sha256'])}</code>; captions: {captions_files or 'none'}.
Approval reference <code id="digest">{e(subject.digest)}</code>: an approval records it, and any change to the
video, captions or YouTube text makes the approval stale.</p></footer>
<script>{_SCRIPT}</script></body></html>
"""
    atomic_write_text(index, page)
    return ReviewPage(folder, index, video, vtt, len(cues), subject.digest)
