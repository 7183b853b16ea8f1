"""Highlighted text as HTML, escaped piece by piece: the one hot loop of the pages.

A provision page can hold a thousand pieces (Rule 11 with its Advisory Committee
notes and their references); looping over them in a Jinja macro costs more than
everything else on the page. These filters build the same markup in Python,
passing every value — source text, titles, classes and links alike — through
markupsafe's ``escape`` first, so nothing from the database reaches the page
unescaped.
"""
from __future__ import annotations

from typing import Iterable

from markupsafe import Markup, escape


def text_html(pieces: Iterable[dict]) -> Markup:
    """Pieces from pages.pieces: tags as <mark>, references as links."""
    out = []
    for p in pieces:
        text = escape(p["text"])
        if p.get("cls"):
            text = (f'<mark class="{escape(p["cls"])}" data-codes="{escape(p.get("codes", ""))}" '
                    f'title="{escape(p.get("title", ""))}">{text}</mark>')
        if p.get("href"):
            text = (f'<a class="ref" href="{escape(p["href"])}" '
                    f'title="{escape(p.get("ref_title", ""))}">{text}</a>')
        elif p.get("ref_title"):
            text = f'<span class="ref unresolved" title="{escape(p["ref_title"])}">{text}</span>'
        out.append(text)
    # Every piece of database text above went through escape(): safe to mark.
    return Markup("".join(out))


def hits_html(segments) -> Markup:
    """Search snippets (highlight.snippet): hits as <mark class="hit">."""
    return Markup("".join(f'<mark class="hit">{escape(s.text)}</mark>' if s.spans
                          else str(escape(s.text)) for s in segments))


FILTERS = {"plea_text": text_html, "plea_hits": hits_html}
