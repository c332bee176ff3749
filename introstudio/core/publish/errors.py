"""Typed publish errors: each says what went wrong with YouTube and what the user can do about it."""

from __future__ import annotations

from introstudio.core.errors import IntroStudioError, UserError

SIGN_IN_HINT = "Run `introstudio auth login` to sign in to YouTube again."
TESTING_MODE_NOTE = (
    "If the organisation's OAuth consent screen is in 'Testing' mode, Google ends every sign-in after "
    "7 days; the administrator can move the app to 'In production' to stop that.")


class PublishError(UserError):
    """Base of the publish errors a user can act on."""


class ConfirmationRequiredError(PublishError):
    """Nothing is uploaded without an explicit yes."""


class NotSignedInError(PublishError):
    """No YouTube sign-in is stored for the configured OAuth client."""


class SignInExpiredError(PublishError):
    """Google refused the stored sign-in (invalid_grant): expired, revoked or from Testing mode."""


class AuthError(PublishError):
    """Google refused the credentials (401 after a refresh, a missing scope, a bad client file)."""


class KeyringUnavailableError(PublishError):
    """No usable OS keyring, and storing the token in a file was not asked for."""


class ClientSecretsError(PublishError):
    """The organisation's OAuth client file is missing or is not a desktop-app client."""


class QuotaExceededError(PublishError):
    """YouTube's daily quota is spent; the work was queued for after the Pacific-time reset."""


class ApiError(PublishError):
    """YouTube answered with an error that retrying will not fix (shown with YouTube's own reason)."""

    def __init__(self, message: str, hint: str = "", status: int | None = None, reason: str = "") -> None:
        super().__init__(message, hint)
        self.status = status
        self.reason = reason


class NetworkError(PublishError):
    """The connection kept failing after every retry; running publish again resumes the upload."""


class UploadInterrupted(IntroStudioError):
    """Internal: the current resumable session is gone (404/410) and a new one must start."""
