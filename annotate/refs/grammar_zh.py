"""Chinese citations, Simplified and Traditional.

《中华人民共和国刑事诉讼法》第二百零一条第二款第三项, 刑诉法第十五条, 本法第一百七十三条、
第一百七十四条, 第二百二十二条至第二百二十六条, 前款, 前两款, 本条第二、三、四款, 同條第二項,
第四百五十五條之二第一項. The text is read as a row of tokens (work names, designations,
relative designations); tokens joined by 、/和/及/或者 or by nothing form one citation,
and every designation that no finer one follows is a reference.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from plea.corpus.numbering import cn_to_int
from plea.corpus.vocab import HAN, is_traditional, jurisdiction

from .data import alternation, vocabulary
from .jurisdiction import OTHER, SELF, jurisdictions
from .model import Context, Part, Ref
from .pinpoint import between, compose, previous_unit
from .works import Registry

NUM = r"[零〇一二三四五六七八九十百千两兩\d０-９]+"
# A number as foreign law writes it inside Chinese text: 第257c条, 第153a条, 第3E1.1条.
LATIN_NUM = r"\d[A-Z]\d\.\d+|\d-\d+\.\d+|\d+-\d+|\d+[a-z](?![a-z])"
# Subdivisions in parentheses after 第…条: 第11条(c)(1)(C), 第11条(c)款(1)项.
PARENS = r"(?:[(（][0-9A-Za-z]{1,5}[)）][款项項目]?)+"
# A number in parentheses: 第(c)款, 第（1）项, 第（一）项.
PAREN_NUM = r"[(（](?:[0-9A-Za-z]{1,4}|[一二三四五六七八九十]{1,3})[)）]"
NUMX = rf"(?:{LATIN_NUM}|{NUM}|{PAREN_NUM})"
DEPTH = {"title": -1, "article": 0, "paragraph": 1, "item": 2, "subitem": 3, "sentence": 9}
# Quotes a name may stand in: 台湾地区“刑事诉讼法”, 「刑事訴訟法」.
OPEN_QUOTES, CLOSE_QUOTES = "“\"「『", "”\"」』"
LEGAL_TITLE = re.compile(r"(?:法|法典|条例|條例|规定|規定|规则|規則|解释|解釋|意见|意見|办法|辦法|"
                         r"决定|決定|通知|公约|公約|细则|細則|纪要|紀要|准则|準則|批复|批復|修正案)"
                         r"(?:（[^）]{1,12}）)?$")


_MAY_DEFINE = re.compile(r"简称|簡稱|下称|下稱|下文称|下文稱")
_LOOSE_LIST = re.compile(r"^[^，。；：,;:（）()\n]{1,20}(?:、|及|和|或|与|與)$")


def _chinese(code: str | None) -> bool:
    """A system whose law is written in Chinese (CN, TW): its numbers follow the Chinese
    designations, never a foreign one's."""
    found = jurisdiction(code or "")
    return found is not None and found.base_language == "zh"


@dataclass
class Token:
    kind: str                         # work | desig | rel
    start: int
    end: int
    level: str | None = None
    values: list[str] = field(default_factory=list)
    prefix: list[Part] = field(default_factory=list)
    work: str | None = None
    title: str | None = None
    method: str = "explicit"
    version: str | None = None
    relative: bool = False            # rel tokens and bare sub-article designations
    parens: list[str] = field(default_factory=list)    # 第11条(c)(1)(C): ["c", "1", "C"]
    units: str | None = None          # work tokens: "taiwan" / "prc" numbering after them


def _numbers(numeral: str) -> list[str]:
    """第173-174条 is a range, 第455-2条 (the second below the first) Taiwan's 第455条之2."""
    m = re.fullmatch(r"(\d+)-(\d+)", numeral)
    if m and int(m.group(2)) > int(m.group(1)):
        return [m.group(1), *(between(m.group(1), m.group(2)) or []), m.group(2)]
    return [_number(numeral)]


def _number(numeral: str) -> str:
    numeral = numeral.strip("()（）")
    if re.fullmatch(rf"{LATIN_NUM}|[A-Za-z]{{1,4}}", numeral):
        return numeral
    return str(cn_to_int(numeral.translate(str.maketrans("０１２３４５６７８９兩", "0123456789两"))))


