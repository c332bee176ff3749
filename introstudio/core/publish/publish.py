"""Publish a project to YouTube: confirm, check, upload once, read back, captions, thumbnail, quota.

Every step's outcome is saved in project.publish.upload, so running publish again after any failure
(or after the quota reset) continues with what is missing and never uploads a second video.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from introstudio.core.jobs import Job, Progress, scaled
from introstudio.core.locks import output_lock
from introstudio.core.project.model import now_iso
from introstudio.core.project.store import ProjectFolder
from introstudio.core.publish.assets import PublishAssets, check_captions, check_thumbnail, find_assets
from introstudio.core.publish.auth import open_session, scopes_for
from introstudio.core.publish.client import ApiConfig, YouTubeApi, build_http, build_service
from introstudio.core.publish.errors import (
    ApiError,
    ConfirmationRequiredError,
    NetworkError,
    PublishError,
    QuotaExceededError,
)
from introstudio.core.publish.metadata import VideoMetadata, build_metadata, load_templates
from introstudio.core.publish.quota import PublishQueue, QuotaLedger
from introstudio.core.publish.retry import Kind, RetryPolicy, classify
from introstudio.core.publish.safeguards import check_caption_rule, hold_publish_lock, record_waiver, waiver_covers
from introstudio.core.publish.upload import DEFAULT_CHUNK_SIZE, hash_file, upload_video
from introstudio.core.render.records import recorded_export, verify_recorded

log = logging.getLogger(__name__)

LANGUAGE_NAMES = {"en": "English", "es": "Español", "fr": "Français", "de": "Deutsch", "pt": "Português",
                  "it": "Italiano", "nl": "Nederlands", "pl": "Polski", "zh": "中文", "ar": "العربية"}
LOCKED_PRIVATE = ("YouTube made the video private although {asked} was asked: videos uploaded through an API "
                  "project that has not passed YouTube's API audit are locked private. The organisation's Google "
                  "Cloud admin can request the audit; until then, change the privacy in YouTube Studio.")
UNVERIFIED_THUMBNAIL = ("The video is up, but YouTube refused the custom thumbnail (403): custom thumbnails need a "
                        "verified channel. Verify it at https://www.youtube.com/verify, then run publish again.")

Connect = Callable[[Sequence[str]], YouTubeApi]


@dataclass(frozen=True)
class PublishOptions:
    """Choices for one publish; the defaults upload the latest export with captions and thumbnail."""

    captions: bool = True  # upload the caption track; False = publish without captions (a recorded choice)
    allow_uncaptioned: bool = False  # publish an export that has no captions (a recorded choice); others keep theirs
    thumbnail: bool = True
    video: str | None = None  # a particular export; None = the latest
    new_video: bool = False  # upload again although the project already has a video
    contains_synthetic_media: bool | None = None
    brand_kit: str | None = None  # the organisation's kit, when the project names none
    chunk_size: int = DEFAULT_CHUNK_SIZE
    actor: str = "IntroStudio"  # who publishes ("introstudio publish", "the app"): busy messages, the records
    lock_wait: float = 0.0  # seconds to wait for another publisher of this project before refusing


@dataclass(frozen=True)
class PublishResult:
    """What is on YouTube now, and anything the user must know (partial success is not failure)."""

    video_id: str
    title: str
    privacy_requested: str
    privacy_status: str
    upload_status: str
    captions: str  # "uploaded", "already uploaded", "none", "waived" (published without, by choice), or why not
    thumbnail: str  # "set", "already set", "none", or why not
    warnings: tuple[str, ...]
    size: int
    bytes_sent: int
    resumed_from: int
    already_uploaded: bool
    translations: dict[str, str] = field(default_factory=dict)  # language -> outcome, as `captions` (parallel.py)

    @property
    def url(self) -> str:
        return f"https://youtu.be/{self.video_id}"

    @property
    def studio_url(self) -> str:
        return f"https://studio.youtube.com/video/{self.video_id}/edit"

    @property
    def complete(self) -> bool:
        return self.captions in ("uploaded", "already uploaded", "none", "waived") and \
            self.thumbnail in ("set", "already set", "none") and \
            all(t in ("uploaded", "already uploaded") for t in self.translations.values())


def connector(config: ApiConfig, token_file: Path | None, ledger: QuotaLedger | None,
              retry: RetryPolicy | None = None) -> Connect:
    """A `Connect` that signs the service in with the environment's token or the stored sign-in."""
    def connect(scopes: Sequence[str]) -> YouTubeApi:
        from google_auth_httplib2 import AuthorizedHttp

        session = open_session(config, token_file, scopes)
        # No transparent refresh-and-resend on 401: our loop refreshes once and asks the server first.
        http = AuthorizedHttp(session.credentials, http=build_http(config.timeout), refresh_status_codes=())
        return YouTubeApi(build_service(http, config.api_root), http, session, ledger, retry)
    return connect


