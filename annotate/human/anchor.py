"""Anchors that find the same words again after the corpus is rebuilt.

An anchor is a provision id plus a W3C TextQuoteSelector (the exact words and
about 32 characters either side) and a TextPositionSelector (offsets, only a
hint). Ids are not stable — a new edition renumbers articles, a parser change
renames eIds — and offsets shift with every edit above the quote; the words
themselves are what a scholar annotated, so re-attaching searches for them:

1. same id, and the words at the hinted offsets               → ``exact``
2. same id, the words elsewhere in it (surroundings decide)   → ``shifted``
3. the words verbatim in another provision of the same source, where
   the surroundings match well enough and one place is best    → ``moved``
4. nearly the same words (difflib ratio ≥ threshold), same
   provision first, then the same source                       → ``fuzzy``
5. otherwise                                                    → ``orphaned``,
   with the closest candidate found and the provisions of *other* sources
   that hold the words (``candidates``), so a person decides.

An anchor never leaves its source on its own: the same sentence stands in the
CPL and in the SPC Interpretation, and an annotation on one is not a judgement
on the other. Other sources (the same work first) are searched only to list
candidates for an orphan.

A verbatim match elsewhere must agree with the stored surroundings, because
short quotes ("人民检察院") occur thousands of times; an ambiguous match is
orphaned rather than attached to the wrong provision.
"""
from __future__ import annotations

from dataclasses import dataclass
from difflib import SequenceMatcher
from typing import Iterable

from .model import WHOLE, SPAN, Anchor, AnnotationError
from .provisions import Provisions

CONTEXT = 32               # characters of prefix and suffix kept
FUZZY_THRESHOLD = 0.85     # similarity a changed quote needs to re-attach
MIN_FUZZY_CHARS = 12       # shorter quotes must match verbatim: two characters
                           # changed in 人民检察院 make another authority
MIN_CONTEXT = 0.5          # surroundings a verbatim match needs to be trusted
LONG_QUOTE = 32            # ... unless the quote itself is this long
MAX_FUZZY_CANDIDATES = 20

EXACT, SHIFTED, MOVED, FUZZY, ORPHANED = "exact", "shifted", "moved", "fuzzy", "orphaned"
STATUSES = (EXACT, SHIFTED, MOVED, FUZZY, ORPHANED)


@dataclass
class Attachment:
    status: str
    provision_id: str | None = None
    start: int | None = None
    end: int | None = None
    score: float = 0.0          # similarity of the quote found to the quote stored
    context: float = 0.0        # similarity of its surroundings
    quote: str | None = None    # the words now at the anchor
    reason: str = ""
    candidate: str | None = None          # closest place found, for orphans
    candidate_score: float | None = None
    candidates: list[str] | None = None   # other sources holding the words (orphans only)

    @property
    def attached(self) -> bool:
        return self.status != ORPHANED


# -- making anchors ------------------------------------------------------------------
def make_anchor(provisions: Provisions, provision_id: str, *, quote: str | None = None,
                start: int | None = None, end: int | None = None) -> Anchor:
    """An anchor on a span of a provision's own text (by ``quote`` or by
    ``start``/``end``), or on the whole provision when neither is given."""
    row = provisions.require(provision_id)
    hints = {"source_id": row["source_id"], "work": row["work"], "citation": row["citation"]}
    if quote is None and start is None and end is None:
        return Anchor(provision_id, exact=provisions.whole_text(provision_id), scope=WHOLE,
                      **hints)
    text = row["text"] or ""
    if not text:
        raise AnnotationError(f"{provision_id} has no text of its own (its subdivisions "
                              "have): annotate a subdivision, or the whole provision")
    if quote is not None:
        if not quote.strip():
            raise AnnotationError("the quote is empty")
        hits = occurrences(text, quote)
        if start is not None:
            hits = [h for h in hits if h == start]
        if not hits:
            where = f" at {start}" if start is not None else ""
            raise AnnotationError(f"{quote!r} is not in the text of {provision_id}{where}")
        if len(hits) > 1:
            raise AnnotationError(f"{quote!r} occurs {len(hits)} times in {provision_id} "
                                  f"(at {', '.join(map(str, hits[:5]))}): give a longer "
                                  "quote or a span START:END")
        start, end = hits[0], hits[0] + len(quote)
    elif start is None or end is None or not 0 <= start < end <= len(text):
        raise AnnotationError(f"span {start}:{end} is not inside the text of {provision_id} "
                              f"(0:{len(text)})")
    return span_anchor(text, start, end, provision_id, **hints)


