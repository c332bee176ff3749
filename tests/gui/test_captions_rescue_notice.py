"""The captions page says plainly when some speech needed a second listen (issue 11)."""

from __future__ import annotations

from introstudio.core.captions.cues import Cue
from introstudio.core.project.model import CaptionTrack


def test_the_report_line_tells_of_speech_heard_again(qtbot, project):
    from introstudio.gui.pages.captions import CaptionsPage

    rescued = {"start": 0.0, "end": 1.5, "outcome": "recognised", "words": 3, "text": "Hello and welcome."}
    project.project.captions.append(CaptionTrack(take_id=1, engine="test", cues=[
        Cue(0.0, 1.6, ("Hello and welcome.",))], rescues=[rescued]))
    project.save()
    page = CaptionsPage()
    qtbot.addWidget(page)
    page.refresh(project)
    assert "1 stretch(es) of speech needed a second listen" in page.report.text()
    project.project.captions[0].rescues = []
    page.refresh(project)
    assert "second listen" not in page.report.text()
