"""Project folders: the versioned model, atomic saves and migrations."""

from introstudio.core.project.model import (
    PROFILE_FIELDS,
    SCHEMA_VERSION,
    CaptionTrack,
    Clinician,
    Design,
    Project,
    Publish,
    Script,
    Take,
)
from introstudio.core.project.store import ProjectFolder, create_project, open_project

__all__ = [
    "PROFILE_FIELDS", "SCHEMA_VERSION", "CaptionTrack", "Clinician", "Design", "Project", "ProjectFolder",
    "Publish", "Script", "Take", "create_project", "open_project",
]