def span_anchor(text: str, start: int, end: int, provision_id: str, **hints) -> Anchor:
    return Anchor(provision_id, exact=text[start:end], prefix=text[max(0, start - CONTEXT):start],
                  suffix=text[end:end + CONTEXT], start=start, end=end, scope=SPAN, **hints)


# -- re-attaching ----------------------------------------------------------------------
def reattach(anchor: Anchor, provisions: Provisions, *,
             threshold: float = FUZZY_THRESHOLD) -> Attachment:
    """Find ``anchor``'s words in the corpus ``provisions`` now holds."""
    if anchor.scope == WHOLE:
        at = _reattach_whole(anchor, provisions, threshold)
    else:
        at = _reattach_span(anchor, provisions, threshold)
    if not at.attached and anchor.exact:
        at.candidates = _elsewhere(anchor, provisions)
        if at.candidates:
            at.reason += (f"; outside its source the words are in {', '.join(at.candidates)}"
                          " (not moved there: a person decides)")
            if at.candidate is None:
                at.candidate, at.candidate_score = at.candidates[0], 1.0
    return at


MAX_CANDIDATES = 5


def _elsewhere(anchor: Anchor, provisions: Provisions) -> list[str]:
    """Provisions outside the anchor's source holding its words verbatim, same work first."""
    home = _home(anchor)
    out: list[str] = []
    for sid in [*provisions.sources(work=anchor.work or None), *provisions.sources()]:
        if sid == home:
            continue
        hits = ([(p, 0) for p in provisions.find_whole(anchor.exact, sid)]
                if anchor.scope == WHOLE else provisions.find_text(anchor.exact, sid))
        for pid, _ in hits:
            if pid not in out:
                out.append(pid)
            if len(out) >= MAX_CANDIDATES:
                return out
    return out


def _home(anchor: Anchor) -> str:
    """The anchor's source: its hint, else the prefix of its provision id."""
    return anchor.source_id or anchor.provision_id.split(":", 1)[0]


def _reattach_span(anchor: Anchor, provisions: Provisions, threshold: float) -> Attachment:
    exact, pid = anchor.exact, anchor.provision_id
    if not exact:
        return Attachment(ORPHANED, reason="the anchor has no quote")
    # The words under the same id count only with their surroundings: after a
    # renumbering the id names another provision, and 人民检察院 may well
    # stand at the same offset there.
    here = None
    if provisions.get(pid):
        text = provisions.own_text(pid)
        hits = [(h, _context(text, h, h + len(exact), anchor)) for h in occurrences(text, exact)]
        if hits:
            h, ctx = max(hits, key=lambda x: (x[1], x[0] == anchor.start,
                                              -abs(x[0] - (anchor.start or 0))))
            here = _found(EXACT if h == anchor.start else SHIFTED, pid, h, h + len(exact),
                          text, anchor)
            if ctx >= MIN_CONTEXT or len(exact) >= LONG_QUOTE:
                return here

    weak: tuple | None = None       # best verbatim match whose surroundings differ
    for label, sources in _scopes(anchor, provisions):
        found = _contexts(anchor, [(other, h, provisions.own_text(other))
                                   for sid in sources
                                   for other, h in provisions.find_text(exact, sid)
                                   if other != pid])
        if not found:
            continue
        choice, problem = _choose(found, anchor, provisions)
        if choice and (here is None or choice[2] > here.context):
            other, h, _ = choice
            att = _found(MOVED, other, h, h + len(exact), provisions.own_text(other), anchor)
            att.reason = f"{label}: from {pid}"
            return att
        if here is not None:
            break
        if problem == "ambiguous":
            places = ", ".join(sorted({f[0] for f in found})[:5])
            return Attachment(ORPHANED, reason=f"ambiguous: the quote occurs in {len(found)} "
                              f"places with the same surroundings ({places})",
                              candidate=found[0][0], candidate_score=1.0)
        top = max(found, key=lambda f: f[2])
        if weak is None or top[2] > weak[2]:
            weak = top
    if here is not None:
        # still in the same provision, its surroundings rewritten, and no better place
        here.reason = "the surroundings changed"
        return here

    best = _fuzzy_span(anchor, provisions, threshold) if len(exact) >= MIN_FUZZY_CHARS else None
    if best and best[3] >= threshold:
        other, s, e, score, ctx = best
        att = _found(FUZZY, other, s, e, provisions.own_text(other), anchor)
        att.score = round(score, 3)
        if other != pid:
            att.reason = f"from {pid}"
        return att
    orphan = Attachment(ORPHANED, reason="the quote is no longer in the corpus")
    if weak is not None:
        orphan.reason = (f"the quote occurs only with different surroundings "
                         f"(context {weak[2]:.2f})")
        orphan.candidate, orphan.candidate_score = weak[0], 1.0
    elif best:
        orphan.candidate, orphan.candidate_score = best[0], round(best[3], 3)
        orphan.reason = (f"the quote changed: closest text in {best[0]} is "
                         f"{best[3]:.2f} similar (threshold {threshold})")
    return orphan


