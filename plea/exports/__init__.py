"""Exports for scholars: reform briefs (Markdown, HTML, DOCX), CSL-JSON and BibTeX,
and provision citations in several styles.

Library entry points (the CLI and the web view call these):

* :func:`plea.exports.brief.render_brief` — a brief as bytes in one format;
* :func:`plea.exports.csl.csl_items` / :func:`plea.exports.bibtex.to_bibtex` —
  every source and reference-list entry;
* :func:`plea.exports.cite.cite` — one provision's citation in a style.
"""
