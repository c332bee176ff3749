"""Metadata from the project and brand-kit templates, and every YouTube limit as its own error."""

from __future__ import annotations

import pytest

from introstudio.core.errors import InvalidInputError
from introstudio.core.project.model import Clinician, Project, Publish
from introstudio.core.publish.metadata import (
    AngleBracketError,
    CategoryError,
    DescriptionTooLongError,
    EmptyTitleError,
    LanguageError,
    MetadataTemplates,
    PrivacyError,
    TagsTooLongError,
    TitleTooLongError,
    VideoMetadata,
    build_metadata,
    load_templates,
    metadata_problems,
    tags_length,
    validate_metadata,
)
from tests.fakes.publishing import TITLE, run_publish


def _project(**clinician: str) -> Project:
    base = {"name": "Maria Lopez", "title": "Dr.", "specialty": "Endocrinology", "organisation": "Riverside Health"}
    base.update(clinician)
    return Project(clinician=Clinician(**base))


def test_title_description_and_tags_come_from_the_templates():
    meta = build_metadata(_project(department="Diabetes Centre", phone="555 0100"))
    assert meta.title == TITLE
    assert meta.description.splitlines()[0] == "Meet Dr. Maria Lopez, Endocrinology at Riverside Health."
    assert "Department: Diabetes Centre" in meta.description and "Appointments: 555 0100" in meta.description
    assert "{" not in meta.description and "\n\n\n" not in meta.description
    assert meta.tags == ("Endocrinology", "Diabetes Centre", "Riverside Health", "Dr. Maria Lopez",
                         "meet your clinician")
    assert (meta.privacy, meta.category_id, meta.language) == ("private", "27", "en")
    body = meta.insert_body()
    assert body["status"] == {"privacyStatus": "private", "selfDeclaredMadeForKids": False,
                              "containsSyntheticMedia": False}
    assert body["snippet"]["defaultLanguage"] == "en" and meta.notify_subscribers is False


@pytest.mark.parametrize("fields, title", [
    ({"specialty": ""}, "Dr. Maria Lopez | Riverside Health"),
    ({"organisation": ""}, "Dr. Maria Lopez, Endocrinology"),
    ({"title": "", "specialty": "", "organisation": ""}, "Maria Lopez"),
    ({"organisation": "The Very Long Official Name of the University Hospitals Foundation Trust Group"},
     "Dr. Maria Lopez, Endocrinology"),  # over 100 characters: the organisation is dropped
])
def test_title_adapts_to_what_is_known(fields, title):
    assert build_metadata(_project(**fields)).title == title


def test_project_values_win_and_privacy_and_synthetic_media_are_as_declared():
    project = _project()
    project.publish = Publish(title="Meet Dr. Lopez", description="Hello.", tags=["diabetes", " thyroid "],
                              category_id="28", language="es", privacy="unlisted")
    meta = build_metadata(project, contains_synthetic_media=True)
    assert (meta.title, meta.description, meta.tags) == ("Meet Dr. Lopez", "Hello.", ("diabetes", "thyroid"))
    assert (meta.category_id, meta.language, meta.privacy) == ("28", "es", "unlisted")
    assert meta.insert_body()["status"]["containsSyntheticMedia"] is True
    assert build_metadata(project, privacy="public").privacy == "public"


def test_brand_kit_youtube_table(tmp_path):
    kit = tmp_path / "kit.toml"
    kit.write_text('schema_version = 1\n[organisation]\nname = "Northside Clinics"\n'
                   '[youtube]\ntitle = "{formal_name} – {specialty}{?organisation: – {organisation}}"\n'
                   'tags = ["{specialty}", "northside"]\ncategory_id = "22"\n', encoding="utf-8")
    templates = load_templates(kit)
    meta = build_metadata(_project(organisation=""), templates)
    assert meta.title == "Dr. Lopez – Endocrinology – Northside Clinics"
    assert meta.tags == ("Endocrinology", "northside") and meta.category_id == "22"
    assert load_templates(None) == MetadataTemplates(organisation="")  # the bundled kit has no [youtube]
    kit.write_text('[youtube]\ntitel = "x"\n', encoding="utf-8")
    with pytest.raises(InvalidInputError, match=r"\[youtube\] titel is not a setting"):
        load_templates(kit)


def test_tags_length_counts_commas_and_quotes():
    assert tags_length(["a b", "c"]) == 3 + 2 + 1 + 1
    assert tags_length([]) == 0
    ok = VideoMetadata("t", tags=tuple(["x" * 99] * 5))  # 495 + 4 commas = 499
    validate_metadata(ok)
    with pytest.raises(TagsTooLongError, match="501 characters"):
        validate_metadata(VideoMetadata("t", tags=("x" * 99,) * 4 + ("y" * 97 + " z",)))  # 396 + 99+2 + 4


@pytest.mark.parametrize("meta, error, field", [
    (VideoMetadata(""), EmptyTitleError, "title"),
    (VideoMetadata("x" * 101), TitleTooLongError, "title"),
    (VideoMetadata("Dr. <Lopez>"), AngleBracketError, "title"),
    (VideoMetadata("t", description="é" * 2501), DescriptionTooLongError, "description"),  # 2501 chars, 5002 bytes
    (VideoMetadata("t", description="a > b"), AngleBracketError, "description"),
    (VideoMetadata("t", tags=("ok", "<3",)), AngleBracketError, "tags"),
    (VideoMetadata("t", category_id="99"), CategoryError, "category_id"),
    (VideoMetadata("t", language="english"), LanguageError, "language"),
    (VideoMetadata("t", privacy="friends"), PrivacyError, "privacy"),
])
def test_each_violation_is_its_own_error(meta, error, field):
    with pytest.raises(error) as info:
        validate_metadata(meta)
    assert info.value.field == field and info.value.hint


def test_limits_are_inclusive_and_all_problems_are_listed():
    validate_metadata(VideoMetadata("x" * 100, description="a" * 5000))
    problems = metadata_problems(VideoMetadata("x" * 101, description="<" * 6000, category_id="0"))
    assert [type(p) for p in problems] == [TitleTooLongError, DescriptionTooLongError, AngleBracketError,
                                           CategoryError]
    with pytest.raises(TitleTooLongError, match="3 more problem"):
        validate_metadata(VideoMetadata("x" * 101, description="<" * 6000, category_id="0"))


def test_bad_metadata_is_refused_before_anything_is_sent(yt, exported, config, tmp_path):
    exported.pf.project.publish.title = "x" * 101
    with pytest.raises(TitleTooLongError):
        run_publish(exported, config, tmp_path)
    assert yt.state.log == []
