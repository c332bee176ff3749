"""Which approvals an organisation requires before a video goes live: the brand kit's `[approvals]` table.

```toml
[approvals]
required = ["clinician", "communications"]   # roles whose current approval go-live needs
consent_form = false                         # true: the clinician's approval needs a signed release form
visibility = "public"                        # what go-live makes the video: public or unlisted
```
A kit without the table (or no kit) gets these defaults.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from introstudio.core.errors import InvalidInputError

ROLES = ("clinician", "communications")
VISIBILITIES = ("public", "unlisted")
KEYS = frozenset({"required", "consent_form", "visibility"})


@dataclass(frozen=True)
class ApprovalPolicy:
    """The organisation's rule for going live."""

    required: tuple[str, ...] = ROLES
    consent_form: bool = False
    visibility: str = "public"
    source: str = ""  # the kit file it came from, for messages


def load_policy(kit: str | Path | None) -> ApprovalPolicy:
    """The `[approvals]` table of the brand kit (defaults when absent); bad values raise naming the key."""
    from introstudio.core.render.brandkit import read_kit_toml

    file, data = read_kit_toml(kit)
    if data is None:
        return ApprovalPolicy()
    table = data.get("approvals") or {}
    if not isinstance(table, dict) or (unknown := sorted(set(table) - KEYS)):
        raise InvalidInputError(f"Brand kit {file}: [approvals] {', '.join(unknown) if isinstance(table, dict) else ''}"
                                " is not a setting.", f"[approvals] takes: {', '.join(sorted(KEYS))}.")
    required = table.get("required", list(ROLES))
    if not isinstance(required, list) or not required or any(r not in ROLES for r in required):
        raise InvalidInputError(f"Brand kit {file}: [approvals] required = {required!r} is not a list of roles.",
                                f"Use a list of one or more of: {', '.join(ROLES)}.")
    visibility = table.get("visibility", "public")
    if visibility not in VISIBILITIES:
        raise InvalidInputError(f"Brand kit {file}: [approvals] visibility = {visibility!r}.",
                                f"Use one of: {', '.join(VISIBILITIES)}.")
    consent = table.get("consent_form", False)
    if not isinstance(consent, bool):
        raise InvalidInputError(f"Brand kit {file}: [approvals] consent_form = {consent!r}.", "Use true or false.")
    ordered = tuple(r for r in ROLES if r in required)
    return ApprovalPolicy(ordered, consent, visibility, str(file))
