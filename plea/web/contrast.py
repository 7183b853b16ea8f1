"""The contrast per code, in words, for the code page.

annotate.compare.contrasts computes, for each pair of jurisdictions, what
differs on a code (presence, roles, modality, scope items) from the tags after
human review; this module only says it the way a comparative lawyer writes it:
one line for all systems ("Defence counsel — CN: party, consulted; US: party;
DE: no provision"), then a row per pair with what is the same and what differs,
and compare.describe's sentences (with an example of each) under it.
Plain data, no HTML: the template escapes everything.
"""
from __future__ import annotations

import sqlite3

from plea.annotate.compare import Contrast, Side, contrasts

NONE = "no provision in the corpus"


def _words(items: list[str], labels: dict[str, dict] | None = None) -> str:
    if labels is not None:
        items = [labels.get(i, {}).get("label_en") or i for i in items]
    return ", ".join(items)


def _counts(d: dict[str, int]) -> str:
    return ", ".join(f"{k}: {v} provision{'s' if v != 1 else ''}" for k, v in d.items())


def side_words(side: Side, dimension: str) -> dict:
    """How one system regulates the code: roles for a subject, else how it binds."""
    if not side.present:
        return {"key": side.jurisdiction, "present": False, "count": 0, "words": NONE,
                "roles": [], "modalities": [], "title": ""}
    roles, modalities = list(side.roles), side.stated_modalities
    main = roles if dimension == "subjects" and roles else modalities
    return {"key": side.jurisdiction, "present": True, "count": side.count,
            "words": _words(main) or "no role or modality stated",
            "roles": roles, "modalities": modalities,
            "title": "; ".join(x for x in (_counts(side.roles), _counts(side.modalities)) if x)}


def pair_words(c: Contrast, labels: dict[str, dict]) -> dict:
    a, b = c.a.jurisdiction, c.b.jurisdiction
    if c.status == "both":
        presence = f"both — {a}: {c.a.count}, {b}: {c.b.count} provision(s)"
    elif c.status == "neither":
        presence = "neither"
    else:
        has, lacks = (c.a, b) if c.status == "only_a" else (c.b, a)
        presence = f"only {has.jurisdiction} ({has.count}); {lacks}: gap"
    roles = modality = ""
    if c.status in ("only_a", "only_b"):
        has = c.a if c.status == "only_a" else c.b
        roles = f"{has.jurisdiction}: {_words(list(has.roles))}" if has.roles else ""
        modality = (f"{has.jurisdiction}: {_words(has.stated_modalities)}"
                    if has.modalities else "")
    if c.status == "both" and (c.a.roles or c.b.roles):
        if not c.roles_only_a and not c.roles_only_b:
            roles = f"same — {_words(c.roles_shared)}"
        else:
            bits = [f"only {s.jurisdiction}: {_words(only)}"
                    for s, only in ((c.a, c.roles_only_a), (c.b, c.roles_only_b)) if only]
            if c.roles_shared:
                bits.append(f"both: {_words(c.roles_shared)}")
            roles = "; ".join(bits)
    if c.status == "both" and (c.a.modalities or c.b.modalities):
        if c.modality_differs:
            modality = (f"differs — {a}: {_words(c.a.stated_modalities) or 'none stated'}; "
                        f"{b}: {_words(c.b.stated_modalities) or 'none stated'}")
        else:
            modality = f"same — {_words(c.a.stated_modalities)}"
    scope = "; ".join(f"only {s.jurisdiction}: {_words(only, labels)}"
                      for s, only in ((c.a, c.scope_only_a), (c.b, c.scope_only_b)) if only)
    return {"a": a, "b": b, "status": c.status, "presence": presence, "roles": roles,
            "modality": modality, "scope": scope, "sentences": c.summary,
            "differs": c.status in ("only_a", "only_b") or bool(
                c.roles_only_a or c.roles_only_b or c.modality_differs or scope)}


def code_contrast(conn: sqlite3.Connection, code: str, juris: list[str],
                  labels: dict[str, dict]) -> dict | None:
    """The contrast of every pair of ``juris`` on ``code``; None with fewer than two."""
    if len(juris) < 2:
        return None
    found = contrasts(conn, code, juris)
    sides: dict[str, Side] = {}
    for c in found:
        sides.setdefault(c.a.jurisdiction, c.a)
        sides.setdefault(c.b.jurisdiction, c.b)
    dimension = found[0].dimension if found else code.split(".")[0]
    overview = [side_words(sides[j], dimension) for j in juris if j in sides]
    label = (labels.get(code) or {}).get("label_en") or code
    return {
        "label": label,
        "line": f"{label} — " + "; ".join(f"{s['key']}: {s['words']}" for s in overview),
        "overview": overview,
        "pairs": [pair_words(c, labels) for c in found],
        "by": "roles" if dimension == "subjects" else "modality",
    }
