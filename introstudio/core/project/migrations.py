"""Schema migrations for project.json: one function per step, applied to a copy (a failure changes nothing)."""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

from introstudio.core.errors import ProjectError
from introstudio.core.project.model import SCHEMA_VERSION

Migration = Callable[[dict[str, Any]], dict[str, Any]]

# MIGRATIONS[n] turns a version-n document into a version-(n+1) document.
MIGRATIONS: dict[int, Migration] = {}


def migrate(data: dict[str, Any], source: str = "project.json",
            migrations: dict[int, Migration] | None = None,
            target: int = SCHEMA_VERSION) -> dict[str, Any]:
    """Bring a loaded document up to `target`; raise ProjectError for newer or unknown versions."""
    steps = MIGRATIONS if migrations is None else migrations
    version = data.get("schema_version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise ProjectError(
            f"{source} has no valid schema_version ({version!r}), so it is not an IntroStudio project "
            "file or it was damaged.",
            "Restore project.json.bak if it exists, or create the project again with `introstudio new`.",
        )
    if version > target:
        raise ProjectError(
            f"{source} was saved by a newer IntroStudio (project format {version}; this version reads "
            f"up to {target}). It was left untouched.",
            "Update IntroStudio to open this project.",
        )
    doc = copy.deepcopy(data)
    while doc["schema_version"] < target:
        v = doc["schema_version"]
        step = steps.get(v)
        if step is None:
            raise ProjectError(f"No migration from project format {v} to {v + 1}.",
                               "This is a bug in IntroStudio; please report it with the file.")
        try:
            doc = step(copy.deepcopy(doc))
        except ProjectError:
            raise
        except Exception as exc:  # a migration bug must not destroy the file: report and keep the original
            raise ProjectError(f"Could not upgrade {source} from format {v}: {exc}",
                               "The file was left untouched; please report this with the file.") from exc
        doc["schema_version"] = v + 1
    return doc