class ChineseGrammar:
    def __init__(self, registry: Registry, defined: tuple[str, ...] = ()):
        self.registry = registry
        self.vocab = vocabulary("zh")
        self.jur = jurisdictions("zh", registry)
        aliases = [a for a, _, _ in registry.aliases("han")]
        names = alternation([*aliases, *self.jur.name_list(), *defined])
        quals = self.jur.qualifier_pattern()
        # a country right before a name: 德国《, 台湾地区“, 美国的
        between = self.vocab.get("between_country_and_name") or "(?:的)?"
        self.qualifier_before = re.compile(rf"(?P<q>{quals}){between}\s*$")
        self.qualifier_start = re.compile(rf"^(?P<q>{quals}){between}(?P<rest>.+)$")
        self.foreign_units = dict(self.vocab.get("foreign_units") or {})
        unit_chars = "条條款项項目" + "".join(self.foreign_units)
        others = alternation(self.vocab["other_works"])
        blocked = alternation(self.vocab["relative_blocked_after"])
        self.connectors = set(self.vocab["connectors"])
        self.pattern = re.compile(
            rf"(?P<oq>[{OPEN_QUOTES}])?(?P<alias>{names})(?(oq)[{CLOSE_QUOTES}])"
            rf"|《(?P<title>[^《》\n]{{1,80}})》"
            rf"|(?P<self>{alternation(self.vocab['self_work'])})"
            rf"|(?P<other>{others})"
            rf"|第(?P<nums>{NUMX}(?:[、，,]{NUMX})*)(?P<pre_parens>{PARENS})?\s*(?P<unit>[{unit_chars}])"
            rf"(?:之(?P<suf>{NUM})|(?P<lsuf>[a-z])(?![A-Za-z]))?(?P<parens>{PARENS})?"
            # a foreign designation right after the name: 美国联邦刑事诉讼规则11(c)(1)(C),
            # 德国《刑事诉讼法》§257c
            rf"|(?<=[》”\"」{HAN}])(?P<ldes>(?:§§?\s*)?\d+[a-z]?(?:{PARENS})?)"
            rf"(?![0-9A-Za-z.{unit_chars}])"
            rf"|(?<![{blocked}])(?P<rel>[前本同该該])(?P<cnt>[一二两兩三四五六七八九十]?)"
            rf"(?P<runit>[条條款项項])(?![例件])"
            rf"|(?P<same_work>{alternation(self.vocab['same_work'])})(?!{self.vocab['same_work_not_before']})"
            # a list member without its 第: 第一百七十三条、一百七十四条, 第三项、四项
            rf"|(?<=[{re.escape(''.join(c for c in [*self.connectors, *self.vocab['ranges']] if len(c) == 1))}])"
            rf"(?P<bnums>{NUM})\s*(?P<bunit>[条條款项項])(?:之(?P<bsuf>{NUM}))?")
        self.blocked_after_alias = tuple(self.vocab["alias_blocked_before"])
        self.version_before = re.compile(self.vocab["version_before"])
        self.ranges = set(self.vocab["ranges"])
        self.definition = re.compile(self.vocab["definition"])

    # -- tokens ---------------------------------------------------------------------
    def tokens(self, text: str, ctx: Context, defined: dict[str, tuple[str | None, str]],
               taiwan: bool, skip: list[tuple[int, int]]) -> list[Token]:
        base = "taiwan" if taiwan else "prc"
        units = self.vocab["units"][base]
        jurisdiction = self.registry.get(ctx.work).jurisdiction if ctx.work in self.registry else None
        out: list[Token] = []
        for m in self.pattern.finditer(text):
            if any(a <= m.start() < b for a, b in skip):
                continue
            kind = next(k for k in ("alias", "title", "self", "other", "nums", "rel", "same_work",
                                    "bnums", "ldes") if m.group(k) is not None)
            if kind in ("alias", "title", "other"):
                name = m.group(kind)
                if kind == "alias" and text.startswith(self.blocked_after_alias, m.end(kind)):
                    continue
                bare = name.strip("《》")
                if bare in defined:
                    work, title = defined[bare]
                    out.append(Token("work", m.start(), m.end(), work=work, title=None if work else title,
                                     method="defined", units=self._units_after(work, base)))
                    units = self.vocab["units"][out[-1].units]
                    continue
                tok = self._work_token(text, m, kind, bare, ctx, taiwan, jurisdiction)
                if tok is None:
                    continue
                tok.units = self._units_after(tok.work, base)
                units = self.vocab["units"][tok.units]
                out.append(tok)
            elif kind == "self":
                # without a context 本解释 still names a work, only not one we know: what
                # follows it is not the work the text named before
                out.append(Token("work", m.start(), m.end(), work=ctx.work or None, method="self",
                                 ))
                units = self.vocab["units"][self._units_after(ctx.work, base)]
            elif kind == "nums":
                level = units.get(m.group("unit")) or self.foreign_units[m.group("unit")]
                prev = out[-1] if out else None
                if level == "title" and not (prev is not None and prev.kind == "work"
                                             and "title" in getattr(self.registry.get(prev.work), "levels", ())
                                             and not text[prev.end:m.start()].strip()):
                    continue            # 刑事诉讼法第二编 is a book of the code, not a unit
                if level == "sentence":
                    # 第2句: a German Satz is no part of the pinpoint; it only lengthens
                    # the designation before it
                    if prev is not None and prev.kind == "desig" and not text[prev.end:m.start()].strip():
                        prev.end = m.end()
                    continue
                values = [v for n in re.split(r"[、，,]", m.group("nums")) for v in _numbers(n)]
                if m.group("suf"):
                    values = [f"{v}-{_number(m.group('suf'))}" for v in values]
                elif m.group("lsuf"):          # 第153条a: § 153a as some translators write it
                    values = [f"{v}{m.group('lsuf')}" for v in values]
                # 第11条(c)(1)(C) and 第11(c)(1)(C)条 alike
                parens = re.findall(r"[(（]([0-9A-Za-z]+)[)）]",
                                    (m.group("pre_parens") or "") + (m.group("parens") or ""))
                out.append(Token("desig", m.start(), m.end(), level=level, values=values,
                                 relative=level not in ("article", "title"), parens=parens))
            elif kind == "ldes":
                prev = out[-1] if out else None
                work = self.registry.get(prev.work) if prev is not None and prev.kind == "work" else None
                if work is None or _chinese(work.jurisdiction) or prev.end != m.start():
                    continue                  # a number in Chinese prose, no designation
                num = re.search(r"\d+[a-z]?", m.group("ldes")).group()
                parens = re.findall(r"[(（]([0-9A-Za-z]+)[)）]", m.group("ldes").split(num, 1)[1])
                out.append(Token("desig", m.start(), m.end(), level="article", values=[num],
                                 parens=parens))
            elif kind == "same_work":          # 同法 / 该法: the work the text named last
                out.append(Token("work", m.start(), m.end(), method="same"))
            elif kind == "bnums":
                level = units[m.group("bunit")]
                prev = out[-1] if out else None
                if not (prev and prev.kind == "desig" and prev.level == level
                        and text[prev.end:m.start()].strip() in (self.connectors | set(self.vocab["ranges"]))):
                    continue
                value = _number(m.group("bnums"))
                if m.group("bsuf"):
                    value = f"{value}-{_number(m.group('bsuf'))}"
                out.append(Token("desig", m.start(), m.end(), level=level, values=[value],
                                 relative=level != "article"))
            elif kind == "rel":
                tok = self._relative(m, units, ctx)
                if tok:
                    out.append(tok)
        return out

    def _work_token(self, text: str, m: re.Match, kind: str, bare: str, ctx: Context,
                    taiwan: bool, jurisdiction: str | None) -> Token | None:
        """A work's name, with the country named right before it (德国《刑事诉讼法》) or
        inside its title (《美国联邦刑事诉讼规则》): the country decides whose work it is."""
        start, end = m.start(), m.end()
        qual = self.qualifier_before.search(text, max(0, start - 24), start)
        jur = self.jur.jurisdiction(qual.group("q")) if qual else None
        name = bare
        if jur is None and kind == "title" and self.registry.lookup(bare) is None:
            inner = self.qualifier_start.match(bare)
            if inner:
                jur, name = self.jur.jurisdiction(inner.group("q")), inner.group("rest")
        if jur is not None and jur != SELF:
            if qual:
                start = qual.start()
            work = self.jur.work(jur, name, traditional=taiwan, date=ctx.date)
            if work is None and kind == "alias" and jur != OTHER and not self._known_name(name):
                return None
            title = None if work else text[start:end].strip("《》“”\"「」『』")
            return Token("work", start, end, work=work, title=title,
                         version=self._version(text, m.start(), work))
        if qual and jur == SELF:
            start = qual.start()
        if kind == "other":
            work = None
        else:
            work = self.registry.lookup(name, traditional=taiwan, jurisdiction=jurisdiction,
                                        date=ctx.date) or self.jur.alone_work(name)
        if work is None and kind == "alias":
            return None                 # a name that needs a country (刑法典) and has none
        if work is None and kind == "title" and not LEGAL_TITLE.search(bare):
            return None
        return Token("work", start, end, work=work, title=None if work else bare,
                     version=self._version(text, m.start(), work))

    def _known_name(self, name: str) -> bool:
        return self.registry.lookup(name) is not None

    def _units_after(self, work_id: str | None, base: str) -> str:
        """How the designations after a work number their units: Taiwan's way for
        Taiwan's works (項 above 款) in either script, the PRC's for the PRC's, the
        script's for the rest (a German Absatz is 款 on the mainland, 項 in Taiwan)."""
        work = self.registry.get(work_id)
        if work is None:
            return base
        return {"TW": "taiwan", "CN": "prc"}.get(work.jurisdiction, base)

    def _version(self, text: str, start: int, work: str | None) -> str | None:
        w = self.registry.get(work)
        if not w or not w.versions:
            return None
        m = self.version_before.search(text[max(0, start - 12):start])
        return m.group(1) if m and m.group(1) in w.versions else None

    def _relative(self, m: re.Match, units: dict, ctx: Context) -> Token | None:
        """前款 / 前两款 / 本条 / 同条: the designation, counted from the context."""
        which, level = m.group("rel"), units[m.group("runit")]
        count = int(cn_to_int(m.group("cnt").replace("兩", "两"))) if m.group("cnt") else 1
        tok = Token("rel", m.start(), m.end(), level=level, relative=True, method="relative")
        if which in self.vocab["relative"]["same"]:
            tok.kind = "same"                       # settled against the text's last article
            return tok
        work = self.registry.get(ctx.work)
        if not work or ctx.pinpoint is None or not ctx.pinpoint:
            return None
        depth = work.level_index(level)
        if depth is None:
            return None
        base = list(ctx.pinpoint[:depth + 1])
        while len(base) < depth + 1 and work.levels[len(base)] in work.implicit:
            base.append("1")
        if len(base) < depth + 1:
            return None
        tok.work = ctx.work
        tok.prefix = [Part(work.levels[i], v) for i, v in enumerate(base[:depth])]
        if which in self.vocab["relative"]["this"]:
            tok.values = [base[depth]]
            return tok
        values, current = [], base[depth]
        for _ in range(count):
            prev = (ctx.previous_article if level == "article" and not values and ctx.previous_article
                    else previous_unit(current))
            if prev is None:
                break
            values.insert(0, prev)
            current = prev
        if not values:
            return None
        tok.values = values
        return tok

    # -- definitions ----------------------------------------------------------------
    def definitions(self, text: str, ctx: Context, taiwan: bool):
        """Names the text introduces: （以下简称《指导意见》） after a title."""
        found = []
        for m in self.definition.finditer(text):
            name = m.group("name").strip("《》“”\" ")
            before = text[:m.start()].rstrip()
            title_m = re.search(r"《([^《》]{1,80})》$", before)
            title = title_m.group(1) if title_m else None
            work = None
            qual = self.qualifier_before.search(text, max(0, title_m.start() - 24), title_m.start()) \
                if title_m else None
            jur = self.jur.jurisdiction(qual.group("q")) if qual else None
            if title and jur not in (None, SELF):
                work = self.jur.work(jur, title, traditional=taiwan, date=ctx.date)
                if work is None:
                    title = text[qual.start():title_m.end()]
            elif title:
                work = self.registry.lookup(title, traditional=taiwan, date=ctx.date)
            if work is None:
                work = self.registry.lookup(name, traditional=taiwan, date=ctx.date)
            if work is None and not (title and LEGAL_TITLE.search(title)):
                continue
            found.append((name, work, title or name, m.start(), m.end()))
        return found

    # -- citations ------------------------------------------------------------------
    def extract(self, text: str, ctx: Context) -> list[Ref]:
        taiwan = is_traditional(text) or (self.registry.get(ctx.work) or _NoWork).jurisdiction == "TW"
        defs = self.definitions(text, ctx, taiwan) if _MAY_DEFINE.search(text) else []
        grammar = self if not defs else _grammar(self.registry, tuple(d[0] for d in defs))
        defined = {name: (work, title) for name, work, title, _, _ in defs}
        skip = [(a, b) for _, _, _, a, b in defs]
        tokens = grammar.tokens(text, ctx, defined, taiwan, skip)
        return _Reader(self.registry, text, ctx, grammar.connectors, grammar.ranges, skip).read(tokens)


