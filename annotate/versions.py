"""Two versions of a work compared article by article (what PKULaw calls 新旧对照).

Articles are mapped by text, not by number, because a revision renumbers nearly
everything after its first insertion (the SPC Interpretation's art. 289 of 2012 is
art. 359 of 2021). The mapping, in four passes:

1. identical text (whitespace aside) pairs up first;
2. then the most similar remaining pairs, best first, down to ``MATCH`` (a normalised
   edit-distance similarity, rapidfuzz's ``ratio``, 0–100); the same number breaks ties;
3. the pairs that keep the reading order of both versions (a longest increasing
   subsequence) are the backbone; a matched article outside it has **moved**;
4. between two backbone pairs, articles left over on both sides are rewritten versions
   of each other when at least ``REWRITE`` similar — they sit in the same place.

What is left is **added** (only in the new version) or **removed**. A matched article is
**unchanged** or **changed** (with the changed text inline), and renumbered when its
number differs. Chapters (and sections) are mapped by heading; a new chapter whose
articles are all added is reported as an added chapter. Plea-related changes are those
whose articles carry codes of the codebook (the ``tags`` of either version).

    diff_versions(db, "cn-spc-interpretation-2012", "cn-spc-interpretation-2021")
"""
from __future__ import annotations

import bisect
import difflib
import re
import sqlite3
from dataclasses import dataclass, field

from plea.corpus.errors import PleaError
from plea.corpus.readonly import connect_readonly, tags_relation

MATCH = 60          # similarity for a pair found anywhere in the text
REWRITE = 40        # similarity for a pair found in the same place (between two anchors)
STATUSES = ("unchanged", "changed", "moved", "added", "removed")
_WS = re.compile(r"\s+")


class VersionError(PleaError, ValueError):
    """A comparison that cannot be made (unknown work or version)."""


@dataclass
class Article:
    id: str
    source_id: str
    eid: str
    num: str | None
    num_norm: str | None
    text: str                    # the article's whole text, subdivisions included
    container_id: str | None     # the innermost chapter / section
    chapter: str                 # "第十二章 认罪认罚案件的审理"
    position: int                # order among the articles of its version
    citation: str | None
    codes: list[str] = field(default_factory=list)

    @property
    def key(self) -> str:
        return _WS.sub("", self.text)


@dataclass
class Change:
    status: str                       # unchanged | changed | moved | added | removed
    old: Article | None
    new: Article | None
    similarity: int = 0               # 0–100
    method: str = ""                  # identical | text | place
    text_changed: bool = False        # for moved articles: changed as well?
    inline: list[tuple[str, str]] = field(default_factory=list)  # (op, text): = - +

    @property
    def renumbered(self) -> bool:
        return bool(self.old and self.new and self.old.num_norm != self.new.num_norm)

    @property
    def codes(self) -> list[str]:
        out = set(self.old.codes if self.old else []) | set(self.new.codes if self.new else [])
        return sorted(out)

    def as_dict(self) -> dict:
        return {"status": self.status, "old": self.old.id if self.old else None,
                "new": self.new.id if self.new else None,
                "old_num": self.old.num if self.old else None,
                "new_num": self.new.num if self.new else None,
                "renumbered": self.renumbered, "similarity": self.similarity,
                "method": self.method, "text_changed": self.text_changed,
                "codes": self.codes,
                "inline": [[op, text] for op, text in self.inline]}


@dataclass
class ChapterChange:
    status: str                       # kept | renamed | added | regrouped | removed
    old: str | None                   # "第十二章 简易程序"
    new: str | None
    articles: dict[str, int]          # status -> count of its articles
    first: str | None = None          # first and last article numbers in it
    last: str | None = None

    def as_dict(self) -> dict:
        return {"status": self.status, "old": self.old, "new": self.new,
                "articles": self.articles, "first": self.first, "last": self.last}


