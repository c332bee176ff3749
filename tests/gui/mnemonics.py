"""Alt+letter mnemonics of what a window shows at once: its menus, its footer and the page on screen."""

from __future__ import annotations

import re
from collections import defaultdict

from PySide6.QtWidgets import QAbstractButton, QGroupBox, QLabel, QMainWindow, QWidget

AMP = re.compile(r"&(?!&)(.)")


def mnemonic(text: str) -> str | None:
    """The letter after a single '&' (lower case), or None."""
    found = AMP.search(text.replace("&&", ""))
    return found.group(1).lower() if found else None


def widget_mnemonics(root: QWidget) -> list[tuple[str, str]]:
    """(letter, what) for every shown button, buddied label and group box under `root`."""
    out = []
    for w in [root, *root.findChildren(QWidget)]:
        if not w.isVisibleTo(root.window()) and w is not root:
            continue
        if isinstance(w, QAbstractButton) or isinstance(w, QLabel) and w.buddy() is not None:
            text = w.text()
        elif isinstance(w, QGroupBox):
            text = w.title()
        else:
            continue
        letter = mnemonic(text)
        if letter:
            out.append((letter, f"{type(w).__name__} {text!r}"))
    return out


def clashes(window: QMainWindow, page: QWidget) -> dict[str, list[str]]:
    """Letters used twice among the menu titles, the visible footer buttons and `page`."""
    seen: dict[str, list[str]] = defaultdict(list)
    for action in window.menuBar().actions():
        if (letter := mnemonic(action.text())):
            seen[letter].append(f"menu {action.text()!r}")
    for button in (getattr(window, "back_button", None), getattr(window, "next_button", None)):
        if button is not None and button.isVisibleTo(window) and (letter := mnemonic(button.text())):
            seen[letter].append(f"footer {button.text()!r}")
    for letter, what in widget_mnemonics(page):
        seen[letter].append(what)
    return {k: v for k, v in seen.items() if len(v) > 1}
