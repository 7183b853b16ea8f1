"""Agreement between annotators, and between annotators and the tagger.

The decisions compared are presence decisions on (unit, code) items: for a
unit an annotator judged (see ``verdicts.unit_codes``), every code of the
codebook is either carried or not. Per code, the items are that code on every
unit; per dimension and overall, the items of its codes pooled — so a code no
one used still counts as agreement that it is absent, as the annotators did
decide that.

- Cohen's kappa for a pair of annotators over the units both judged; with more
  than two, the mean over pairs (Light's kappa) is reported, and each pair.
- Krippendorff's alpha (nominal) over every unit judged by at least two
  annotators, any number of annotators, missing judgements allowed.
- Human vs tagger: kappa between each annotator and the tagger's codes on the
  units that annotator judged, with the tagger's precision and recall.

Both coefficients are undefined (None, shown as n/a) when every decision
falls in one category, e.g. a code nobody ever marked.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import asdict, dataclass, field
from itertools import combinations
from typing import Callable, Hashable, Iterable, Sequence

from .anchor import FUZZY_THRESHOLD, attach_all
from .model import Annotation
from .provisions import Provisions
from .verdicts import annotators as annotators_of
from .verdicts import unit_codes

TAGGER = "tagger"

# annotator → unit → codes the unit carries in that annotator's judgement
Judgements = dict[str, dict[str, set[str]]]


# -- the coefficients ----------------------------------------------------------------
def cohen_kappa(a: Sequence[Hashable], b: Sequence[Hashable]) -> float | None:
    """Cohen's kappa of two raters' labels for the same items."""
    if len(a) != len(b):
        raise ValueError("both raters must label the same items")
    n = len(a)
    if n == 0:
        return None
    observed = sum(x == y for x, y in zip(a, b)) / n
    ca, cb = Counter(a), Counter(b)
    expected = sum(ca[k] * cb[k] for k in ca) / (n * n)
    if expected == 1:
        return None
    return (observed - expected) / (1 - expected)


def krippendorff_alpha(units: Iterable[Sequence[Hashable | None]]) -> float | None:
    """Krippendorff's alpha for nominal data.

    ``units`` holds, per unit, the value each coder gave (None where a coder
    gave none). Units with fewer than two values are not pairable and drop
    out, as in Krippendorff's definition."""
    coincidences: Counter = Counter()
    for values in units:
        present = [v for v in values if v is not None]
        m = len(present)
        if m < 2:
            continue
        counts = Counter(present)
        for c in counts:
            for k in counts:
                pairs = counts[c] * (counts[k] - (c == k))
                if pairs:
                    coincidences[c, k] += pairs / (m - 1)
    totals: Counter = Counter()
    for (c, _), weight in coincidences.items():
        totals[c] += weight
    n = sum(totals.values())
    expected = sum(totals[c] * totals[k] for c in totals for k in totals if c != k)
    if n <= 1 or expected == 0:
        return None
    observed = sum(w for (c, k), w in coincidences.items() if c != k)
    return 1 - (n - 1) * observed / expected


# -- tables ---------------------------------------------------------------------------
@dataclass
class AgreementRow:
    scope: str               # "all", a dimension, or a code
    level: str               # overall | dimension | code
    units: int = 0           # units judged by at least two annotators
    items: int = 0           # (unit, code) items among them
    present: int = 0         # items at least one annotator marked present
    agreement: float | None = None   # share of pairwise decisions that agree
    kappa: float | None = None       # Cohen's (two annotators) or mean pairwise
    alpha: float | None = None
    pairs: dict[str, float | None] = field(default_factory=dict)

    def as_dict(self) -> dict:
        return asdict(self)


def agreement_rows(judgements: Judgements, codes: Sequence[str], *,
                   dimension_of: Callable[[str], str] = lambda c: c.split(".", 1)[0],
                   per_code: bool = True) -> list[AgreementRow]:
    """Agreement overall, per dimension and (``per_code``) per code, among the
    annotators in ``judgements``."""
    names = sorted(judgements)
    shared = sorted({u for n in names for u in judgements[n]
                     if sum(u in judgements[m] for m in names) >= 2})
    dimensions = list(dict.fromkeys(dimension_of(c) for c in codes))
    out = [_row("all", "overall", judgements, names, shared, list(codes))]
    for dim in dimensions:
        out.append(_row(dim, "dimension", judgements, names, shared,
                        [c for c in codes if dimension_of(c) == dim]))
    if per_code:
        for code in codes:
            row = _row(code, "code", judgements, names, shared, [code])
            if row.present:       # a code nobody used: nothing to show
                out.append(row)
    return out