@dataclass
class VersionDiff:
    work: str
    old_source: str
    new_source: str
    old_version: str | None
    new_version: str | None
    changes: list[Change]
    chapters: list[ChapterChange]

    def counts(self) -> dict[str, int]:
        out = {s: 0 for s in STATUSES}
        for c in self.changes:
            out[c.status] += 1
        out["renumbered"] = sum(1 for c in self.changes if c.renumbered)
        return out

    def plea_changes(self) -> list[Change]:
        """Changes to articles that carry codes of the codebook, in either version."""
        return [c for c in self.changes if c.status != "unchanged" and c.codes]

    def find(self, *, old: str | None = None, new: str | None = None) -> Change | None:
        """The change of the article numbered ``old`` (old version) or ``new``."""
        for c in self.changes:
            if old is not None and c.old and c.old.num_norm == old:
                return c
            if new is not None and c.new and c.new.num_norm == new:
                return c
        return None

    def summary(self) -> list[str]:
        """What changed, in a few lines: counts, chapters added and removed, plea changes."""
        n = self.counts()
        lines = [f"{self.work}: {self.old_source} → {self.new_source}: "
                 f"{n['unchanged']} unchanged, {n['changed']} changed, {n['moved']} moved, "
                 f"{n['added']} added, {n['removed']} removed "
                 f"({n['renumbered']} renumbered)"]
        for ch in self.chapters:
            if ch.status in ("added", "removed"):
                span = f" (arts. {ch.first}–{ch.last})" if ch.first else ""
                name = ch.new if ch.status == "added" else ch.old
                counts = ", ".join(f"{v} {k}" for k, v in ch.articles.items() if v)
                lines.append(f"chapter {ch.status}: {name}{span}: {counts}")
        plea = self.plea_changes()
        if plea:
            by_status: dict[str, int] = {}
            for c in plea:
                by_status[c.status] = by_status.get(c.status, 0) + 1
            lines.append("plea-related articles: " + ", ".join(
                f"{v} {k}" for k, v in by_status.items()))
        return lines

    def as_dict(self) -> dict:
        return {"work": self.work, "from": self.old_source, "to": self.new_source,
                "from_version": self.old_version, "to_version": self.new_version,
                "counts": self.counts(), "summary": self.summary(),
                "chapters": [c.as_dict() for c in self.chapters],
                "changes": [c.as_dict() for c in self.changes]}


# -- reading ----------------------------------------------------------------------------

def _connect(db) -> sqlite3.Connection:
    try:
        return connect_readonly(db, check_same_thread=False)
    except FileNotFoundError as exc:
        raise VersionError(f"{exc}: run `plea build` first") from None


def articles(conn: sqlite3.Connection, source_id: str) -> list[Article]:
    """The top-level articles of a source, each with the text of its whole subtree."""
    rows = conn.execute(
        "SELECT id, parent_id, level, kind, num, num_norm, heading, text, wrapup, citation, eid "
        "FROM provisions WHERE source_id = ? ORDER BY position", [source_id]).fetchall()
    by_id = {r[0]: r for r in rows}
    codes: dict[str, set[str]] = {}
    table = tags_relation(conn)
    for pid, code in conn.execute(f"SELECT provision_id, code FROM {table} "
                                  "WHERE provision_id LIKE ?", [source_id + ":%"]):
        codes.setdefault(pid, set()).add(code)
    result: list[Article] = []
    owner: dict[str, Article] = {}
    for rid, parent, level, kind, num, num_norm, heading, text, wrapup, citation, eid in rows:
        parent_row = by_id.get(parent) if parent else None
        if kind == "container":
            continue
        top = owner.get(parent) if parent else None
        if top is None and (parent_row is None or parent_row[3] == "container"):
            chapter = _chapter(by_id, parent)
            top = Article(rid, source_id, eid, num, num_norm, "", parent, chapter,
                          len(result), citation)
            result.append(top)
        if top is None:
            continue
        owner[rid] = top
        top.text += "".join(p for p in (heading, text, wrapup) if p)
        top.codes = sorted(set(top.codes) | codes.get(rid, set()))
    return result


def _chapter(by_id: dict, container_id: str | None) -> str:
    labels = []
    while container_id:
        row = by_id.get(container_id)
        if row is None:
            break
        labels.append(_label(row[4], row[6]))
        container_id = row[1]
    return " › ".join(reversed(labels))


def _label(num: str | None, heading: str | None) -> str:
    return " ".join(_WS.sub("", p) for p in (num, heading) if p)


# -- mapping ----------------------------------------------------------------------------