def _reattach_whole(anchor: Anchor, provisions: Provisions, threshold: float) -> Attachment:
    exact, pid = anchor.exact, anchor.provision_id
    row = provisions.get(pid)
    if row is not None and provisions.whole_text(pid) == exact:
        return Attachment(EXACT, pid, 0, len(exact), 1.0, 1.0, quote=exact)
    if not exact:
        return Attachment(ORPHANED, reason="the provision is gone and the anchor has no text")
    for label, sources in _scopes(anchor, provisions):
        found = [(other, 0, 1.0) for sid in sources for other in provisions.find_whole(exact, sid)
                 if other != pid]
        if not found:
            continue
        choice, _ = _choose(found, anchor, provisions)
        if choice is None:
            places = ", ".join(f[0] for f in found[:5])
            return Attachment(ORPHANED, reason=f"ambiguous: {len(found)} provisions have this "
                              f"text ({places})", candidate=found[0][0], candidate_score=1.0)
        return Attachment(MOVED, choice[0], 0, len(exact), 1.0, 1.0, quote=exact,
                          reason=f"{label}: from {pid}")
    best = _fuzzy_whole(anchor, provisions, threshold) if len(exact) >= MIN_FUZZY_CHARS else None
    if best and best[1] >= threshold:
        text = provisions.whole_text(best[0])
        return Attachment(FUZZY, best[0], 0, len(text), round(best[1], 3), 1.0, quote=text,
                          reason="" if best[0] == pid else f"from {pid}")
    orphan = Attachment(ORPHANED, reason="the provision's text is no longer in the corpus")
    if best:
        orphan.candidate, orphan.candidate_score = best[0], round(best[1], 3)
        orphan.reason = (f"the text changed: closest is {best[0]}, {best[1]:.2f} similar "
                         f"(threshold {threshold})")
    return orphan


def _found(status: str, pid: str, start: int, end: int, text: str, anchor: Anchor) -> Attachment:
    return Attachment(status, pid, start, end, 1.0, round(_context(text, start, end, anchor), 3),
                      quote=text[start:end])


def _scopes(anchor: Anchor, provisions: Provisions) -> list[tuple[str, list[str]]]:
    """Source ids an anchor may move within: its own source only (see the module doc)."""
    home = _home(anchor)
    return [("source", [home])] if home in provisions.sources() else []


def _ids(provisions: Provisions, sources: Iterable[str]) -> Iterable[str]:
    for sid in sources:
        yield from provisions.ids_in(source_id=sid)


def _hint(anchor: Anchor, row: dict | None) -> float:
    """A small preference among equally good places: the old citation, the
    old source and work, and an eId like the old one (numbers shift by one)."""
    if row is None:
        return 0.0
    old_eid = anchor.provision_id.split(":", 1)[-1]
    return (0.004 * (row["citation"] == anchor.citation)
            + 0.002 * (row["source_id"] == anchor.source_id)
            + 0.001 * (row["work"] == anchor.work)
            + 0.001 * SequenceMatcher(None, old_eid, row["eid"] or "").ratio())


def _choose(found: list[tuple[str, int, float]], anchor: Anchor,
            provisions: Provisions) -> tuple[tuple | None, str]:
    """The one place among verbatim matches, or (None, why not)."""
    long_quote = len(anchor.exact) >= MIN_FUZZY_CHARS
    ok = [f for f in found if f[2] >= MIN_CONTEXT or (long_quote and len(found) == 1)]
    if not ok:
        return None, "weak"
    scored = sorted(((f[2] + _hint(anchor, provisions.get(f[0])), f) for f in ok),
                    key=lambda x: -x[0])
    if len(scored) > 1 and abs(scored[0][0] - scored[1][0]) < 1e-9:
        return None, "ambiguous"
    return scored[0][1], ""


# -- similarity -----------------------------------------------------------------------
def occurrences(text: str, quote: str) -> list[int]:
    out, i = [], text.find(quote)
    while i != -1 and quote:
        out.append(i)
        i = text.find(quote, i + 1)
    return out


def similarity(a: str, b: str) -> float:
    if not a and not b:
        return 1.0
    return SequenceMatcher(None, a, b, autojunk=False).ratio()


