"""A check over resolved references: none that names a country's law may land on the
work of another country.

The check is deliberately simpler than the grammars that place a reference: it reads the
countries named in the reference's own words and in the words right before it (back to
the last clause break, a few characters in Chinese, a few words elsewhere), with the
qualifier lists of data/{zh,en,de}.yaml, and flags a reference whose work belongs to none
of them — 德国《刑事诉讼法》第153a条 resolved to the PRC's CPL, "Art. 176 der chinesischen
StPO" to the StPO, a Japanese code to any work at all. 我国 ("our country") names no
country in particular and is not counted.

    from plea.annotate.refs.audit import audit_database
    report = audit_database("data/plea.db")
    report.naming, len(report.wrong)
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Iterable

from plea.corpus.readonly import connect_readonly

from .jurisdiction import SELF, jurisdictions
from .works import Registry, load_registry

# How far before a reference a country may stand, and where a clause ends.
WINDOW = {"zh": 12, "en": 48, "de": 48}
CLAUSE_BREAK = re.compile(r"[。；，、：！？;:!?\n]|[,.][”’\"')]?\s")


@dataclass
class Finding:
    """A reference whose work belongs to none of the countries its words name."""
    from_id: str
    text: str
    work: str
    work_jurisdiction: str
    named: list[str]


@dataclass
class Audit:
    references: int = 0          # references with a work, cases aside
    naming: int = 0              # of which name a country (other than "our own")
    foreign: int = 0             # of which name a country other than the citing text's
    wrong: list[Finding] = field(default_factory=list)


@lru_cache(maxsize=4)
def _country_pattern(lang: str) -> re.Pattern:
    jur = jurisdictions(lang)
    words = sorted({*jur.qualifiers, *jur.after}, key=len, reverse=True)
    alternation = "|".join(re.escape(w) for w in words)
    if lang == "zh":
        return re.compile(rf"(?:{alternation})")
    return re.compile(rf"(?<![\w\-])(?:{alternation})(?![\w])")


def named_countries(body: str, start: int, end: int, lang: str) -> list[str]:
    """The jurisdictions (CN, TW, DE, US, other) a reference's words and the words right
    before it name, in order of appearance."""
    lang = lang.split("-")[0] if lang else "en"
    if lang not in WINDOW:
        lang = "en"
    window_start = max(0, start - WINDOW[lang])
    before = body[window_start:start]
    breaks = list(CLAUSE_BREAK.finditer(before))
    if breaks:
        window_start += breaks[-1].end()
    jur = jurisdictions(lang)
    out = []
    for m in _country_pattern(lang).finditer(body, window_start, end):
        named = jur.jurisdiction(m.group())
        if named and named != SELF:
            out.append(named)
    return out


def audit_refs(rows: Iterable[tuple[str, str, int, int, str | None, str, str | None]],
               registry: Registry | None = None) -> Audit:
    """``rows``: (from_id, body, start, end, work, lang, jurisdiction of the citing text)
    of each reference, ``body`` the text its offsets index."""
    registry = registry or load_registry()
    report = Audit()
    for from_id, body, start, end, work_id, lang, home in rows:
        work = registry.get(work_id)
        if work is None or work.jurisdiction == "any" or body is None:
            continue
        report.references += 1
        named = named_countries(body, start, end, lang or "en")
        if not named:
            continue
        report.naming += 1
        if set(named) - {home}:
            report.foreign += 1
        if work.jurisdiction not in named:          # "other" never holds a registry work
            report.wrong.append(Finding(from_id, body[start:end], work.id, work.jurisdiction,
                                        sorted(set(named))))
    return report


def audit_database(db) -> Audit:
    """The check over the `refs` table of a built database (provisions, their wrap-up
    text, commentary and the scholarship)."""
    conn = connect_readonly(db, check_same_thread=False)
    rows = conn.execute("""
        SELECT r.from_id,
               CASE WHEN r.from_table = 'commentary' THEN c.text
                    WHEN r.field = 'wrapup' THEN p.wrapup ELSE p.text END,
               r.start, r."end", r.work, r.lang, s.jurisdiction
        FROM refs r
        LEFT JOIN sources s ON s.id = r.from_source
        LEFT JOIN provisions p ON r.from_table = 'provisions' AND p.id = r.from_id
        LEFT JOIN commentary c ON r.from_table = 'commentary' AND c.id = r.from_id
        WHERE r.work IS NOT NULL""")
    return audit_refs(rows)
