"""Camera and microphone refusals: the macOS, Windows and Linux words, and telling a refusal from other errors."""

from __future__ import annotations

import pytest

from introstudio.core.permissions import (
    device_error_advice,
    device_error_text,
    is_permission_refusal,
    permission_advice,
)


@pytest.mark.parametrize("device", ["camera", "microphone"])
def test_macos_says_where_the_switch_is_and_to_reopen(device: str) -> None:
    advice = permission_advice(device, "darwin")
    pane = "Camera" if device == "camera" else "Microphone"
    assert f"use the {device}" in advice.message and "macOS" in advice.message
    assert f"System Settings > Privacy & Security > {pane}" in advice.hint
    assert "quit and reopen" in advice.hint and "Terminal" in advice.hint


def test_windows_names_the_desktop_apps_switch() -> None:
    advice = permission_advice("microphone", "win32")
    assert "Settings > Privacy & security > Microphone" in advice.hint
    assert "Let desktop apps access your microphone" in advice.hint


def test_linux_camera_and_microphone() -> None:
    assert "video' group" in permission_advice("camera", "linux").hint
    assert "Sound settings" in permission_advice("microphone", "linux").hint


@pytest.mark.parametrize("text", ["Camera access denied", "Permission denied", "Not authorized to use the camera",
                                  "Failed to open /dev/video0: EACCES", "Operation not permitted"])
def test_refusals(text: str) -> None:
    assert is_permission_refusal(text)
    assert device_error_advice("camera", text, "darwin") == permission_advice("camera", "darwin")


@pytest.mark.parametrize("text", ["Camera is in use", "Device disconnected", "", "Unsupported format"])
def test_other_errors_keep_their_words(text: str) -> None:
    assert not is_permission_refusal(text)
    advice = device_error_advice("camera", text, "darwin")
    assert "macOS" not in advice.message and advice.message.startswith("Camera: ")
    assert (text or "stopped working") in advice.message and "connected" in advice.hint


def test_one_line_for_the_record_page_and_unknown_devices() -> None:
    line = device_error_text("camera", "Access denied by the user", "darwin")
    assert line.startswith("macOS has not allowed IntroStudio to use the camera.") and "Privacy & Security" in line
    with pytest.raises(ValueError):
        permission_advice("speaker", "darwin")
