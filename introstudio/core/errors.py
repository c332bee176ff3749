"""Typed errors: every failure a user can cause or fix carries a message and a hint saying what to do."""

from __future__ import annotations

from collections.abc import Sequence


class IntroStudioError(Exception):
    """Base of every error IntroStudio raises on purpose."""

    def __init__(self, message: str, hint: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return self.message


class UserError(IntroStudioError):
    """Bad input or a situation the user can fix; shown without a traceback."""


class NotFoundError(UserError):
    """A file, folder, template or take the user named does not exist."""


class InvalidInputError(UserError):
    """Input exists but is unusable (wrong format, missing value, out of range)."""


class MediaError(UserError):
    """A media file cannot be used (not media, truncated, no video stream, ...)."""


class ProjectError(UserError):
    """A project folder or project.json is missing, corrupt or from a newer IntroStudio."""


class TemplateError(UserError):
    """A script template is malformed, or a variable is missing or unknown."""


class Cancelled(IntroStudioError):
    """The user stopped a long operation; not a failure, never reported as one."""

    def __init__(self, message: str = "Cancelled.") -> None:
        super().__init__(message)


class ToolError(IntroStudioError):
    """An external tool (ffmpeg, ...) failed; keeps the command and its stderr for the report."""

    def __init__(
        self,
        message: str,
        command: Sequence[str] = (),
        stderr: str = "",
        returncode: int | None = None,
        hint: str = "",
    ) -> None:
        super().__init__(message, hint)
        self.command = list(command)
        self.stderr = stderr
        self.returncode = returncode

    def details(self, tail_lines: int = 20) -> str:
        """The last lines of the tool's stderr, which usually name the real cause."""
        lines = [ln for ln in self.stderr.splitlines() if ln.strip()]
        return "\n".join(lines[-tail_lines:])