def publish_project(pf: ProjectFolder, privacy: str | None = None, *, confirmed: bool = False,
                    public_confirmed: bool = False, connect: Connect, ledger: QuotaLedger | None = None,
                    queue: PublishQueue | None = None, options: PublishOptions = PublishOptions(),
                    ) -> Job[PublishResult]:
    """Upload the project's export with its metadata, captions and thumbnail; refuses without `confirmed`."""
    if confirmed is not True:
        raise ConfirmationRequiredError("Nothing was uploaded: publishing to YouTube needs an explicit confirmation.",
                                        "Answer yes at the prompt, or pass --yes.")
    assets = find_assets(pf, options.video)
    templates = load_templates(pf.project.design.brand_kit or options.brand_kit)
    meta = build_metadata(pf.project, templates, privacy, options.contains_synthetic_media)
    if meta.privacy == "public" and not public_confirmed:
        raise ConfirmationRequiredError("Nothing was uploaded: making a video public needs a second confirmation.",
                                        "Confirm at the second prompt, or pass --confirm-public.")
    chosen = not options.captions or (options.allow_uncaptioned and assets.srt is None)
    check_caption_rule(pf, assets, chosen)  # no captions: refused unless chosen, before anything is sent
    if options.captions and assets.srt is not None:
        check_captions(assets.srt)
    for _language, srt in assets.translations if options.captions else ():
        check_captions(srt)
    warnings: list[str] = []
    thumb_mime = ""
    if options.thumbnail and assets.thumbnail is not None:
        thumb_mime, found = check_thumbnail(assets.thumbnail)
        warnings += found
    seen_id = pf.project.publish.video_id  # before waiting: another publisher may publish meanwhile
    lock = yield from hold_publish_lock(pf, f"{options.actor} (uploading to YouTube)", options.lock_wait)
    try:
        # The export's own lock too: no export may rewrite the file while it is checked and sent.
        with output_lock(assets.video, f"{options.actor} (uploading this video to YouTube)"):
            yield Progress(0.0, "Checking the video file")
            # What a publisher that held the lock before this one recorded (its video or its session: never two
            # videos), and the record of a re-export made while this one waited.
            pf.reload()
            sha = yield from scaled(hash_file(assets.video), 0.0, 0.05)
            # What is sent is the very file that was checked and recorded (and, if approved, approved).
            verify_recorded(pf, recorded_export(pf, assets.video), sha)
            return (yield from _publish_held(pf, assets, meta, sha, seen_id, chosen, warnings, thumb_mime,
                                             connect, ledger, queue, options))
    finally:
        lock.release()


