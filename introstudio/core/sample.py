"""The bundled sample project: a clinician profile, a template and a short take, for a first run."""

from __future__ import annotations

import json
from pathlib import Path

from introstudio.core.errors import NotFoundError
from introstudio.core.jobs import Job, Progress
from introstudio.core.paths import RESOURCES_DIR
from introstudio.core.project import Clinician, Script, create_project, open_project
from introstudio.core.project.ops import import_takes
from introstudio.core.project.store import PROJECT_FILE, ProjectFolder

SAMPLE_DIR = RESOURCES_DIR / "sample"


def create_sample_project(folder: Path, sample_dir: Path = SAMPLE_DIR) -> Job[ProjectFolder]:
    """Create (or reopen, never overwrite) the sample project in `folder`."""
    folder = Path(folder).expanduser().absolute()
    if (folder / PROJECT_FILE).exists():
        yield Progress(1.0, "The sample project already exists; opening it")
        return open_project(folder)
    spec_file = sample_dir / "profile.json"
    if not spec_file.is_file():
        raise NotFoundError(f"The bundled sample is missing ({spec_file}).",
                            "Reinstall IntroStudio from a complete checkout.")
    spec = json.loads(spec_file.read_text(encoding="utf-8"))
    yield Progress(0.05, "Creating the sample project")
    pf = create_project(folder, Clinician.from_dict(spec["clinician"]), Script(template_id=spec["template"]))
    footage = sample_dir / spec["footage"]
    for step in import_takes(pf, [footage]):
        yield Progress(0.1 + 0.9 * (step.fraction or 0.0), step.message)
    return pf
