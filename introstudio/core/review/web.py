"""What the web team puts on the clinician's profile page after go-live: a privacy-enhanced embed, the
transcript as accessible HTML, and schema.org VideoObject JSON-LD, written into the project's `web/` folder.

The embed uses `www.youtube-nocookie.com` (YouTube's privacy-enhanced mode: no cookies until the visitor plays)
with captions on by default (`cc_load_policy=1`). The transcript is read from the very caption file that was
approved and uploaded; WCAG 2.1 (SC 1.2.1/1.2.8) asks for a text alternative beside media, and search engines
index it. The JSON-LD carries name, description, thumbnailUrl, uploadDate, duration, embedUrl and transcript.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from introstudio.core.captions.cues import Cue
from introstudio.core.errors import InvalidInputError
from introstudio.core.project.atomic import atomic_write_text

WEB_DIR = "web"
EMBED_ROOT = "https://www.youtube-nocookie.com/embed/"
VIDEO_ID = re.compile(r"[A-Za-z0-9_-]{11}\Z")
PARAGRAPH_GAP = 1.5  # seconds of silence that start a new transcript paragraph
SENTENCES_PER_PARAGRAPH = 4


@dataclass(frozen=True)
class WebOutputs:
    """The files written for the web team."""

    folder: Path
    embed: Path
    transcript: Path
    jsonld: Path
    snippet: Path  # all three together, ready to paste into a page


def embed_url(video_id: str) -> str:
    """https://www.youtube-nocookie.com/embed/ID; refuses anything that is not an 11-character video id."""
    if not VIDEO_ID.match(video_id or ""):
        raise InvalidInputError(f"{video_id!r} is not a YouTube video id.", "Publish the video first.")
    return EMBED_ROOT + video_id


def embed_html(video_id: str, title: str, language: str = "en") -> str:
    """The iframe YouTube's Share > Embed gives, on the privacy-enhanced host, captions on by default."""
    query = urlencode({"cc_load_policy": 1, "cc_lang_pref": language, "hl": language, "rel": 0})
    return (f'<iframe width="560" height="315" src="{embed_url(video_id)}?{html.escape(query)}" '
            f'title="{html.escape("Video: " + title)}" frameborder="0" allow="accelerometer; autoplay; '
            'clipboard-write; encrypted-media; gyroscope; picture-in-picture; web-share" '
            'referrerpolicy="strict-origin-when-cross-origin" allowfullscreen></iframe>')


def transcript_paragraphs(cues: Sequence[Cue]) -> list[str]:
    """The captions as running text: a new paragraph after a pause or every few sentences."""
    paragraphs: list[str] = []
    words: list[str] = []
    sentences, last_end = 0, None
    for cue in cues:
        text = " ".join(" ".join(cue.lines).split())
        text = re.sub(r"<[^>]+>", "", text)  # WebVTT voice/italic tags are not words
        if not text:
            continue
        if words and ((last_end is not None and cue.start - last_end >= PARAGRAPH_GAP)
                      or sentences >= SENTENCES_PER_PARAGRAPH):
            paragraphs.append(" ".join(words))
            words, sentences = [], 0
        words.append(text)
        sentences += len(re.findall(r"[.!?](?:\s|$)", text))
        last_end = cue.end
    if words:
        paragraphs.append(" ".join(words))
    return paragraphs


def transcript_html(paragraphs: Sequence[str], title: str, language: str = "en", anchor: str = "transcript") -> str:
    """A labelled <section> (a landmark screen readers list) with a heading and one <p> per paragraph."""
    e = html.escape
    body = "\n".join(f"  <p>{e(p)}</p>" for p in paragraphs)
    return (f'<section class="video-transcript" id="{e(anchor)}" lang="{e(language)}" '
            f'aria-labelledby="{e(anchor)}-heading">\n  <h2 id="{e(anchor)}-heading">Transcript: {e(title)}</h2>\n'
            f"{body}\n</section>")


def iso_duration(seconds: float | None) -> str | None:
    """ISO 8601 duration as schema.org wants it: 93.4 -> 'PT1M33S'."""
    if seconds is None or seconds <= 0:
        return None
    total = int(round(seconds))
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    return "PT" + (f"{hours}H" if hours else "") + (f"{minutes}M" if minutes else "") + f"{secs}S"


def video_object(video_id: str, title: str, description: str, upload_date: str, duration: float | None,
                 transcript: str, language: str = "en") -> dict[str, Any]:
    """schema.org VideoObject for Google's video rich results (required: name, thumbnailUrl, uploadDate)."""
    data: dict[str, Any] = {
        "@context": "https://schema.org", "@type": "VideoObject", "name": title, "description": description,
        "thumbnailUrl": [f"https://i.ytimg.com/vi/{video_id}/maxresdefault.jpg",
                         f"https://i.ytimg.com/vi/{video_id}/hqdefault.jpg"],
        "uploadDate": upload_date, "embedUrl": embed_url(video_id),
        "url": f"https://www.youtube.com/watch?v={video_id}", "inLanguage": language, "transcript": transcript,
    }
    if (iso := iso_duration(duration)) is not None:
        data["duration"] = iso
    return data


def jsonld_script(data: dict[str, Any]) -> str:
    """<script type="application/ld+json"> with '<' escaped so no text can close the script early."""
    text = json.dumps(data, indent=2, ensure_ascii=False).replace("<", "\\u003c")
    return f'<script type="application/ld+json">\n{text}\n</script>'


def write_web_outputs(folder: Path, video_id: str, title: str, description: str, upload_date: str,
                      duration: float | None, cues: Sequence[Cue], language: str = "en") -> WebOutputs:
    """Write embed.html, transcript.html, video.jsonld and snippet.html (all three) into `folder`."""
    folder.mkdir(parents=True, exist_ok=True)
    paragraphs = transcript_paragraphs(cues)
    embed = embed_html(video_id, title, language)
    section = transcript_html(paragraphs, title, language)
    data = video_object(video_id, title, description, upload_date, duration, "\n\n".join(paragraphs), language)
    files = WebOutputs(folder, folder / "embed.html", folder / "transcript.html", folder / "video.jsonld",
                       folder / "snippet.html")
    for stale in ("TAKEN-DOWN.txt",):
        (folder / stale).unlink(missing_ok=True)
    atomic_write_text(files.embed, embed + "\n")
    atomic_write_text(files.transcript, section + "\n")
    atomic_write_text(files.jsonld, json.dumps(data, indent=2, ensure_ascii=False) + "\n")
    snippet = "\n\n".join([
        "<!-- IntroStudio: the clinician's video for their profile page. Paste as it is; the transcript may be "
        "placed further down the page. -->", embed, section, jsonld_script(data)])
    atomic_write_text(files.snippet, snippet + "\n")
    return files


def withdraw_web_outputs(folder: Path, reason: str, when: str) -> list[Path]:
    """After a take-down: remove the embed, JSON-LD and snippet (so nobody pastes a dead video) and say why."""
    removed = []
    for name in ("embed.html", "video.jsonld", "snippet.html", "transcript.html"):
        path = folder / name
        if path.exists():
            path.unlink()
            removed.append(path)
    if folder.is_dir():
        atomic_write_text(folder / "TAKEN-DOWN.txt",
                          f"This video was taken down (made private on YouTube) at {when}.\nReason: {reason}\n"
                          "Remove its embed, transcript and JSON-LD from the clinician's web page.\n")
    return removed
