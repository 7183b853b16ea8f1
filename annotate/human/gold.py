"""Human judgements as gold-file units, and gold files as judgements.

``annotations_as_gold`` turns the standing human decisions into the format of
``gold/*-tags.jsonl`` (``{"id", "lang", "text", "codes", "source"}``), one unit
per provision a human judged, so the tagger can be scored against scholars'
decisions (``plea eval --gold annotations``). A unit counts as judged when a
human confirmed, corrected, added, rejected a tag on it, or marked it
reviewed; its codes are those the standing decisions say it carries.

``gold_to_annotations`` goes the other way: every unit found in the corpus
(by its text) becomes one "added" annotation per code, a rejection of each
code the tagger proposes there beyond those, and a "reviewed" mark — what a
scholar reviewing the unit would record — with ids derived from the
annotator, provision and code so that importing the same file twice adds
nothing.
"""
from __future__ import annotations

import re
import uuid
from pathlib import Path

from plea.annotate.taxonomy import Taxonomy

from . import model
from .anchor import FUZZY_THRESHOLD, attach_all, make_anchor
from .model import ADDED, ASSESSING, REJECTED, REVIEWED, TAGGING, Annotation, AnnotationError
from .provisions import Provisions
from .stage import load_annotations
from .store import AnnotationStore
from .verdicts import unit_codes

GOLD_NAMESPACE = uuid.UUID("6f1d3c2e-8a47-4c1b-9d0e-5b7a2f9c4e10")


def annotations_as_gold(store: AnnotationStore | str | Path, db, *,
                        annotator: str | None = None,
                        threshold: float = FUZZY_THRESHOLD) -> list[dict]:
    """Gold units from the human decisions in ``store`` (a store, a store file or
    a JSON-LD export), re-anchored against the built corpus ``db``."""
    provisions = Provisions.open(db)
    annotations = store.all() if isinstance(store, AnnotationStore) else load_annotations(
        Path(store))
    places = attach_all((a.anchor for a in annotations), provisions, threshold=threshold)
    placed = [(a, at.provision_id) for a, at in zip(annotations, places)]
    who: dict[str, set[str]] = {}
    for a, pid in placed:
        if pid is not None and (annotator is None or a.annotator == annotator):
            who.setdefault(pid, set()).add(a.annotator)
    units = unit_codes(placed, annotator=annotator)
    out = []
    for pid in sorted(units, key=lambda p: _order(provisions, p)):
        row = provisions.get(pid)
        out.append({
            "id": pid, "lang": row["lang"], "text": row["text"] or provisions.whole_text(pid),
            "codes": sorted(units[pid]), "source": row["citation"] or pid,
            "provision_id": pid, "annotators": sorted(who.get(pid, ())),
        })
    return out


def _order(provisions: Provisions, pid: str) -> tuple:
    row = provisions.get(pid)
    return (row["source_id"], row["position"] if row["position"] is not None else 0, pid)


