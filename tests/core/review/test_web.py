"""The web team's outputs: embed URL form, transcript paragraphs and HTML, VideoObject JSON-LD."""

from __future__ import annotations

import json
import re

import pytest

from introstudio.core.captions.cues import Cue
from introstudio.core.errors import InvalidInputError
from introstudio.core.review import web


def test_embed_uses_the_privacy_enhanced_host_and_a_real_video_id():
    assert web.embed_url("dQw4w9WgXcQ") == "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ"
    for bad in ("", "short", "dQw4w9WgXcQ/../x", "dQw4w9WgXc<"):
        with pytest.raises(InvalidInputError):
            web.embed_url(bad)
    snippet = web.embed_html("dQw4w9WgXcQ", 'Dr. "Quotes" <Lopez>', "es")
    assert 'title="Video: Dr. &quot;Quotes&quot; &lt;Lopez&gt;"' in snippet
    src = re.search(r'src="([^"]+)"', snippet).group(1).replace("&amp;", "&")
    assert src == ("https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ?cc_load_policy=1&cc_lang_pref=es&hl=es&rel=0")


def test_transcript_breaks_paragraphs_at_pauses_and_escapes():
    cues = [Cue(0, 1, ("Hello <i>there</i>.",)), Cue(1.1, 2, ("I'm Dr. Lopez",)), Cue(2.1, 3, ("& I help.",)),
            Cue(5.0, 6, ("After a pause.",))]
    paragraphs = web.transcript_paragraphs(cues)
    assert paragraphs == ["Hello there. I'm Dr. Lopez & I help.", "After a pause."]
    section = web.transcript_html(paragraphs, "Dr. Lopez", "en")
    assert "<p>Hello there. I&#x27;m Dr. Lopez &amp; I help.</p>" in section
    assert section.startswith('<section class="video-transcript" id="transcript" lang="en" '
                              'aria-labelledby="transcript-heading">')


def test_video_object_has_the_required_fields_and_cannot_close_its_script():
    data = web.video_object("dQw4w9WgXcQ", "Dr. Lopez", "About </script><b>", "2026-12-05T18:00:00+00:00", 93.4,
                            "Hello.")
    assert data["duration"] == "PT1M33S" and data["thumbnailUrl"][0].startswith("https://i.ytimg.com/vi/dQw4w9WgXcQ/")
    script = web.jsonld_script(data)
    assert "</script><b>" not in script and script.count("</script>") == 1
    inner = script.split("\n", 1)[1].rsplit("\n", 1)[0]
    assert json.loads(inner) == data
    assert web.iso_duration(3725) == "PT1H2M5S" and web.iso_duration(None) is None
