"""`plea add FILE`: a downloaded text into your own manifest, its format and layout detected."""
from __future__ import annotations

from pathlib import Path

import click

from plea.corpus import vocab
from plea.corpus.errors import ConfigError

from ..options import manifest_option, sources_option


@click.command()
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("--work", help="Work id (works.yaml), e.g. cn-go-leniency-2019; inferred from "
                             "the title when works.yaml knows it, else asked.")
@click.option("--format", "parser",
              help="Parser, when detection should not decide: cn-guiding, cn-translation, "
                   "cn-markdown, … (the modules of corpus/parsers/; an unknown name lists "
                   "them all).")
@click.option("--id", "source_id", help="Source id (default: the work id, which replaces a "
                                        "shipped entry listed as missing).")
@click.option("--title", help="Title as printed (default: read from the file, else asked).")
@click.option("--title-en", help="English title.")
@click.option("--short-title", help="Short title used in citations (指导意见, 刑事诉讼法, StPO).")
@click.option("--short-title-en", help="English short title for ¶ citations (Guiding Opinions).")
@click.option("--jurisdiction", type=click.Choice(vocab.jurisdiction_codes()),
              help="Legal system the text belongs to (default: CN for Chinese layouts).")
@click.option("--kind", help="statute, judicial-interpretation, procuratorate-rule, "
                             "normative-document, court-rule, scholarship, … (default: guessed).")
@click.option("--language", type=click.Choice(vocab.language_tags()),
              help="Language and script of the text (default: detected).")
@click.option("--version", "version_", help="Version of the text (default: the year of --date).")
@click.option("--date", help="Date issued or in force, YYYY-MM-DD (default: the notice's "
                             "date, else asked).")
@click.option("--translation-of", help="Source id this file translates (e.g. cn-cpl-2018); "
                                       "its provisions are aligned by article and paragraph.")
@click.option("--url", help="Official URL.")
@click.option("--provenance", help="Where the file came from.")
@click.option("--yes", "-y", is_flag=True, help="Do not ask: fail on anything not inferred.")
@sources_option
@manifest_option
def add(file, work, parser, source_id, title, title_en, short_title, short_title_en,
        jurisdiction, kind, language, version_, date, translation_of, url, provenance, yes,
        sources_dir, manifest):
    """Add a source FILE you obtained (a saved web page, Word file, PDF with a text layer,
    text or Markdown) to your manifest so the next build includes it. Shows what it found
    (counts, first and last paragraph, numbering problems) and asks for what it could not
    infer (work id, title, date)."""
    from plea.corpus.sources import (BUILTIN_MANIFEST, add_source, read_manifest,
                                resolve_sources_dir, user_manifest_path)
    from plea.intake import check_date, english_short_title, guess_kind, inspect_file

    path = Path(file)
    found = inspect_file(path, parser=parser, short_title=short_title,
                         short_title_en=short_title_en)
    for line in found.lines():
        click.echo(line)

    def ask(label: str, value, example: str = ""):
        if value:
            return value
        if yes:
            raise ConfigError(f"{path}: could not infer the {label}; pass --{label.split()[0]}")
        try:
            return click.prompt(f"{label.capitalize()}{f' (e.g. {example})' if example else ''}")
        except click.exceptions.Abort:
            raise ConfigError(f"{path}: no {label} given; pass --{label.split()[0]}") from None

    work = ask("work id", work or found.work, "cn-go-leniency-2019")
    title = ask("title", title or found.title)
    if found.parser in ("cn-guiding",):
        date = ask("date (YYYY-MM-DD)", date or found.date, "2019-10-24")
    if date:
        check_date(date)
    source_id = source_id or work
    # A shipped entry listed as missing (the Guiding Opinions) gives what the file cannot.
    shipped = next((s for s in read_manifest(BUILTIN_MANIFEST) if s.id == source_id), None)
    try:
        base = resolve_sources_dir(sources_dir)
    except ConfigError:
        base = None
    target = user_manifest_path(manifest)
    language = language or found.language or (shipped.language if shipped else None)
    if not language:
        language = ask("language", None, "zh-Hans")
    jurisdiction = jurisdiction or (shipped.jurisdiction if shipped else None) or (
        "TW" if language == "zh-Hant" else "CN" if language.startswith("zh") or
        found.parser in ("cn-guiding", "cn-translation") else None)
    if not jurisdiction:
        jurisdiction = ask("jurisdiction", None, "CN")
    options = {}
    st_en = short_title_en or found.short_title_en or (
        english_short_title(work) if found.parser == "cn-guiding" else None)
    if st_en:
        options["short_title_en"] = st_en
    extra = {
        "title_en": title_en or (shipped.title_en if shipped else None),
        "short_title": short_title or found.short_title or (shipped.short_title if shipped
                                                             else None),
        "issuer": "、".join(found.issuers) or (shipped.issuer if shipped else None),
        "doc_number": found.doc_number,
        "version": version_ or (date[:4] if date else None) or (shipped.version if shipped
                                                                 else None),
        "in_force": date, "url": url or (shipped.url if shipped else None),
        "provenance": provenance,
        "translation_of": translation_of or (shipped.translation_of if shipped else None),
        "supplies": shipped.supplies if shipped else None,
        "options": options,
        "expected": _expected(found),
    }
    source = add_source(path, source_id=source_id, work=work, parser=found.parser, title=title,
                        jurisdiction=jurisdiction,
                        kind=kind or (shipped.kind if shipped else None) or guess_kind(found),
                        language=language, sources_dir=base, manifest=target,
                        file_format=_manifest_format(found.input_format), **extra)
    click.echo(f"Added {source.id} ({source.files[0].path}) to {target}. "
               "Run `plea build` to include it.")


def _manifest_format(fmt: str) -> str:
    return fmt if fmt in ("markdown", "xml", "html", "json", "text", "docx", "pdf") else "text"


def _expected(found) -> dict:
    """The counts the file's own numbering gives, checked at every build from now on."""
    return {"article": found.counts["article"]} if found.counts.get("article") else {}


COMMANDS = [add]