def gold_to_annotations(units: list[tuple[str, dict]], db, *, annotator: str,
                        taxonomy: Taxonomy, store: AnnotationStore | None = None
                        ) -> tuple[list[Annotation], list[str]]:
    """Annotations for gold units (``(place, unit)`` pairs), and the units
    skipped because their text is not (or not unambiguously) in the corpus."""
    model.check_annotator(annotator)
    provisions = Provisions.open(db)
    by_text = _texts(provisions)
    made: list[Annotation] = []
    skipped: list[str] = []
    created = model.now_iso()
    for where, unit in units:
        text, codes = unit.get("text"), unit.get("codes")
        if not isinstance(text, str) or not isinstance(codes, list) or not all(
                isinstance(c, str) for c in codes):
            raise AnnotationError(f"{where}: a gold unit needs \"text\" and a list of \"codes\"")
        for code in codes:
            try:
                model.check_code(taxonomy, code)
            except AnnotationError as exc:
                raise AnnotationError(f"{where}: {exc}") from None
        pid = _find(unit, provisions, by_text)
        if pid is None:
            n = len(set(by_text.get(_key(text), [])))
            why = f"in {n} provisions, none preferred" if n > 1 else "not found in the corpus"
            skipped.append(f"{where}: {unit.get('id', '')} {text[:40]!r} {why}")
            continue
        anchor = make_anchor(provisions, pid)
        listed = list(dict.fromkeys(codes))
        # A gold unit lists every code it carries: what the tagger proposes
        # beyond that is rejected, as a scholar reviewing the unit would.
        proposed = sorted({t["code"] for t in provisions.tags(pid)} - set(listed))
        acts = ([(ADDED, c) for c in listed] + [(REJECTED, c) for c in proposed]
                + [(REVIEWED, None)])
        for decision, code in acts:
            key = f"{annotator}|{pid}|{code or REVIEWED}" + ("|rejected" if decision == REJECTED
                                                               else "")
            aid = str(uuid.uuid5(GOLD_NAMESPACE, key))
            old = store.get(aid) if store is not None else None
            made.append(Annotation(
                id=aid, motivation=TAGGING if decision == ADDED else ASSESSING,
                annotator=annotator,
                # Keep the first import's time, so importing again is a no-op.
                created=old.created if old else created, anchor=anchor,
                decision=decision, code=code, codebook_version=str(taxonomy.version),
                extra={"plea:goldUnit": unit["id"]} if unit.get("id") else {}))
    return made, skipped


def _key(text: str) -> str:
    # Gold files keep the source's line breaks (hard-wrapped German) and
    # blank lines between items; the corpus does not.
    return "".join(text.split())


def _texts(provisions: Provisions) -> dict[str, list[str]]:
    """Provisions by the forms a gold unit may quote them in: the own text, the
    text with its printed number (（四）…, 一、…), the whole text with the
    numbers of its subdivisions."""
    printed: dict[str, str] = {}

    def with_numbers(pid: str) -> str:
        if pid not in printed:
            row = provisions.get(pid)
            kids = [k for k in provisions.children(pid)
                    if provisions.get(k)["kind"] != "container"]
            parts = [(row["num"] or "") + (row["text"] or "")]
            parts += [with_numbers(k) for k in kids] + [row["wrapup"] or ""]
            printed[pid] = "".join(parts)
        return printed[pid]

    out: dict[str, list[str]] = {}
    for pid in provisions.ids_in():
        row = provisions.get(pid)
        if row["kind"] == "container":
            continue
        forms = {_key(row["text"] or ""), _key((row["num"] or "") + (row["text"] or "")),
                 _key(provisions.whole_text(pid)), _key(with_numbers(pid))}
        for form in forms - {""}:
            out.setdefault(form, []).append(pid)
    return out


def _cited(citation: str | None, source: str) -> bool:
    """Whether a gold unit's free-form source names this citation: every part
    of 《刑事诉讼法》第十五条 in "cn/刑事诉讼法(2018-10-26).md 第十五条"."""
    parts = [p for p in re.split(r"[《》\s]+", citation or "") if p]
    return bool(parts) and all(p in source for p in parts)


def _find(unit: dict, provisions: Provisions, by_text: dict[str, list[str]]) -> str | None:
    """The provision a gold unit is: its id when that is a provision with this
    text, else the one provision that reads so (the unit's language and
    citation decide between copies)."""
    key = _key(unit["text"])
    for field in ("provision_id", "id"):
        pid = unit.get(field)
        if isinstance(pid, str) and provisions.get(pid) and pid in by_text.get(key, []):
            return pid
    found = list(dict.fromkeys(by_text.get(key, [])))
    if len(found) > 1:
        lang = unit.get("lang")
        found = [p for p in found if not lang or provisions.get(p)["lang"] == lang] or found
        source = unit.get("source") or ""
        cited = [p for p in found if _cited(provisions.get(p)["citation"], source)]
        found = cited or found
    if len(found) > 1:
        # an article and its only paragraph read the same: take the smallest unit
        leaves = [p for p in found if not any(c in found for c in provisions.children(p))]
        found = leaves if len(leaves) == 1 else found
    return found[0] if len(found) == 1 else None
