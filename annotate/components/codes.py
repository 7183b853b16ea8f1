"""``plea_codes``: codes with their evidence span, in ``doc.spans["plea_tags"]``.

A code rule of the cue data fires on a cue when its conditions hold:
- ``context``: the cue's sentence (or the unit) is in an accepted plea context;
- ``require`` / ``exclude``: other words in the clause, sentence, unit, or just
  before / after the cue (a list item's lead-in counts as part of its sentence);
- ``actor`` / ``not_actor``: who acts — the nearest subject mentioned before the
  cue ("人民法院…审查" is judicial review, "人民检察院…审查" is not).
Subject codes follow from ``plea_subjects``: a mention with a role, in a sentence
that is about a plea or carries a scope or behaviour code.
"""
from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc

from ..rules import CodeRule, Condition, load_rules
from ..taxonomy import load_taxonomy
from .modality import modality_at
from .state import DocState, Hit, char_span

STRONG = "plea"                      # the context kind that gives subjects a negotiation
ACTIVATING = ("scope.", "behavior.")  # codes that make a sentence a negotiation on their own
INHERITED_FACTOR = 0.85              # context only from a lead-in: a little less sure
LEAD_IN_FACTOR = 0.7                 # the cue itself only in the lead-in
ROLE_CONFIDENCE = {"default": 0.75}


class PleaCodes:
    def __init__(self, lang: str):
        self.rules = load_rules(lang)
        self.default_roles = {c.id: c.default_role for c in load_taxonomy().codes}

    def __call__(self, doc: Doc) -> Doc:
        state: DocState = doc._.plea
        hits: list[Hit] = []
        unit_kinds = state.unit_kinds
        for rule in self.rules.codes:
            if rule.context != "none" and not (unit_kinds & rule.accept):
                continue
            hits.extend(_fire(state, rule, unit_kinds))
        if hits:
            # Labeling rule 3: a person counts only with a role in something the unit
            # regulates; a unit with no other code gives its subjects nothing to do.
            hits.extend(_subject_hits(state, hits, self.default_roles))
        state.hits = _dedupe(hits)
        spans, seen = [], set()
        for hit in state.hits:
            hit.modality = modality_at(state, hit.start, hit.end)
            span = char_span(doc, hit.start, hit.end, hit.code)
            # Span extensions are keyed by label and token offsets: one span per key.
            if span is None or (span.label_, span.start, span.end) in seen:
                continue
            seen.add((span.label_, span.start, span.end))
            span._.plea = {"start": hit.start, "end": hit.end, "role": hit.role,
                           "modality": hit.modality, "rule_id": hit.rule_id,
                           "confidence": round(hit.confidence, 3)}
            spans.append(span)
        doc.spans["plea_tags"] = spans
        return doc


def _fire(state: DocState, rule: CodeRule, unit_kinds: set[str]) -> list[Hit]:
    out = []
    norm = state.norm
    for m in rule.cue.finditer(norm):
        if m.end() == m.start():
            continue
        si = state.sentence_of(m.start())
        factor = 1.0
        if rule.context != "none":
            kinds = state.sentence_kinds[si] if rule.context == "sentence" else unit_kinds
            if not kinds & rule.accept:
                continue
            own = _own_kinds(state, si) if rule.context == "sentence" else unit_kinds - state.inherited
            if not own & rule.accept:
                factor = INHERITED_FACTOR
        if not _conditions_hold(state, rule, m.start(), m.end(), si):
            continue
        if not _actor_ok(state, rule, m.start(), si):
            continue
        out.append(Hit(rule.code, m.start(), m.end(), rule.id, rule.confidence * factor))
    if rule.inherit and state.lead and not out:
        # "人民法院应当重点审查以下内容：" makes every item under it a matter of judicial
        # review; the evidence is then the whole item.
        if rule.context == "none" or unit_kinds & rule.accept:
            for m in rule.cue.finditer(state.lead):
                if _lead_excluded(state.lead, rule, m.start(), m.end()):
                    continue
                if _lead_actor_ok(state, rule, m.start()):
                    out.append(Hit(rule.code, 0, len(norm), rule.id,
                                   rule.confidence * LEAD_IN_FACTOR))
                    break
    return out


def _lead_excluded(lead: str, rule: CodeRule, start: int, end: int) -> bool:
    for cond in rule.exclude:
        window = cond.window or len(lead)
        text = (lead[max(0, start - window):start] if cond.scope == "before"
                else lead[end:end + window] if cond.scope == "after"
                else lead)
        if cond.regex.search(text):
            return True
    return False


