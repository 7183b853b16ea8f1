"""``plea_subjects``: who is mentioned, and in what role (labeling rule 3).

Mentions come from the subject lexicon; adjacent mentions joined by "、", "或者",
"and", "und" … form one group, so "听取犯罪嫌疑人、辩护人或者值班律师的意见" gives
the same role to all three. Each group is replaced by a placeholder in a masked
copy of the text and the role templates of the cue data (``{S}`` = a group) are
matched against it; when several match, the most specific role wins (PRECEDENCE).
A mention no template matches has no role and never becomes a tag.
"""
from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc

from ..rules import SUBJECT_MARK, load_rules
from .state import DocState, Mention, char_span

# When templates disagree, the more specific role wins.
PRECEDENCE = ("excluded", "witness", "consulted", "informed", "reviewer", "party", "default")


class PleaSubjects:
    def __init__(self, lang: str):
        self.rules = load_rules(lang)

    def __call__(self, doc: Doc) -> Doc:
        state: DocState = doc._.plea
        if not state.unit_kinds:
            # No plea context anywhere: no subject can have a role in a negotiation.
            doc.spans["plea_subjects"] = []
            return doc
        state.mentions = find_mentions(state)
        assign_roles(state)
        spans = []
        for m in state.mentions:
            for code in m.codes:
                span = char_span(doc, m.start, m.end, code)
                if span is not None:
                    span._.plea = {"start": m.start, "end": m.end, "role": m.role,
                                   "rule_id": m.role_rule}
                    spans.append(span)
        doc.spans["plea_subjects"] = spans
        return doc


def find_mentions(state: DocState) -> list[Mention]:
    rules, norm = state.rules, state.norm
    found: list[tuple[int, int, str | None]] = []
    for code, rx in rules.subjects.items():
        found.extend((m.start(), m.end(), code) for m in rx.finditer(norm) if m.end() > m.start())
    if rules.subject_ignore is not None:
        # Ignored phrases ("court reporter") take part in the overlap contest, then vanish.
        found.extend((m.start(), m.end(), None) for m in rules.subject_ignore.finditer(norm))
    found.sort(key=lambda t: (t[0], t[0] - t[1]))
    kept: list[Mention] = []
    ignored_end = -1
    for start, end, code in found:
        if kept and start == kept[-1].start and end == kept[-1].end and code:
            if code not in kept[-1].codes:       # one phrase, two subjects (控辩双方)
                kept[-1].codes += (code,)
            continue
        if start < max(ignored_end, kept[-1].end if kept else -1):
            continue                             # inside a longer mention
        if code is None:
            ignored_end = end
            continue
        if rules.subject_negation is not None and rules.subject_negation.search(
                norm, max(0, start - 8), start):
            continue                             # "没有辩护人的" describes an absence
        kept.append(Mention(start, end, (code,), state.sentence_of(start)))
    det = rules.subject_determiner
    if det is not None:
        # "the court", "des Gerichts": the article belongs to the mention (found separately
        # because an optional prefix in every pattern makes the search slow).
        floor = 0
        for m in kept:
            found = det.search(norm, max(floor, m.start - 20), m.start)
            if found:
                m.start = found.start()
            floor = m.end
    _group(state, kept)
    return kept


def _group(state: DocState, mentions: list[Mention]) -> None:
    """Mentions joined by the language's list words form one group (one role). A list
    closes with its conjunction: after "the court and the government", a mention behind a
    bare comma starts a clause of its own ("With the consent of the court and the
    government, a defendant may enter a conditional plea" — FRCrP 11(a)(2): the defendant
    pleads, the other two consent)."""
    join = state.rules.subject_join
    group, closed = -1, False
    for i, m in enumerate(mentions):
        prev = mentions[i - 1] if i else None
        gap = state.norm[prev.end:m.start] if prev is not None else ""
        bare = not any(ch.isalnum() for ch in gap)
        # a comma, not the enumeration comma 、 that Chinese lists use after 或者/及
        if (prev is not None and prev.sentence == m.sentence
                and join.fullmatch(state.norm, prev.end, m.start)
                and not (closed and gap.strip() in (",", "，"))):
            m.group = prev.group
            closed = closed or not bare
        else:
            group += 1
            m.group = group
            closed = False


def assign_roles(state: DocState) -> None:
    mentions = state.mentions
    if not mentions:
        return
    spans: dict[int, tuple[int, int]] = {}
    for m in mentions:
        s, e = spans.get(m.group, (m.start, m.end))
        spans[m.group] = (min(s, m.start), max(e, m.end))
    chars = list(state.norm)
    for s, e in spans.values():
        chars[s:e] = SUBJECT_MARK * (e - s)
    masked = "".join(chars)
    best: dict[int, tuple[int, str, str]] = {}       # mention index -> (rank, role, rule)
    for tpl in state.rules.roles:
        rank = PRECEDENCE.index(tpl.role)
        for regex in tpl.regexes:
            for m in regex.finditer(masked):
                s, e = m.span("S")
                for i, mention in enumerate(mentions):
                    gs, ge = spans[mention.group]
                    if gs < e and s < ge and tpl.applies_to(mention.codes):
                        if i not in best or rank < best[i][0]:
                            best[i] = (rank, tpl.role, tpl.id)
    for i, (_, role, rule) in best.items():
        mentions[i].role, mentions[i].role_rule = role, rule


@Language.factory("plea_subjects", default_config={"lang": "en"})
def make_plea_subjects(nlp: Language, name: str, lang: str) -> PleaSubjects:
    return PleaSubjects(lang)
