"""English citations.

Article 201 of the Criminal Procedure Law, Articles 173 and 174, Rule 11(c)(1)(A) or (C),
Rules 11 and 32, subdivision (c)(1), 18 U.S.C. §§ 3553(a), 3742(c), section 994(w)(1)(B) of
title 28, U.S.S.G. § 6B1.2, §3E1.1(b), Justice Manual 9-27.420, Fed. R. Evid. 410, this rule,
the preceding paragraph, Subparagraphs 2 to 4 of Paragraph 1 of Article 455-2.

The text is cut into tokens (work names, unit words, designations, connectors, "of",
relative phrases); a citation is a head (a unit word or work name and a list of
designations) followed by "of …" phrases naming the units and the work above it.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from plea.corpus import vocab

from .data import alternation, vocabulary
from .jurisdiction import OTHER, SELF, jurisdictions
from .model import Context, Part, Ref
from .pinpoint import between, compose, paren_class, previous_unit
from .works import Registry, Work

NUMBER = r"\d+[A-Z]?\d*(?:[.\-]\d+[A-Za-z]?)*[a-z]?"
ROMAN = r"[IVX]{1,6}\b"
PARENS = r"\((?:[a-zA-Z]{1,5}|\d{1,3})\)"
DES = rf"(?:{NUMBER}|{ROMAN})(?:{PARENS})*|(?:{PARENS})+"
# Designations followed by these are quantities or other citations, not list members.
NOT_A_MEMBER = (r"(?!\s*(?:U\.\s?S\.\s?C|C\.\s?F\.\s?R|Stat\.|U\.\s?S\.\s|S\.\s?Ct|L\.\s?Ed|F\.\s?\d|"
                r"F\.\s?Supp|days?\b|months?\b|years?\b|hours?\b|percent|levels?\b|%))")
_TITLE_TAIL = (r"\s+(?:on|of|for|against)\s+(?:the\s+)?[A-Z][\w'’\-]*"
               r"(?:(?:\s+(?:and|of|on|for|the))*\s+[A-Z][\w'’\-]*){0,5}")
UNKNOWN_TITLE = re.compile(
    r"\s+((?:[A-Z][\w.'’\-]*\s+(?:(?:of|for|on|the|and|under|in)\s+)*){1,6}"
    r"(?:Rules|Act|Code|Law|Regulations|Procedure|Evidence|Manual|Convention|Guidelines|Cases|"
    r"Proceedings|Statutes)\b"
    # "European Convention on Human Rights", "Convention against Torture"
    rf"(?:{_TITLE_TAIL})?"
    # a treaty named by its word alone and what it is about: "the Convention for the
    # Protection of Human Rights and Fundamental Freedoms"
    rf"|(?:Convention|Covenant|Treaty|Charter|Protocol)(?:{_TITLE_TAIL}))")
_MAY_DEFINE = re.compile(r"herein|hereafter|below|\((?:the\s+)?[“\"‘]")
YEAR = re.compile(r"^(?:19|20)\d\d$")
# How deep a unit word reaches, for "Article 7, Paragraph 1, Subparagraph 3".
RANK = {"article": 0, "rule": 0, "section": 0, "subsection": 1, "paragraph": 2,
        "subparagraph": 3, "clause": 4, "item": 5}
ROMAN_VALUES = {"I": 1, "V": 5, "X": 10}
COUNTS = {"two": 2, "three": 3, "four": 4, "five": 5}


@dataclass
class Tok:
    kind: str            # work title unit des conn range of rel self
    start: int
    end: int
    value: str = ""
    work: str | None = None
    known: bool = True   # False: a work outside the registry (work None)
    cite_only: bool = False
    level: str | None = None
    count: int = 1


@dataclass
class Item:
    """One designation of a citation: unit level (None for a continuation), number,
    parenthesised subdivisions, how it joins the one before."""
    level: str | None
    number: str | None
    parens: list[str]
    join: str            # first | list | range
    start: int
    end: int


@dataclass
class Citation:
    items: list[Item] = field(default_factory=list)
    rel: Tok | None = None
    higher: list[tuple] = field(default_factory=list)    # ("unit", level, Item) | ("rel", Tok)
    work: Tok | None = None
    title: str | None = None                            # USC title named by "title 28"
    version: str | None = None                          # "of the 2012 Criminal Procedure Law"
    start: int = 0
    end: int = 0


class EnglishGrammar:
    def __init__(self, registry: Registry, defined: tuple[str, ...] = ()):
        self.registry = registry
        self.vocab = v = vocabulary("en")
        self.works_by_name: dict[str, tuple[str | None, bool]] = {}
        for name, work_id, cite_only in registry.aliases("latin"):
            if name.lower() not in v["units"]:        # "Rule" is a unit word, read as such
                self.works_by_name.setdefault(name, (work_id, cite_only))
        for name in v["other_works"]:
            self.works_by_name.setdefault(name, (None, False))
        # names that denote the citing text's own work, or one of its jurisdiction
        # ("the Code of Criminal Procedure" in the StPO or in Taiwan's Code)
        self.contextual = {name: list(ws) for name, ws in v.get("contextual_works", {}).items()}
        for name in self.contextual:
            self.works_by_name.setdefault(name, (None, True))
        # A country with a name ("the German StPO", "Taiwan's Code of Criminal
        # Procedure", "the Code of Criminal Procedure of the Republic of China") is looked
        # for only around a name the pattern found, as the Chinese grammar does, so texts
        # naming none cost what they did; the data's names that mean a work only with a
        # country ("CCP") are names of the pattern too.
        self.jur = jurisdictions("en", registry)
        quals, afters = self.jur.qualifier_pattern(), self.jur.after_pattern()
        self.qualifier_before = re.compile(rf"(?<![\w.])(?P<q>{quals})\s+$")
        self.qualifier_after = re.compile(rf"\s+(?P<q>{afters})(?![\w])")
        # words between "of the" and a work's name that do not change the work
        # ("of the 2012 revised Criminal Procedure Law"); a country is part of the name
        self.modifiers = re.compile(rf"\s*(?:(?:{alternation(v['modifiers'])})\s+)*")
        names = alternation([*self.works_by_name, *self.jur.name_list(), *defined])
        units = alternation(v["units"])
        rel_units = alternation([u + "s" for u in v["relative_units"]] + v["relative_units"])
        rel_words = alternation([w for ws in v["relative"].values() for w in ws])
        self.pattern = self._compile(v, names, units, rel_units, rel_words)
        self.definition = re.compile(v["definition"])
        self.name_goes_on = re.compile(rf"\s+(?:{alternation(v.get('name_goes_on') or [])})\b"
                                       if v.get("name_goes_on") else r"(?!)")
        self.level_by_work = v["level_by_work"]
        self.relative = v["relative"]
        self.not_member = re.compile(NOT_A_MEMBER)

    @staticmethod
    def _compile(v: dict, names: str, units: str, rel_units: str, rel_words: str) -> re.Pattern:
        # Punctuation first; everything else starts a word, so most positions of a long
        # text fail at the first look-behind instead of trying every alternative.
        return re.compile(
            rf"(?P<conn_p>,|&)|(?P<range_p>[–—]|(?<=\))-(?=\())"
            rf"|(?<![\w.])(?:"
            rf"(?P<usc>(?P<usc_title>\d{{1,2}})\s*U\.\s?S\.\s?C\.(?:\s?A\.)?(?:\s?,)?)"
            rf"|(?P<publaw>Pub(?:lic)?\.?\s*L(?:aw\b|\.)\s*(?:No\.\s*)?\d+[-–]\d+)"
            rf"|(?P<self>{alternation(v['self_work'])})\b"
            rf"|(?P<rel>(?i:{rel_words})\s+(?:(?P<rel_count>two|three|four|five)\s+)?(?i:(?P<rel_unit>{rel_units})))\b"
            rf"|(?P<work>{names})(?![\w])"
            rf"|(?P<title>(?i:title)\s+(?P<title_num>\d{{1,2}})\b(?!\s*(?:U\.\s?S\.\s?C|,\s*§)))"
            rf"|(?P<unit>(?i:{units})(?=\s*(?:\d|\(|[IVX]+\b)))"
            rf"|(?P<des>(?<![\-/:$])(?:{DES})|(?<=\)-)(?:{PARENS})+)"
            rf"|(?P<range>(?:{alternation(v['ranges'][:2] + ['thru'])})\b)"
            rf"|(?P<conn>(?:and/or|and|or)\b)"
            rf"|(?P<of>of(?:\s+the(?!\s+(?:preceding|previous|foregoing|said|same|last)\b))?\b))")

    # -- tokens ---------------------------------------------------------------------
    def tokens(self, text: str, skip: list[tuple[int, int]], defined: dict,
               ctx: Context | None = None) -> list[Tok]:
        out: list[Tok] = []
        ctx_work = self.registry.get(ctx.work) if ctx else None
        for m in self.pattern.finditer(text):
            if any(a <= m.start() < b for a, b in skip):
                continue
            kind = m.lastgroup                  # inner groups are nested: the outer closes last
            tok = Tok(kind, m.start(), m.end(), m.group(kind))
            if kind in ("conn_p", "range_p"):
                tok.kind = kind[:-2]
            if kind == "usc":
                tok.kind, tok.work, tok.value, tok.cite_only = "work", "us-usc", m.group("usc_title"), True
            elif kind == "publaw":                 # Pub. L. 98-473: an act, not a range
                tok.kind, tok.work, tok.known = "work", None, False
            elif kind == "work":
                name = m.group("work")
                if self.name_goes_on.match(text, m.end()):
                    continue                       # "the Criminal Law Committee" is a body
                if name not in defined and self._qualified_token(text, m, tok, ctx):
                    out.append(tok)
                    continue
                if name not in defined and name not in self.works_by_name:
                    continue                       # a name that needs a country ("CCP")
                if name in defined:
                    tok.work, tok.known = defined[name], defined[name] is not None
                else:
                    tok.work, tok.cite_only = self.works_by_name[name]
                    if name in self.contextual and ctx_work is not None:
                        same = [w for w in self.contextual[name]
                                if (self.registry.get(w) or ctx_work).jurisdiction == ctx_work.jurisdiction]
                        if same:
                            tok.work, tok.cite_only = same[0], False
                        else:
                            # "the Criminal Code" in a US note is the US code, which the
                            # registry lacks — not Taiwan's, whose alias it also is
                            tok.work, tok.cite_only, tok.known = None, False, False
                            out.append(tok)
                            continue
                    if name in self.contextual and tok.work is None:
                        continue                   # left to the words around it, as before
                    tok.known = tok.work is not None
            elif kind == "title":
                tok.value = m.group("title_num")
            elif kind == "unit":
                tok.level = self.vocab["units"][tok.value.lower()]
            elif kind == "rel":
                words = re.sub(r"\s+", " ", m.group("rel")).lower()
                tok.level = _singular(m.group("rel_unit").lower())
                tok.count = COUNTS.get(m.group("rel_count") or "", 1)
                tok.value = next(k for k, ws in self.relative.items()
                                 if any(words.startswith(w.lower()) for w in ws))
            out.append(tok)
        return out

    # -- citations ------------------------------------------------------------------
    def citations(self, text: str, toks: list[Tok]):
        """Yield Citation objects and lone work tokens, in order."""
        i, n = 0, len(toks)

        def adjacent(a: Tok, b: Tok) -> bool:
            return text[a.end:b.start].strip() == ""

        while i < n:
            t = toks[i]
            cit = Citation(start=t.start)
            j = i
            # head: [work] [unit] designations | relative phrase
            if t.kind == "work" and j + 1 < n and adjacent(t, toks[j + 1]) and (
                    toks[j + 1].kind == "des" or toks[j + 1].kind == "unit"):
                cit.work = t
                j += 1
            elif t.kind == "work" and t.known and j + 3 < n and toks[j + 1].kind == "conn" \
                    and toks[j + 1].value == "," and toks[j + 2].kind == "unit" \
                    and toks[j + 3].kind == "des" \
                    and all(adjacent(a, b) for a, b in zip(toks[j:j + 3], toks[j + 1:j + 4])):
                cit.work = t                    # "2019 Opinions, Art. 33"
                j += 2
            if toks[j].kind in ("unit", "des") and (toks[j].kind == "unit" or cit.work):
                level = None
                if toks[j].kind == "unit":
                    if j + 1 >= n or toks[j + 1].kind != "des" or not adjacent(toks[j], toks[j + 1]):
                        i += 1
                        continue
                    level = toks[j].level
                    j += 1
                elif cit.work and cit.work.work in ("us-usc",):
                    level = "section"
                j = self._items(text, toks, j, level, cit)
                # "Article 166 Paragraphs 2 through 6", "Article 7, Paragraph 1": a finer
                # unit after one designation counts units inside it
                while len(cit.items) == 1 and cit.items[0].number and level in RANK:
                    k = j
                    if k < n and toks[k].kind == "conn" and toks[k].value == "," \
                            and adjacent(toks[k - 1], toks[k]):
                        k += 1
                    if not (k + 1 < n and toks[k].kind == "unit" and adjacent(toks[k - 1], toks[k])
                            and RANK.get(toks[k].level, -1) > RANK[level]
                            and toks[k + 1].kind == "des" and adjacent(toks[k], toks[k + 1])):
                        break
                    cit.higher.insert(0, ("unit", level, cit.items[0]))
                    cit.items, level = [], toks[k].level
                    j = self._items(text, toks, k + 1, level, cit)
            elif t.kind == "rel":
                cit.rel = t
                j = i + 1
            else:
                if t.kind in ("work", "self"):
                    yield t
                i += 1
                continue
            # "Subparagraphs 3 to 5, Paragraph 1 of Article 455-4": a coarser unit after a
            # comma is the one the designations sit in
            while cit.items and j + 2 < n and toks[j].kind == "conn" and toks[j].value == "," \
                    and toks[j + 1].kind == "unit" and toks[j + 2].kind == "des" \
                    and all(adjacent(a, b) for a, b in zip(toks[j - 1:j + 2], toks[j:j + 3])) \
                    and RANK.get(toks[j + 1].level, 9) < min(
                        RANK.get(x[1], 9) if x[0] == "unit" else 9
                        for x in [("unit", cit.items[0].level)] + cit.higher):
                cit.higher.append(("unit", toks[j + 1].level, _item(toks[j + 2], toks[j + 1].level, "first")))
                j += 3
            # "of …" phrases: higher units, a relative unit, the work, "title 28"
            while j + 1 < n and toks[j].kind == "of" and adjacent(toks[j - 1], toks[j]):
                nxt = toks[j + 1]
                gap = text[toks[j].end:nxt.start]
                # "of the 2012 Criminal Procedure Law", "of the PRC Criminal Law"
                if nxt.kind == "des" and YEAR.match(nxt.value) and j + 2 < n \
                        and toks[j + 2].kind == "work" and not gap.strip() \
                        and self.modifiers.fullmatch(text, nxt.end, toks[j + 2].start):
                    cit.version = nxt.value
                    gap = text[nxt.end:toks[j + 2].start]
                    toks[j + 1] = nxt = toks[j + 2]
                    del toks[j + 2]
                    n -= 1
                if gap.strip() and not (nxt.kind == "work" and self.modifiers.fullmatch(gap)):
                    break
                if nxt.kind == "unit" and j + 2 < n and toks[j + 2].kind == "des" \
                        and adjacent(nxt, toks[j + 2]):
                    d = toks[j + 2]
                    cit.higher.append(("unit", nxt.level, _item(d, nxt.level, "first")))
                    j += 3
                elif nxt.kind == "rel":
                    cit.higher.append(("rel", nxt))
                    j += 2
                elif nxt.kind in ("work", "self") and cit.work is None:
                    cit.work = nxt
                    j += 2
                elif nxt.kind == "title":
                    cit.title = nxt.value
                    j += 2
                else:
                    break
            # "of the Rules Governing Proceedings under …": a work the registry lacks
            if j < n and toks[j].kind == "of" and cit.work is None and adjacent(toks[j - 1], toks[j]):
                m = UNKNOWN_TITLE.match(text, toks[j].end)
                if m:
                    cit.work = Tok("work", m.start(1), m.end(1), m.group(1), None, known=False)
                    j += 1
                    while j < n and toks[j].start < m.end(1):
                        j += 1
            # trailers: ", Fed. R. Crim. P." / ", United States Code" / "Article 201 CPL"
            k = j + 1 if j < n and toks[j].kind == "conn" and toks[j].value == "," else j
            if k < n and j > i and toks[k].kind == "work" and cit.items \
                    and all(adjacent(a, b) for a, b in zip(toks[j - 1:k], toks[j:k + 1])) \
                    and not (k + 1 < n and toks[k + 1].kind in ("des", "unit")
                             and adjacent(toks[k], toks[k + 1])):
                if cit.work is None or toks[k].work == cit.work.work:
                    cit.work = cit.work or toks[k]
                    j = k + 1
            cit.end = max(toks[j - 1].end, cit.work.end if cit.work else 0)
            yield cit
            i = j

    def _items(self, text: str, toks: list[Tok], j: int, level: str | None, cit: Citation) -> int:
        """Read "11(c)(1)(A) or (C)", "173 and 174", "2 to 4", "5, or Rule 10"."""
        n = len(toks)
        cit.items.append(_item(toks[j], level, "first"))
        j += 1
        while j + 1 < n:
            sep = toks[j]
            if sep.kind not in ("conn", "range") or text[toks[j - 1].end:sep.start].strip():
                break
            chain = [sep]
            k = j + 1
            # ", or" / ", and"
            if sep.value == "," and k < n and toks[k].kind == "conn" and toks[k].value != ",":
                chain.append(toks[k])
                k += 1
            unit_level = None
            if k + 1 < n and toks[k].kind == "unit" and toks[k + 1].kind == "des" \
                    and toks[k].level == level:
                unit_level = level
                chain.append(toks[k])
                k += 1
            if k >= n or toks[k].kind != "des":
                break
            chain.append(toks[k])
            if any(text[a.end:b.start].strip() for a, b in zip(chain, chain[1:])):
                break
            d = toks[k]
            if self.not_member.match(text, d.end) is None:
                break
            if unit_level is None and not d.value.startswith("(") and cit.items[-1].number is None:
                break
            item = _item(d, unit_level, "range" if sep.kind == "range" else "list")
            if unit_level is not None:
                item.start = toks[k - 1].start        # "Rule 10" in "Rule 5, or Rule 10"
            cit.items.append(item)
            j = k + 1
        return j

    # -- definitions ----------------------------------------------------------------
    def definitions(self, text: str, ctx: Context):
        found = []
        words = tuple(self.vocab["instrument_words"])
        for m in self.definition.finditer(text):
            name = m.group("name").strip()
            title_start, title = _title_before(text, m.start())
            work = None
            if not re.match(r"[(\[](?:hereinafter|hereafter|below)", m.group()):
                # "(the “Opinions”)" alone: a name for a work the registry knows by its
                # title, never for "the Act" of some statute or "the Commission"
                work = (self._qualified(title, ctx) or self.registry.lookup(title, date=ctx.date)) \
                    if title else None
                if work is not None:
                    found.append((m.group("name").strip(), work, title_start, m.end(), title))
                continue
            if title:
                work = (self._qualified(title, ctx) or self.registry.lookup(title, date=ctx.date)
                        or self.registry.fuzzy_title(title))
            if work is None:
                work = self.registry.lookup(name, date=ctx.date)
            if work is None and not (title and any(w in title.split() for w in words)):
                continue
            found.append((name, work, title_start if title else m.start(), m.end(), title))
        return found

    def _qualified_token(self, text: str, m: re.Match, tok: Tok, ctx: Context | None) -> bool:
        """A country right before the name ("the German StPO", "Taiwan's CCP") or right
        after it ("… of the Republic of China") decides its work; the span takes it in."""
        before = self.qualifier_before.search(text, max(0, m.start() - 40), m.start())
        after = self.qualifier_after.match(text, m.end())
        qual = before or after
        jur = self.jur.jurisdiction(qual.group("q")) if qual else None
        if jur is None or jur == SELF:
            return False
        work = self.jur.work(jur, m.group("work"), date=ctx.date if ctx else None)
        tok.work, tok.known, tok.cite_only = work, work is not None, False
        if before:
            tok.start = before.start("q")
        if after:
            tok.end = after.end()
        tok.value = text[tok.start:tok.end]
        return True

    def _qualified(self, title: str, ctx: Context) -> str | None:
        """"Germany's Code of Criminal Procedure": the country's work of that name."""
        m = re.fullmatch(rf"(?:the\s+)?(?P<q>{self.jur.qualifier_pattern()})\s+(?P<name>.+)", title)
        if not m:
            return None
        jur = self.jur.jurisdiction(m.group("q"))
        if jur in (None, SELF, OTHER):
            return None
        return self.jur.work(jur, m.group("name"), date=ctx.date)

    # -- the whole text -------------------------------------------------------------
    def extract(self, text: str, ctx: Context) -> list[Ref]:
        defs = self.definitions(text, ctx) if _MAY_DEFINE.search(text) else []
        grammar = self if not defs else _grammar(self.registry, tuple(d[0] for d in defs))
        defined = {d[0]: d[1] for d in defs}
        skip = [(d[2], d[3]) for d in defs]
        reader = _Reader(self.registry, text, ctx, self.level_by_work)
        for name, work, start, end, title in defs:
            tend = start + len(title) if title else end
            reader.emit(start, tend, work, [], "defined", title=None if work else (title or name))
        toks = grammar.tokens(text, skip, defined, ctx)
        for cit in grammar.citations(text, toks):
            reader.read(cit)
        return reader.refs


