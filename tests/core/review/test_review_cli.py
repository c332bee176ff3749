"""`introstudio review`, `approve` (with a consent form) and `audit` on a project with a real export."""

from __future__ import annotations


def test_review_writes_the_page_and_lists_the_approvals(cli, playable):
    folder = playable.pf.folder
    r = cli("review", folder, "--status")
    assert r.code == 0 and not (folder / "review").exists()
    assert "State: exported. Go-live makes it public." in r.out
    assert "the clinician (required): no approval recorded" in r.out
    r = cli("review", folder)
    assert r.code == 0, r.err
    assert f"Review page: {folder / 'review' / 'index.html'}" in r.out and "with 3 captions" in r.out
    assert "State: in review." in r.out
    r = cli("review", folder, "--json", "--out", folder.parent / "for-dr-lopez")
    data = r.json()
    assert data["ok"] and data["page"].endswith("for-dr-lopez/index.html") and not data["ready"]
    assert [x["role"] for x in data["roles"]] == ["clinician", "communications"]


def test_approve_with_a_consent_form_and_read_the_history(cli, playable, tmp_path):
    folder = playable.pf.folder
    form = tmp_path / "signed release.png"
    from PIL import Image

    Image.new("RGB", (40, 60), "white").save(form)
    r = cli("approve", folder, "--as", "Maria Lopez", "--role", "clinician", "--consent-form", form)
    assert r.code == 0, r.err
    assert "Recorded: Maria Lopez approves as clinician" in r.out and "consent form kept as approvals/consent-" in r.out
    assert "I consent to this video of me, with my name and likeness, being published as public" in r.out
    r = cli("approve", folder, "--as", "Sam Carter", "--role", "communications", "--visibility", "unlisted",
            "--json")
    data = r.json()
    assert data["visibility"] == "unlisted" and not data["ready"]  # the clinician approved "public"
    assert data["roles"][0]["problem"].startswith("stale: the visibility (public -> unlisted) changed since")
    r = cli("approve", folder, "--as", "", "--role", "clinician")
    assert r.code == 2 and "needs the approver's name" in r.err

    r = cli("audit", folder)
    assert r.code == 0
    lines = r.out.splitlines()
    assert "#1 exported exports/lopez-youtube-1080p.mp4 (SHA-256" in lines[0]
    assert "#2 clinician approval by Maria Lopez with consent form" in lines[1]
    assert "#3 communications approval by Sam Carter" in lines[2]
    r = cli("audit", folder, "--verify", "--json")
    data = r.json()
    assert data["ok"] and data["entries"] == 3 and data["head"]["seq"] == 3