def map_articles(old: list[Article], new: list[Article]) -> list[Change]:
    """The changes that take ``old`` to ``new`` (see the module's docstring)."""
    from rapidfuzz import fuzz, process

    pairs: dict[int, tuple[int, int, str]] = {}      # old index -> (new index, score, method)
    taken: set[int] = set()
    by_text: dict[str, list[int]] = {}
    for j, art in enumerate(new):
        by_text.setdefault(art.key, []).append(j)
    for i, art in enumerate(old):
        # identical text: the nearest free twin (boilerplate articles repeat)
        twins = [j for j in by_text.get(art.key, []) if j not in taken]
        if art.key and twins:
            j = min(twins, key=lambda j: abs(j - i))
            pairs[i] = (j, 100, "identical")
            taken.add(j)
    rest_old = [i for i in range(len(old)) if i not in pairs]
    rest_new = [j for j in range(len(new)) if j not in taken]
    scores = process.cdist([old[i].key for i in rest_old], [new[j].key for j in rest_new],
                           scorer=fuzz.ratio, score_cutoff=REWRITE, dtype="uint8", workers=1)
    candidates = []
    for a, i in enumerate(rest_old):
        for b, j in enumerate(rest_new):
            s = int(scores[a][b])
            if s >= MATCH:
                same_number = old[i].num_norm == new[j].num_norm
                candidates.append((-s, not same_number, abs(i - j), i, j))
    candidates.sort()
    for neg, _, _, i, j in candidates:
        if i not in pairs and j not in taken:
            pairs[i] = (j, -neg, "text")
            taken.add(j)
    backbone = _increasing(sorted((i, j) for i, (j, _, _) in pairs.items()))
    # Rewritten articles in the same place: between consecutive backbone pairs.
    score_of = {(i, j): int(scores[a][b]) for a, i in enumerate(rest_old)
                for b, j in enumerate(rest_new) if scores[a][b]}
    bounds = [(-1, -1)] + sorted(backbone) + [(len(old), len(new))]
    for (i0, j0), (i1, j1) in zip(bounds, bounds[1:]):
        gap_old = [i for i in range(i0 + 1, i1) if i not in pairs]
        gap_new = [j for j in range(j0 + 1, j1) if j not in taken]
        local = sorted(((-score_of.get((i, j), 0), abs((i - i0) - (j - j0)), i, j)
                        for i in gap_old for j in gap_new
                        if score_of.get((i, j), 0) >= REWRITE))
        for neg, _, i, j in local:
            if i not in pairs and j not in taken:
                pairs[i] = (j, -neg, "place")
                taken.add(j)
                backbone.add((i, j))
    changes: list[Change] = []
    for i, art in enumerate(old):
        if i not in pairs:
            changes.append(Change("removed", art, None))
            continue
        j, score, method = pairs[i]
        changed = art.key != new[j].key
        status = "moved" if (i, j) not in backbone else ("changed" if changed else "unchanged")
        change = Change(status, art, new[j], score, method, changed)
        if changed:
            change.inline = inline_diff(art.text, new[j].text)
        changes.append(change)
    for j, art in enumerate(new):
        if j not in taken:
            changes.append(Change("added", None, art))
    # Reading order of the new version; removed articles after their old predecessor.
    return sorted(changes, key=_order_key(changes))


def _order_key(changes: list[Change]):
    place: dict[int, float] = {}
    last_new = -1.0
    for c in sorted((c for c in changes if c.old), key=lambda c: c.old.position):
        if c.new:
            last_new = c.new.position
        place[id(c)] = last_new + 0.5 if c.new is None else c.new.position
    return lambda c: (place.get(id(c), c.new.position if c.new else 0), c.old is None)


def _increasing(pairs: list[tuple[int, int]]) -> set[tuple[int, int]]:
    """The longest run of pairs increasing in both coordinates (pairs sorted by the first)."""
    tails: list[int] = []          # smallest tail value of an increasing run of length k+1
    tail_at: list[int] = []        # index into pairs of that tail
    back = [-1] * len(pairs)
    for k, (_, j) in enumerate(pairs):
        pos = bisect.bisect_left(tails, j)
        if pos == len(tails):
            tails.append(j)
            tail_at.append(k)
        else:
            tails[pos] = j
            tail_at[pos] = k
        back[k] = tail_at[pos - 1] if pos else -1
    out: set[tuple[int, int]] = set()
    k = tail_at[-1] if tail_at else -1
    while k >= 0:
        out.add(pairs[k])
        k = back[k]
    return out


def inline_diff(old: str, new: str) -> list[tuple[str, str]]:
    """The change as runs of kept (=), removed (-) and inserted (+) text, by character
    (Chinese has no spaces to split words on)."""
    a, b = _WS.sub("", old), _WS.sub("", new)
    out: list[tuple[str, str]] = []
    for op, a1, a2, b1, b2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if op == "equal":
            out.append(("=", a[a1:a2]))
        else:
            if a2 > a1:
                out.append(("-", a[a1:a2]))
            if b2 > b1:
                out.append(("+", b[b1:b2]))
    return out


