"""Make one project per roster row, with its footage imported as a take.

Everything is checked first (fields, scripts, footage, target folders), so a bad roster creates
nothing. Importing again is safe: a clinician whose folder already holds a project has its profile
updated from the roster, and footage already imported is not imported twice.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from introstudio.core.batch.names import clinician_slug, slug
from introstudio.core.filenames import portable_name
from introstudio.core.batch.roster import Roster, RosterRow, RowProblem, read_roster
from introstudio.core.errors import IntroStudioError, InvalidInputError, NotFoundError
from introstudio.core.jobs import Job, Progress, scaled
from introstudio.core.project.limits import clinician_warnings
from introstudio.core.project.model import Design, Script
from introstudio.core.project.store import PROJECT_FILE, ProjectFolder, create_project, open_project

log = logging.getLogger(__name__)

DEFAULT_TEMPLATE = "physician-intro"
VIDEO_SUFFIXES = frozenset({".mp4", ".mov", ".m4v", ".mkv", ".avi", ".webm", ".mts", ".m2ts", ".mxf",
                            ".wmv", ".3gp"})
MAX_LISTED_PROBLEMS = 20


@dataclass(frozen=True)
class ImportedProject:
    """What happened to one roster row: created, updated, unchanged (or would-*, in a dry run)."""

    row: int
    name: str
    folder: Path
    status: str
    footage: Path | None = None
    take_id: int | None = None
    warnings: tuple[str, ...] = ()


@dataclass(frozen=True)
class RosterImport:
    """The result of importing a roster: one entry per imported row, plus the rows left out."""

    roster: Path
    into: Path
    projects: tuple[ImportedProject, ...]
    skipped: tuple[RowProblem, ...] = ()
    warnings: tuple[str, ...] = ()
    dry_run: bool = False


class RosterInvalid(InvalidInputError):
    """The roster has bad rows; `problems` lists them all with their row numbers."""

    def __init__(self, roster: Path, problems: Sequence[RowProblem], imported_none: bool = False) -> None:
        rows = sorted({p.row for p in problems})
        lines = [str(p) for p in problems[:MAX_LISTED_PROBLEMS]]
        if len(problems) > MAX_LISTED_PROBLEMS:
            lines.append(f"... and {len(problems) - MAX_LISTED_PROBLEMS} more")
        what = "no row can be imported" if imported_none else "nothing was created"
        super().__init__(
            f"{roster.name} has {len(rows)} bad row(s); {what}:\n" + "\n".join(lines),
            "Fix those rows and import again" + ("." if imported_none else
                                                 ", or add --skip-bad-rows to import the other rows now."))
        self.problems = tuple(problems)


@dataclass(frozen=True)
class _Plan:
    row: RosterRow
    template_id: str
    folder: Path
    footage: Path | None
    existing: bool
    columns: frozenset[str]


def import_roster(roster: str | Path, into: str | Path, template: str | None = None, skip_bad_rows: bool = False,
                  footage_dirs: Sequence[str | Path] = (), dry_run: bool = False,
                  default_template: str = DEFAULT_TEMPLATE,
                  extra_template_dirs: Sequence[str | Path] = (),
                  default_preset: str | None = None) -> Job[RosterImport]:
    """Check the whole roster, then create (or update) one project per clinician and import its footage.

    `template` is the user's explicit choice (it also replaces the template of projects made before);
    rows with a Template cell use theirs; other new projects get `default_template`. New projects export with
    `default_preset` (None: the built-in default).
    """
    from introstudio.core.media.importing import check_importable

    path = Path(roster).expanduser().absolute()
    into = Path(into).expanduser().absolute()
    yield Progress(0.0, f"Reading {path.name}")
    r = read_roster(path)
    header_of = {f: h for h, f in r.columns}
    problems = list(r.problems)
    script_problems, template_of = check_scripts(r, template or default_template, extra_template_dirs)
    problems += script_problems
    footage, footage_problems, warnings = match_footage(r.rows, path.parent, footage_dirs,
                                                        header_of.get("footage", "Footage"))
    problems += footage_problems
    warnings = list(r.warnings) + warnings
    # Names and card fields in scripts no bundled font has: imported, but the coordinator is told.
    media_warnings: dict[int, tuple[str, ...]] = {row.row: tuple(ws) for row in r.rows
                                                 if (ws := clinician_warnings(row.clinician))}
    for i, (number, file) in enumerate(sorted(footage.items())):
        yield Progress(0.05 + 0.25 * i / len(footage), f"Checking {file.name}")
        try:
            _info, found = check_importable(file)
            media_warnings[number] = media_warnings.get(number, ()) + tuple(found)
        except IntroStudioError as exc:
            problems.append(RowProblem(number, exc.message, exc.hint, header_of.get("footage", "Footage")))
    plans: list[_Plan] = []
    columns = frozenset(r.fields() | ({"name"} if r.fields() & {"first_name", "last_name"} else set()))
    for row in r.rows:
        folder = into / portable_name(clinician_slug(row.name) or f"clinician-{slug(row.name) or row.row}")  # "con"
        existing = (folder / PROJECT_FILE).is_file()
        if folder.exists() and not existing and (not folder.is_dir() or any(folder.iterdir())):
            problems.append(RowProblem(row.row, f"{folder} already exists and is not an IntroStudio project.",
                                       "Move it away, or import into another folder with --into."))
        plans.append(_Plan(row, template_of.get(row.row, ""), folder, footage.get(row.row), existing, columns))
    problems.sort(key=lambda p: p.row)
    bad = {p.row for p in problems}
    good = [p for p in plans if p.row.row not in bad]
    if bad and (not skip_bad_rows or not good):
        raise RosterInvalid(path, problems, imported_none=bool(bad) and not good)
    if dry_run:
        done = tuple(ImportedProject(p.row.row, p.row.name, p.folder, "would update" if p.existing else "would create",
                                     p.footage, None, media_warnings.get(p.row.row, ())) for p in good)
        return RosterImport(path, into, done, tuple(problems), tuple(warnings), dry_run=True)
    results: list[ImportedProject] = []
    for i, plan in enumerate(good):
        start, end = 0.3 + 0.7 * i / len(good), 0.3 + 0.7 * (i + 1) / len(good)
        yield Progress(start, f"{plan.row.name}: {'updating' if plan.existing else 'creating'} the project")
        result = yield from scaled(_apply(plan, template is not None, default_preset), start, end,
                                   prefix=f"{plan.row.name}: ")
        results.append(ImportedProject(result.row, result.name, result.folder, result.status, result.footage,
                                       result.take_id, media_warnings.get(plan.row.row, ())))
        log.info("roster row %d: %s %s", plan.row.row, result.status, plan.folder)
    yield Progress(1.0, f"{len(results)} project(s) ready in {into}")
    return RosterImport(path, into, tuple(results), tuple(problems), tuple(warnings))


def _apply(plan: _Plan, template_given: bool, preset: str | None = None) -> Job[ImportedProject]:
    """Create or update one project and import its footage unless that file is already a take."""
    from introstudio.core.project.ops import import_takes

    row = plan.row
    if plan.existing:
        pf = open_project(plan.folder)
        status = "unchanged"
        if _update_profile(pf, plan, template_given):
            pf.save()
            status = "updated"
    else:
        pf = create_project(plan.folder, row.clinician, Script(template_id=plan.template_id),
                            Design(preset=preset) if preset else None)
        status = "created"
    take_id = None
    if plan.footage is not None and not _already_imported(pf, plan.footage):
        takes = yield from import_takes(pf, [plan.footage])
        take_id = takes[0].id
        status = "created" if status == "created" else "updated"
    elif plan.footage is not None:
        take_id = next(t.id for t in pf.project.takes if t.source == str(plan.footage))
    return ImportedProject(row.row, row.name, plan.folder, status, plan.footage, take_id)


def _update_profile(pf: ProjectFolder, plan: _Plan, template_given: bool) -> bool:
    """Take the roster's values for the columns it has (the roster wins); True when something changed.

    An empty cell in a column the roster has clears that field; fields the roster has no column for keep
    whatever was typed in the app.
    """
    row, template_id = plan.row, plan.template_id
    before = asdict(pf.project.clinician)
    after = dict(before)
    given = {k: v for k, v in asdict(row.clinician).items() if v or k in plan.columns}
    after.update(given)
    changed = after != before
    if changed:
        pf.project.clinician = type(pf.project.clinician)(**after)
    script = pf.project.script
    if script.free_text is None and template_id and (row.template or template_given) \
            and script.template_id != template_id:
        script.template_id = template_id
        changed = True
    return changed


def _already_imported(pf: ProjectFolder, footage: Path) -> bool:
    size = footage.stat().st_size
    for take in pf.project.takes:
        if take.source == str(footage):
            copy = pf.resolve(take.file)
            if copy.is_file() and copy.stat().st_size == size:
                return True
    return False


def match_footage(rows: Sequence[RosterRow], roster_dir: Path, footage_dirs: Sequence[str | Path] = (),
                  column: str = "Footage") -> tuple[dict[int, Path], list[RowProblem], list[str]]:
    """Footage per row number: the Footage cell (relative to the roster), else a file named after the clinician."""
    search = [Path(d).expanduser().absolute() for d in footage_dirs] or [roster_dir]
    for d in search:
        if not d.is_dir():
            raise NotFoundError(f"The footage folder {d} does not exist.", "Check the --footage path.")
    found: dict[int, Path] = {}
    problems: list[RowProblem] = []
    for row in rows:
        if not row.footage:
            continue
        hit = _find_named(row.footage, roster_dir, search)
        if hit is None:
            where = ", ".join(str(d) for d in dict.fromkeys([roster_dir, *search]))
            problems.append(RowProblem(row.row, f"the footage file {row.footage!r} was not found (looked in {where}).",
                                       "Check the file name; a relative path starts at the roster's folder.", column))
        else:
            found[row.row] = hit
    taken = set(found.values())
    files = sorted({f.absolute() for d in search for f in d.iterdir()
                    if f.is_file() and f.suffix.lower() in VIDEO_SUFFIXES and not f.name.startswith(".")} - taken)
    open_rows = [row for row in rows if not row.footage]
    claims: dict[int, list[tuple[int, Path]]] = {}
    warnings: list[str] = []
    unmatched: list[str] = []
    for file in files:
        scores = {row.row: _score(slug(file.stem).split("-"), clinician_slug(row.name).split("-"))
                  for row in open_rows}
        best = max(scores.values(), default=0)
        winners = [n for n, s in scores.items() if s == best and best > 0]
        if len(winners) == 1:
            claims.setdefault(winners[0], []).append((best, file))
        elif winners:
            names = " or ".join(r.name for r in open_rows if r.row in winners)
            warnings.append(f"{file.name} could be the footage of {names}; it was not used.")
        else:
            unmatched.append(file.name)
    for number, claimed in claims.items():
        top = max(s for s, _ in claimed)
        best_files = [f for s, f in claimed if s == top]
        if len(best_files) == 1:
            found[number] = best_files[0]
        else:
            listed = ", ".join(f.name for f in best_files)
            problems.append(RowProblem(number, f"several files could be this clinician's footage: {listed}.",
                                       "Name the right one in a Footage column, or move the others away.", column))
    missing = [row for row in open_rows if row.row not in found and row.row not in claims]
    if missing:
        listed = ", ".join(f"{r.name} (row {r.row})" for r in missing[:10]) + (" ..." if len(missing) > 10 else "")
        warnings.append(f"No footage found for {len(missing)} clinician(s): {listed}. Add it later with "
                        "`introstudio import DIR FILE`, or name the files after the clinicians.")
    if unmatched:
        warnings.append(f"{len(unmatched)} video file(s) match no clinician: {', '.join(unmatched[:10])}"
                        + (" ..." if len(unmatched) > 10 else ""))
    return found, problems, warnings


def _find_named(text: str, roster_dir: Path, search: Sequence[Path]) -> Path | None:
    """The file a Footage cell names: absolute, relative to the roster, or inside a footage folder."""
    for candidate_text in dict.fromkeys([text, text.replace("\\", "/")]):
        given = Path(candidate_text).expanduser()
        candidates = [given] if given.is_absolute() else [roster_dir / given, *(d / given for d in search),
                                                          *(d / given.name for d in search)]
        for candidate in candidates:
            if candidate.is_file():
                return candidate.absolute()
    return None


def _score(file_tokens: list[str], name_tokens: list[str]) -> int:
    """How well a file name matches a clinician: 0 none, the name's length in words, +100 when exactly equal."""
    if not name_tokens or name_tokens == [""]:
        return 0
    if file_tokens == name_tokens:
        return 100 + len(name_tokens)
    n = len(name_tokens)
    for order in (name_tokens, name_tokens[::-1]):
        if any(file_tokens[i:i + n] == order for i in range(len(file_tokens) - n + 1)):
            return n
    return 0


