"""German federal statutes in the bundestag/gesetze Markdown format (StPO, StGB, …).

Layout of a file::

    ---                                  YAML front matter (Title, jurabk, slug …)
    ---
    # Strafprozeßordnung (StPO)          the title
    Ausfertigungsdatum                   the head: a definition list of dates,
    :   1950-09-12                       Fundstelle, "Zuletzt geändert durch" …
    ## Erstes Buch - Allgemeine Vorschriften
    ### Erster Abschnitt - Sachliche Zuständigkeit der Gerichte
    #### § 1 Anwendbarkeit des Gerichtsverfassungsgesetzes
    (1) Absatz text, hard-wrapped …
    1.  Nummer, continuation lines indented by four
        a)  Buchstabe
            aa) Doppelbuchstabe
    text after a list, back at column 0  (the Absatz's continuation: wrapup)

What is body and what is not (the fidelity rule):
* front matter, the ``#`` title and the head (definition list) are metadata of
  the code, not its text: kept in ``meta`` (``front_matter``, ``title``,
  ``head`` as (term, value) pairs, plus ``ausfertigungsdatum``, ``fundstelle``
  and ``stand`` = the first "Zuletzt geändert durch");
* converter markup is dropped: ``#`` markers, the ``(XXXX)`` placeholder of an
  empty designation, the `` - `` the converter puts between a container's
  designation and its title ("Erstes Buch - Allgemeine Vorschriften"), lone
  ``-`` lines (an empty list it emits under "(weggefallen)" sections), bullet
  markers, footnote labels ``[^id]:`` and Markdown backslash escapes;
* an Anhang's title block, which the converter prints as a text paragraph
  *before* the Anhang heading ("Auszug aus EinigVtr Anlage I …"), is kept in
  ``meta['annex_intro']`` and left out of the body, since in reading order it
  would otherwise sit inside the last § of the code.

Structure is recognised by the designation, not by the number of ``#``
(§ headings sit at ``###`` to ``######``, and "Abschnitt 4a" of the StPO is
one level deeper than its sibling "Vierter Abschnitt"): Teil / Buch >
Abschnitt > Unterabschnitt > Titel > unnumbered groups ("Freiheitsstrafe").
A deeper ``#`` level still closes nothing it should not: a heading closes the
open containers of the same or a lower rank, or of the same or a deeper level.

eids: containers ``book_2``, ``book_2__chp_6`` (Abschnitt), ``…__subchp_1``,
``…__title_1`` (Titel); designations without a number use a slug of their
words (``part_allgemeiner_teil``, ``…__subtitle_freiheitsstrafe``);
``annex_EV``. Sections ``sec_257c``; Absatz ``sec_257c__para_2``; Nummer
``sec_153a__para_1__item_1``; Buchstabe ``…__item_1__subitem_a``;
Doppelbuchstabe ``…__subitem_b__subsubitem_aa``; footnote text
``sec_184l__note_1`` (commentary). A repealed range ("§§ 17 und 18
(weggefallen)") is ONE node ``sec_17-18`` (num "§§ 17 und 18", attrs
``covers`` the numbers it names, status "repealed"): its text exists once,
and "bis" ranges cannot say which lettered §§ lay in between.
Citations: "§ 257c StPO", "§ 257c Abs. 2 StPO", "§ 153a Abs. 1 Nr. 1 StPO",
"… Nr. 1 Buchst. a …", "§§ 17 und 18 StPO", "Anhang EV Nr. 14 StPO"
(``ctx.short_title``, else the front matter's ``jurabk``). A Satz is not
cited, except where an Absatz holds a second numbered list after text
(§ 68b Abs. 1 StGB: Nr. 1–12, two sentences, Nr. 1–4): those items restart
at 1, so they sit in a node ``…__para_1__list_2`` whose text is the text
between the lists, and cite as "§ 68b Abs. 1 Satz 3 Nr. 1 StGB" (the Satz
counted from sentence ends; attrs ``satz``).

Unnumbered text: text after a list is the wrapup of the Absatz / item that
holds the list (Markdown: back at the holder's indentation); an unnumbered
bullet list ("*   die Beweggründe …", § 46 Abs. 2 StGB) stays in the
holder's text, one line per entry; an indented paragraph outside any list
is the converter's footnote text, a commentary node. attrs ``status``:
"repealed" for "(weggefallen)" / "(aufgehoben)" (headings or whole text),
"inapplicable" for "(nicht mehr anzuwenden)".
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from ..errors import SourceError
from ..model import COMMENTARY, CONTAINER, Document, Node, ParseContext
from ..textio import decode
from .markdown_common import (Block, append_text, append_wrapup, attach, split_blocks,
                              split_front_matter, tidy_space, unescape)
from . import register
from .eids import EidSet, make_eid

HEADING_LINE = re.compile(r"^(?P<hashes>#{1,6})\s*(?P<text>.*?)\s*$")
PLACEHOLDER = re.compile(r"^\(XXXX\)\s*")
SECTION = re.compile(r"^§\s*(?P<num>\d+[a-z]*)(?:\s+(?P<heading>\S.*))?$")
SECTION_RANGE = re.compile(r"^§§\s*(?P<first>\d+[a-z]*)\s+(?P<conj>und|bis)\s+"
                           r"(?P<last>\d+[a-z]*)(?:\s+(?P<heading>\S.*))?$")
SEPARATOR = re.compile(r"\s+-(?:\s+|$)")
ANNEX = re.compile(r"^Anhang\s+(?P<num>\S+)$")
ANNEX_INTRO = re.compile(r"^Auszug aus\b")
KINDS = {  # designation word -> (level, rank); the eId prefix is the level's (eids.toml)
    "Teil": ("part", 1), "Buch": ("book", 1),
    "Abschnitt": ("chapter", 2), "Unterabschnitt": ("subchapter", 3),
    "Titel": ("title", 4), "Untertitel": ("subtitle", 5),
}
UNNAMED = ("subtitle", 5)   # "Freiheitsstrafe - ": a group without a kind word
NUMBERED = re.compile(rf"^(?P<kind>{'|'.join(KINDS)})\s+(?P<num>\d+[a-z]*)$")
ORDINAL = re.compile(rf"^(?P<word>\w+)\s+(?P<kind>{'|'.join(KINDS)})$")

ABSATZ = re.compile(r"^\((?P<num>\d+[a-z]*)\)(?:\s+|$)")
LIST_MARKERS = (  # (level, pattern) — tried in order
    ("item", re.compile(r"^(?P<num>\d+[a-z]*)\.(?:\s+|$)")),
    ("subsubitem", re.compile(r"^(?P<num>([a-z])\2)\)(?:\s+|$)")),
    ("subitem", re.compile(r"^(?P<num>[a-z])\)(?:\s+|$)")),
)
BULLET = re.compile(r"^\*\s+")
EMPTY_LIST = "-"
FOOTNOTE_DEF = re.compile(r"^\[\^(?P<id>[^\]]+)\]:\s*(?P<text>.*)$")
CODE_INDENT = 4
REPEALED = re.compile(r"^\(?(weggefallen|aufgehoben)\)?\.?$")
INAPPLICABLE = re.compile(r"^\(nicht mehr anzuwenden\)$")

# A sentence ends at ". " before a capital or §, unless the dot closes an abbreviation
# (Abs., Nr., BGBl., a single letter) or an ordinal number ("7. April").
SENTENCE_END = re.compile(
    r"(?<!\bAbs)(?<!\bNr)(?<!\bArt)(?<!\bBuchst)(?<!\bBGBl)(?<!\bABl)(?<!\bBek)(?<!\bvgl)"
    r"(?<!\bbzw)(?<!\bKap)(?<!\bAnl)(?<!\bZiff)(?<!\bNrn)(?<!\bd)(?<!\bu)(?<![\s(][A-Za-z])"
    r"(?<!\d)\.\s+(?=[A-ZÄÖÜ§])")
CITE_PART = {"paragraph": "Abs.", "item": "Nr.", "subitem": "Buchst.",
             "subsubitem": "Doppelbuchst."}

# German ordinal words for designations ("Einundzwanzigster Abschnitt" -> 21).
_UNITS = ["", "ein", "zwei", "drei", "vier", "fünf", "sechs", "sieben", "acht", "neun"]
_TEENS = ["zehn", "elf", "zwölf", "dreizehn", "vierzehn", "fünfzehn", "sechzehn",
          "siebzehn", "achtzehn", "neunzehn"]
_TENS = ["", "", "zwanzig", "dreißig", "vierzig", "fünfzig", "sechzig", "siebzig",
         "achtzig", "neunzig"]
_ORDINAL_SPECIAL = {1: ("erst",), 3: ("dritt",), 7: ("siebt", "siebent"), 8: ("acht",)}
ORDINAL_ENDINGS = ("es", "er", "en", "em", "e")


def _ordinal_stems() -> dict[str, int]:
    stems: dict[str, int] = {}
    for n in range(1, 100):
        if n in _ORDINAL_SPECIAL:
            forms = _ORDINAL_SPECIAL[n]
        elif n < 10:
            forms = (_UNITS[n] + "t",)
        elif n < 20:
            forms = (_TEENS[n - 10] + "t",)
        else:
            tens, unit = divmod(n, 10)
            forms = ((f"{_UNITS[unit]}und" if unit else "") + _TENS[tens] + "st",)
        for form in forms:
            stems[form] = n
    return stems


ORDINAL_STEMS = _ordinal_stems()


def ordinal_value(word: str) -> int | None:
    """``Erstes`` -> 1, ``Siebenter`` -> 7, ``Dreißigster`` -> 30; None for other words."""
    low = word.lower()
    for ending in ORDINAL_ENDINGS:
        if low.endswith(ending) and low[:-len(ending)] in ORDINAL_STEMS:
            return ORDINAL_STEMS[low[:-len(ending)]]
    return None


def slug(text: str) -> str:
    folded = (text.lower().replace("ä", "ae").replace("ö", "oe").replace("ü", "ue")
              .replace("ß", "ss"))
    return re.sub(r"[^a-z0-9]+", "_", folded).strip("_")


def parse(data: bytes, ctx: ParseContext) -> Document:
    text = tidy_space(decode(data, ctx.path, lang=ctx.lang or "de"))
    front, start = split_front_matter(text, ctx.path)
    return _StatuteParser(ctx, front).run(text.split("\n"), start)


@dataclass
class _Frame:
    """An open place where list items and text can go."""

    node: Node | None     # None: an unnumbered bullet entry (its text goes to the owner)
    marker: int           # column of the list marker; -1 for a § / Absatz


@dataclass
class _Container:
    node: Node
    rank: int
    depth: int            # number of '#'


class _StatuteParser:
    def __init__(self, ctx: ParseContext, front: dict):
        self.ctx = ctx
        self.path = ctx.path
        self.front = front
        self.short = ctx.short_title or str(front.get("jurabk") or "")
        self.roots: list[Node] = []
        self.containers: list[_Container] = []
        self.owner: Node | None = None          # the § (or Anhang) receiving body blocks
        self.frames: list[_Frame] = []
        self.eids = EidSet(ctx.path, refuse_repeats=True)   # a repeated § or Absatz is an error
        self.meta: dict = {"front_matter": front}
        self.title: str | None = None

    def error(self, message: str, line: int | None, where: str | None = None) -> SourceError:
        return SourceError(self.path, message, line=line, where=where)

    # -- driver ----------------------------------------------------------------

    def run(self, lines: list[str], start: int) -> Document:
        intro = _annex_intro_lines(lines, start)
        segment: list[tuple[int, str]] = []
        seen_head = False
        for index in range(start, len(lines)):
            raw, lineno = lines[index], index + 1
            m = HEADING_LINE.match(raw) if raw.startswith("#") else None
            if m is None:
                segment.append((lineno, "" if lineno in intro else raw))
                continue
            self.flush(segment, head=not seen_head)
            segment = []
            if len(m.group("hashes")) == 1:
                if self.title is not None:
                    raise self.error("a second '#' title heading", lineno)
                self.title = m.group("text")
                continue
            seen_head = True
            self.heading(m.group("text"), len(m.group("hashes")), lineno)
        self.flush(segment, head=not seen_head)
        if intro:
            self.meta["annex_intro"] = " ".join(lines[i - 1].strip() for i in sorted(intro))
        if not any(n.level in ("section", "annex") for root in self.roots for n, _ in root.walk()):
            raise self.error("no § headings found: not a statute in bundestag/gesetze format",
                             len(lines))
        self.cite()
        title = self.title or str(self.front.get("Title") or self.path)
        self.meta["title"] = title
        return Document(title=title, nodes=self.roots, body_text=_body_text(lines, start, intro),
                        meta=self.meta)

    def flush(self, segment: list[tuple[int, str]], *, head: bool) -> None:
        if not segment:
            return
        blocks = split_blocks([raw for _, raw in segment], segment[0][0])
        if head:
            self.head(blocks)
            return
        for block in blocks:
            for part in _split_labels(block):
                self.body_block(part)

    def head(self, blocks: list[Block]) -> None:
        """The definition list under the title: Ausfertigungsdatum, Fundstelle, Stand …"""
        if blocks and self.title is None:
            raise self.error("text before the '#' title heading", blocks[0].line)
        pairs: list[dict] = []
        unexpected = "unexpected text in the head (expected 'Term' then ':   value')"
        for block in blocks:
            term, values = block.first, []
            for offset, raw in enumerate(block.lines[1:], 1):
                if raw.startswith(":"):
                    values.append(raw[1:].strip())
                elif values and raw.startswith(" "):
                    values[-1] = f"{values[-1]} {raw.strip()}"
                else:
                    raise self.error(unexpected, block.line + offset)
            if not values or term.startswith(":"):
                raise self.error(unexpected, block.line)
            pairs.extend({"term": term, "value": v} for v in values)
        self.meta["head"] = pairs
        first = {}
        for pair in pairs:
            first.setdefault(pair["term"], pair["value"])
        for key, term in (("ausfertigungsdatum", "Ausfertigungsdatum"),
                          ("fundstelle", "Fundstelle"), ("stand", "Zuletzt geändert durch")):
            if term in first:
                self.meta[key] = first[term]

    # -- headings --------------------------------------------------------------

    def heading(self, text: str, depth: int, line: int) -> None:
        text = PLACEHOLDER.sub("", text)
        if text.startswith("§§"):
            m = SECTION_RANGE.match(text)
            if not m:
                raise self.error(f"cannot read the section range {text!r}", line)
            self.section_range(m, depth, line)
        elif text.startswith("§"):
            m = SECTION.match(text)
            if not m:
                raise self.error(f"section heading without a number: {text!r}", line)
            self.section(m, depth, line)
        else:
            self.container(text, depth, line)

    def _new_eid(self, parent: Node | None, element: str, number: str | None, line: int) -> str:
        return self.eids.claim(make_eid(parent, element, number), line)

    def _close(self, depth: int, rank: int = 99) -> Node | None:
        while self.containers and (self.containers[-1].rank >= rank
                                   or self.containers[-1].depth >= depth):
            self.containers.pop()
        return self.containers[-1].node if self.containers else None

    def _place(self, node: Node, parent: Node | None) -> None:
        (parent.children if parent else self.roots).append(node)

    def _open_owner(self, node: Node) -> None:
        self.owner = node
        self.frames = [_Frame(node, -1)]

    def section(self, m: re.Match, depth: int, line: int) -> None:
        num = m.group("num")
        heading = m.group("heading")
        node = Node(eid=self._new_eid(None, "section", num, line), level="section", num=f"§ {num}",
                    num_norm=num, heading=heading, line=line)
        if heading and REPEALED.match(heading):
            node.attrs["status"] = "repealed"
        self._place(node, self._close(depth))
        self._open_owner(node)

    def section_range(self, m: re.Match, depth: int, line: int) -> None:
        first, conj, last = m.group("first", "conj", "last")
        covers = [first, last]
        if conj == "bis" and first.isdigit() and last.isdigit():
            covers = [str(n) for n in range(int(first), int(last) + 1)]
        heading = m.group("heading")
        node = Node(eid=self._new_eid(None, "section", f"{first}-{last}", line), level="section",
                    num=f"§§ {first} {conj} {last}", num_norm=f"{first}-{last}",
                    heading=heading, line=line, attrs={"covers": covers})
        if heading and REPEALED.match(heading):
            node.attrs["status"] = "repealed"
        self._place(node, self._close(depth))
        self._open_owner(node)

    def container(self, text: str, depth: int, line: int) -> None:
        sep = SEPARATOR.search(text)
        designation = (text[:sep.start()] if sep else text).strip()
        title = text[sep.end():].strip() if sep else ""
        if not designation:
            raise self.error(f"heading without a designation: {text!r}", line)
        if m := ANNEX.match(designation):
            self._close(0)
            node = Node(eid=self._new_eid(None, "annex", m.group("num"), line), level="annex",
                        num=designation, num_norm=m.group("num"), heading=title or None, line=line)
            self.roots.append(node)
            self._open_owner(node)
            return
        level, rank = UNNAMED
        number: str | None = None
        if m := NUMBERED.match(designation):
            level, rank = KINDS[m.group("kind")]
            number = m.group("num")
        elif m := ORDINAL.match(designation):
            level, rank = KINDS[m.group("kind")]
            value = ordinal_value(m.group("word"))
            number = str(value) if value else None
        elif designation.split()[-1] in KINDS:
            level, rank = KINDS[designation.split()[-1]]
        elif sep is None:   # unnamed groups always come as "Freiheitsstrafe - "
            raise self.error(f"unrecognised heading {text!r}", line)
        parent = self._close(depth, rank)
        eid = self._new_eid(parent, level, number or slug(designation), line)
        if number or title:
            node = Node(eid=eid, level=level, kind=CONTAINER, num=designation, num_norm=number,
                        heading=title or None, line=line)
        else:   # "Freiheitsstrafe - ": the designation is all the heading there is
            node = Node(eid=eid, level=level, kind=CONTAINER, heading=designation, line=line)
        if title and REPEALED.match(title):
            node.attrs["status"] = "repealed"
        self._place(node, parent)
        self.containers.append(_Container(node, rank, depth))
        self.owner, self.frames = None, []

    # -- body ------------------------------------------------------------------

    def body_block(self, block: Block) -> None:
        if block.first == EMPTY_LIST and len(block.lines) == 1:
            return
        if self.owner is None:
            raise self.error("text outside any § (directly under a container heading)", block.line)
        text = unescape(block.joined())
        if m := FOOTNOTE_DEF.match(text):
            self.footnote(m, block)
        elif block.indent == 0 and (m := ABSATZ.match(text)):
            self.absatz(m, text, block)
        elif marker := _list_marker(text):
            self.list_item(*marker, text, block)
        elif BULLET.match(text):
            self._pop_lists(block.indent)
            self.frames.append(_Frame(None, block.indent))
            self.plain(BULLET.sub("", text, count=1), block)
        elif block.indent >= CODE_INDENT and self.frames[-1].marker < 0:
            self.note(text, block)
        else:
            self._pop_lists(block.indent)
            self.plain(text, block)

    def _pop_lists(self, indent: int) -> None:
        while self.frames[-1].marker >= indent:
            self.frames.pop()

    def _holder(self) -> Node:
        return next(f.node for f in reversed(self.frames) if f.node is not None)

    def _child(self, parent: Node, level: str, num_norm: str, block: Block, **kw) -> Node:
        eid = self._new_eid(parent, level, num_norm, block.line)
        node = Node(eid=eid, level=level, num_norm=num_norm, line=block.line, **kw)
        if REPEALED.match(node.text):
            node.attrs["status"] = "repealed"
        elif INAPPLICABLE.match(node.text):
            node.attrs["status"] = "inapplicable"
        attach(parent, node)
        return node

    def absatz(self, m: re.Match, text: str, block: Block) -> None:
        del self.frames[1:]
        node = self._child(self.owner, "paragraph", m.group("num"), block,
                           num=f"({m.group('num')})", text=text[m.end():])
        self.frames.append(_Frame(node, -1))

    def list_item(self, level: str, m: re.Match, text: str, block: Block) -> None:
        self._pop_lists(block.indent)
        holder = self._holder()
        if holder.wrapup and holder.children:
            holder = self._next_list(holder, block)
        num = text[:m.end()].strip()
        node = self._child(holder, level, m.group("num"), block, num=num, text=text[m.end():])
        self.frames.append(_Frame(node, block.indent))

    def _next_list(self, holder: Node, block: Block) -> Node:
        """A list that starts after text following an earlier list of the same holder.

        ("§ 68b Abs. 1: … Nr. 1–12. Das Gericht hat … nur zulässig, wenn 1. … 4. …")
        Its items restart at 1, so they get a node of their own, ``…__list_2``,
        whose text is the text between the lists; the first list stays unwrapped
        so that its items keep the plain eids and citations (``…__para_1__item_1``).
        """
        frame = next(i for i in range(len(self.frames) - 1, -1, -1)
                     if self.frames[i].node is holder)
        base = holder
        if holder.level == "list":   # a third list: a sibling of the second
            frame -= 1
            base = next(f.node for f in reversed(self.frames[:frame + 1]) if f.node is not None)
        number = 1 + sum(1 for c in base.children if c.level == "list") + 1
        intro, holder.wrapup = holder.wrapup, None
        eid = self._new_eid(base, "list", str(number), block.line)
        node = Node(eid=eid, level="list", num_norm=str(number), text=intro, line=block.line)
        if self.owner is not None and self.owner.level == "section":
            node.attrs["satz"] = _satz_number(base, intro)
        base.children.append(node)
        del self.frames[frame + 1:]
        self.frames.append(_Frame(node, self.frames[frame].marker))
        return node

    def plain(self, text: str, block: Block) -> None:
        """Unnumbered text: more of the holder's own text, or its wrapup after a list."""
        holder = self._holder()
        (append_wrapup if holder.children else append_text)(holder, text)

    def note(self, text: str, block: Block) -> None:
        """An indented paragraph outside any list: the converter's footnote text."""
        number = sum(1 for c in self.owner.children if c.level == "note") + 1
        eid = self._new_eid(self.owner, "note", str(number), block.line)
        attach(self.owner, Node(eid=eid, level="note", kind=COMMENTARY, num_norm=str(number),
                                text=text, line=block.line))
        del self.frames[1:]

    def footnote(self, m: re.Match, block: Block) -> None:
        """``[^id]: text`` — the label of the footnote text above (or its own text)."""
        notes = [c for c in self.owner.children if c.level == "note"]
        if m.group("text"):
            self.note(m.group("text"), block)
            self.owner.children[-1].attrs["footnote"] = m.group("id")
        elif notes:
            notes[-1].attrs["footnote"] = m.group("id")
        else:
            raise self.error(f"footnote label [^{m.group('id')}] without footnote text",
                             block.line)

    # -- citations ---------------------------------------------------------------

    def cite(self) -> None:
        suffix = f" {self.short}" if self.short else ""

        def walk(node: Node, parts: list[str]) -> None:
            if node.level in ("section", "annex"):
                parts = [node.num or ""]
            elif node.level in CITE_PART and parts:
                parts = [*parts, f"{CITE_PART[node.level]} {node.num_norm}"]
            elif node.level == "list" and parts and "satz" in node.attrs:
                parts = [*parts, f"Satz {node.attrs['satz']}"]
            else:
                parts = [] if node.kind == CONTAINER else parts
            if parts and node.kind != COMMENTARY and node.kind != CONTAINER:
                node.citation = " ".join(parts) + suffix
            for child in node.children:
                walk(child, parts)

        for root in self.roots:
            walk(root, [])


