"""Takes facts shared by the app and the CLI: the best take, a moved file found again (checked), or refused."""

from __future__ import annotations

import shutil

import pytest

from introstudio.core.errors import MediaError, NotFoundError
from introstudio.core.media import testmedia
from introstudio.core.media.takes import best_take, missing_file, relocate_take, take_duration
from introstudio.core.project.model import Clinician, Project


@pytest.fixture
def project(tmp_path, clip):
    """A project with the 2-second clip imported as take 1 (copied into media/)."""
    from introstudio.core.jobs import run_job
    from introstudio.core.project import Clinician, Script, create_project
    from introstudio.core.project.ops import import_takes

    pf = create_project(tmp_path / "lopez", Clinician(name="Maria Lopez"), Script(template_id="physician-intro"))
    source = tmp_path / "incoming" / "take.mp4"
    source.parent.mkdir()
    shutil.copy(clip("cfr"), source)
    run_job(import_takes(pf, [source]))
    return pf


def test_best_take_is_the_closest_to_the_script_and_the_newest_on_a_tie():
    from introstudio.core.project.model import Take

    def take(n: int, match: float | None) -> Take:
        return Take(id=n, file=f"media/take{n}.mp4", source="recorded", added_at="", media={}, script_match=match)

    def project(*takes: Take) -> Project:
        return Project(clinician=Clinician(name="Maria Lopez"), takes=list(takes))

    assert best_take(project(take(1, None), take(2, None))) is None  # nothing captioned yet: no suggestion
    assert best_take(project(take(1, 0.8), take(2, None), take(3, 0.91))).id == 3
    assert best_take(project(take(1, 0.9), take(2, 0.9))).id == 2  # a tie: the newer take
    assert best_take(project()) is None


def test_a_moved_take_is_found_again_when_its_length_matches(project, tmp_path):
    take = project.project.take(1)
    moved = tmp_path / "external drive" / "take one.mp4"
    moved.parent.mkdir()
    shutil.move(project.resolve(take.file), moved)
    assert missing_file(project, take) == project.resolve(take.file)
    relocate_take(project, 1, moved)
    assert take.file == "../external drive/take one.mp4"
    assert project.resolve(take.file).resolve() == moved.resolve() and missing_file(project, take) is None
    project.save()  # kept: the project opens with the file found
    from introstudio.core.project.store import open_project

    again = open_project(project.folder)
    assert missing_file(again, again.project.take(1)) is None


def test_a_file_of_another_length_or_not_a_video_is_refused_and_nothing_changes(project, tmp_path):
    take = project.project.take(1)
    before = take.file
    longer = testmedia.make_clip(tmp_path / "other take.mp4", seconds=3.5, size=(160, 120))
    with pytest.raises(MediaError) as refused:
        relocate_take(project, 1, longer)
    assert refused.value.message == (f"other take.mp4 is not take 1: it is 3.5 s long, take 1 was "
                                     f"{take_duration(take):.1f} s.")
    assert "import this file as a new take" in refused.value.hint
    notes = tmp_path / "notes.mp4"
    notes.write_text("not a video", encoding="utf-8")
    with pytest.raises(MediaError):
        relocate_take(project, 1, notes)
    with pytest.raises(NotFoundError):
        relocate_take(project, 1, tmp_path / "nowhere.mp4")
    assert take.file == before
