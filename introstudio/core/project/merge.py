"""Three-way merge of project documents, so a save never erases what another process wrote meanwhile.

A `ProjectFolder` remembers the document it last read or wrote (the *base*). When it saves and project.json on
disk is no longer the base (a batch wrote captions, the app changed the profile, a second import added a take),
the save merges, part by part, what this process changed since the base (*ours*) with what the other one changed
(*theirs*):

* the profile, script, design and publish blocks field by field; `selected_take` as one value;
* takes by id, caption tracks by take id and language, exports by file: an item changed on one side only takes
  that side; an item added on both sides is kept from both (a take added by both gets a fresh id on our side, and our
  captions/exports/selected take that pointed to it follow); an item removed on one side and untouched on the
  other is removed.

When both sides changed the same field or item differently, ours wins for that field or item only (this process
is saving the later edit) and the merge reports it, so the caller can tell the user.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from typing import Any

_FIELD_PARTS = ("clinician", "script", "design", "publish", "review")
# A take may have a caption track per language (the spoken one and a translation: captions/parallel.py).
_KEYED: dict[str, str | tuple[str, ...]] = {"takes": "id", "captions": ("take_id", "language"), "exports": "file",
                                            "approvals": "id"}


@dataclass
class MergeResult:
    """The merged document and the parts where both sides changed the same thing (ours was kept)."""

    doc: dict[str, Any]
    conflicts: list[str] = field(default_factory=list)
    took_theirs: bool = False  # whether anything of theirs came in (the caller must refresh its model)


def comparable(doc: dict[str, Any]) -> dict[str, Any]:
    """`doc` without the fields every save changes (so two saves of the same content compare equal)."""
    return {k: v for k, v in doc.items() if k != "modified_at"}


def merge(base: dict[str, Any], ours: dict[str, Any], theirs: dict[str, Any]) -> MergeResult:
    """Merge `ours` and `theirs`, both descended from `base`; documents are Project.to_dict() shaped."""
    ours = _renumber_new_takes(base, ours, theirs)
    out: dict[str, Any] = copy.deepcopy(theirs)
    result = MergeResult(out)
    for key in set(ours) | set(theirs):
        if key in ("modified_at", "schema_version"):
            continue
        b, o, t = base.get(key), ours.get(key), theirs.get(key)
        if key in _FIELD_PARTS and isinstance(o, dict) and isinstance(t, dict):
            out[key] = _merge_fields(key, b if isinstance(b, dict) else {}, o, t, result)
        elif key in _KEYED and isinstance(o, list) and isinstance(t, list):
            out[key] = _merge_keyed(key, _KEYED[key], b if isinstance(b, list) else [], o, t, result)
        else:
            out[key] = _pick(key, b, o, t, result)
    out["schema_version"] = ours.get("schema_version", theirs.get("schema_version"))
    out["modified_at"] = ours.get("modified_at", theirs.get("modified_at"))
    result.took_theirs = comparable(out) != comparable(ours)
    return result


def _pick(name: str, b: Any, o: Any, t: Any, result: MergeResult) -> Any:
    if o == b:
        return copy.deepcopy(t)
    if t != b and t != o:
        result.conflicts.append(name)
    return copy.deepcopy(o)


def _merge_fields(part: str, b: dict, o: dict, t: dict, result: MergeResult) -> dict:
    merged = {}
    for name in list(t) + [n for n in o if n not in t]:
        if name in o and name in t:
            merged[name] = _pick(f"{part}.{name}", b.get(name), o[name], t[name], result)
        else:
            merged[name] = copy.deepcopy(o.get(name, t.get(name)))
    return merged


def _merge_keyed(part: str, key: str | tuple[str, ...], b: list, o: list, t: list, result: MergeResult) -> list:
    bm, om, tm = (_keyed(items, key) for items in (b, o, t))
    merged: list = []
    for k in list(tm) + [k for k in om if k not in tm]:
        in_b, in_o, in_t = k in bm, k in om, k in tm
        if in_o and in_t:
            merged.append(_pick(f"{part}[{k}]", bm.get(k), om[k], tm[k], result))
        elif in_t:  # not ours: new on their side, or removed on ours
            if not in_b:
                merged.append(copy.deepcopy(tm[k]))
            elif tm[k] != bm[k]:  # we removed what they changed: keep their change
                merged.append(copy.deepcopy(tm[k]))
                result.conflicts.append(f"{part}[{k}]")
        elif in_o:  # not theirs: new on our side, or removed on theirs
            if not in_b:
                merged.append(copy.deepcopy(om[k]))
            elif om[k] != bm[k]:
                merged.append(copy.deepcopy(om[k]))
                result.conflicts.append(f"{part}[{k}]")
    return merged


def _keyed(items: list, key: str | tuple[str, ...]) -> dict[Any, Any]:
    """Items by their key; one without a key (or repeating one) is keyed by its place, so none is ever lost."""
    out: dict[Any, Any] = {}
    for place, item in enumerate(items):
        k = _key(item, key) if isinstance(item, dict) else None
        out[k if k is not None and k not in out else ("#", place)] = item
    return out


def _key(item: dict, key: str | tuple[str, ...]) -> Any:
    if isinstance(key, tuple):  # a caption track without a language is English (CaptionTrack's default)
        return tuple(_key(item, k) if k in item or k != "language" else "en" for k in key)
    value = item.get(key)
    if value is None and key == "file":
        value = item.get("video")  # export records of early batch versions (as ExportRecord.from_dict reads them)
    return value if isinstance(value, (str, int, float)) or value is None else repr(value)


def _renumber_new_takes(base: dict, ours: dict, theirs: dict) -> dict:
    """Give our new takes whose id the other side also used for a different take a fresh id (refs follow)."""
    base_ids = {t.get("id") for t in base.get("takes") or [] if isinstance(t, dict)}
    their_takes = {t.get("id"): t for t in theirs.get("takes") or [] if isinstance(t, dict)}
    our_takes = [t for t in ours.get("takes") or [] if isinstance(t, dict)]
    clashes = [t for t in our_takes if t.get("id") not in base_ids and t.get("id") in their_takes
               and their_takes[t.get("id")] != t]
    if not clashes:
        return ours
    ours = copy.deepcopy(ours)
    used = {t.get("id") for t in our_takes} | set(their_takes)
    next_id = max((i for i in used if isinstance(i, int)), default=0) + 1
    mapping: dict[Any, int] = {}
    for take in ours["takes"]:
        if take.get("id") in {c.get("id") for c in clashes} and take.get("id") not in mapping:
            mapping[take["id"]] = next_id
            take["id"] = next_id
            next_id += 1
    for track in ours.get("captions") or []:
        if isinstance(track, dict) and track.get("take_id") in mapping and \
                track.get("take_id") not in {c.get("take_id") for c in base.get("captions") or []}:
            track["take_id"] = mapping[track["take_id"]]
    for entry in ours.get("exports") or []:
        if isinstance(entry, dict) and entry.get("take_id") in mapping and \
                entry.get("file") not in {e.get("file") for e in base.get("exports") or [] if isinstance(e, dict)}:
            entry["take_id"] = mapping[entry["take_id"]]
    if ours.get("selected_take") in mapping and ours.get("selected_take") != base.get("selected_take"):
        ours["selected_take"] = mapping[ours["selected_take"]]
    return ours
