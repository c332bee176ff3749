"""Project operations the CLI and the GUI share: fill the script, import takes."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from pathlib import Path

from introstudio.core.errors import IntroStudioError, UserError
from introstudio.core.jobs import Job, Progress
from introstudio.core.project.model import Project, Take, now_iso
from introstudio.core.project.store import ProjectFolder

log = logging.getLogger(__name__)


def filled_script(project: Project, extra_template_dirs: Sequence[Path] = ()):
    """The script the clinician reads: the template filled from the profile, or the user's own text."""
    from introstudio.core.script.templates import free_text_script, load_template, render

    script = project.script
    if script.free_text is not None:
        return free_text_script(script.free_text)
    if not script.template_id:
        raise UserError("This project has no script yet.",
                        "Choose a template with `introstudio new ... --template ID` or give --script-file.")
    template = load_template(script.template_id, extra_dirs=extra_template_dirs)
    declared = {v.name for v in template.variables}
    values = {k: v for k, v in project.clinician.values().items() if k in declared}
    values.update(script.values)  # explicit script values are checked strictly by render()
    return render(template, values)


def script_words_per_minute(project: Project, default: int = 150,
                            extra_template_dirs: Sequence[Path] = ()) -> int:
    """The reading pace: the project's own, else the template's, else the app default."""
    if project.script.words_per_minute:
        return project.script.words_per_minute
    if project.script.template_id and project.script.free_text is None:
        from introstudio.core.script.templates import load_template

        return load_template(project.script.template_id, extra_dirs=extra_template_dirs).words_per_minute
    return default


def import_takes(pf: ProjectFolder, files: Sequence[Path]) -> Job[list[Take]]:
    """Check and copy each file into the project as a new take, saving after each one.

    All files are checked before anything is copied, so one bad file stops the import with a clear
    message and the project unchanged.
    """
    from introstudio.core.jobs import scaled
    from introstudio.core.diskcheck import ensure_writable
    from introstudio.core.media.importing import check_importable_job, copy_into_project_job, total_size
    from introstudio.core.project.atomic import sweep_stale_temps

    sweep_stale_temps(pf.folder)  # temp saves of killed runs (copies of killed imports: copy_into_project)
    ensure_writable(pf.folder, pf.media_dir, need_bytes=total_size(files))  # before checking, not after
    checked = []
    for i, file in enumerate(files):
        yield Progress(i / (2 * len(files)), f"Checking {Path(file).name}")
        try:  # decodes the whole clip, so damage inside it is a warning naming its time
            info, warnings = yield from scaled(check_importable_job(Path(file)), i / (2 * len(files)),
                                               (i + 1) / (2 * len(files)))
        except IntroStudioError as exc:
            if len(files) > 1:
                exc.message = f"{exc.message} (file {i + 1} of {len(files)}; nothing was imported)"
            raise
        checked.append((Path(file), info, warnings))
    added: list[Take] = []
    for i, (file, info, warnings) in enumerate(checked):
        yield Progress((len(files) + i) / (2 * len(files)), f"Copying {file.name}")
        pf.media_dir.mkdir(exist_ok=True)
        copied = yield from scaled(copy_into_project_job(file, pf.media_dir), (len(files) + i) / (2 * len(files)),
                                   (len(files) + i + 1) / (2 * len(files)))  # a large copy shows progress, can stop
        take = Take(id=pf.project.next_take_id(), file=pf.relative(copied), source=str(file),
                    added_at=now_iso(), media=info.to_dict(), warnings=list(warnings))
        pf.project.takes.append(take)
        pf.save()
        take = pf.project.take_with_file(take.file)  # another process may have taken the number meanwhile
        log.info("imported %s as take %d (%s)", file, take.id, take.file)
        added.append(take)
    yield Progress(1.0, f"Imported {len(added)} take(s)")
    return added