def _context(text: str, start: int, end: int, anchor: Anchor) -> float:
    """How well the text around [start, end) matches the stored prefix and
    suffix: one ratio over both sides, so that an empty side (a quote at the
    start of its text) weighs nothing rather than half."""
    return similarity(f"{anchor.prefix}\0{anchor.suffix}", _window(text, start, end, anchor))


def _contexts(anchor: Anchor, places: list[tuple[str, int, str]]) -> list[tuple[str, int, float]]:
    """(provision, offset, context score) for each place the quote occurs.

    A short quote can occur thousands of times, so only the places that can
    still be first or second are scored in full: difflib's quick_ratio bounds
    the ratio from above, and places are scored best bound first until the
    bound falls below the runner-up. The others keep their bound, which is
    below it."""
    n = len(anchor.exact)
    target = f"{anchor.prefix}\0{anchor.suffix}"
    matcher = SequenceMatcher(None, autojunk=False)
    matcher.set_seq2(target)
    bounded = []
    for pid, h, text in places:
        window = _window(text, h, h + n, anchor)
        if window == target:
            bounded.append((1.0, True, pid, h))
            continue
        matcher.set_seq1(window)
        bounded.append((matcher.quick_ratio(), False, pid, h, window))
    bounded.sort(key=lambda b: -b[0])
    top = [-1.0, -1.0]          # the best two full scores so far
    out = []
    for item in bounded:
        bound, identical = item[0], item[1]
        if not identical and bound < top[1] - 0.01:
            out.append((item[2], item[3], bound))
            continue
        if identical:
            score = 1.0
        else:
            matcher.set_seq1(item[4])
            score = matcher.ratio()
        top = sorted(top + [score], reverse=True)[:2]
        out.append((item[2], item[3], score))
    return out


def _window(text: str, start: int, end: int, anchor: Anchor) -> str:
    before = (text[max(0, start - len(anchor.prefix)):start] if anchor.prefix
              else text[:start][-CONTEXT:])
    after = text[end:end + len(anchor.suffix)] if anchor.suffix else text[end:end + CONTEXT]
    return f"{before}\0{after}"


