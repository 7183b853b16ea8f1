"""A synthetic corpus N times the size of the real one, in the real formats.

    .venv/bin/python benchmarks/scale_corpus.py OUT_DIR [--scale 100]

Writes Chinese statutes (LawRefBook Markdown, parser ``cn-markdown``), German statutes
(bundestag/gesetze Markdown, ``de-markdown``) and US Code chapters (``usc-markdown``, a file per section), about
a thousand provisions a source, until the provisions reach ``scale`` × 23,753 (the real
corpus), with a manifest ``OUT_DIR/manifest.toml`` for ``plea build --manifest``.
Articles mix plea passages (consultation, sentencing recommendations, waivers, the
court's review, exclusions — sentences written for this benchmark, not taken from any
law) with ordinary procedural text, and cite other articles, so tagging and references
do real work. The output is generated at benchmark time, in a temporary directory;
never commit it. Same arguments, same files (a fixed seed).
"""
from __future__ import annotations

import argparse
import random
from pathlib import Path

REAL_PROVISIONS = 23_753
# The real corpus: about one reference per provision, plea passages in a minority of
# articles (most of a procedure code is about other things).
PLEA_SHARE = 0.12
CITE_SHARE = 0.9

ZH_PLEA = [
    "犯罪嫌疑人认罪认罚的，人民检察院应当听取值班律师关于从宽幅度的意见，并将意见记录在案。",
    "被告人同意量刑建议并签署具结书的，人民检察院应当在提起公诉时一并移送具结书。",
    "人民法院审查认罪认罚的自愿性，应当当庭询问被告人是否受到威胁、引诱或者欺骗。",
    "辩护人认为量刑建议明显不当的，可以在开庭前向人民检察院提出书面意见。",
    "被告人在一审判决前撤回认罪认罚的，人民法院应当依照普通程序重新审理。",
    "认罪认罚案件适用速裁程序的，一般不进行法庭调查和法庭辩论，但应当听取被告人的最后陈述。",
    "被害人的意见应当在协商量刑建议时予以考虑，并告知其享有的诉讼权利。",
]
ZH_PLAIN = [
    "期间以时、日、月计算；期间开始的时和日不计算在期间以内。",
    "证人应当如实提供证言，有意作伪证或者隐匿罪证的，应当依法处理。",
    "送达诉讼文书，应当由收件人本人签名或者盖章。",
    "鉴定人进行鉴定后，应当写出鉴定意见，并且签名。",
    "勘验、检查的情况应当写成笔录，由参加勘验、检查的人和见证人签名或者盖章。",
]
ZH_ITEMS = ["被告人是未成年人，其法定代理人对认罪认罚有异议的；",
            "被告人的行为不构成犯罪或者不应当追究刑事责任的；",
            "其他不宜适用认罪认罚从宽的情形。"]

DE_PLEA = [
    "Vor seiner Zustimmung zu einer Verständigung ist der Angeklagte auf die Folgen eines "
    "späteren Widerrufs hinzuweisen.",
    "Das Gericht gibt bekannt, welchen Strafrahmen es im Falle eines Geständnisses für "
    "angemessen hält; die Staatsanwaltschaft erhält Gelegenheit zur Stellungnahme.",
    "Eine Verständigung über den Schuldspruch findet nicht statt; § 257c Abs. 2 gilt "
    "entsprechend.",
    "Der wesentliche Inhalt jeder Erörterung über die Möglichkeit einer Verständigung ist "
    "in das Protokoll aufzunehmen.",
]
DE_PLAIN = [
    "Die Frist beginnt mit der Zustellung des Beschlusses.",
    "Zeugen sind einzeln und in Abwesenheit der später zu hörenden Zeugen zu vernehmen.",
    "Die Akten sind dem Gericht unverzüglich vorzulegen.",
    "Über die Beschwerde entscheidet das Gericht durch Beschluss.",
]
EN_PLEA = [
    "The court shall not accept a plea agreement unless the defendant has been told in open "
    "court that a recommended sentence does not bind the judge.",
    "An attorney for the government may agree to move to dismiss other charges in exchange "
    "for a plea of guilty, as provided in Rule 11(c)(1)(A).",
    "Before accepting a plea of guilty, the court shall address the defendant personally and "
    "determine that the plea is voluntary and did not result from threats or promises.",
    "Defense counsel shall inform the defendant of any plea offer made by the government.",
]
EN_PLAIN = [
    "The clerk shall keep a record of each proceeding under this section.",
    "A copy of the order shall be served on each party.",
    "The time limits of this subsection may be extended for good cause.",
    "Any party may file a written response within 14 days after service.",
]

CN_DIGITS = "零一二三四五六七八九"


