"""German citations.

§ 257c Abs. 2 S. 1 StPO, §§ 257b, 257c, §§ 232 und 233, § 153a Abs. 1 Satz 2 Nr. 1 StPO,
§ 257c Absatz 4 Satz 4 und Absatz 5, and inside a section "Absatz 4", "des Absatzes 1",
"nach Satz 1". A Satz is read and dropped (works.yaml: not part of the pinpoint).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from .data import alternation, vocabulary
from .jurisdiction import SELF, jurisdictions
from .model import Context, Part, Ref
from .pinpoint import between, compose
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
    def __init__(self, registry: Registry, defined: tuple[tuple[str, str | None], ...] = ()):
        self.registry = registry
        self.vocab = v = vocabulary("de")
        self.jur = jur = jurisdictions("de", registry)
        laws: dict[str, str | None] = {}
        for name, work_id, _ in registry.aliases("latin"):
            if registry.get(work_id).jurisdiction == "DE":
                laws[name] = work_id
        for name, work_id in (v["jurisdictions"].get("alone") or {}).items():
            laws.setdefault(name, work_id)
        for name in v["other_works"]:
            laws.setdefault(name, None)
        for name, work_id in defined:            # "(im Folgenden: chStPO)"
            laws[name] = work_id
        self.laws = laws
        arts = alternation(v["articles_before_law"])
        units = alternation(v["units"])
        # a country with the law's name: "der chinesischen StPO", "des Strafprozessgesetzes
        # der Volksrepublik China", "des österreichischen Suchtmittelgesetzes"
        qnames = alternation([*laws, *jur.name_list()])
        any_law = jur.any_law or r"(?!)"
        qlaw = (rf"(?P<qual>{jur.qualifier_pattern()})\s+(?P<qname>{qnames}|{any_law})(?![\w])"
                rf"|(?P<aname>{qnames}|{any_law})\s+(?P<after>{jur.after_pattern()})(?![\w])")
        rest = (
            rf"(?P<sec>§§?)\s*(?=\d)"
            # "Regel 11(c)(1)(C) der Federal Rules …": a US rule cited in German
            rf"|(?P<art>\bArt(?:ikel|\.)|\bRegel|\bRule)\s*(?=\d)"
            rf"|(?P<unit>(?<![\w.])(?:{units}))(?=\s*(?:\d|[a-z]\b))"
            rf"|(?P<paren>(?<=[\w)])\([0-9A-Za-z]{{1,4}}\))"
            rf"|(?P<conn>{_connectors(v['connectors'])})"
            rf"|(?P<num>(?<![\w.])(?:{_NUM}|[a-z](?=\s|$|[,.;)])))"
            rf"|(?P<roman>(?<![\w.])[IVX]{{1,4}}\b)"
            rf"|(?P<range>\bbis\b|[–-](?=\s*\d))"
            rf"|(?P<law>(?:(?:{arts}))?(?<![\w])(?:{alternation(laws)})(?![\w]))"
            rf"|(?P<otherlaw>{v['unknown_law']})")
        # Most texts name no country: they are read with the pattern without the
        # country branch, which would otherwise be tried at every word
        self.plain = re.compile(rf"(?P<qlaw>(?!))|{rest}")
        self.pattern = re.compile(
            rf"(?P<qlaw>(?:(?i:der|des|die|das|dem|den|dieses|dieser)\s+)?(?<![\w\-])(?:{qlaw}))"
            rf"|{rest}")
        self.dropped = set(v["dropped"])
        self.definition = re.compile(v["definition"])
        self.qualified: dict[str, tuple[str | None, str]] = {}    # token value → (work, name)

    def extract(self, text: str, ctx: Context) -> list[Ref]:
        defs = self.definitions(text, ctx) if "(" in text else []
        if defs:
            grammar = _grammar(self.registry, tuple((name, work) for name, work, _, _ in defs))
            return grammar._extract(text, ctx, [(a, b) for _, _, a, b in defs])
        return self._extract(text, ctx, [])

    def definitions(self, text: str, ctx: Context) -> list[tuple[str, str | None, int, int]]:
        """Names a text introduces after a law: "Das chinesische Strafprozessgesetz (im
        Folgenden: chStPO)". The name stands for that law for the rest of the text."""
        found = []
        for m in self.definition.finditer(text):
            before = text[max(0, m.start() - 120):m.start()].rstrip()
            law = None
            for lm in self.pattern.finditer(before):
                if lm.group("qlaw") or lm.group("law"):
                    law = lm
            if law is None or law.end() != len(before):
                continue
            if re.search(r"\d[a-z]?$", before[:law.start()].rstrip()):
                continue            # "§ 257c StPO (im Folgenden: …)" names the provision, not the law
            work, _ = self._law_token(law)
            found.append((m.group("name").strip(), work, m.start(), m.end()))
        return found

    def _law_token(self, m: re.Match) -> tuple[str | None, str]:
        """(work, name as written) of a qlaw match."""
        if m.group("qual"):
            qual, name = m.group("qual"), m.group("qname")
        else:
            qual, name = m.group("after"), m.group("aname")
        jur = self.jur.jurisdiction(qual)
        if jur is None or jur == SELF:
            return self.laws.get(name), name
        return self.jur.work(jur, name), name

    def _extract(self, text: str, ctx: Context, skip: list[tuple[int, int]]) -> list[Ref]:
        toks = []
        pattern = self.pattern if self.jur.may_name_country(text) else self.plain
        for m in pattern.finditer(text):
            if any(a <= m.start() < b for a, b in skip):
                continue
            kind = m.lastgroup              # the groups inside qlaw close before it
            value = m.group(kind)
            start = m.start()
            if kind == "otherlaw":
                kind, value = "law", "?" + value       # a statute the registry lacks
            elif kind == "qlaw":
                work, name = self._law_token(m)
                kind, value = "law", "=" + m.group()
                self.qualified[value] = (work, m.group().strip())
                start = m.start("qual") if m.group("qual") else m.start("aname")
                # the span of a lone mention starts at the country (not at "der"); a
                # citation's span runs from its § anyway
                toks.append((kind, m.start(), m.end(), value, start))
                continue
            toks.append((kind, start, m.end(), value, start))
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
                work, known, name = self._law(toks[i][3])
                s = toks[i][4]
                refs.append(Ref(s, toks[i][2], text[s:toks[i][2]], work, [],
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

    def _law(self, value: str) -> tuple[str | None, bool, str]:
        """(work, known, name) of a law token's value."""
        if value.startswith("="):
            work, name = self.qualified[value]
            return work, work is not None, name
        name = self._law_name(value)
        work = self.laws.get(name)
        return work, work is not None, name

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
            kind, start, end, value, _ = toks[j]
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
                elif pending == "range" and current and range_from is not None \
                        and _hyphenated(text, last_end, start, range_from, value):
                    # "Art. 455-2": a number below the one before the hyphen is one
                    # number (Taiwan's 第四百五十五條之二), not a range
                    current = current[:-1] + [Part(current[-1].level, f"{range_from}-{value}")]
                    first = chain.paths.pop()[1]
                    chain.paths.append((list(current), first, end))
                    range_from, pending, last_end = current[-1].value, "list", end
                    j += 1
                    continue
                elif pending == "range" and current and range_from is not None:
                    if j + 2 < len(toks) and toks[j + 1][0] == "range" and toks[j + 2][0] == "num" \
                            and _hyphenated(text, toks[j + 1][2], toks[j + 2][1], value, toks[j + 2][3]):
                        # "Art. 455-2 bis 455-4": the end of the range is hyphenated too
                        value, end = f"{value}-{toks[j + 2][3]}", toks[j + 2][2]
                        j += 2
                    for v in _between(range_from, value):
                        path = current[:-1] + [Part(level, v)]
                        chain.paths.append((path, start, end))
                    current = current[:-1] + [Part(level, value)]
                    chain.paths.append((list(current), start, end))
                else:
                    keep = [p for p in current if _depth(p.level) < DEPTH[level]]
                    refine = (pending == "refine" and current and chain.paths
                              and chain.paths[-1][0] == current
                              and _depth(current[-1].level) < DEPTH[level])
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
            elif kind == "paren" and current and chain.paths and chain.paths[-1][0] == current \
                    and start == last_end:
                # "Rule 11(c)(1)": a subdivision of the unit just read
                first = chain.paths.pop()[1]
                current = current + [Part(f"sub{len(current)}", value.strip("()"))]
                chain.paths.append((list(current), first, end))
            elif kind == "paren":
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
                chain.law, chain.law_known, chain.law_name = self._law(value)
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


def _depth(level: str) -> int:
    """How deep a level is; the parenthesised subdivisions of a US rule sit below all."""
    return DEPTH.get(level, 8)


def _hyphenated(text: str, range_end: int, start: int, first: str, second: str) -> bool:
    """"455-2" written without spaces, the second number below the first."""
    hyphen = text[range_end - 1:start]
    return (hyphen == "-" and first.isdigit() and second.isdigit()
            and int(second) < int(first))


@lru_cache(maxsize=64)
def _grammar(registry: Registry, defined: tuple[tuple[str, str | None], ...]) -> GermanGrammar:
    return GermanGrammar(registry, defined)


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
    """§§ 153 bis 153c → 153a, 153b; §§ 232 bis 235 → 233, 234; Art. 455-2 bis 455-4 →
    455-3 (Taiwan's numbering, as pinpoint.between reads it)."""
    if "-" in first or "-" in last:
        return between(first, last) or []
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