def _lead_actor_ok(state: DocState, rule: CodeRule, pos: int) -> bool:
    """``actor`` / ``not_actor`` for a cue in the lead-in: the last subject named before it."""
    if not rule.actor and not rule.not_actor:
        return True
    last: tuple[int, str] | None = None
    for code, rx in state.rules.subjects.items():
        for m in rx.finditer(state.lead, 0, pos):
            if last is None or m.end() > last[0]:
                last = (m.end(), code)
    codes = {last[1]} if last else set()
    if rule.actor and not codes & rule.actor:
        return False
    return not (rule.not_actor and codes & rule.not_actor)


def _own_kinds(state: DocState, si: int) -> set[str]:
    s, e = state.sentences[si]
    return {k for k, rx in state.rules.context.items() if rx.search(state.norm, s, e)}


def _scope_text(state: DocState, cond: Condition, start: int, end: int, si: int) -> list[str]:
    norm = state.norm
    s_start, s_end = (state.clause_of(start) if cond.within == "clause"
                      else state.sentences[si])
    if cond.scope == "before":
        lo = s_start if cond.window is None else max(s_start, start - cond.window)
        return [norm[lo:start]]
    if cond.scope == "after":
        hi = s_end if cond.window is None else min(s_end, end + cond.window)
        return [norm[end:hi]]
    if cond.scope == "near":
        window = cond.window or 60
        texts = [norm[max(s_start, start - window):min(s_end, end + window)]]
        if state.lead:
            texts.append(state.lead[-window:])   # the end of the lead-in the item completes
        return texts
    if cond.scope == "clause":
        c_start, c_end = state.clause_of(start)
        texts = [norm[c_start:c_end]]
    elif cond.scope == "sentence":
        texts = [norm[slice(*state.sentences[si])]]
    else:
        texts = [norm]
    if state.lead:
        texts.append(state.lead)       # a list item completes its lead-in's sentence
    return texts


def _conditions_hold(state: DocState, rule: CodeRule, start: int, end: int, si: int) -> bool:
    for cond in rule.require:
        if not any(cond.regex.search(t) for t in _scope_text(state, cond, start, end, si)):
            return False
    for cond in rule.exclude:
        texts = _scope_text(state, cond, start, end, si)
        texts = texts[:1]              # exclusions look at the unit's own words only
        if any(cond.regex.search(t) for t in texts):
            return False
    return True


def _actor(state: DocState, start: int, si: int):
    """Who acts at ``start``: the nearest subject before it in the sentence, else before it
    in the unit ("…人民检察院应当…。经审查，认为…"), else the first subject after it in
    the sentence that a modal or review verb makes an actor ("经审查，…人民检察院可以…")."""
    # A subject with an actor's role beats one that only receives ("建议人民法院…").
    before = [m for m in state.mentions if m.end <= start]
    acting = [m for m in before if m.role in ("default", "reviewer", "party")]
    for group in ([m for m in acting if m.sentence == si], acting,
                  [m for m in before if m.sentence == si], before):
        if group:
            return group[-1]
    after = [m for m in state.mentions if m.sentence == si and m.start >= start
             and m.role in ("default", "reviewer")]
    return after[0] if after else None


def _actor_ok(state: DocState, rule: CodeRule, start: int, si: int) -> bool:
    if not rule.actor and not rule.not_actor:
        return True
    actor = _actor(state, start, si)
    codes = set(actor.codes) if actor is not None else set()
    if rule.actor and not codes & rule.actor:
        return False
    return not (rule.not_actor and codes & rule.not_actor)


def _subject_hits(state: DocState, hits: list[Hit], default_roles: dict) -> list[Hit]:
    if not state.mentions:
        return []
    active = {i for i, kinds in enumerate(state.sentence_kinds) if STRONG in kinds}
    active |= {state.sentence_of(h.start) for h in hits if h.code.startswith(ACTIVATING)
               and h.end - h.start < len(state.norm)}
    out = []
    for m in state.mentions:
        if m.role is None:
            continue
        if m.sentence not in active and not set(m.codes) & state.rules.standalone:
            continue
        conf = ROLE_CONFIDENCE.get(m.role, 0.85)
        if STRONG not in _own_kinds(state, m.sentence) and STRONG in state.inherited:
            conf *= INHERITED_FACTOR
        for code in m.codes:
            role = m.role if m.role != "default" else default_roles.get(code)
            out.append(Hit(code, m.start, m.end, m.role_rule or "", conf, role=role))
    return out


def _dedupe(hits: list[Hit]) -> list[Hit]:
    best: dict[tuple[str, int, int], Hit] = {}
    for h in hits:
        key = (h.code, h.start, h.end)
        if key not in best or h.confidence > best[key].confidence:
            best[key] = h
    return sorted(best.values(), key=lambda h: (h.start, h.end, h.code))


@Language.factory("plea_codes", default_config={"lang": "en"})
def make_plea_codes(nlp: Language, name: str, lang: str) -> PleaCodes:
    return PleaCodes(lang)
