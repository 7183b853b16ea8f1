"""The brief in Markdown."""
from __future__ import annotations

import re

from plea.corpus.vocab import jurisdiction_name

from .model import STANCE_TITLES, Brief, attrs_line

MD_SPECIAL = re.compile(r"([\\`*_\[\]<>|#])")


def md_escape(text: str) -> str:
    """Backslash-escape Markdown's special characters, so a quotation renders as written."""
    return MD_SPECIAL.sub(r"\\\1", text)


def md_unescape(text: str) -> str:
    return re.sub(r"\\([\\`*_\[\]<>|#])", r"\1", text)



def _md_quote(text: str) -> list[str]:
    return ["> " + md_escape(line) if line else ">" for line in text.split("\n")]


def render_markdown(brief: Brief) -> str:
    out = [f"# {md_escape(brief.title)}", ""]
    out.append(f"Jurisdictions: {', '.join(f'{jurisdiction_name(j)} ({j})' for j in brief.jurisdictions)}. "
               f"Generated {brief.generated} by plea-corpus. Quotations are the corpus text "
               "verbatim; the notes give each one's full citation and corpus id.")
    out.append("")
    for w in brief.warnings:
        out += [f"> **Note:** {md_escape(w)}", ""]
    for table in brief.summary:
        out += [f"## Summary: {md_escape(table.title)}", ""]
        out.append("| | " + " | ".join(jurisdiction_name(j)
                                          for j in table.jurisdictions) + " |")
        out.append("|---" * (len(table.jurisdictions) + 1) + "|")
        for label, cells in table.rows:
            out.append(f"| {md_escape(label)} | " + " | ".join(md_escape(c) for c in cells) + " |")
        out.append("")
    for section in brief.sections:
        info = section.info
        label = f"{info.label_en} ({info.label_zh})" if info.label_zh else info.label_en or info.code
        out += [f"## {md_escape(label)}", ""]
        if info.definition:
            out += [f"*{md_escape(info.definition)}*", ""]
        out += ["### The law", ""]
        for j, quotes in section.law.items():
            out += [f"#### {jurisdiction_name(j)} ({j})", ""]
            if not quotes:
                out += ["No provision in the corpus carries this code.", ""]
            for q in quotes:
                if q.repeat:
                    out += [f"{md_escape(q.citation)}{attrs_line(q)}, quoted above.[^{q.note}]", ""]
                    continue
                out += _md_quote(q.text)
                out += [">", f"> — {md_escape(q.citation)}{attrs_line(q)}[^{q.note}]", ""]
                if q.translation:
                    out += [f"English translation ({md_escape(q.translation.citation)}):", ""]
                    out += _md_quote(q.translation.text)
                    out += [">", f"> — {md_escape(q.translation.citation)}[^{q.translation.note}]", ""]
        if section.contrasts:
            out += ["### Contrast", ""]
            for c in section.contrasts:
                out.append(f"**{c.a.jurisdiction} – {c.b.jurisdiction}**")
                out.append("")
                out += [f"- {md_escape(line)}" for line in c.summary]
                out.append("")
        if section.critiques or section.proposals:
            out += ["### Scholarship", ""]
            for stance, claims in (("critique", section.critiques), ("proposal", section.proposals)):
                if not claims:
                    continue
                out += [f"#### {STANCE_TITLES[stance]}", ""]
                for c in claims:
                    out += _md_quote(c.text)
                    tail = f"> — {md_escape(c.citation)}[^{c.note}]"
                    if c.targets:
                        tail += " · would change: " + "; ".join(md_escape(t) for t in c.targets)
                    out += [">", tail, ""]
    if brief.extra:
        out += ["## Further provisions selected", ""]
        for q in brief.extra:
            out += _md_quote(q.text)
            out += [">", f"> — {md_escape(q.citation)}[^{q.note}]", ""]
    out += ["## Notes", ""]
    out += [f"[^{n}]: {md_escape(note.text)} Corpus id: `{note.corpus_id}`."
            for n, note in enumerate(brief.notes, start=1)]
    out.append("")
    out += ["## Bibliography", ""]
    if brief.bibliography_law:
        out += ["### Legal sources", ""] + [f"- {md_escape(b)}" for b in brief.bibliography_law] + [""]
    if brief.bibliography_scholarship:
        out += ["### Scholarship", ""] + [f"- {md_escape(b)}" for b in brief.bibliography_scholarship] + [""]
    return "\n".join(out).rstrip() + "\n"


