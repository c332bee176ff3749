"""The app never tells a user to type a command: every core hint is shown in the app's words."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from introstudio.gui.app_hints import GENERIC, app_hint, has_cli_words

CORE = Path(__file__).resolve().parents[2] / "introstudio" / "core"


def core_hints() -> list[str]:
    """The hint (second argument) of every `...Error(message, hint)` the core raises, f-string values as X."""
    def text(node: ast.AST) -> str | None:
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            return node.value
        if isinstance(node, ast.JoinedStr):
            return "".join(v.value if isinstance(v, ast.Constant) else "X" for v in node.values)
        return None

    found = []
    for file in CORE.rglob("*.py"):
        for node in ast.walk(ast.parse(file.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and len(node.args) >= 2:
                name = getattr(node.func, "id", getattr(node.func, "attr", ""))
                if name.endswith("Error") and (hint := text(node.args[1])):
                    found.append(hint)
    return found


def test_every_core_hint_with_command_line_words_reads_as_the_app():
    hints = [h for h in core_hints() if has_cli_words(h)]
    assert len(hints) > 20  # the scan sees the core's CLI hints
    left = {h: app_hint(h) for h in hints if has_cli_words(app_hint(h)) or not app_hint(h).strip()}
    assert left == {}


@pytest.mark.parametrize(("hint", "app"), [
    ("Run `introstudio auth login` to sign in to YouTube again.", "Sign in to YouTube again on the Publish step."),
    ("Import a take with `introstudio import DIR FILE`.", "Import a take, or record one, on the Record or import step."),
    ("Check the path, or create one with `introstudio new DIR --name ...`.",
     "Start a project with “New project…” in the Project menu."),
    ("Make captions for the take (`introstudio captions DIR`), render again, then publish. To publish without "
     "captions on purpose, pass --no-captions (the choice is recorded in the project).",
     "Make captions for the take, render again, then publish. To publish without captions on purpose, tick the "
     "box that says so on the Publish step."),
    ("Install it once: introstudio models install small (IntroStudio never downloads).",
     "Ask whoever looks after IntroStudio on this computer to install the speech model “small” once; then choose "
     "it as the Speech model on the Captions step."),
    ("Check the file. It may be damaged.", "Check the file. It may be damaged."),  # no command: unchanged
    ("Set `zzz` in the kit.", GENERIC),  # a command line with no app wording: a plain fallback, never the CLI's
])
def test_known_hints_map_to_app_wording(hint, app):
    assert app_hint(hint) == app


def test_the_error_box_shows_the_app_hint_for_a_real_core_error(tmp_path):
    from introstudio.core.errors import IntroStudioError
    from introstudio.core.project.store import open_project
    from introstudio.gui.errors import describe

    with pytest.raises(IntroStudioError) as caught:
        open_project(tmp_path)  # not a project folder
    assert has_cli_words(caught.value.hint)  # the CLI's words, kept for the CLI
    message, hint, _details = describe(caught.value)
    assert message == caught.value.message and hint and not has_cli_words(hint)
