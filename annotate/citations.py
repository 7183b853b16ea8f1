"""Author-date citations in scholarly text, and their resolution to a reference list.

Two forms are read:

* parenthetical — "(Chen Ruihua, 2007)", "(Sun, 2021; Lu, 2017)",
  "(Supreme People’s Procuratorate, 2025)", "(Chen, 2007, p. 14)", and the
  Chinese form "（陈瑞华，2007）";
* narrative — "Meng (2023)", "Chen and Wu (2020)", "Lee et al. (2019)".

Offsets are Python ``str`` indices into the text given. A parenthesis that
holds one citation is the citation's span, parentheses included (what a reader
would highlight); in a group each citation spans its own "Author, Year" part.

Resolution matches (author, year) against the entries of the *same* source's
reference list; every citation gets a reason, so an unresolved one says why
(the source has no reference list, no entry for that author and year, or
several).
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import asdict, dataclass
from typing import Iterable

from plea.corpus.vocab import is_han

YEAR = r"(?:1[5-9]|20)\d\d[a-z]?"
# A parenthesis (ASCII or full-width) that contains a year somewhere.
GROUP = re.compile(r"[(（](?P<body>[^()（）]*?\b" + YEAR + r"[^()（）]*?)[)）]")
# One citation inside a group: author, year, optional locator ("p. 14", "第3页").
ONE = re.compile(
    r"^\s*(?P<author>[^\d,，;；()（）][^,，;；()（）]*?)\s*[,，]\s*"
    r"(?P<year>" + YEAR + r")"
    r"(?:\s*[,，:：]\s*(?P<locator>(?:pp?\.|§|第|at\s)[^;；]*?))?\s*$")
# Narrative: one to four capitalised words (or "X and Y", "X et al.") before "(year)".
NAME = r"[A-Z][A-Za-z’'\-]+"
NARRATIVE = re.compile(
    r"(?<![\w’'])(?P<author>" + NAME + r"(?:\s+" + NAME + r"){0,3}"
    r"(?:\s+(?:and|&)\s+" + NAME + r"(?:\s+" + NAME + r")?|\s+et\s+al\.)?)"
    r"\s+\((?P<year>" + YEAR + r")(?:\s*,\s*(?P<locator>pp?\.\s*[^)]+))?\)")
# Words that can stand before "(2018)" without being an author.
NOT_AUTHOR = {
    "article", "articles", "art", "rule", "rules", "section", "law", "act", "code",
    "in", "since", "from", "until", "of", "the", "and", "year", "years", "revision",
    "amendment", "opinions", "guiding", "provisions", "interpretation", "procedure",
    "criminal", "china", "chinese", "court", "procuratorate", "people’s", "people's",
    # sentence openers and function words that precede a name
    "as", "see", "cf", "by", "per", "following", "according", "to", "for", "while", "but",
    "also", "although", "however", "thus", "hence", "therefore", "like", "unlike", "after",
    "before", "with", "on", "at", "this", "that", "these", "those", "a", "an", "both",
}


@dataclass
class Citation:
    start: int
    end: int
    text: str
    author: str
    year: str
    locator: str | None = None
    form: str = "parenthetical"        # parenthetical | narrative

    def as_dict(self) -> dict:
        return asdict(self)


@dataclass
class Resolution:
    bibliography_id: str | None
    reason: str


def extract(text: str) -> list[Citation]:
    """Every author-date citation in ``text``, in reading order."""
    found: list[Citation] = []
    taken: list[tuple[int, int]] = []
    for group in GROUP.finditer(text):
        body_start = group.start("body")
        parts = _split_group(group["body"])
        cites = []
        for offset, part in parts:
            match = ONE.match(part)
            if not match or not _plausible_author(match["author"]):
                continue
            lead = len(part) - len(part.lstrip())
            start = body_start + offset + lead
            end = body_start + offset + len(part.rstrip())
            cites.append(Citation(start, end, text[start:end], _clean_author(match["author"]),
                                  match["year"], (match["locator"] or "").strip() or None))
        if len(cites) == 1 and len(parts) == 1:
            # A parenthesis of its own: the parentheses belong to the citation.
            c = cites[0]
            c.start, c.end, c.text = group.start(), group.end(), group[0]
        found.extend(cites)
        if cites:
            taken.append((group.start(), group.end()))
    for match in NARRATIVE.finditer(text):
        if any(s <= match.start() < e for s, e in taken):
            continue
        author = _narrative_author(match["author"])
        if author is None:
            continue
        start = match.start("author") + match["author"].index(author)
        found.append(Citation(start, match.end(), text[start:match.end()], author,
                              match["year"], (match["locator"] or "").strip() or None,
                              "narrative"))
    found.sort(key=lambda c: c.start)
    return found


def _split_group(body: str) -> list[tuple[int, str]]:
    """Split "A, 2001; B, 2002" at semicolons, keeping each part's offset."""
    parts, pos = [], 0
    for piece in re.split(r"([;；])", body):
        if piece in (";", "；"):
            pos += 1
            continue
        parts.append((pos, piece))
        pos += len(piece)
    return parts