def _row(scope: str, level: str, judgements: Judgements, names: list[str],
         units: list[str], codes: list[str]) -> AgreementRow:
    row = AgreementRow(scope, level, units=len(units), items=len(units) * len(codes))
    reliability = []
    for u in units:
        for c in codes:
            values = [(c in judgements[n][u]) if u in judgements[n] else None for n in names]
            reliability.append(values)
            row.present += any(values)
    row.alpha = krippendorff_alpha(reliability)
    agree = total = 0
    kappas = []
    for a, b in combinations(names, 2):
        both = [u for u in units if u in judgements[a] and u in judgements[b]]
        xa = [c in judgements[a][u] for u in both for c in codes]
        xb = [c in judgements[b][u] for u in both for c in codes]
        agree += sum(x == y for x, y in zip(xa, xb))
        total += len(xa)
        k = cohen_kappa(xa, xb) if xa else None
        row.pairs[f"{a}|{b}"] = k
        if k is not None:
            kappas.append(k)
    row.agreement = agree / total if total else None
    row.kappa = sum(kappas) / len(kappas) if kappas else None
    return row


@dataclass
class TaggerRow:
    annotator: str
    scope: str
    level: str
    units: int
    items: int
    kappa: float | None
    precision: float | None
    recall: float | None

    def as_dict(self) -> dict:
        return asdict(self)


def human_vs_tagger(judgements: Judgements, auto: dict[str, set[str]], codes: Sequence[str], *,
                    dimension_of: Callable[[str], str] = lambda c: c.split(".", 1)[0],
                    per_code: bool = False) -> list[TaggerRow]:
    """Each annotator against the tagger's codes on the units that annotator judged."""
    out = []
    scopes = [("all", "overall", list(codes))]
    for dim in dict.fromkeys(dimension_of(c) for c in codes):
        scopes.append((dim, "dimension", [c for c in codes if dimension_of(c) == dim]))
    if per_code:
        scopes += [(c, "code", [c]) for c in codes]
    for name in sorted(judgements):
        units = sorted(judgements[name])
        for scope, level, group in scopes:
            human = [c in judgements[name][u] for u in units for c in group]
            machine = [c in auto.get(u, ()) for u in units for c in group]
            tp = sum(h and m for h, m in zip(human, machine))
            if level == "code" and not any(human) and not any(machine):
                continue
            out.append(TaggerRow(
                name, scope, level, len(units), len(human),
                cohen_kappa(human, machine) if human else None,
                tp / sum(machine) if any(machine) else None,
                tp / sum(human) if any(human) else None))
    return out


# -- from annotations -------------------------------------------------------------------
def judgements_from(annotations: Sequence[Annotation], db=None, *,
                    annotators: Sequence[str] | None = None,
                    threshold: float = FUZZY_THRESHOLD) -> Judgements:
    """Each annotator's unit judgements. With a corpus ``db`` the annotations are
    re-anchored first, so judgements made on different builds line up; without
    one the provision ids as annotated are the units."""
    if db is not None:
        places = attach_all((a.anchor for a in annotations), Provisions.open(db),
                            threshold=threshold)
        placed = [(a, at.provision_id) for a, at in zip(annotations, places)]
    else:
        placed = [(a, a.anchor.provision_id) for a in annotations]
    names = annotators or annotators_of(placed)
    return {n: unit_codes(placed, annotator=n) for n in names}


def tagger_codes(db, units: Iterable[str]) -> dict[str, set[str]]:
    """The distinct codes the tagger put on each unit (empty without tags)."""
    provisions = Provisions.open(db)
    return {u: {t["code"] for t in provisions.tags(u)} for u in units}


def agreement_report(annotations: Sequence[Annotation], codes: Sequence[str], db=None, *,
                     annotators: Sequence[str] | None = None,
                     dimension_of: Callable[[str], str] = lambda c: c.split(".", 1)[0],
                     per_code: bool = True) -> dict:
    """Everything `plea agreement` prints (and the web view shows), as plain data:
    ``{"annotators", "units", "rows", "tagger"}``."""
    provisions = Provisions.open(db) if db is not None else None
    judgements = judgements_from(annotations, provisions, annotators=annotators)
    rows = agreement_rows(judgements, codes, dimension_of=dimension_of, per_code=per_code)
    tagger: list[TaggerRow] = []
    if provisions is not None:
        units = {u for j in judgements.values() for u in j}
        tagger = human_vs_tagger(judgements, tagger_codes(provisions, units), codes,
                                 dimension_of=dimension_of)
    return {
        "annotators": sorted(judgements),
        "units": {n: len(j) for n, j in sorted(judgements.items())},
        "rows": [r.as_dict() for r in rows],
        "tagger": [t.as_dict() for t in tagger],
    }
