"""What to tell the user when the camera or microphone is refused, per OS (Qt-free; the recorder shows it).

macOS asks once per app (the Info.plist's NSCameraUsageDescription / NSMicrophoneUsageDescription is the
question); after a "Don't Allow" the device opens black or silent, or Qt reports access denied, and only the
Privacy & Security switch changes the answer, taking effect after a restart. Windows has a global switch for
desktop apps; Linux has device permissions and sound servers.
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass

DEVICES = ("camera", "microphone")
_REFUSED = re.compile(r"permission|denied|not authori[sz]ed|not permitted|access is|privacy|EACCES|EPERM", re.I)


@dataclass(frozen=True)
class DeviceAdvice:
    """A message saying what happened and a hint saying what to do."""

    message: str
    hint: str


def permission_advice(device: str, platform: str = sys.platform) -> DeviceAdvice:
    """The words for a `device` ('camera' or 'microphone') this OS refused IntroStudio."""
    if device not in DEVICES:
        raise ValueError(f"device must be one of {DEVICES}, not {device!r}")
    pane = "Camera" if device == "camera" else "Microphone"
    if platform == "darwin":
        return DeviceAdvice(
            f"macOS has not allowed IntroStudio to use the {device}.",
            f"Open System Settings > Privacy & Security > {pane}, turn IntroStudio on, then quit and reopen "
            "IntroStudio. If you started it from Terminal, the switch to turn on is Terminal's.")
    if platform == "win32":
        return DeviceAdvice(
            f"Windows has not allowed IntroStudio to use the {device}.",
            f"Open Settings > Privacy & security > {pane}, turn on '{pane} access' and 'Let desktop apps access "
            f"your {device}', then choose the {device} again. On a managed laptop your IT team may have to allow it.")
    if device == "camera":
        return DeviceAdvice(
            "The camera could not be opened: this account may not use it, or another program has it.",
            "Close any video call or other camera app. If that is not it, ask for your account to be added to "
            "the 'video' group (sudo usermod -aG video $USER), then log out and in again.")
    return DeviceAdvice(
        "The microphone could not be opened.",
        "Check in Sound settings that the microphone is connected, chosen as the input and not muted, then choose "
        "it again.")


def is_permission_refusal(text: str) -> bool:
    """True when a device error text (from Qt or the OS) says access was refused rather than something else."""
    return bool(_REFUSED.search(text or ""))


def device_error_advice(device: str, text: str, platform: str = sys.platform) -> DeviceAdvice:
    """Advice for a device error: the OS's permission words when it was a refusal, else the error itself."""
    if is_permission_refusal(text):
        return permission_advice(device, platform)
    name = device.capitalize()
    return DeviceAdvice(f"{name}: {text.strip() or 'it stopped working'}.".replace("..", "."),
                        f"Check the {device} is connected and not used by another program, then choose it again.")


def device_error_text(device: str, text: str, platform: str = sys.platform) -> str:
    """`device_error_advice` as one line for a status label: what happened, then what to do."""
    advice = device_error_advice(device, text, platform)
    return f"{advice.message} {advice.hint}"
