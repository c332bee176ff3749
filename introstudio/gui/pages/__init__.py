"""The steps of the guided flow, in order; `build_pages` makes one page per step."""

from __future__ import annotations

import importlib
import inspect
import logging
from typing import Any

from introstudio.core.paths import AppPaths
from introstudio.core.settings import Settings
from introstudio.gui.pages.base import Page

log = logging.getLogger("introstudio.gui")

# (step name, module, class); the record step falls back to the import page until recording lands.
STEPS: tuple[tuple[str, str, str], ...] = (
    ("clinician", "introstudio.gui.pages.clinician", "ClinicianPage"),
    ("script", "introstudio.gui.pages.script", "ScriptPage"),
    ("record", "introstudio.gui.pages.record", "RecordPage"),
    ("takes", "introstudio.gui.pages.takes", "TakesPage"),
    ("captions", "introstudio.gui.pages.captions", "CaptionsPage"),
    ("look", "introstudio.gui.pages.look", "LookPage"),
    ("export", "introstudio.gui.pages.export", "ExportPage"),
    ("publish", "introstudio.gui.pages.publish", "PublishPage"),
)
PAGE_NAMES: tuple[str, ...] = tuple(name for name, _, _ in STEPS)
# Each page's main action (the attribute holding its button), shown as the primary button (gui/style.py).
PRIMARY_ACTIONS = {"record": ("record_button", "import_button"), "takes": ("use_button",),
                   "captions": ("make_button",), "export": ("export_button",), "publish": ("upload_button",)}
PAGE_ALIASES = {"import": "record", "recording": "record", "teleprompter": "record", "take": "takes",
                "caption": "captions", "design": "look", "brand": "look", "render": "export",
                "youtube": "publish", "profile": "clinician"}


def page_name(text: str) -> str | None:
    """The step called `text` (or one of its aliases), or None."""
    key = text.strip().lower()
    key = PAGE_ALIASES.get(key, key)
    return key if key in PAGE_NAMES else None


def _page_class(name: str, module: str, cls: str) -> type[Page]:
    if name == "record":
        try:
            return getattr(importlib.import_module(module), cls)
        except ImportError as exc:
            if exc.name != module:  # the page exists but is broken: say so in the log
                log.exception("the recording page failed to load; offering import instead")
            from introstudio.gui.pages.import_page import ImportPage

            return ImportPage
    return getattr(importlib.import_module(module), cls)


def build_page(cls: type[Page], paths: AppPaths, settings: Settings) -> Page:
    """Construct a page, passing only the keyword arguments its constructor names."""
    offered: dict[str, Any] = {"paths": paths, "settings": settings}
    params = inspect.signature(cls.__init__).parameters
    takes_any = any(p.kind is inspect.Parameter.VAR_KEYWORD for p in params.values())
    return cls(**{k: v for k, v in offered.items() if takes_any or k in params})


def build_pages(paths: AppPaths, settings: Settings) -> list[Page]:
    """One page per step, in order."""
    pages = []
    for name, module, cls in STEPS:
        page_cls = _page_class(name, module, cls)
        try:
            pages.append(build_page(page_cls, paths, settings))
        except Exception:
            if name != "record" or page_cls.__name__ == "ImportPage":
                raise
            log.exception("the recording page failed to start; offering import instead")
            from introstudio.gui.pages.import_page import ImportPage

            pages.append(build_page(ImportPage, paths, settings))
    from introstudio.gui.style import primary

    for page in pages:
        button = next((b for b in (getattr(page, a, None) for a in PRIMARY_ACTIONS.get(page.name, ())) if b), None)
        if button is not None:
            primary(button)
    return pages