def map_chapters(changes: list[Change], old: list[Article], new: list[Article]) -> list[ChapterChange]:
    """Chapters (and sections) of the new version, each with where it came from.

    ``kept``: an old chapter has the same heading; ``renamed``: most of its matched
    articles come from one old chapter with another heading; ``added``: all its articles
    are new; ``regrouped``: its articles come from several places. Old chapters none of
    whose articles survive are ``removed``.
    """
    def heading(label: str) -> str:
        last = label.split(" › ")[-1]
        return last.split(" ", 1)[-1] if " " in last else last

    def tally(arts: list[Article], side: str) -> dict[str, dict]:
        out: dict[str, dict] = {}
        status = {id(getattr(c, side)): c.status for c in changes if getattr(c, side)}
        for art in arts:
            entry = out.setdefault(art.chapter, {"articles": {}, "first": art.num_norm})
            s = status[id(art)]
            entry["articles"][s] = entry["articles"].get(s, 0) + 1
            entry["last"] = art.num_norm
        return out

    old_ch, new_ch = tally(old, "old"), tally(new, "new")
    old_by_heading = {heading(k): k for k in old_ch if k}
    origins: dict[str, dict[str, int]] = {}
    for c in changes:
        if c.old and c.new:
            counts = origins.setdefault(c.new.chapter, {})
            counts[c.old.chapter] = counts.get(c.old.chapter, 0) + 1
    result: list[ChapterChange] = []
    matched_old: set[str] = set()
    for label, info in new_ch.items():
        if not label:
            continue
        twin = old_by_heading.get(heading(label))
        status = "kept"
        if twin is None and origins.get(label):
            source, n = max(origins[label].items(), key=lambda kv: kv[1])
            size = sum(info["articles"].values())
            if n * 2 > size and source not in matched_old and source:
                twin, status = source, "renamed"
            else:
                status = "regrouped"
        elif twin is None:
            status = "added"
        if twin:
            matched_old.add(twin)
        result.append(ChapterChange(status, twin, label, info["articles"], info["first"],
                                    info["last"]))
    for label, info in old_ch.items():
        if label and label not in matched_old and set(info["articles"]) == {"removed"}:
            result.append(ChapterChange("removed", label, None, info["articles"], info["first"],
                                        info["last"]))
    return result


# -- choosing the versions --------------------------------------------------------------

def version_sources(conn: sqlite3.Connection, work: str) -> list[dict]:
    """Present sources of ``work`` and of the works it replaced or that replaced it
    (works.yaml ``replaces``), oldest first."""
    from .refs.works import load_registry

    registry = load_registry()
    family = {work}
    changed = True
    while changed:
        changed = False
        for w in registry.works.values():
            if w.replaces and ((w.id in family) != (w.replaces in family)):
                family |= {w.id, w.replaces}
                changed = True
    rows = conn.execute("SELECT id, work, version, in_force, status, language, translation_of "
                        "FROM sources WHERE status IN ('present', 'mismatch')").fetchall()
    cols = ("id", "work", "version", "in_force", "status", "language", "translation_of")
    found = [dict(zip(cols, r)) for r in rows if r[1] in family and not r[6]]
    return sorted(found, key=lambda s: (s["in_force"] or s["version"] or "", s["id"]))


def pick(sources: list[dict], wanted: str, work: str) -> dict:
    for s in sources:
        if wanted == s["id"]:
            return s
    matching = [s for s in sources if (s["version"] or "").startswith(wanted)
                or (s["in_force"] or "").startswith(wanted)]
    if len(matching) == 1:
        return matching[0]
    known = ", ".join(f"{s['version'] or '?'} ({s['id']})" for s in sources) or "none"
    if not matching:
        raise VersionError(f"no version {wanted!r} of {work} in the database; versions: {known}")
    raise VersionError(f"version {wanted!r} of {work} is ambiguous; name a source id: {known}")


def diff_versions(db, work: str, old: str | None = None, new: str | None = None) -> VersionDiff:
    """Compare two versions of ``work`` (version strings, years or source ids); without
    them, the two latest versions in the database."""
    conn = _connect(db)
    sources = version_sources(conn, work)
    if len(sources) < 2 and not (old and new):
        listed = ", ".join(s["id"] for s in sources) or "none"
        raise VersionError(f"{work}: fewer than two versions in the database ({listed})")
    a = pick(sources, old, work) if old else sources[-2]
    b = pick(sources, new, work) if new else sources[-1]
    if a["id"] == b["id"]:
        raise VersionError(f"--from and --to are the same source ({a['id']})")
    old_articles, new_articles = articles(conn, a["id"]), articles(conn, b["id"])
    changes = map_articles(old_articles, new_articles)
    return VersionDiff(work, a["id"], b["id"], a["version"], b["version"], changes,
                       map_chapters(changes, old_articles, new_articles))
