"""The whole clinician path, as a user walks it, on the bundled sample footage, counting every click and key.

New video for a clinician (the start panel's primary action) -> Clinician -> Script (the template picked in
the new-video dialog, shown filled in) -> import a take -> Make captions -> Look -> Export (Quick small
preview) -> play the export on the Export page -> Upload to the local YouTube stand-in. Real widgets, real
Whisper (tiny.en, in its child process), real ffmpeg, a real upload over HTTP; only the OS dialogs are
answered by the test (through `Ask`), and each answer is counted as the clicks a user would make there.

The take is the sample footage cut to the length of two sentences of the filled script, read by espeak-ng:
what a clinician reading the teleprompter would have recorded, short enough to keep the walk well under 60 s.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:  # `tests.fakes` lives beside the tests, not in the installed package
    sys.path.insert(0, str(ROOT))

from tests.fakes.publishing import TOKEN  # noqa: E402
from tests.fakes.youtube_server import FakeYouTubeServer  # noqa: E402

SAMPLE = ROOT / "resources" / "sample" / "sample-take.mp4"
REPORT = ROOT / "tests" / "output" / "clinician-walk.json"
MAX_CLICKS = 24  # mouse clicks, dialog answers included
MAX_KEYS = 40  # key presses, typing the name and specialty included

pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(shutil.which("espeak-ng") is None, reason="espeak-ng is not installed")]


@dataclass
class Counter:
    """Every user action of the walk goes through here: clicks, key presses, answers given in dialogs."""

    qtbot: object
    clicks: int = 0
    keys: int = 0
    steps: list[str] = field(default_factory=list)

    def click(self, widget, why: str) -> None:
        assert widget.isVisible() and widget.isEnabled(), f"{why}: the control cannot be clicked"
        self.clicks += 1
        self.steps.append(f"click {why}")  # before the click: a dialog it opens counts after it
        self.qtbot.mouseClick(widget, Qt.MouseButton.LeftButton)

    def type(self, widget, text: str, why: str) -> None:
        assert widget.isVisible() and widget.isEnabled(), f"{why}: the field cannot be typed in"
        self.qtbot.keyClicks(widget, text)
        self.keys += len(text)
        self.steps.append(f"type {text!r} {why}")

    def choose(self, combo, data: str, why: str) -> None:
        """Open a drop-down list with a click and click the entry holding `data` (two clicks)."""
        self.click(combo, why)
        view = combo.view()
        self.qtbot.waitUntil(view.isVisible, timeout=3000)
        self.qtbot.wait(QApplication.doubleClickInterval() + 100)  # the list ignores a release this soon
        index = combo.model().index(combo.findData(data), 0)
        view.scrollTo(index)
        self.clicks += 1
        self.steps.append(f"click {combo.itemText(index.row())!r} in {why}")
        self.qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=view.visualRect(index).center())
        self.qtbot.waitUntil(lambda: not view.isVisible(), timeout=3000)

    def answer(self, clicks: int, why: str) -> None:
        """A dialog the test answers: the clicks a user makes there (choose a file and Open = 2)."""
        self.clicks += clicks
        self.steps.append(f"{clicks} click(s) in dialog: {why}")


def two_sentences(script: str) -> str:
    """The first two sentences of the script as the clinician would read them."""
    sentences: list[str] = []
    for piece in re.split(r"(?<=[.!?])\s+", " ".join(script.split())):
        if sentences and sentences[-1].rsplit(" ", 1)[-1] in ("Dr.", "Prof.", "St.", "Mr.", "Mrs.", "Ms."):
            sentences[-1] += " " + piece  # "Dr. Lopez" is not two sentences
        else:
            sentences.append(piece)
    return " ".join(sentences[:2])


def spoken_sample_take(folder: Path, words: str) -> Path:
    """The bundled sample footage cut to `words` read aloud by espeak-ng, with that speech as its sound."""
    from introstudio.core.media.tools import run_ffmpeg

    wav = folder / "reading.wav"
    subprocess.run(["espeak-ng", "-v", "en-us", "-s", "165", "-w", str(wav), words], check=True,
                   capture_output=True, timeout=60)
    take = folder / "lopez take 1.mp4"
    run_ffmpeg(["-y", "-i", str(SAMPLE), "-i", str(wav), "-map", "0:v", "-map", "1:a", "-shortest",
                "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", "-c:a", "aac", "-ar", "48000",
                str(take)], timeout=120)
    return take


def test_the_clinician_path_from_new_video_to_youtube(qtbot, wait_op, tmp_path, app_paths, monkeypatch,
                                                      shown_errors):
    from introstudio.core.publish.client import ENV_ACCESS_TOKEN, ENV_API_ROOT
    from introstudio.core.settings import Settings
    from introstudio.gui.main_window import MainWindow
    from introstudio.gui.widgets.dialogs import Ask
    from introstudio.gui.widgets.new_video import NewVideoDialog, template_choices

    user = Counter(qtbot)
    take: dict[str, Path] = {}
    asked: list[str] = []

    def new_video(cls, parent, documents, default_template=None):
        """The real dialog, filled in as a user would; what it answers is what the app gets."""
        dialog = NewVideoDialog(documents, template_choices(), default_template, parent)
        qtbot.addWidget(dialog)
        dialog.show()
        user.click(dialog.name, "the clinician's name")
        user.type(dialog.name, "Dr. Maria Lopez", "the clinician's name")
        user.choose(dialog.template, "surgeon-intro", "the script template")
        assert dialog.template.currentData() == "surgeon-intro"
        user.click(dialog.create, "Create video project")
        return dialog.answer() if dialog.result() == NewVideoDialog.DialogCode.Accepted else None

    def footage_files(cls, parent, start=None):
        user.answer(2, "pick the take and Open")
        return [take["file"]]

    def confirm(cls, parent, title, text, yes=""):
        asked.append(text)
        user.answer(1, title)
        return True

    monkeypatch.setattr(Ask, "new_video", classmethod(new_video))
    monkeypatch.setattr(Ask, "footage_files", classmethod(footage_files))
    monkeypatch.setattr(Ask, "confirm", classmethod(confirm))

    with FakeYouTubeServer() as server:
        server.state.add_access_token(TOKEN)
        monkeypatch.setenv(ENV_API_ROOT, server.url)
        monkeypatch.setenv(ENV_ACCESS_TOKEN, TOKEN)
        started = time.monotonic()
        window = MainWindow(app_paths, Settings(), remember=False)
        qtbot.addWidget(window)
        window.resize(1366, 768)
        window.show()
        qtbot.waitExposed(window)
        pages = window.pages

        # New video for a clinician: the start panel's primary action.
        assert window.start.new_button.property("primary")
        user.click(window.start.new_button, "New video for a clinician")
        pf = window.pf
        assert pf is not None and pf.folder.parent == app_paths.documents_dir
        assert window.current_page() is pages["clinician"]
        assert (pf.project.clinician.title, pf.project.clinician.name) == ("Dr.", "Maria Lopez")

        # Clinician: the one required field the dialog did not ask for.
        specialty = pages["clinician"].fields["specialty"]
        user.click(specialty, "Specialty")
        user.type(specialty, "Cardiac surgery", "Specialty")
        user.click(window.next_button, "Next")

        # Script: the chosen template, filled in from the profile.
        assert window.current_page() is pages["script"]
        assert pages["script"].picker.currentData() == "surgeon-intro"
        script = pages["script"].editor.toPlainText()
        assert "Maria Lopez" in script and "{" not in script
        words = two_sentences(script)
        take["file"] = spoken_sample_take(tmp_path, words)  # what the clinician read from the prompter
        user.click(window.next_button, "Next")

        # Record or import: no camera here, so the take recorded on a phone is imported.
        record = pages["record"]
        assert window.current_page() is record
        user.click(record.import_button, "Import a video instead…")
        wait_op(record.import_button.operation, timeout=60000)
        assert len(pf.project.takes) == 1
        user.click(window.next_button, "Next")
        assert window.current_page() is pages["takes"]
        user.click(window.next_button, "Next")

        # Captions: offline Whisper, aligned to the script.
        captions = pages["captions"]
        assert window.current_page() is captions and captions.make_button.property("primary")
        user.click(captions.make_button, "Make captions")
        wait_op(captions.operation, timeout=120000)
        heard = " ".join(" ".join(c.lines) for c in pf.project.captions[-1].cues)
        assert "Maria Lopez" in heard and captions.table.rowCount() >= 2
        user.click(window.next_button, "Next")

        # Look: the defaults (title card, name strap, end card) are kept.
        assert window.current_page() is pages["look"]
        user.click(window.next_button, "Next")

        # Export: a quick small preview, then played on the page.
        export = pages["export"]
        assert window.current_page() is export
        user.choose(export.preset, "preview", "Format")
        assert export.preset.currentData() == "preview" and pf.project.design.preset == "preview"
        user.click(export.export_button, "Export video")
        wait_op(export.operation, timeout=120000)
        made = Path(pf.folder / pf.project.exports[-1]["file"])
        assert made.is_file() and export.player.source == made
        assert not export.panel.bar.isVisible()  # the finished job folded to its one-line result
        player = export.player
        qtbot.waitUntil(lambda: not player.video.current_image().isNull(), timeout=20000)  # its first frame
        user.click(player.play_button, "Play")
        qtbot.waitUntil(lambda: player.position() > 0.5, timeout=20000)
        assert player.play_button.text() == "Pause"
        user.click(window.next_button, "Next")

        # Publish: the preview is the only export, and the page says so before it is sent.
        publish = pages["publish"]
        assert window.current_page() is publish
        assert "quick preview" in publish.export_warning.text() and publish.export_warning.isVisibleTo(publish)
        user.click(publish.upload_button, "Upload to YouTube…")
        wait_op(publish.operation, timeout=60000)
        seconds = time.monotonic() - started

        video = server.state.only_video()
        assert video.body["status"]["privacyStatus"] == "private" and len(video.captions) == 1
        assert "Maria Lopez" in video.body["snippet"]["title"]
        assert "quick preview" in asked[-1]  # the confirmation said what was being sent
        assert pf.project.publish.video_id == video.id
        states = window.update_steps()
        assert [name for name, state in states.items() if not state.done] == []
        window.close()

    assert shown_errors == []
    REPORT.parent.mkdir(parents=True, exist_ok=True)
    spoken = float(pf.project.takes[0].media.get("duration") or 0.0)
    REPORT.write_text(json.dumps({"clicks": user.clicks, "keys": user.keys, "seconds": round(seconds, 1),
                                  "take_seconds": round(spoken, 1), "steps": user.steps}, indent=1),
                      encoding="utf-8")
    print(f"\nclinician walk: {user.clicks} clicks, {user.keys} key presses, {seconds:.1f} s "
          f"(a {spoken:.1f} s take)\n  "
          + "\n  ".join(user.steps))
    assert user.clicks <= MAX_CLICKS and user.keys <= MAX_KEYS