def cn_number(n: int) -> str:
    """1 → 一, 15 → 十五, 120 → 一百二十, 305 → 三百零五 (as statutes print them)."""
    if n < 10:
        return CN_DIGITS[n]
    if n < 20:
        return "十" + (CN_DIGITS[n % 10] if n % 10 else "")
    if n < 100:
        return CN_DIGITS[n // 10] + "十" + (CN_DIGITS[n % 10] if n % 10 else "")
    rest = n % 100
    head = CN_DIGITS[n // 100] + "百"
    if rest == 0:
        return head
    if rest < 10:
        return head + "零" + CN_DIGITS[rest]
    if rest < 20:
        return head + "一十" + (CN_DIGITS[rest % 10] if rest % 10 else "")
    return head + cn_number(rest)


def zh_statute(rnd: random.Random, title: str, articles: int) -> str:
    out = [f"# {title}", "", "2020年1月1日 示范立法机关会议通过", "", "<!-- INFO END -->", ""]
    per_chapter = 30
    for a in range(1, articles + 1):
        if a % per_chapter == 1:
            chapter = a // per_chapter + 1
            out += [f"## 第{cn_number(chapter)}章 第{cn_number(chapter)}部分规定", ""]
        plea = rnd.random() < PLEA_SHARE
        pool = ZH_PLEA if plea else ZH_PLAIN
        first = rnd.choice(pool)
        if a > 3 and rnd.random() < CITE_SHARE:
            first = f"依照本法第{cn_number(rnd.randint(1, a - 1))}条的规定，" + first
        out += [f"第{cn_number(a)}条 {first}", ""]
        for _ in range(rnd.randint(0, 2)):
            extra = rnd.choice(pool)
            if a > 3 and rnd.random() < CITE_SHARE:
                extra += f"本法第{cn_number(rnd.randint(1, a - 1))}条另有规定的除外。"
            out += [extra, ""]
        if plea and rnd.random() < 0.3:
            out += ["有下列情形之一的，不适用本条规定：", ""]
            for i, item in enumerate(ZH_ITEMS, 1):
                out += [f"（{cn_number(i)}）{item}", ""]
    return "\n".join(out) + "\n"


def de_statute(rnd: random.Random, title: str, abbr: str, sections: int) -> str:
    out = ["---", f"Title: {title}", f"jurabk: {abbr}", "layout: default",
           f"slug: {abbr.lower()}", "", "---", "", f"# {title} ({abbr})", "",
           "Ausfertigungsdatum", ":   2001-02-03", ""]
    for s in range(1, sections + 1):
        if s % 40 == 1:
            out += [f"## Abschnitt {s // 40 + 1} - Verfahren", "", ""]
        plea = rnd.random() < PLEA_SHARE
        pool = DE_PLEA if plea else DE_PLAIN
        out += [f"#### § {s} Vorschrift {s}", ""]
        for para in range(1, rnd.randint(1, 4) + 1):
            text = rnd.choice(pool)
            if s > 2 and rnd.random() < CITE_SHARE:
                text += f" § {rnd.randint(1, s - 1)} bleibt unberührt."
            out += [f"({para}) {text}", ""]
    return "\n".join(out) + "\n"


def us_sections(rnd: random.Random, title_no: int, chapter: int, sections: int
                ) -> list[str]:
    """One file per section, as the US Code chunk format has it (the build merges a
    source's files by eid)."""
    files = []
    for s in range(1, sections + 1):
        num = chapter * 1000 + s
        plea = rnd.random() < PLEA_SHARE
        pool = EN_PLEA if plea else EN_PLAIN
        out = [f"# Title {title_no}— SYNTHETIC PROCEDURE", f"### CHAPTER {chapter}— PLEAS",
               f"#### § {num}. Section {num}", "###### (a) In general .", "",
               rnd.choice(pool), ""]
        for para in range(1, rnd.randint(0, 3) + 1):
            text = rnd.choice(pool)
            if s > 1 and rnd.random() < CITE_SHARE:
                text += f" This paragraph is subject to section {num - 1}(a)."
            out += [f"({para}) {text}", ""]
        files.append("\n".join(out) + "\n")
    return files


def generate(out: Path, scale: float, seed: int = 1) -> int:
    """Write the corpus and its manifest; return the number of files."""
    rnd = random.Random(seed)
    out.mkdir(parents=True, exist_ok=True)
    target = REAL_PROVISIONS * scale
    # Rough provisions a file gives (articles with their paragraphs and items), to know
    # when to stop; the build counts the real number.
    kinds = [("zh", 300, 900), ("de", 300, 1080), ("zh", 300, 900), ("en", 150, 520)]
    entries, made, i = [], 0.0, 0
    while made < target:
        lang, units, gives = kinds[i % len(kinds)]
        sid = f"syn-{lang}-{i:05d}"
        if lang == "zh":
            path = f"cn/{sid}.md"
            text = zh_statute(rnd, f"示范程序法第{i}号", units)
            meta = dict(jurisdiction="CN", language="zh-Hans", parser="cn-markdown",
                        short=f"示范法{i}")
        elif lang == "de":
            path = f"de/{sid}.md"
            text = de_statute(rnd, f"Mustergesetz {i}", f"MG{i}", units)
            meta = dict(jurisdiction="DE", language="de", parser="de-markdown", short=f"MG{i}")
        else:
            path = None
            meta = dict(jurisdiction="US", language="en", parser="usc-markdown",
                        short=f"{90 + i % 9} U.S.C.")
            paths = []
            for k, text in enumerate(us_sections(rnd, 90 + i % 9, 10 + i, units)):
                p = f"us/{sid}/{k:04d}.md"
                (out / p).parent.mkdir(parents=True, exist_ok=True)
                (out / p).write_text(text, encoding="utf-8")
                paths.append(p)
        if path:
            (out / path).parent.mkdir(parents=True, exist_ok=True)
            (out / path).write_text(text, encoding="utf-8")
            where = f'path = "{path}"'
        else:
            where = "files = [" + ", ".join(f'{{ path = "{p}" }}' for p in paths) + "]"
        entries.append(f'''[[source]]
id = "{sid}"
work = "{sid}"
title = "{meta['short']}"
short_title = "{meta['short']}"
jurisdiction = "{meta['jurisdiction']}"
kind = "statute"
language = "{meta['language']}"
format = "markdown"
parser = "{meta['parser']}"
{where}
''')
        made += gives
        i += 1
    (out / "manifest.toml").write_text("version = 1\n\n" + "\n".join(entries), encoding="utf-8")
    return i


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("out", type=Path)
    ap.add_argument("--scale", type=float, default=100.0)
    args = ap.parse_args()
    n = generate(args.out, args.scale)
    print(f"{n} files → {args.out} (manifest {args.out / 'manifest.toml'})")


if __name__ == "__main__":
    main()
