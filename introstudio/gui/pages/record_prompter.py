"""The record page's teleprompter: opens it on the right screen and keeps what the clinician changed.

The reading pace belongs to the project's script (an undoable edit); the look (text size, mirror,
paragraph mode, countdown, screen) belongs to this computer's rig and goes to the settings file.
"""

from __future__ import annotations

import logging
from dataclasses import replace

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QGuiApplication

from introstudio.core.errors import IntroStudioError
from introstudio.core.paths import AppPaths
from introstudio.core.settings import Settings, update_settings
from introstudio.gui import errors
from introstudio.gui.pages.base import Page
from introstudio.gui.teleprompter import (
    TeleprompterOptions,
    TeleprompterWindow,
    options_from_settings,
    screen_named,
    settings_for,
)

log = logging.getLogger("introstudio.gui")


class PrompterLink(QObject):
    """One teleprompter window at a time for `page`; `started` when its countdown ends."""

    started = Signal()

    def __init__(self, page: Page, paths: AppPaths | None) -> None:
        super().__init__(page)
        self.page, self.paths = page, paths
        self.window: TeleprompterWindow | None = None
        self.options: TeleprompterOptions | None = None  # this project's, while it is shown

    @property
    def settings(self) -> Settings:
        """The page's settings (shared by every page of the window), read when needed."""
        return self.page.settings  # type: ignore[attr-defined]

    def open(self) -> TeleprompterWindow | None:
        """Show the project's script (full screen on a second screen if there is one)."""
        pf = self.page.pf
        if pf is None:
            return None
        if self.window is not None:
            self.window.show_on(self.window.screen(), self.window.isFullScreen())
            return self.window
        from introstudio.core.project.ops import filled_script, script_words_per_minute

        try:
            script = filled_script(pf.project)
            wpm = script_words_per_minute(pf.project, self.settings.words_per_minute)
        except IntroStudioError as exc:
            errors.show_error(self.page, exc)
            return None
        # The look kept from the last opening, the pace always the project's (an undo or the Script page may
        # have changed it since).
        options = replace(self.options, wpm=float(wpm)) if self.options else options_from_settings(self.settings, wpm)
        window = TeleprompterWindow(script.paragraphs, options)
        self.options = window.options  # as the window took them (font and pace within limits)
        window.options_changed.connect(self._options_changed)
        window.countdown_finished.connect(self.started.emit)
        window.closed.connect(self._closed)
        window.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.window = window
        self._place(window)
        return window

    def follow_project(self) -> None:
        """An open prompter takes the project's reading pace (after an undo or an edit elsewhere)."""
        pf = self.page.pf
        if self.window is None or pf is None:
            return
        from introstudio.core.project.ops import script_words_per_minute

        wpm = float(script_words_per_minute(pf.project, self.settings.words_per_minute))
        if abs(self.window.options.wpm - wpm) >= 0.5:
            self.options = replace(self.window.options, wpm=wpm)  # no new edit: the project already says so
            self.window.set_options(self.options)

    def close(self) -> None:
        if self.window is not None:
            self.window.close()

    def _place(self, window: TeleprompterWindow) -> None:
        screens = QGuiApplication.screens()
        own = self.page.window().screen() if self.page.isVisible() else None
        others = [s for s in screens if s is not own]
        last = screen_named(self.settings.prompter_screen)
        if len(screens) > 1 and last is not None:  # where the clinician put it last time
            window.show_on(last, full_screen=last is not own)
        elif len(screens) > 1 and others:
            window.show_on(others[-1], full_screen=True)
        else:
            window.show_on(own or (screens[0] if screens else None), full_screen=False)

    def _options_changed(self, options: TeleprompterOptions) -> None:
        """A key or button changed the prompter: the pace goes into the script, the look into the settings."""
        before, self.options = self.options, options
        wpm = int(round(options.wpm))
        pf = self.page.pf
        if pf is not None and before is not None and wpm != int(round(before.wpm)):
            pf.project.script.words_per_minute = wpm
            self.page.edited("change the reading pace", "script", merge="script.pace")
        self._remember(settings_for(options))

    def _closed(self) -> None:
        window, self.window = self.window, None
        if window is not None:
            changes = settings_for(window.options)
            screen = window.screen()
            if len(QGuiApplication.screens()) > 1 and screen is not None:  # with one screen there is no choice
                changes["prompter_screen"] = screen.name()
            self._remember(changes)
        self.page.flush()  # a pace changed in the prompter is written now

    def _remember(self, changes: dict) -> None:
        """Keep teleprompter preferences for the next opening and, with `paths`, in the settings file.

        Never raises: preferences that cannot be kept are logged and left out.
        """
        if all(getattr(self.settings, k) == v for k, v in changes.items()):
            return
        problems = replace(self.settings, **changes).prompter_problems()
        if problems:
            log.warning("teleprompter preferences not kept: %s", " ".join(m for m, _ in problems.values()))
            return
        for key, value in changes.items():  # the settings all pages share
            setattr(self.settings, key, value)
        if self.paths is None:
            return
        try:
            update_settings(self.paths.settings_file, **changes)
        except Exception as exc:  # noqa: BLE001 - a file that cannot be read is left as it is, for a hand fix
            log.warning("teleprompter preferences not saved to %s: %s", self.paths.settings_file, exc)