def _publish_held(pf: ProjectFolder, assets: PublishAssets, meta: VideoMetadata, sha: str, seen_id: str | None,
                  chosen: bool, warnings: list[str], thumb_mime: str, connect: Connect, ledger: QuotaLedger | None,
                  queue: PublishQueue | None, options: PublishOptions) -> Job[PublishResult]:
    """The upload proper, under the publish lock, from project.json as re-read under it (never two videos)."""
    waived = check_caption_rule(pf, assets, chosen, sha)  # a choice recorded for other bytes does not count
    if waived and not waiver_covers(pf, assets, sha):
        record_waiver(pf, assets, sha, options.actor)
        pf.save()
    publish = pf.project.publish
    state: dict[str, Any] = dict(publish.upload or {})
    done_id = state.get("video_id") if state.get("sha256") == sha else None
    new_video = options.new_video
    if new_video and done_id and publish.video_id != seen_id:
        new_video = False  # another publisher made the new video of this export while this one waited
    if publish.video_id and not done_id and not new_video:
        raise PublishError(f"This project was already published as video {publish.video_id}, from another export.",
                           "Pass --new-video to upload this export as another video.")
    if new_video and publish.video_id:
        state, done_id = {}, None
    want_captions = options.captions and assets.srt is not None and not state.get("captions_done")
    translated = {language: "already uploaded" if language in (state.get("translations_done") or []) else "none"
                  for language, _ in (assets.translations if options.captions else ())}
    want_thumb = bool(thumb_mime) and not state.get("thumbnail_done")
    resuming = bool(state.get("session_uri")) and state.get("sha256") == sha
    if ledger is not None:
        need = ledger.need(upload=not done_id and not resuming, thumbnail=want_thumb,
                           captions=int(want_captions) + sum(t == "none" for t in translated.values()))
        if not ledger.fits(need):
            raise _queued(ledger, queue, pf, meta.privacy, need)
    api = connect(scopes_for(options.captions and (assets.srt is not None or bool(translated))))
    _sign_in_now(api)

    if (resuming or done_id) and state.get("title") and \
            (state.get("privacy"), state.get("title")) != (meta.privacy, meta.title):
        warnings.append(f"The upload began as {state.get('privacy')!r} titled {state.get('title')!r}; YouTube keeps "
                        "what it began with. Change the title or privacy in YouTube Studio if needed.")

    def save_state(new: dict[str, Any]) -> None:  # the privacy and title a session began with stay recorded
        pf.project.publish.upload = {"privacy": meta.privacy, "title": meta.title, **new}
        pf.project.publish.video_id = new.get("video_id") or (None if new_video else publish.video_id)
        pf.save()

    outcome = None
    if not done_id:
        try:
            outcome = yield from scaled(upload_video(api, assets.video, meta, sha, state, save_state,
                                                     options.chunk_size, assets.mimetype), 0.05, 0.9)
        except QuotaExceededError as exc:
            raise _queued(ledger, queue, pf, meta.privacy, None) from exc
        done_id = outcome.video_id
        from introstudio.core.review import audit

        audit.record(pf.folder, "upload", audit.actor(options.actor), {
            "video_id": done_id, "privacy": meta.privacy, "title": meta.title, "file": pf.relative(assets.video),
            "sha256": sha})
    state = dict(pf.project.publish.upload or {})
    yield Progress(0.9, "Checking the video on YouTube")
    video: dict[str, Any] = {}
    captions, thumbnail = ("waived" if waived else "none"), "none"
    try:
        video = yield from _read_back(api, done_id, meta, warnings)
        if assets.srt is not None and options.captions:
            captions = "already uploaded" if state.get("captions_done") else \
                (yield from _captions(api, done_id, assets.srt, assets.caption_language, None, warnings))
            state["captions_done"] = captions in ("uploaded", "already uploaded")
        for language, srt in assets.translations if options.captions else ():  # the script's other language
            from introstudio.core.captions.parallel import track_name

            if translated[language] == "none":
                translated[language] = yield from _captions(api, done_id, srt, language, track_name(language),
                                                            warnings)
            if translated[language] == "uploaded":
                state["translations_done"] = sorted({*(state.get("translations_done") or []), language})
        if thumb_mime:
            thumbnail = "already set" if state.get("thumbnail_done") else \
                (yield from _thumbnail(api, done_id, assets.thumbnail, thumb_mime, warnings))
            state["thumbnail_done"] = thumbnail in ("set", "already set")
    except QuotaExceededError:
        if queue is not None and ledger is not None:
            queue.add(pf.folder, meta.privacy, ledger.next_reset(), "captions/thumbnail waiting for quota")
        warnings.append("YouTube's daily quota ran out before the captions/thumbnail; run publish again after "
                        "the reset (`introstudio publish --queued`) to add them.")
        captions = captions if captions != "none" or not assets.srt else "waiting for quota"
        translated = {k: "waiting for quota" if v == "none" else v for k, v in translated.items()}
        thumbnail = thumbnail if thumbnail != "none" or not thumb_mime else "waiting for quota"
    state["finished_at"] = now_iso()
    if state.get("captions_done"):
        pf.project.publish.captions_waived = None  # the video has its captions now: nothing is waived
    save_state(state)
    if queue is not None and not any(s == "waiting for quota" for s in (captions, thumbnail, *translated.values())):
        queue.remove(pf.folder)
    status = video.get("status", {}) if video else {}
    yield Progress(1.0, "Published")
    return PublishResult(
        done_id, meta.title, meta.privacy, str(status.get("privacyStatus", "")), str(status.get("uploadStatus", "")),
        captions, thumbnail, tuple(warnings), assets.video.stat().st_size,
        outcome.bytes_sent if outcome else 0, outcome.resumed_from if outcome else 0, outcome is None, translated)


