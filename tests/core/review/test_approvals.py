"""Approvals: what they hash, when they go stale (and say why), consent forms, the organisation's policy,
and two approvers saving at once."""

from __future__ import annotations

import pytest

from introstudio.core.errors import InvalidInputError, NotFoundError
from introstudio.core.project import open_project
from introstudio.core.review.approvals import record_approval, review_status
from introstudio.core.review.policy import ApprovalPolicy, load_policy

POLICY = ApprovalPolicy()


def _roles(status):
    return {r.role: r for r in status.roles}


def test_an_approval_hashes_the_export_captions_and_text(playable):
    a = record_approval(playable.pf, "clinician", "  Maria   Lopez ", POLICY)
    subject = a["subject"]
    assert a["name"] == "Maria Lopez" and a["digest"] == subject["digest"]
    assert subject["video"]["sha256"] == playable.pf.project.exports[-1]["sha256"]
    assert set(subject["captions"]) == {"srt", "vtt"} and subject["visibility"] == "public"
    assert subject["metadata"]["title"] == "Dr. Maria Lopez, Endocrinology | Riverside Health"
    status = review_status(playable.pf, POLICY)
    assert _roles(status)["clinician"].ok and not status.ready
    assert status.missing() == ["communications/compliance: no approval recorded"]
    assert status.state == "in review"


@pytest.mark.parametrize("change, named", [
    ("captions", "the captions (SRT)"), ("tags", "the tags"), ("visibility", "the visibility (public -> unlisted)")])
def test_any_change_makes_it_stale_and_names_what(playable, change, named):
    record_approval(playable.pf, "clinician", "Maria Lopez", POLICY)
    record_approval(playable.pf, "communications", "Sam Carter", POLICY)
    assert review_status(playable.pf, POLICY).ready
    if change == "captions":
        playable.srt.write_text(playable.srt.read_text().replace("Hello", "Hallo"), encoding="utf-8")
    elif change == "tags":
        playable.pf.project.publish.tags = ["Endocrinology"]
    else:
        playable.pf.project.review["visibility"] = "unlisted"
    status = review_status(playable.pf, POLICY)
    assert not status.ready and status.state == "in review"
    for role in ("clinician", "communications"):
        assert _roles(status)[role].problem.startswith(f"stale: {named} changed since ")


def test_consent_form_is_copied_hashed_and_checked(playable, tmp_path):
    form = tmp_path / "release.pdf"
    form.write_bytes(b"%PDF-1.4 signed release")
    strict = ApprovalPolicy(consent_form=True)
    record_approval(playable.pf, "clinician", "Maria Lopez", strict)
    assert "has no signed consent form" in _roles(review_status(playable.pf, strict))["clinician"].problem
    a = record_approval(playable.pf, "clinician", "Maria Lopez", strict, consent_form=form)
    kept = playable.pf.resolve(a["consent_form"]["file"])
    assert kept.read_bytes() == form.read_bytes() and a["consent_form"]["original_name"] == "release.pdf"
    assert _roles(review_status(playable.pf, strict))["clinician"].ok
    kept.write_bytes(b"%PDF-1.4 another form")
    assert _roles(review_status(playable.pf, strict))["clinician"].problem.startswith(
        "stale: the consent form file changed since Maria Lopez approved")
    (tmp_path / "x.docx").write_bytes(b"PK")
    with pytest.raises(InvalidInputError, match="not a PDF or an image"):
        record_approval(playable.pf, "clinician", "Maria Lopez", strict, consent_form=tmp_path / "x.docx")
    with pytest.raises(NotFoundError):
        record_approval(playable.pf, "clinician", "Maria Lopez", strict, consent_form=tmp_path / "gone.pdf")
    with pytest.raises(InvalidInputError, match="clinician's"):
        record_approval(playable.pf, "communications", "Sam Carter", strict, consent_form=form)


def test_policy_comes_from_the_brand_kit(playable, tmp_path):
    kit = tmp_path / "kit.toml"
    kit.write_text('schema_version = 1\n[approvals]\nrequired = ["communications"]\nvisibility = "unlisted"\n')
    policy = load_policy(kit)
    assert policy.required == ("communications",) and policy.visibility == "unlisted"
    record_approval(playable.pf, "communications", "Sam Carter", policy)
    status = review_status(playable.pf, policy)
    assert status.ready and status.visibility == "unlisted" and status.state == "approved"
    assert load_policy(None) == ApprovalPolicy(source=load_policy(None).source)  # the default kit: the defaults
    kit.write_text('[approvals]\nrequired = ["legal"]\n')
    with pytest.raises(InvalidInputError, match="required"):
        load_policy(kit)
    from introstudio.core.render.brandkit import load_brand_kit

    kit.write_text('schema_version = 1\n[approvals]\nrequired = ["clinician"]\n')
    load_brand_kit(kit)  # the renderer accepts a kit with an [approvals] table


def test_two_approvers_saving_at_once_both_count(playable):
    a, b = open_project(playable.pf.folder), open_project(playable.pf.folder)
    record_approval(a, "clinician", "Maria Lopez", POLICY)
    record_approval(b, "communications", "Sam Carter", POLICY)  # b's copy did not know a's approval
    fresh = open_project(playable.pf.folder)
    assert {x["role"] for x in fresh.project.approvals} == {"clinician", "communications"}
    assert review_status(fresh, POLICY).ready


def test_old_project_files_load_without_approvals(playable):
    import json

    data = json.loads(playable.pf.file.read_text())
    data.pop("approvals"), data.pop("review")
    playable.pf.file.write_text(json.dumps(data))
    project = open_project(playable.pf.folder).project
    assert project.approvals == [] and project.review == {}
