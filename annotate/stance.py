"""Stance of scholarly sentences: description, critique or proposal.

A sentence is a *proposal* when the author says what the law or practice should
be or do ("the negotiation subjects should be defined as…", "it is necessary
to…", "建议…", "应当…" in the author's own voice); a *critique* when the author
finds fault with the law or practice as it is ("lacks", "fails to",
"insufficient", "流于形式"); otherwise a *description* (of the law, of facts,
of another system, of other scholars' views).

The cues are data, one YAML file per language in ``annotate/stance_patterns/``:

* ``proposal.strong`` — cues that make a proposal wherever they occur;
* ``proposal.weak`` — modal verbs (should, must, 应当) that make a proposal only
  in the author's voice: not when the sentence reports a text or another
  system (``reported``), and not in a section that compares or describes
  (``descriptive_sections``) unless a strong cue is also present;
* ``critique`` — cues of fault-finding;
* ``not_proposal`` — "should" that is not about reform ("should be termed").

This module knows nothing of the database: it splits and classifies text.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import yaml

from plea.corpus.vocab import is_han

from .citations import GROUP, ONE

PATTERNS_DIR = Path(__file__).resolve().parent / "stance_patterns"
STANCES = ("description", "critique", "proposal")

# -- sentences ---------------------------------------------------------------------

# Abbreviations after which a full stop does not end a sentence.
ABBREVIATIONS = {
    "e.g", "i.e", "etc", "cf", "al", "art", "arts", "no", "nos", "p", "pp", "para", "paras",
    "fed", "r", "crim", "evid", "u.s", "u.s.c", "u.s.s.g", "v", "vs", "abs", "nr", "s",
    "mr", "ms", "dr", "prof", "st", "ch", "pt", "subpt", "vol", "ed", "eds", "comment",
}
EN_END = re.compile(r"[.!?](?:[”’\"')\]]*)(?=\s+|$)")
ZH_END = re.compile(r"[。！？!?](?:[”’」』）)]*)")


@dataclass
class Sentence:
    start: int
    end: int
    text: str


def split_sentences(text: str, lang: str = "en") -> list[Sentence]:
    """Sentences of ``text`` with their offsets; whitespace between them is left out.

    English: a sentence ends at . ! ? (and closing quotes) followed by space,
    except after an abbreviation or an initial. An author-date citation that
    follows the full stop ("… counsel. (Chen Wencong, 2021) Additionally …")
    belongs to the sentence before it. Chinese: 。！？ end a sentence.
    """
    lang = (lang or "en").split("-")[0].lower()
    ends = _zh_ends(text) if lang == "zh" else _en_ends(text)
    out: list[Sentence] = []
    pos = 0
    for end in ends + [len(text)]:
        if end <= pos:
            continue
        chunk = text[pos:end]
        lead = len(chunk) - len(chunk.lstrip())
        trail = len(chunk.rstrip())
        if chunk.strip():
            out.append(Sentence(pos + lead, pos + trail, text[pos + lead:pos + trail]))
        pos = end
    return out


def _zh_ends(text: str) -> list[int]:
    return [m.end() for m in ZH_END.finditer(text)]


def _en_ends(text: str) -> list[int]:
    ends: list[int] = []
    for match in EN_END.finditer(text):
        stop = match.start()
        if text[stop] == "." and (_abbreviation_before(text, stop)
                                  or text[max(0, stop - 2):stop] == ".."):
            continue                # "Art. 3", "U.S.", an ellipsis "..."
        end = match.end()
        rest = text[end:]
        nxt = rest.lstrip()
        if nxt and not (nxt[0].isupper() or nxt[0] in "“\"‘'(（[" or nxt[0].isdigit()
                        or is_han(nxt[0])):
            continue
        # A citation right after the stop stays with this sentence.
        group = GROUP.match(nxt)
        if group and all(ONE.match(p) for p in re.split(r"[;；]", group["body"])):
            end += (len(rest) - len(nxt)) + group.end()
        ends.append(end)
    return ends


def _abbreviation_before(text: str, stop: int) -> bool:
    word = re.search(r"(?<![A-Za-z0-9])([A-Za-z][A-Za-z.]*)$", text[:stop])
    if not word:
        return False
    token = word[1].lower()
    if token in ABBREVIATIONS:
        return True
    # An initial ("K. Meng") or a dotted abbreviation ("U.S").
    return len(token) == 1 and token.isalpha() and text[stop - 1].isupper() or "." in token


# -- patterns ----------------------------------------------------------------------

@dataclass
class Cue:
    id: str
    regex: re.Pattern[str]


@dataclass
class Patterns:
    lang: str
    strong: list[Cue] = field(default_factory=list)
    weak: list[Cue] = field(default_factory=list)
    not_proposal: list[Cue] = field(default_factory=list)
    critique: list[Cue] = field(default_factory=list)
    reported: list[Cue] = field(default_factory=list)
    descriptive_sections: list[Cue] = field(default_factory=list)
    topics: dict[str, list[re.Pattern[str]]] = field(default_factory=dict)
    dimension_words: dict[str, list[re.Pattern[str]]] = field(default_factory=dict)


def _cues(items: list, flags: int) -> list[Cue]:
    cues = []
    for n, item in enumerate(items or []):
        if isinstance(item, str):
            item = {"id": f"cue-{n}", "pattern": item}
        cues.append(Cue(item["id"], re.compile(item["pattern"], flags)))
    return cues


@lru_cache(maxsize=None)
def load_patterns(lang: str, directory: str | None = None) -> Patterns:
    """The cue lists of one language (``en``, ``zh``, ``de``)."""
    lang = (lang or "en").split("-")[0].lower()
    path = Path(directory or PATTERNS_DIR) / f"{lang}.yaml"
    if not path.is_file():
        raise ValueError(f"no stance patterns for language {lang!r} ({path})")
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    flags = re.IGNORECASE if data.get("ignore_case", True) else 0
    proposal = data.get("proposal") or {}
    return Patterns(
        lang=lang,
        strong=_cues(proposal.get("strong"), flags),
        weak=_cues(proposal.get("weak"), flags),
        not_proposal=_cues(data.get("not_proposal"), flags),
        critique=_cues(data.get("critique"), flags),
        reported=_cues(data.get("reported"), flags),
        descriptive_sections=_cues(data.get("descriptive_sections"), flags),
        topics={code: [re.compile(p, flags) for p in patterns]
                for code, patterns in (data.get("topics") or {}).items()},
        dimension_words={dim: [re.compile(p, flags) for p in patterns]
                         for dim, patterns in (data.get("dimension_words") or {}).items()},
    )


# -- classification ----------------------------------------------------------------

@dataclass
class Judgement:
    stance: str                  # description | critique | proposal
    cue: str | None = None       # the text that decided it
    rule: str | None = None      # the cue id
    evidence: list[tuple[str, str]] = field(default_factory=list)   # (cue id, text) seen


def _first(cues: list[Cue], text: str) -> tuple[Cue, re.Match] | None:
    best = None
    for cue in cues:
        match = cue.regex.search(text)
        if match and (best is None or match.start() < best[1].start()):
            best = (cue, match)
    return best


def _all(cues: list[Cue], text: str) -> list[tuple[Cue, re.Match]]:
    return [(c, m) for c in cues for m in [c.regex.search(text)] if m]


def classify(sentence: str, lang: str = "en", section: str | None = None,
             patterns: Patterns | None = None) -> Judgement:
    """Stance of one sentence; ``section`` is the heading path it sits under."""
    p = patterns or load_patterns(lang)
    text = _without_quotations(sentence)
    seen: list[tuple[str, str]] = []
    strong = _first(p.strong, text)
    # A modal verb inside quotation marks ("shall generally") quotes a text.
    weak = _first(p.weak, ANY_QUOTED.sub(lambda m: " " * len(m[0]), text))
    blocked = _first(p.not_proposal, text)
    reported = _first(p.reported, text)
    critique = _first(p.critique, text)
    for hit in (strong, weak, blocked, reported, critique):
        if hit:
            seen.append((hit[0].id, hit[1][0]))
    descriptive_section = bool(section and _first(p.descriptive_sections, section))
    if strong and not reported:
        return Judgement("proposal", strong[1][0], strong[0].id, seen)
    if weak and not blocked and not reported and not descriptive_section:
        return Judgement("proposal", weak[1][0], weak[0].id, seen)
    if critique and not reported:
        # Fault found in another system or by other people is reported, not the author's.
        return Judgement("critique", critique[1][0], critique[0].id, seen)
    return Judgement("description", None, None, seen)


ANY_QUOTED = re.compile(r"“[^”]*”|\"[^\"]*\"|「[^」]*」|『[^』]*』")
QUOTED = re.compile(r"“[^”]{30,}”|\"[^\"]{30,}\"|「[^」]{15,}」")


def _without_quotations(text: str) -> str:
    """Long quotations are the quoted text's words, not the author's: blank them.

    Short quoted terms ("shall generally", "favor") stay, since authors use them
    as their own words.
    """
    return QUOTED.sub(lambda m: " " * len(m[0]), text)


# -- topics ------------------------------------------------------------------------

@dataclass
class Topic:
    code: str
    start: int
    end: int
    text: str


def topic_codes(sentence: str, lang: str = "en", patterns: Patterns | None = None) -> list[Topic]:
    """Codebook codes a sentence is about, by the topic cues of its language.

    A fallback for sentences the tagger's tags do not reach; one Topic per code,
    at its first cue.
    """
    p = patterns or load_patterns(lang)
    found = []
    for code, regexes in p.topics.items():
        hits = [m for r in regexes for m in [r.search(sentence)] if m]
        if hits:
            first = min(hits, key=lambda m: m.start())
            found.append(Topic(code, first.start(), first.end(), first[0]))
    return found


def context_codes(sentences: list[str], index: int, own: set[str], lang: str = "en",
                  patterns: Patterns | None = None) -> list[str]:
    """Codes a sentence inherits from the sentences before it in its paragraph.

    Only for a dimension the sentence names without a code of its own ("expand
    the scope of negotiations" after sentences on sentencing and charges).
    """
    p = patterns or load_patterns(lang)
    sentence = sentences[index]
    inherited: list[str] = []
    for dimension, regexes in p.dimension_words.items():
        if not any(r.search(sentence) for r in regexes):
            continue
        if any(code.startswith(dimension + ".") for code in own):
            continue
        for earlier in sentences[:index]:
            for topic in topic_codes(earlier, lang, p):
                if topic.code.startswith(dimension + ".") and topic.code not in inherited:
                    inherited.append(topic.code)
    return inherited