@lru_cache(maxsize=64)
def _grammar(registry: Registry, defined: tuple[str, ...]) -> EnglishGrammar:
    return EnglishGrammar(registry, defined)


def _translated(jurisdiction: str | None) -> bool:
    """The work's English text is a translation (Chinese, German, Taiwanese law), whose
    translators number sections in Roman numerals."""
    found = vocab.jurisdiction(jurisdiction or "")
    return found is not None and found.base_language != "en"


def _roman(numeral: str) -> int:
    total = 0
    for k, ch in enumerate(numeral):
        value = ROMAN_VALUES[ch]
        total += -value if k + 1 < len(numeral) and ROMAN_VALUES[numeral[k + 1]] > value else value
    return total


def _singular(word: str) -> str:
    if word.endswith("s") and not word.endswith("ss"):
        word = word[:-1]
    return {"subdivision": "subsection"}.get(word, word)


def _item(tok: Tok, level: str | None, join: str) -> Item:
    m = re.match(rf"^({NUMBER}|{ROMAN})?((?:{PARENS})*)$", tok.value)
    number = m.group(1) if m else None
    parens = re.findall(r"\(([^)]+)\)", m.group(2) if m else tok.value)
    return Item(level, number, parens, join, tok.start, tok.end)


_TITLE_WORD = re.compile(r"(?:[A-Z0-9][\w’'\-]*|of|the|on|and|for|in|to|by|with|a|an)$")