def _flat_text(node: Node) -> str:
    parts = [node.text]
    parts += [_flat_text(c) for c in node.children if c.kind != COMMENTARY]
    return " ".join(p for p in [*parts, node.wrapup or ""] if p)


def _satz_number(base: Node, intro: str) -> int:
    """Which Satz of ``base`` a list that follows ``intro`` belongs to (sentences ended + 1)."""
    return len(SENTENCE_END.findall(f"{_flat_text(base)} {intro}")) + 1


def _split_labels(block: Block) -> list[Block]:
    """A footnote label line ``[^id]:`` ends the paragraph it is glued to."""
    parts = [Block(block.line, block.indent, [], block.blank_before)]
    for offset, line in enumerate(block.lines):
        if offset and FOOTNOTE_DEF.match(line):
            parts.append(Block(block.line + offset, 0, []))
        parts[-1].lines.append(line)
    return parts


def _list_marker(text: str) -> tuple[str, re.Match] | None:
    for level, pattern in LIST_MARKERS:
        if m := pattern.match(text):
            return level, m
    return None


def _annex_intro_lines(lines: list[str], start: int) -> set[int]:
    """Line numbers of an Anhang's title block printed just before its heading."""
    found: set[int] = set()
    for index in range(start, len(lines)):
        m = HEADING_LINE.match(lines[index]) if lines[index].startswith("#") else None
        if not m or not ANNEX.match(SEPARATOR.split(PLACEHOLDER.sub("", m.group("text")))[0]):
            continue
        end = index - 1
        while end >= start and not lines[end].strip():
            end -= 1
        begin = end
        while (begin - 1 >= start and lines[begin - 1].strip()
               and not lines[begin - 1].startswith("#")):
            begin -= 1
        if begin <= end and ANNEX_INTRO.match(lines[begin]):
            found.update(range(begin + 1, end + 2))
    return found


def _body_text(lines: list[str], start: int, skip: set[int]) -> str:
    """The body with markup removed, line by line, apart from the tree (see module doc)."""
    out: list[str] = []
    in_head = True
    for index in range(start, len(lines)):
        raw = lines[index]
        if index + 1 in skip:
            continue
        m = HEADING_LINE.match(raw) if raw.startswith("#") else None
        if m:
            if len(m.group("hashes")) == 1:
                continue
            in_head = False
            text = PLACEHOLDER.sub("", m.group("text"))
            if not text.startswith("§"):
                text = SEPARATOR.sub(" ", text, count=1)
            out.append(text)
            continue
        if in_head:
            continue
        line = raw.strip()
        if line == EMPTY_LIST:
            continue
        if f := FOOTNOTE_DEF.match(line):
            line = f.group("text")
        out.append(unescape(BULLET.sub("", line, count=1)))
    return "\n".join(out)


register("de-markdown", parse, file_format="markdown", lang="de")
