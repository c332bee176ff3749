"""Publish uploads the script's translation as a second caption track, with its language and name, 400 units each."""

from __future__ import annotations

import json

from tests.fakes.publishing import assert_one_good_video, run_publish

ES_SRT = "1\n00:00:00,500 --> 00:00:02,800\nHola, soy la Dra. Maria Lopez.\n"


def test_both_caption_tracks_are_uploaded_and_counted(yt, exported, config, tmp_path) -> None:
    es = exported.video.with_name(exported.video.stem + ".es.srt")
    es.write_text(ES_SRT, encoding="utf-8")
    exported.pf.project.exports[-1]["translations"] = {"srt.es": exported.pf.relative(es)}
    exported.pf.save()
    result, _, ledger, _ = run_publish(exported, config, tmp_path)
    video = assert_one_good_video(yt, exported, captions=2)
    spanish = video.captions[1]
    assert (spanish.language, spanish.name, spanish.data) == ("es", "Español (del guion)", es.read_bytes())
    assert result.captions == "uploaded" and result.translations == {"es": "uploaded"} and result.complete
    day = json.loads(ledger.file.read_text(encoding="utf-8"))["days"][ledger.today().isoformat()]
    assert day["calls"]["captions.insert"] * ledger.policy().units("captions.insert") == 800
    again, _, _, _ = run_publish(exported, config, tmp_path)  # run again: nothing is sent twice
    assert again.translations == {"es": "already uploaded"} and len(yt.state.only_video().captions) == 2