def fuzzy_spans(text: str, quote: str) -> list[tuple[int, int, float]]:
    """Spans of ``text`` like ``quote``, the best per region: (start, end, ratio).

    Seeds come from short pieces of the quote found verbatim in the text; each
    seed's neighbourhood is aligned with difflib and the span between the
    first and last aligned blocks is scored (with the unmatched ends of the
    quote added back, and without stray one-character blocks at the edges)."""
    n = len(quote)
    if not text or not n:
        return []
    k = 4 if n >= 16 else 2
    samples = min(16, max(1, n - k + 1))
    positions = sorted({round(i * (n - k) / max(1, samples - 1)) for i in range(samples)})
    starts = []
    for i in positions:
        piece, j, hits = quote[i:i + k], text.find(quote[i:i + k]), 0
        while j != -1 and hits < 20:
            starts.append(j - i)
            j, hits = text.find(piece, j + 1), hits + 1
    if not starts:
        return []
    slack = max(4, n // 4)
    clusters: list[list[int]] = []
    for s in sorted(starts):
        if clusters and s - clusters[-1][-1] <= slack:
            clusters[-1].append(s)
        else:
            clusters.append([s])
    clusters.sort(key=len, reverse=True)
    # difflib caches its analysis of the second sequence: keep the quote there.
    matcher = SequenceMatcher(None, autojunk=False)
    matcher.set_seq2(quote)
    out = []
    for cluster in clusters[:3]:
        middle = cluster[len(cluster) // 2]
        lo, hi = max(0, middle - slack), min(len(text), middle + n + slack)
        window = text[lo:hi]
        matcher.set_seq1(window)
        # blocks as (offset in window, offset in quote, size)
        blocks = [b for b in matcher.get_matching_blocks() if b.size]
        if not blocks:
            continue
        spans, best = set(), None
        for first in blocks[:2]:
            for last in blocks[-2:]:
                if last.a < first.a:
                    continue
                tail = n - last.b - last.size
                spans.add((first.a, last.a + last.size))
                spans.add((max(0, first.a - first.b), min(len(window), last.a + last.size + tail)))
        for ws, we in spans:
            matcher.set_seq1(window[ws:we])
            score = matcher.ratio()
            if best is None or score > best[2]:
                best = (lo + ws, lo + we, score)
        if best:
            out.append(best)
    return out


def fuzzy_find(text: str, quote: str) -> tuple[int, int, float] | None:
    """The span of ``text`` most like ``quote``: (start, end, ratio), or None."""
    return max(fuzzy_spans(text, quote), key=lambda s: s[2], default=None)


def _fuzzy_span(anchor: Anchor, provisions: Provisions, threshold: float) -> tuple | None:
    """Best (provision, start, end, score, context) for a changed quote."""
    exact, pid = anchor.exact, anchor.provision_id
    best = None

    def consider(other: str) -> None:
        nonlocal best
        text = provisions.own_text(other)
        for s, e, score in fuzzy_spans(text, exact):
            ctx = _context(text, s, e, anchor)
            key = (score + 0.05 * ctx + (0.01 if other == pid else 0)
                   + _hint(anchor, provisions.get(other)))
            if best is None or key > best[0]:
                best = (key, other, s, e, score, ctx)

    if provisions.get(pid):
        consider(pid)
    for _, sources in _scopes(anchor, provisions):
        for other in _prefilter(anchor, (o for o in _ids(provisions, sources) if o != pid),
                                provisions.own_text):
            consider(other)
        if best and best[4] >= threshold:
            break
    return best[1:] if best else None


def _prefilter(anchor: Anchor, ids: Iterable[str], text_of) -> list[str]:
    """Provisions that share enough short pieces with the quote to be worth
    aligning, those that also share its surroundings first (boilerplate such
    as "Freiheitsstrafe bis zu fünf Jahren" is in hundreds of provisions)."""
    quote = anchor.exact
    pieces = _pieces(quote)
    around = _pieces(anchor.prefix) | _pieces(anchor.suffix)
    need = max(2, len(pieces) // 4)
    hits = []
    for pid in ids:
        text = text_of(pid)
        if len(text) < len(quote) // 2:
            continue
        count = sum(1 for p in pieces if p in text)
        if count >= need:
            hits.append((count + sum(1 for p in around if p in text), pid))
    hits.sort(key=lambda h: -h[0])
    return [pid for _, pid in hits[:MAX_FUZZY_CANDIDATES]]


def _pieces(text: str, k: int = 4) -> set[str]:
    if len(text) < k:
        return set()
    step = max(1, len(text) // 12)
    return {text[i:i + k] for i in range(0, len(text) - k + 1, step)}


def _fuzzy_whole(anchor: Anchor, provisions: Provisions,
                 threshold: float) -> tuple[str, float] | None:
    """The provision whose whole text is most like the stored one: (id, ratio)."""
    exact, pid = anchor.exact, anchor.provision_id
    n = len(exact)
    matcher = SequenceMatcher(None, autojunk=False)
    matcher.set_seq2(exact)
    best: tuple[float, str, float] | None = None

    def consider(other: str, text: str) -> None:
        nonlocal best
        matcher.set_seq1(text)
        score = matcher.ratio()
        key = score + (0.01 if other == pid else 0) + _hint(anchor, provisions.get(other))
        if best is None or key > best[0]:
            best = (key, other, score)

    if provisions.get(pid):
        consider(pid, provisions.whole_text(pid))
    for _, sources in _scopes(anchor, provisions):
        shortlist = []
        for other in _ids(provisions, sources):
            if other == pid:
                continue
            text = provisions.whole_text(other)
            m = len(text)
            # ratio can't exceed 2·min/(sum): skip texts of a very different length
            if not m or 2 * min(n, m) / (n + m) < threshold:
                continue
            matcher.set_seq1(text)
            quick = matcher.quick_ratio()
            if quick >= threshold:
                shortlist.append((quick, other, text))
        shortlist.sort(key=lambda s: -s[0])
        for quick, other, text in shortlist[:MAX_FUZZY_CANDIDATES]:
            if best and quick + 0.02 < best[2]:
                break   # quick_ratio bounds ratio from above: nothing better follows
            consider(other, text)
        if best and best[2] >= threshold:
            break
    return (best[1], best[2]) if best else None


def attach_all(anchors: Iterable[Anchor], provisions: Provisions, *,
               threshold: float = FUZZY_THRESHOLD) -> list[Attachment]:
    """Re-attach many anchors; identical anchors (a provision judged for several
    codes) are searched once."""
    cache: dict[tuple, Attachment] = {}
    out = []
    for anchor in anchors:
        key = (anchor.provision_id, anchor.scope, anchor.exact, anchor.prefix, anchor.suffix,
               anchor.start, anchor.source_id, anchor.work, anchor.citation)
        if key not in cache:
            cache[key] = reattach(anchor, provisions, threshold=threshold)
        out.append(cache[key])
    return out