def _foreign_parts(work, parts: list[Part]) -> list[Part] | None:
    """Chinese unit words onto the levels of a work that has no articles, by depth: 条 is
    the top unit after any container (a § of the StPO, a Rule, a section of 18 U.S.C.),
    款 / 项 / 目 the next levels down (a German Absatz and Nummer; a Rule's (c), (1), (C):
    第11条第(c)款第(1)项), 编 the container."""
    top = next((k for k, lv in enumerate(work.levels) if lv not in work.containers), 0)
    out = []
    for part in parts:
        if part.level == "title":
            if "title" not in work.levels:
                return None
            level = "title"
        else:
            k = top + DEPTH.get(part.level, 99)
            if not 0 <= k < len(work.levels):
                return None
            level = work.levels[k]
        out.append(Part(level, part.value))
    return out


class _NoWork:
    jurisdiction = None


@lru_cache(maxsize=64)
def _grammar(registry: Registry, defined: tuple[str, ...]) -> ChineseGrammar:
    return ChineseGrammar(registry, defined)


class _Reader:
    """Walks the tokens and turns citations into references."""

    def __init__(self, registry: Registry, text: str, ctx: Context, connectors, ranges,
                 skip: list[tuple[int, int]] = ()):
        self.registry, self.text, self.ctx = registry, text, ctx
        self.skip = list(skip)
        self.connectors, self.ranges = connectors, ranges
        self.refs: list[Ref] = []
        self.last_named: str | None = None          # for bare articles in texts without context
        self.last_article: tuple[str | None, str] | None = None

    def read(self, tokens: list[Token]) -> list[Ref]:
        work_tok: Token | None = None               # the work this citation names
        parts: list[Part] = []
        span_start = 0
        prev: Token | None = None
        last_emitted: tuple[Token, str] | None = None
        chain_work: str | None = None               # the work of the citation being read
        for i, tok in enumerate(tokens):
            if tok.kind == "work" and tok.method == "same":
                tok.work = self.last_named or (self.last_article[0] if self.last_article else None)
                if tok.work is None:
                    continue
                tok.method = "explicit"
            gap = self._gap(prev.end, tok.start) if prev else None
            attached = gap == ""
            joined = prev is not None and (attached or gap in self.connectors or gap in self.ranges)
            if not joined:
                # "刑法第三百三十九條之詐欺罪、第三百三十九條之四之加重詐欺罪": a list of
                # offences keeps naming articles of the work it began with.
                if not (work_tok is not None and tok.kind == "desig" and _LOOSE_LIST.match(gap or "")):
                    work_tok = None
                parts, last_emitted, chain_work = [], None, None
            nxt = tokens[i + 1] if i + 1 < len(tokens) else None
            nxt_attached = nxt is not None and self._gap(tok.end, nxt.start) == ""
            if tok.kind == "work":
                if nxt_attached and nxt.kind != "work":
                    work_tok, parts, span_start = tok, [], tok.start
                else:
                    if tok.work or tok.method != "self":
                        self._emit(tok.start, tok.end, tok.work, [], tok.method, tok.version, tok.title)
                    work_tok = None
                if tok.work:
                    self.last_named = tok.work
                prev = tok
                continue
            # the span runs from the work's name (本法第一百七十三条) or from the first unit of
            # an attached chain (第二百三十六条第一款第三项)
            if prev is not None and prev is work_tok and attached:
                span_start = work_tok.start
            elif not attached or prev is None or prev.kind == "work":
                span_start = tok.start
            work, title, method, version = self._work_for(tok, work_tok, parts)
            w = self.registry.get(work)
            if tok.kind == "same":
                if not self.last_article:
                    prev = tok
                    continue
                work, art = self.last_article
                w = self.registry.get(work)
                tok.values, tok.prefix, tok.level = [art], [], "article"
            elif (joined and chain_work and work_tok is None and tok.kind == "desig"
                  and any(p.level == "article" for p in parts)):
                # 同条第二款: the finer unit belongs to the article just named
                work, w = chain_work, self.registry.get(chain_work)
                method = "explicit"
            chain_work = work
            if tok.kind == "rel":
                parts = list(tok.prefix)
            else:
                depth = DEPTH.get(tok.level, 0)
                parts = [p for p in parts if DEPTH.get(p.level, 0) < depth]
            leaf = not (nxt_attached and nxt.kind in ("desig", "rel")
                        and DEPTH.get(nxt.level, 0) > DEPTH.get(tok.level, 0))
            if gap in self.ranges and last_emitted and last_emitted[0].level == tok.level:
                for value in between(last_emitted[1], tok.values[0]) or []:
                    self._emit_parts(last_emitted[0].start, tok.end,
                                     w, work, parts + [Part(tok.level, value)], method, version, title)
            if leaf:                        # a designation no finer one follows is a reference
                for value in tok.values:
                    self._emit_parts(span_start, tok.end, w, work, parts + [Part(tok.level, value)],
                                     method, version, title, tok.parens)
            parts = parts + [Part(tok.level, tok.values[-1])]
            if tok.level == "article" and work:
                self.last_article = (work, tok.values[-1])
            elif parts and parts[0].level == "article" and work:
                self.last_article = (work, parts[0].value)
            last_emitted = (tok, tok.values[-1]) if leaf else last_emitted
            prev = tok
        return self.refs

    def _gap(self, start: int, end: int) -> str:
        """The text between two tokens, less any （以下简称…） in it: a definition is
        transparent, 《指导意见》（以下简称《意见》）第五条 is still 第五条 of that work."""
        text = self.text[start:end]
        for a, b in self.skip:
            if start <= a and b <= end:
                text = text.replace(self.text[a:b], "")
        return text.strip()

    def _work_for(self, tok: Token, work_tok: Token | None, parts: list[Part]):
        """Which work a designation belongs to: the one named before it in the citation,
        else the text's own work (Chinese drafting), else the last one the text named."""
        if tok.kind == "rel":
            return tok.work, None, "relative", None
        if work_tok is not None:
            return work_tok.work, work_tok.title, "explicit", work_tok.version
        if self.ctx.work and self.ctx.work in self.registry:
            rel = tok.relative and not any(p.level == "article" for p in parts)
            return self.ctx.work, None, "relative" if rel else "explicit", None
        if self.last_named and not tok.relative:
            return self.last_named, None, "inferred", None
        return None, None, "bare", None

    def _emit_parts(self, start, end, w, work, parts, method, version, title, parens=()):
        if w is None:
            if work is None and parts and parts[0].level == "article":
                pin = [p.value for p in parts] + list(parens)
                self._emit(start, end, None, pin, method, version, title)
            return
        if "article" not in w.levels:
            # a foreign work's own levels: 条 is its section or rule, 编 the US Code's title
            parts = _foreign_parts(w, parts)
            if parts is None:
                return
        elif any(p.level == "title" for p in parts):
            return                          # 第二编 of a Chinese code is a book, not a unit
        relative_ctx = self.ctx.pinpoint if self.ctx.work == work else None
        pin = compose(w, parts, relative_ctx)
        if pin is not None and parens and not _chinese(w.jurisdiction):
            if len(pin) + len(parens) > len(w.levels):
                return
            pin = pin + list(parens)
        if pin is not None:
            self._emit(start, end, work, pin, method, version, title)

    def _emit(self, start, end, work, pinpoint, method, version=None, title=None):
        self.refs.append(Ref(start, end, self.text[start:end], work, list(pinpoint), method,
                             version, title))
