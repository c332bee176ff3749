"""An approval covers the translation's captions too: the Spanish track the public will see."""

from __future__ import annotations

import dataclasses

from introstudio.core.review.approvals import record_approval, review_status
from introstudio.core.review.policy import ApprovalPolicy


def test_a_changed_translation_makes_the_approval_stale(playable):
    from introstudio.core.render.records import export_records, record_export

    es = playable.video.with_name(playable.video.stem + ".es.srt")
    es.write_text("1\n00:00:00,200 --> 00:00:01,200\nHola, soy la Dra. Maria Lopez.\n", encoding="utf-8")
    record = export_records(playable.pf.project)[-1]
    record_export(playable.pf, dataclasses.replace(record, translations={"srt.es": playable.pf.relative(es)}))
    approval = record_approval(playable.pf, "clinician", "Maria Lopez", ApprovalPolicy())
    assert set(approval["subject"]["captions"]) == {"srt", "vtt", "srt.es"}
    es.write_text(es.read_text(encoding="utf-8").replace("Hola", "Buenas"), encoding="utf-8")
    [role] = [r for r in review_status(playable.pf, ApprovalPolicy()).roles if r.role == "clinician"]
    assert role.problem.startswith("stale: the es captions (SRT) changed since ")