def _queued(ledger: QuotaLedger | None, queue: PublishQueue | None, pf: ProjectFolder, privacy: str,
            need: Any) -> PublishError:
    if ledger is None:
        return QuotaExceededError("YouTube's daily quota is spent.", "Run publish again after midnight Pacific time.")
    error = ledger.wait_error(need, "This upload")
    if queue is not None:
        queue.add(pf.folder, privacy, error.reset_at, error.message)
    return error


def _sign_in_now(api: YouTubeApi) -> None:
    """Get an access token before anything is sent, so a dead sign-in is reported first."""
    try:
        api.auth.ensure_valid()
    except PublishError:
        raise
    except Exception as exc:  # noqa: BLE001
        if classify(exc).kind is Kind.TRANSIENT:
            raise NetworkError(f"Cannot reach Google to sign in ({exc}).",
                               "Check the connection and run the command again.") from exc
        raise


def _read_back(api: YouTubeApi, video_id: str, meta: VideoMetadata, warnings: list[str]) -> Job[dict[str, Any]]:
    """videos.list the new video and report what YouTube did with it (rejected, locked private, ...)."""
    listing = yield from api.execute("videos.list", lambda: api.service.videos().list(
        part="status,snippet,processingDetails", id=video_id), 0.9)
    items = listing.get("items") or []
    if not items:
        warnings.append(f"YouTube does not list video {video_id} yet; check YouTube Studio in a few minutes.")
        return {}
    video = items[0]
    status = video.get("status", {})
    upload_status = status.get("uploadStatus", "")
    if upload_status == "rejected":
        warnings.append(f"YouTube rejected the video ({status.get('rejectionReason', 'no reason given')}).")
    elif upload_status == "failed":
        warnings.append(f"YouTube could not process the video ({status.get('failureReason', 'no reason given')}).")
    if meta.privacy != "private" and status.get("privacyStatus") == "private":
        warnings.append(LOCKED_PRIVATE.format(asked=meta.privacy))
    return video


def _captions(api: YouTubeApi, video_id: str, srt: Path, language: str, name: str | None,
              warnings: list[str]) -> Job[str]:
    """captions.insert a sidecar SRT as a track of `language` (named by it, unless `name`); a refusal is a partial
    success with the reason."""
    from googleapiclient.http import MediaInMemoryUpload

    data = srt.read_bytes()
    name = name or LANGUAGE_NAMES.get(language.split("-")[0].lower(), language)
    body = {"snippet": {"videoId": video_id, "language": language, "name": name, "isDraft": False}}

    def make() -> Any:
        return api.service.captions().insert(
            part="snippet", body=body, media_body=MediaInMemoryUpload(data, mimetype="application/octet-stream"))

    def landed() -> Job[Any]:  # after a lost response: did the track arrive anyway?
        listing = yield from api.execute("captions.list", lambda: api.service.captions().list(
            part="snippet", videoId=video_id), 0.93)
        return next((c for c in listing.get("items", []) if c.get("snippet", {}).get("language") == language
                     and c.get("snippet", {}).get("name") == name), None)

    try:
        yield Progress(0.92, f"Uploading the {name} captions")
        yield from api.execute("captions.insert", make, 0.93, check_done=landed)
    except ApiError as exc:
        warnings.append(f"The video is up, but the {name} captions were not added: {exc.message}. {exc.hint}")
        return f"not uploaded ({exc.reason or exc.status})"
    return "uploaded"


def _thumbnail(api: YouTubeApi, video_id: str, image: Path | None, mime: str, warnings: list[str]) -> Job[str]:
    """thumbnails.set; 403 (channel not verified) is a partial success with a clear message."""
    from googleapiclient.http import MediaInMemoryUpload

    assert image is not None
    data = image.read_bytes()
    try:
        yield Progress(0.96, "Setting the thumbnail")
        yield from api.execute("thumbnails.set", lambda: api.service.thumbnails().set(
            videoId=video_id, media_body=MediaInMemoryUpload(data, mimetype=mime)), 0.97)
    except ApiError as exc:
        if exc.status == 403:
            warnings.append(UNVERIFIED_THUMBNAIL)
            return "not set (channel not verified)"
        warnings.append(f"The video is up, but the thumbnail was not set: {exc.message}")
        return f"not set ({exc.reason or exc.status})"
    return "set"
