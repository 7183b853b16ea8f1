"""German citations.

§ 257c Abs. 2 S. 1 StPO, §§ 257b, 257c, §§ 232 und 233, § 153a Abs. 1 Satz 2 Nr. 1 StPO,
§ 257c Absatz 4 Satz 4 und Absatz 5, and inside a section "Absatz 4", "des Absatzes 1",
"nach Satz 1". A Satz is read and dropped (works.yaml: not part of the pinpoint).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from .data import alternation, vocabulary
from .model import Context, Part, Ref
from .pinpoint import compose
from .works import Registry

DEPTH = {"section": 0, "paragraph": 1, "item": 2, "subitem": 3, "sentence": 9}
_NUM = r"\d+[a-z]?\b"


@dataclass
class Chain:
    start: int
    end: int = 0
    paths: list[tuple[list[Part], int, int]] = field(default_factory=list)
    law: str | None = None          # work id
    law_known: bool = True
    law_name: str | None = None
    relative: bool = False


class GermanGrammar:
    def __init__(self, registry: Registry):
        self.registry = registry
        self.vocab = v = vocabulary("de")
        laws: dict[str, str | None] = {}
        for name, work_id, _ in registry.aliases("latin"):
            if registry.get(work_id).jurisdiction == "DE":
                laws[name] = work_id
        for name in v["other_works"]:
            laws.setdefault(name, None)
        self.laws = laws
        arts = alternation(v["articles_before_law"])
        units = alternation(v["units"])
        self.pattern = re.compile(
            rf"(?P<sec>§§?)\s*(?=\d)"
            rf"|(?P<art>\bArt(?:ikel|\.))\s*(?=\d)"
            rf"|(?P<unit>(?<![\w.])(?:{units}))(?=\s*(?:\d|[a-z]\b))"
            rf"|(?P<conn>{_connectors(v['connectors'])})"
            rf"|(?P<num>(?<![\w.])(?:{_NUM}|[a-z](?=\s|$|[,.;)])))"
            rf"|(?P<roman>(?<![\w.])[IVX]{{1,4}}\b)"
            rf"|(?P<range>\bbis\b|[–-](?=\s*\d))"
            rf"|(?P<law>(?:(?:{arts}))?(?<![\w])(?:{alternation(laws)})(?![\w]))"
            rf"|(?P<otherlaw>{v['unknown_law']})")
        self.dropped = set(v["dropped"])

    def extract(self, text: str, ctx: Context) -> list[Ref]:
        toks = []
        for m in self.pattern.finditer(text):
            kind = next(k for k in ("sec", "art", "unit", "num", "roman", "range", "conn", "law",
                                    "otherlaw")
                        if m.group(k) is not None)
            value = m.group(kind)
            if kind == "otherlaw":
                kind, value = "law", "?" + value       # a statute the registry lacks
            toks.append((kind, m.start(), m.end(), value))
        refs: list[Ref] = []
        last_named: list[str | None] = [None]
        i = 0
        while i < len(toks):
            kind = toks[i][0]
            if kind in ("sec", "art"):
                chain, i = self._chain(text, toks, i, "section")
            elif kind == "unit" and self._unit(toks[i][3]) != "sentence" or (
                    kind == "unit" and toks[i][3] in ("Satz", "Sätze")):
                chain, i = self._chain(text, toks, i, None)
                chain.relative = True
            elif kind == "law" and toks[i][3].startswith("?"):
                i += 1                                  # "OLG", "BtMG" alone: no reference
                continue
            elif kind == "law":
                name = self._law_name(toks[i][3])
                work = self.laws.get(name)
                refs.append(Ref(toks[i][1], toks[i][2], text[toks[i][1]:toks[i][2]], work, [],
                                "explicit", title=None if work else name))
                last_named[0] = work or last_named[0]
                i += 1
                continue
            else:
                i += 1
                continue
            refs += self._refs(text, chain, ctx, last_named)
        return refs

    def _unit(self, word: str) -> str:
        return self.vocab["units"].get(word, "sentence")

    def _law_name(self, raw: str) -> str:
        raw = raw.lstrip("?")
        for prefix in self.vocab["articles_before_law"]:
            if raw.startswith(prefix):
                return raw[len(prefix):]
        return raw

    def _chain(self, text: str, toks, i: int, level: str | None) -> tuple[Chain, int]:
        """Read one citation from token i: units, numbers, connectors, ranges, the law."""
        chain = Chain(start=toks[i][1])
        level = level or self._unit(toks[i][3])
        current: list[Part] = []
        pending = "new"                       # how the next number joins: new | refine | list | range
        j = i + 1
        last_end = toks[i][2]
        range_from: str | None = None
        begin: int | None = chain.start        # where the next new path's span starts
        while j < len(toks):
            kind, start, end, value = toks[j]
            if text[last_end:start].strip():
                break
            if kind == "num" and pending == "list" and current and level not in ("section", "sentence") \
                    and j + 1 < len(toks) and toks[j + 1][0] == "unit" \
                    and not text[end:toks[j + 1][1]].strip() \
                    and DEPTH[self._unit(toks[j + 1][3])] <= DEPTH[level]:
                # "§§ 257c, 273 Abs. 1a, 302 Abs. 1": a number that a unit no finer than
                # the current one follows is the next section
                level, current = "section", []
            if kind == "num":
                if level in self.dropped:
                    pass
                elif pending == "range" and current and range_from is not None:
                    for v in _between(range_from, value):
                        path = current[:-1] + [Part(level, v)]
                        chain.paths.append((path, start, end))
                    current = current[:-1] + [Part(level, value)]
                    chain.paths.append((list(current), start, end))
                else:
                    keep = [p for p in current if DEPTH[p.level] < DEPTH[level]]
                    refine = (pending == "refine" and current and chain.paths
                              and chain.paths[-1][0] == current
                              and DEPTH[current[-1].level] < DEPTH[level])
                    if refine:                     # a finer unit replaces its prefix
                        first = chain.paths.pop()[1]
                        chain.paths.append((keep + [Part(level, value)], first, end))
                    else:
                        chain.paths.append((keep + [Part(level, value)],
                                            start if begin is None else begin, end))
                    begin = None
                    current = keep + [Part(level, value)]
                range_from = value
                pending = "list"
            elif kind == "roman" and current and current[-1].level == "section":
                # "§ 257c II 1 StPO": Absatz in Roman numerals, then the Satz
                first = chain.paths.pop()[1] if chain.paths and chain.paths[-1][0] == current \
                    else start
                current = current + [Part("paragraph", str(_roman(value)))]
                chain.paths.append((list(current), first, end))
                level, pending = "sentence", "list"
            elif kind == "roman":
                break
            elif kind == "unit":
                level = self._unit(value)
                pending = "refine"
                begin = start
            elif kind in ("sec", "art"):
                level, pending = "section", "new"
                current = []
                begin = start
            elif kind == "conn":
                pending = "list"
            elif kind == "range":
                pending = "range"
            elif kind == "law":
                name = self._law_name(value)
                chain.law, chain.law_name = self.laws.get(name), name
                chain.law_known = chain.law is not None
                last_end = end
                j += 1
                break
            last_end = end
            j += 1
        chain.end = last_end
        # a trailing connector belongs to the text, not the citation
        return chain, j

    def _refs(self, text: str, chain: Chain, ctx: Context, last_named) -> list[Ref]:
        if not chain.law_known:
            out = []
            for n, (path, start, end) in enumerate(chain.paths):
                e = chain.end if len(chain.paths) == 1 else end
                out.append(Ref(start, e, text[start:e], None, [p.value for p in path],
                               "explicit", title=chain.law_name))
            return out
        method = "explicit"
        work_id = chain.law
        if work_id is None:
            ctx_work = self.registry.get(ctx.work)
            if ctx_work and ctx_work.jurisdiction == "DE":
                work_id = ctx_work.id
            elif last_named[0]:
                work_id, method = last_named[0], "inferred"
        if chain.relative:
            method = "relative"
        work = self.registry.get(work_id)
        out = []
        for n, (path, start, end) in enumerate(chain.paths):
            s = start
            e = chain.end if len(chain.paths) == 1 else end
            if work is None:
                if path and path[0].level == "section":
                    out.append(Ref(s, e, text[s:e], None, [p.value for p in path], "bare"))
                continue
            if path and path[0].level != "section":
                if ctx.work != work.id or not ctx.pinpoint:
                    continue
                pin = compose(work, path, ctx.pinpoint)
            else:
                pin = compose(work, path, None)
            if pin is not None:
                out.append(Ref(s, e, text[s:e], work.id, pin, method))
        if chain.relative and not chain.paths and work and ctx.work == work.id and ctx.pinpoint:
            # "nach Satz 1": the sentence is in the paragraph the text sits in
            pin = ctx.pinpoint[:2]
            out.append(Ref(chain.start, chain.end, text[chain.start:chain.end], work.id, pin,
                           "relative"))
        if work:
            last_named[0] = work.id
        return out


def _connectors(words) -> str:
    """The connectors of de.yaml as a regex: words whole, "u." / "i.V.m." before a space."""
    out = []
    for w in sorted(set(words), key=len, reverse=True):
        pat = re.escape(w).replace(r"\ ", r"\s*")
        if w[0].isalpha():
            pat = r"\b" + pat
        if w[-1].isalpha():
            pat += r"\b"
        elif w.endswith(".") and len(w) <= 3:
            pat += r"(?=\s)"
        out.append(pat)
    return "|".join(out)


def _roman(numeral: str) -> int:
    values = {"I": 1, "V": 5, "X": 10}
    return sum(-values[c] if k + 1 < len(numeral) and values[numeral[k + 1]] > values[c]
               else values[c] for k, c in enumerate(numeral))


def _between(first: str, last: str) -> list[str]:
    """§§ 153 bis 153c → 153a, 153b; §§ 232 bis 235 → 233, 234."""
    a, b = re.match(r"(\d+)([a-z]?)$", first), re.match(r"(\d+)([a-z]?)$", last)
    if not a or not b:
        return []
    if a.group(1) == b.group(1):
        lo = ord(a.group(2)) + 1 if a.group(2) else ord("a")
        return [a.group(1) + chr(c) for c in range(lo, ord(b.group(2) or "a"))]
    lo, hi = int(a.group(1)), int(b.group(1))
    if hi <= lo or hi - lo > 60:
        return []
    out = [str(n) for n in range(lo + 1, hi)]
    if b.group(2):
        out.append(str(hi))
        out += [f"{hi}{chr(c)}" for c in range(ord("a"), ord(b.group(2)))]
    return out