def _plausible_author(author: str) -> bool:
    author = author.strip()
    if not author or len(author) > 80:
        return False
    first = author[0]
    # Latin names start with a capital; CJK names and institutions are accepted as they are.
    return first.isupper() or is_han(first)


def _narrative_author(raw: str) -> str | None:
    """Drop leading words that cannot be part of a name ("In Meng" -> "Meng")."""
    words = raw.split()
    while words and words[0].lower() in NOT_AUTHOR:
        words.pop(0)
    if not words or words[-1].lower() in NOT_AUTHOR:
        return None
    return " ".join(words)


def _clean_author(author: str) -> str:
    return re.sub(r"\s+", " ", author).strip()


# -- resolution ------------------------------------------------------------------

def normalise_name(name: str) -> str:
    """Case, apostrophes, accents and spacing folded, so "People’s" == "people's"."""
    name = unicodedata.normalize("NFKD", name)
    name = "".join(c for c in name if not unicodedata.combining(c))
    name = name.replace("’", "'").replace("‘", "'").replace("`", "'")
    name = re.sub(r"\bet al\.?", "", name)
    return re.sub(r"\s+", " ", name).strip().lower()


def _entry_authors(entry: dict) -> list[str]:
    authors = entry.get("authors")
    if isinstance(authors, str):
        authors = [a for a in re.split(r"\s*;\s*", authors) if a]
    return [a for a in (authors or []) if a]


def _first_author_keys(entry: dict) -> set[str]:
    """Ways a text may name the entry's first author: in full, or by one name part."""
    authors = _entry_authors(entry)
    if not authors:
        return set()
    full = normalise_name(authors[0])
    keys = {full}
    if "," in full:                     # "Smith, John" -> "smith"
        keys.add(full.split(",")[0].strip())
    else:
        words = full.split()
        if len(words) == 2:             # "Chen Ruihua" (family first) or "John Smith"
            keys.update(words)
    return keys


def resolve(citation: Citation | dict, entries: Iterable[dict], *,
            has_reference_list: bool = True) -> Resolution:
    """Match one citation to one entry of its source's reference list.

    ``entries`` are bibliography rows (``id``, ``authors``, ``year``). A full
    author match is preferred; a match on one part of the name ("Chen" for
    "Chen Ruihua") is accepted only when it is unique for that year.
    """
    author = citation.author if isinstance(citation, Citation) else citation["author"]
    year = citation.year if isinstance(citation, Citation) else citation["year"]
    if not has_reference_list:
        return Resolution(None, "source has no reference list")
    entries = list(entries)
    same_year = [e for e in entries if str(e.get("year") or "") == year]
    key = normalise_name(author)
    author_first = key.split(" and ")[0].split(" & ")[0].strip()
    full = [e for e in same_year if _entry_authors(e)
            and normalise_name(_entry_authors(e)[0]) == author_first]
    if len(full) == 1:
        return Resolution(full[0]["id"], "author and year")
    partial = [e for e in same_year if author_first in _first_author_keys(e)]
    if len(full) > 1 or len(partial) > 1:
        ids = ", ".join(e["id"] for e in (full or partial))
        return Resolution(None, f"ambiguous: {ids}")
    if len(partial) == 1:
        return Resolution(partial[0]["id"], "author name part and year")
    by_author = [e for e in entries if author_first in _first_author_keys(e)]
    if by_author:
        years = ", ".join(sorted({str(e.get("year")) for e in by_author}))
        return Resolution(None, f"no entry for {author} {year} (the list has {author}: {years})")
    return Resolution(None, f"no entry for {author} {year} in the reference list")