def _title_before(text: str, end: int) -> tuple[int, str | None]:
    """The run of title-case words before a "(hereinafter …)": the instrument's title."""
    offset = max(0, end - 400)
    words = list(re.finditer(r"[\w’'\-]+", text[offset:end]))
    first = None
    for k in range(len(words) - 1, -1, -1):
        w = words[k]
        following = words[k + 1].start() if k + 1 < len(words) else end - offset
        if text[offset + w.end():offset + following].strip(" ,") or not _TITLE_WORD.match(w.group()):
            break
        first = k
    while first is not None and first < len(words) and words[first].group() in _LEADING:
        first += 1
    if first is None or first >= len(words):
        return end, None
    start = offset + words[first].start()
    return start, text[start:end].rstrip() or None


_LEADING = {"the", "of", "on", "and", "for", "in", "to", "by", "with", "a", "an", "The"}


class _Reader:
    """Turns citations into references against the context."""

    def __init__(self, registry: Registry, text: str, ctx: Context, level_by_work: dict):
        self.registry, self.text, self.ctx = registry, text, ctx
        self.level_by_work = level_by_work
        self.refs: list[Ref] = []
        self.last_named: str | None = None
        self.last_top: tuple[str, str] | None = None       # (work, article) for "the said article"

    def emit(self, start, end, work, pinpoint, method, title=None, version=None):
        self.refs.append(Ref(start, end, self.text[start:end], work, list(pinpoint), method,
                             version, title))

    def read(self, cit) -> None:
        if isinstance(cit, Tok):
            self._lone_work(cit)
            return
        work_id, known, method = self._work(cit)
        if not known:
            self._unknown(cit)
            return
        if work_id is None:
            return
        work = self.registry.get(work_id)
        prefix = self._prefix(cit, work)
        if prefix is None:
            return
        if cit.rel is not None and not cit.items:
            for pin in self._relative(cit.rel, work, prefix):
                self._out(cit.start, cit.end, work, pin, "relative")
            return
        previous: tuple[list[Part], str] | None = None
        for item in cit.items:
            got = self._parts(item, work, prefix, previous)
            if got is None:
                continue
            parts = got[0]
            if item.join == "range" and previous:
                self._range(work, previous[0], parts, item)
            start = cit.start if item.join == "first" else item.start
            end = cit.end if item.join == "first" and len(cit.items) == 1 else item.end
            self._out(start, end, work, parts, method, cit.version)
            previous = got

    # -- the work ---------------------------------------------------------------------
    def _work(self, cit: Citation) -> tuple[str | None, bool, str]:
        if cit.work is not None:
            if cit.work.kind == "self":
                return self.ctx.work, True, "self"
            return cit.work.work, cit.work.known, "explicit"
        if cit.title:
            return "us-usc", True, "explicit"
        if cit.rel is not None:
            return (self.ctx.work if self.ctx.work in self.registry else None), True, "relative"
        for kind, *rest in cit.higher:
            if kind == "rel":
                return (self.ctx.work if self.ctx.work in self.registry else None), True, "relative"
        top = cit.higher[-1] if cit.higher else None
        level = top[1] if top else cit.items[0].level
        number = top[2].number if top else cit.items[0].number
        if number:
            for work in self.registry.works.values():
                if work.number_pattern and level in work.levels[:1] and re.match(work.number_pattern, number):
                    return work.id, True, "explicit"        # §6B1.2 is a guideline anywhere
        ctx_work = self.registry.get(self.ctx.work)
        if ctx_work and (self._level(level, ctx_work.id) in ctx_work.levels):
            if number and ctx_work.number_pattern and not re.match(ctx_work.number_pattern, number):
                return None, True, "bare"                  # "section 3(a)" in the Guidelines
            return ctx_work.id, True, "explicit"
        default = vocabulary("en")["default_work_for_unit"].get(level)
        if default:
            return default, True, "explicit"
        if level in vocabulary("en")["needs_work"] or self.ctx.work is not None:
            return None, True, "bare"
        named = self.registry.get(self.last_named)
        if named and self._level(level, named.id) in named.levels:
            return named.id, True, "inferred"
        return None, True, "bare"

    def _level(self, level: str | None, work_id: str | None) -> str | None:
        return self.level_by_work.get(work_id, {}).get(level, level)

    # -- pinpoints --------------------------------------------------------------------
    def _prefix(self, cit: Citation, work: Work) -> list[Part] | None:
        """The units above the head, from "of …" phrases, outermost first."""
        parts: list[Part] = []
        if cit.title:
            parts.append(Part("title", cit.title))
        elif cit.work is not None and cit.work.work == "us-usc" and cit.work.value:
            parts.append(Part("title", cit.work.value))
        for kind, *rest in reversed(cit.higher):
            if kind == "unit":
                level, item = rest
                sub = self._parts(item, work, parts, None)
                if sub is None:
                    return None
                parts = sub[0]
            else:
                pins = self._relative(rest[0], work, parts)
                if not pins:
                    return None
                parts = [Part(work.levels[i] if i < len(work.levels) else "x", v)
                         for i, v in enumerate(pins[-1])]
        return parts

    def _parts(self, item: Item, work: Work, prefix: list[Part],
               previous: tuple[list[Part], str] | None) -> tuple[list[Part], str] | None:
        """The parts of one item, and the level its number (or first subdivision) sits at."""
        levels = work.levels
        if item.level is not None:
            level = self._level(item.level, work.id)
        elif item.number is not None:
            # "Rules 11 and 32": a number after a connector repeats the unit before it;
            # "Fed. R. Evid. 410": the number after a work's name is its top unit.
            level = previous[1] if previous and item.join != "first" else levels[
                len(work.containers)] if len(levels) > len(work.containers) else levels[0]
        else:
            return self._continuation(item, work, previous)
        if level not in levels:
            level = levels[min(len(prefix), len(levels) - 1)]
        idx = levels.index(level)
        ctx_pin = self.ctx.pinpoint or [] if self.ctx.work == work.id else []
        if item.number is None and item.parens and not prefix and 0 < idx < len(ctx_pin) \
                and paren_class(ctx_pin[idx]) != paren_class(item.parens[0]):
            # "subdivision (A)" inside (b)(2)(B): the drafter's word is loose, the kind
            # of number is not
            for k in range(len(ctx_pin) - 1, 0, -1):
                if paren_class(ctx_pin[k]) == paren_class(item.parens[0]):
                    idx, level = k, levels[k]
                    break
        source = previous[0] if previous and item.join != "first" and item.level is None else prefix
        base = [p for p in source if p.level in levels and levels.index(p.level) < idx]
        number = item.number
        if number and idx and _translated(work.jurisdiction) and re.fullmatch(ROMAN, number):
            number = str(_roman(number))             # Taiwan's translation: "section II"
        values = ([number] if number is not None else []) + item.parens
        parts = list(base)
        for k, value in enumerate(values):
            if idx + k >= len(levels):
                return None
            parts.append(Part(levels[idx + k], value))
        return parts, level

    def _continuation(self, item: Item, work: Work, previous) -> tuple[list[Part], str] | None:
        """"(C)" in "Rule 11(c)(1)(A) or (C)": the level of the same kind of number."""
        if not previous or not item.parens:
            return None
        parts_before, _ = previous
        kind = paren_class(item.parens[0])
        # the first part may be the continued one when it is not the top unit
        # ("subsections (a) and (b)" inside a guideline)
        lowest = 0 if work.level_index(parts_before[0].level) else 1
        for k in range(len(parts_before) - 1, lowest - 1, -1):
            if paren_class(parts_before[k].value) == kind or (
                    {kind, paren_class(parts_before[k].value)} == {"roman", "lower"}
                    and len(item.parens[0]) == 1 and len(parts_before[k].value) == 1):
                idx = work.levels.index(parts_before[k].level)
                parts = parts_before[:k]
                for m, value in enumerate(item.parens):
                    if idx + m >= len(work.levels):
                        return None
                    parts.append(Part(work.levels[idx + m], value))
                return parts, parts_before[k].level
        return None

    def _range(self, work, previous, parts, item):
        if len(previous) != len(parts) or previous[:-1] != parts[:-1]:
            return
        for value in between(previous[-1].value, parts[-1].value) or []:
            self._out(item.start, item.end, work, previous[:-1] + [Part(parts[-1].level, value)],
                      "explicit")

    def _relative(self, rel: Tok, work: Work, outer: list[Part]) -> list[list[str]]:
        """this rule / the preceding article / the said article / the preceding two sections."""
        unit = rel.level
        if unit in vocabulary("en")["top_units"]:
            depth = work.article_depth() - 1
        else:
            level = self._level(unit, work.id)
            depth = work.level_index(level)
            if depth is None:
                return []
        if rel.value == "same":
            if self.last_top and self.last_top[0] == work.id and depth == work.article_depth() - 1:
                return [[*([p.value for p in outer][:depth]), self.last_top[1]]]
            return []
        base = [p.value for p in outer] if outer else list(self.ctx.pinpoint or [])
        if self.ctx.work != work.id and not outer:
            return []
        base = base[:depth + 1]
        while len(base) < depth + 1 and work.levels[len(base)] in work.implicit:
            base.append("1")
        if len(base) < depth + 1:
            return []
        if rel.value == "this":
            return [base]
        out, current = [], base[depth]
        for _ in range(rel.count):
            prev = (self.ctx.previous_article if depth == work.article_depth() - 1 and not out
                    and self.ctx.previous_article and not outer else previous_unit(current))
            if prev is None:
                break
            out.insert(0, base[:depth] + [prev])
            current = prev
        return out

    # -- output -----------------------------------------------------------------------
    def _out(self, start, end, work: Work, parts, method, version=None):
        if parts and isinstance(parts[0], Part):
            first = work.level_index(parts[0].level)
            relative = first is not None and first > 0 and not (
                work.containers and parts[0].level in work.containers)
            pin = compose(work, parts, self.ctx.pinpoint if self.ctx.work == work.id else None) \
                if relative else [p.value for p in parts]
            if relative and method == "explicit":
                method = "relative"
        else:
            pin = list(parts)
        if pin is None:
            return
        if work.id == "us-usc" and (len(pin) < 2 or not pin[0].isdigit()):
            return
        pin = self._split_hyphen(work, pin, start, end, method)
        if pin is None:
            return
        depth = work.article_depth()
        if len(pin) >= depth:
            self.last_top = (work.id, pin[depth - 1])
        self.last_named = work.id
        if version and version not in work.versions:
            version = None
        self.emit(start, end, work.id, pin, method, version=version)

    def _split_hyphen(self, work: Work, pin: list[str], start, end, method):
        """18 U.S.C. §§ 3141-3143 and Arts. 173-174 are ranges; Article 455-2 (a number
        below the one before the hyphen) and JM 9-27.420 (the work's own numbering) are
        numbers."""
        depth = work.article_depth() - 1
        if not work.number_pattern and len(pin) > depth:
            m = re.match(r"^(\d+)-(\d+)$", pin[depth])
            if m and int(m.group(2)) > int(m.group(1)):
                first, last = m.group(1), m.group(2)
                for value in [first, *(between(first, last) or [])]:
                    self.emit(start, end, work.id, pin[:depth] + [value], method)
                return pin[:depth] + [last]
        return pin

    def _lone_work(self, tok: Tok) -> None:
        if tok.kind == "self":
            if self.ctx.work in self.registry:
                self.emit(tok.start, tok.end, self.ctx.work, [], "self")
            return
        if tok.cite_only:
            return
        if tok.work is None:
            self.emit(tok.start, tok.end, None, [], "explicit", title=self.text[tok.start:tok.end])
            return
        self.last_named = tok.work
        self.emit(tok.start, tok.end, tok.work, [], "explicit")

    def _unknown(self, cit: Citation) -> None:
        """A citation into a work outside the registry: kept, with work null."""
        name = self.text[cit.work.start:cit.work.end] if cit.work else None
        for item in cit.items:
            pin = ([item.number] if item.number else []) + item.parens
            self.emit(cit.start if item.join == "first" else item.start,
                      cit.end if len(cit.items) == 1 else item.end, None, pin, "explicit", title=name)
