"""Publish sends only what the export checked and recorded: its own sidecars, by hash, never a stray file."""

from __future__ import annotations

import pytest

from introstudio.core.errors import MediaError
from introstudio.core.publish.assets import find_assets


def test_a_caption_file_lying_beside_an_uncaptioned_export_is_not_its_captions(exported) -> None:
    record = exported.pf.project.exports[-1]
    record["srt"] = None  # exported without captions ...
    record["sidecar_sha256"].pop("srt")
    exported.pf.save()
    assert exported.srt.is_file()  # ... yet someone's .srt of the same name lies next to it
    assert find_assets(exported.pf).srt is None


def test_captions_changed_after_the_export_are_refused_by_name(exported) -> None:
    exported.srt.write_text(exported.srt.read_text(encoding="utf-8").replace("Hello", "Hallo"), encoding="utf-8")
    with pytest.raises(MediaError, match=exported.srt.name):
        find_assets(exported.pf)
    assert find_assets(exported.pf, check_sidecars=False).srt == exported.srt  # approvals name the change


def test_a_video_changed_after_its_export_is_never_uploaded(yt, exported, config, tmp_path) -> None:
    from introstudio.core.jobs import run_job
    from introstudio.core.publish.publish import PublishOptions, connector, publish_project
    from introstudio.core.publish.quota import QuotaLedger

    with open(exported.video, "r+b") as fh:  # same size, other bytes, not recorded
        fh.seek(4096)
        fh.write(b"not what was checked")
    ledger = QuotaLedger(tmp_path / "quota.json")
    with pytest.raises(MediaError, match="changed after it was exported"):
        run_job(publish_project(exported.pf, confirmed=True, connect=connector(config, None, ledger), ledger=ledger,
                                options=PublishOptions()))
    assert not yt.state.videos
