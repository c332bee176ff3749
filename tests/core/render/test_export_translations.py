"""An export writes the translation track's sidecars beside the spoken ones, recorded and owned like them."""

from __future__ import annotations

import pytest

from introstudio.core.captions.cues import Cue
from introstudio.core.captions.formats import read_srt, read_vtt
from introstudio.core.errors import InvalidInputError
from introstudio.core.jobs import run_job
from introstudio.core.media.testmedia import make_clip
from introstudio.core.project import CaptionTrack, Clinician, Script, create_project
from introstudio.core.project.ops import import_takes
from introstudio.core.render.export import render_project
from introstudio.core.render.plan import plan_render
from introstudio.core.render.presets import get_preset
from introstudio.core.render.records import export_records, file_sha256

pytestmark = pytest.mark.slow

EN = [Cue(0.5, 1.8, ("Hello, and welcome.",)), Cue(2.0, 3.4, ("I'm Dr. Okafor.",))]
ES = [Cue(0.5, 1.8, ("Hola, bienvenidos.",)), Cue(2.0, 3.4, ("Soy la Dra. Okafor.",))]


def test_export_writes_and_records_both_languages(tmp_path) -> None:
    pf = create_project(tmp_path / "okafor", Clinician(name="Amara Okafor"), Script(template_id="physician-intro"))
    run_job(import_takes(pf, [make_clip(tmp_path / "take.mp4", seconds=4.0, size=(320, 180))]))
    pf.project.design.title_card = pf.project.design.end_card = False
    pf.project.captions += [CaptionTrack(take_id=1, cues=list(EN)),
                            CaptionTrack(take_id=1, language="es", engine="script", kind="translation",
                                         source="script:physician-intro-es", cues=list(ES))]
    pf.save()
    result = run_job(render_project(pf, "preview"))
    es_srt, es_vtt = result.translations["srt.es"], result.translations["vtt.es"]
    assert (es_srt.name, es_vtt.name) == (result.video.stem + ".es.srt", result.video.stem + ".es.vtt")
    assert [c.lines for c in read_srt(result.srt).cues] == [c.lines for c in EN]
    assert [c.lines for c in read_srt(es_srt).cues] == [c.lines for c in ES]
    assert [c.lines for c in read_vtt(es_vtt).cues] == [c.lines for c in ES]
    [record] = export_records(pf.project)
    assert record.sidecar("srt.es") == pf.relative(es_srt)
    assert record.sidecar_sha256["srt.es"] == file_sha256(es_srt)
    plan = plan_render(pf, get_preset("preview"), tmp_path / "x.mp4", True, tmp_path)
    burned = plan.captions_ass.read_text(encoding="utf-8")
    assert "welcome" in burned and "Hola" not in burned  # only the spoken track is ever burned in

    es_srt.write_text("1\n00:00:00,000 --> 00:00:01,000\nmine\n", encoding="utf-8")  # someone edits our file
    with pytest.raises(InvalidInputError, match=r"\.es\.srt is already there and IntroStudio did not write it"):
        run_job(render_project(pf, "preview"))
    es_srt.unlink()
    pf.project.captions = [c for c in pf.project.captions if c.kind == "spoken"]  # the translation is gone
    pf.save()
    again = run_job(render_project(pf, "preview"))
    assert again.translations == {} and not es_vtt.exists()  # our stale Spanish sidecar went with it
