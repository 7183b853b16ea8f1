"""The brief as one HTML page (styles inline, notes at the end)."""
from __future__ import annotations

import html

from plea.corpus.vocab import jurisdiction_name

from .model import STANCE_TITLES, Brief, attrs_line

CSS = """
body { font-family: "Noto Serif", "Noto Serif CJK SC", "Source Han Serif SC", SimSun, serif;
       max-width: 46rem; margin: 2rem auto; line-height: 1.55; padding: 0 1rem; color: #222; }
blockquote { margin: 1rem 0; padding: .2rem 1rem; border-left: 3px solid #999; background: #f7f7f7; }
blockquote p.quote { white-space: pre-wrap; margin: .3rem 0; }
p.cite { margin: .2rem 0 .6rem; font-size: .92em; }
code { font-size: .9em; } .meta { color: #555; font-size: .92em; }
ol.notes li, ul.bib li { font-size: .92em; margin-bottom: .3rem; }
.warning { border: 1px solid #c90; padding: .5rem 1rem; background: #fff8e6; }
div.pair { display: grid; grid-template-columns: 1fr 1fr; gap: 1rem; }
table.summary { border-collapse: collapse; font-size: .9em; }
table.summary th, table.summary td { border: 1px solid #bbb; padding: .3rem .5rem; vertical-align: top; }
"""


def _e(text: str) -> str:
    return html.escape(text, quote=True)


def _html_quote(text: str, lang: str, citation: str, note: int, extra: str = "",
                cls: str = "law") -> list[str]:
    lang_attr = f' lang="{_e(lang)}"' if lang else ""
    return [f'<blockquote class="{cls}"{lang_attr}>',
            f'<p class="quote">{_e(text)}</p>',
            f'<p class="cite">— <span class="citation">{_e(citation)}</span>{_e(extra)}'
            f'<sup><a href="#note-{note}" id="ref-{note}">{note}</a></sup></p>',
            "</blockquote>"]


def render_html(brief: Brief) -> str:
    out = ["<!DOCTYPE html>", '<html lang="en">', "<head>", '<meta charset="utf-8">',
           f"<title>{_e(brief.title)}</title>", f"<style>{CSS}</style>", "</head>", "<body>",
           f"<h1>{_e(brief.title)}</h1>",
           f'<p class="meta">Jurisdictions: {_e(", ".join(brief.jurisdictions))}. Generated '
           f"{_e(brief.generated)} by plea-corpus. Quotations are the corpus text verbatim; the "
           "notes give each one's full citation and corpus id.</p>"]
    out += [f'<p class="warning">{_e(w)}</p>' for w in brief.warnings]
    for table in brief.summary:
        out.append(f'<h2>Summary: {_e(table.title)}</h2><table class="summary"><thead><tr><th></th>'
                   + "".join(f"<th>{_e(jurisdiction_name(j))}</th>"
                             for j in table.jurisdictions) + "</tr></thead><tbody>")
        for label, cells in table.rows:
            out.append(f"<tr><th>{_e(label)}</th>" + "".join(f"<td>{_e(c)}</td>" for c in cells)
                       + "</tr>")
        out.append("</tbody></table>")
    for section in brief.sections:
        info = section.info
        out.append(f'<section class="code" id="{_e(info.code)}">')
        out.append(f"<h2>{_e(info.label_en or info.code)}"
                   + (f' (<span lang="zh">{_e(info.label_zh)}</span>)' if info.label_zh else "")
                   + "</h2>")
        if info.definition:
            out.append(f"<p><em>{_e(info.definition)}</em></p>")
        out.append("<h3>The law</h3>")
        for j, quotes in section.law.items():
            out.append(f"<h4>{_e(jurisdiction_name(j))} ({_e(j)})</h4>")
            if not quotes:
                out.append("<p>No provision in the corpus carries this code.</p>")
            for q in quotes:
                if q.repeat:
                    out.append(f'<p class="again">{_e(q.citation)}{_e(attrs_line(q))}, quoted above.'
                               f'<sup><a href="#note-{q.note}" id="ref-{q.note}">{q.note}</a></sup></p>')
                    continue
                if q.translation:     # the English beside the original
                    t = q.translation
                    out.append('<div class="pair">')
                    out += _html_quote(q.text, q.lang, q.citation, q.note, attrs_line(q))
                    out += _html_quote(t.text, t.lang, t.citation, t.note, cls="law translation")
                    out.append("</div>")
                    continue
                out += _html_quote(q.text, q.lang, q.citation, q.note, attrs_line(q))
        if section.contrasts:
            out.append("<h3>Contrast</h3>")
            for c in section.contrasts:
                out.append(f"<p><strong>{_e(c.a.jurisdiction)} – {_e(c.b.jurisdiction)}</strong></p><ul>")
                out += [f"<li>{_e(line)}</li>" for line in c.summary]
                out.append("</ul>")
        if section.critiques or section.proposals:
            out.append("<h3>Scholarship</h3>")
            for stance, claims in (("critique", section.critiques), ("proposal", section.proposals)):
                if claims:
                    out.append(f"<h4>{STANCE_TITLES[stance]}</h4>")
                for c in claims:
                    extra = (" · would change: " + "; ".join(c.targets)) if c.targets else ""
                    out += _html_quote(c.text, c.lang, c.citation, c.note, extra, cls=c.stance)
        out.append("</section>")
    if brief.extra:
        out.append("<h2>Further provisions selected</h2>")
        for q in brief.extra:
            out += _html_quote(q.text, q.lang, q.citation, q.note)
    out.append('<h2>Notes</h2><ol class="notes">')
    out += [f'<li id="note-{n}">{_e(note.text)} Corpus id: <code>{_e(note.corpus_id)}</code>. '
            f'<a href="#ref-{n}">↩</a></li>' for n, note in enumerate(brief.notes, start=1)]
    out.append("</ol><h2>Bibliography</h2>")
    for heading, items in (("Legal sources", brief.bibliography_law),
                           ("Scholarship", brief.bibliography_scholarship)):
        if items:
            out.append(f'<h3>{heading}</h3><ul class="bib">')
            out += [f"<li>{_e(b)}</li>" for b in items]
            out.append("</ul>")
    out += ["</body>", "</html>"]
    return "\n".join(out) + "\n"