def check_scripts(roster: Roster, default_template: str,
                  extra_dirs: Sequence[Path | str] = ()) -> tuple[list[RowProblem], dict[int, str]]:
    """Fill each row's script template: problems for missing required fields, and each row's template id."""
    from introstudio.core.errors import TemplateError
    from introstudio.core.script.templates import list_templates, load_template, render

    by_title = {slug(t.title): t.id for t in list_templates(extra_dirs)}
    header_of = {f: h for h, f in roster.columns}
    problems: list[RowProblem] = []
    chosen: dict[int, str] = {}
    cache: dict[str, Any] = {}
    for row in roster.rows:
        wanted = row.template or default_template
        tid = wanted if wanted in cache else by_title.get(slug(wanted), wanted.strip().lower())
        if tid not in cache:
            try:
                cache[tid] = load_template(tid, extra_dirs)
            except (NotFoundError, TemplateError) as exc:
                if not row.template:
                    raise
                problems.append(RowProblem(row.row, exc.message, exc.hint, header_of.get("template", "")))
                continue
        template = cache[tid]
        chosen[row.row] = template.id
        declared = {v.name for v in template.variables}
        values = {k: v for k, v in row.clinician.values().items() if k in declared}
        missing = [v for v in template.variables
                   if v.required and not values.get(v.name) and not (v.default or "").strip()]
        absent = [v for v in missing if v.name not in header_of and v.name != "name"]
        if absent and not row.template:
            labels = ", ".join(v.label for v in absent)
            raise InvalidInputError(f"The {template.id} template needs {labels}, but {roster.path.name} has no "
                                    f"column for {'it' if len(absent) == 1 else 'them'}.",
                                    f"Add a '{absent[0].label}' column, or choose another template with --template.")
        for v in missing:
            problems.append(RowProblem(row.row, f"missing, and the {template.id} template needs it.",
                                       f"Fill in the {v.label.lower()} for {row.name}, or give the row another "
                                       "template in a Template column.", header_of.get(v.name, v.label)))
        if not missing:
            try:
                render(template, values)
            except TemplateError as exc:
                problems.append(RowProblem(row.row, exc.message, exc.hint))
    return problems, chosen
