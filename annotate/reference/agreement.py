"""How far the two independent coding passes agreed, before adjudication.

Presence of each code on each unit is compared with the project's agreement code
(Cohen's kappa, Krippendorff's alpha; ``plea.annotate.human.agreement``), overall, per
dimension and per code, for all units and per jurisdiction. Roles and modalities are
compared on the (unit, code) pairs both passes gave, as nominal labels. Each pass is
also compared with the adjudicated coding, which says how much adjudication moved.
"""
from __future__ import annotations

from typing import Callable, Iterable

from plea.corpus.vocab import compared_jurisdictions, jurisdiction_of_prefix

from ..human.agreement import agreement_rows, cohen_kappa, krippendorff_alpha
from ..taxonomy import Taxonomy, load_taxonomy
from .coding import Coding

FINAL = "final"


def jurisdiction_of_unit(unit: str) -> str:
    """CN, US, DE, TW from the source id; the scholarship is its own column."""
    code = jurisdiction_of_prefix(unit)
    return code if code in compared_jurisdictions() else "scholarship"


def _judgements(coding: Coding, units: set[str]) -> dict[str, dict[str, set[str]]]:
    out: dict[str, dict[str, set[str]]] = {"A": {}, "B": {}, FINAL: {}}
    for u in coding.units:
        if u.unit not in units:
            continue
        out["A"][u.unit] = {c[0] for c in u.passes.get("A", [])}
        out["B"][u.unit] = {c[0] for c in u.passes.get("B", [])}
        out[FINAL][u.unit] = {c.code for c in u.codes}
    return out


def _attribute_row(coding: Coding, units: set[str], index: int, jurisdiction: str) -> dict:
    """Kappa and alpha of roles (index 1) or modalities (index 2) where both passes gave
    the code."""
    a_vals, b_vals = [], []
    for u in coding.units:
        if u.unit not in units:
            continue
        a = {c[0]: c for c in u.passes.get("A", [])}
        b = {c[0]: c for c in u.passes.get("B", [])}
        for code in sorted(set(a) & set(b)):
            if index == 1 and not code.startswith("subjects."):
                continue
            a_vals.append(a[code][index] or "")
            b_vals.append(b[code][index] or "")
    kappa = cohen_kappa(a_vals, b_vals) if a_vals else None
    alpha = krippendorff_alpha([[x, y] for x, y in zip(a_vals, b_vals)]) if a_vals else None
    agree = sum(x == y for x, y in zip(a_vals, b_vals)) / len(a_vals) if a_vals else None
    return {"jurisdiction": jurisdiction, "scope": "role" if index == 1 else "modality",
            "level": "attribute", "pair": "A|B", "units": len(units), "items": len(a_vals),
            "present": len(a_vals), "kappa": kappa, "alpha": alpha, "agreement": agree}


def agreement_table(coding: Coding, taxonomy: Taxonomy | None = None,
                    jurisdiction_of: Callable[[str], str] = jurisdiction_of_unit,
                    per_code: bool = True) -> list[dict]:
    """Rows for the ``reference_agreement`` table (and the README's figures)."""
    taxonomy = taxonomy or load_taxonomy()
    codes = list(taxonomy.code_ids)
    everything = {u.unit for u in coding.units}
    groups: list[tuple[str, set[str]]] = [("all", everything)]
    for j in (*compared_jurisdictions(), "scholarship"):
        mine = {u for u in everything if jurisdiction_of(u) == j}
        if mine:
            groups.append((j, mine))
    rows: list[dict] = []
    for jurisdiction, units in groups:
        judged = _judgements(coding, units)
        for pair in (("A", "B"), ("A", FINAL), ("B", FINAL)):
            sub = {k: judged[k] for k in pair}
            for r in agreement_rows(sub, codes, per_code=per_code and pair == ("A", "B")
                                    and jurisdiction == "all"):
                rows.append({"jurisdiction": jurisdiction, "scope": r.scope, "level": r.level,
                             "pair": "|".join(pair), "units": r.units, "items": r.items,
                             "present": r.present, "kappa": r.kappa, "alpha": r.alpha,
                             "agreement": r.agreement})
        for index in (1, 2):
            rows.append(_attribute_row(coding, units, index, jurisdiction))
    return rows


def format_agreement(rows: Iterable[dict]) -> str:
    def f(x):
        return "  n/a" if x is None else f"{x:5.3f}"
    out = [f"{'jurisdiction':<12} {'pair':<8} {'scope':<34} {'units':>5} {'kappa':>6} {'alpha':>6}"]
    for r in rows:
        if r["level"] == "code":
            continue
        out.append(f"{r['jurisdiction']:<12} {r['pair']:<8} {r['scope']:<34} {r['units']:5d} "
                   f"{f(r['kappa']):>6} {f(r['alpha']):>6}")
    return "\n".join(out)
