"""Roles the taggers give subjects, one row per case of labelling rule 10.

Each text is a provision's own words (the source named beside it); the expected role is
what rule 10 says of that person there, as the reference coding records it."""
from __future__ import annotations

import pytest

from plea.annotate.taggers import get_tagger

ROWS = [
    # a court that consents approves terms it did not make: reviewer, not consulted
    ("zh", "檢察官得於徵詢被害人之意見後，逕行或依被告或其代理人、辯護人之請求，經法院同意，"
           "就下列事項於審判外進行協商，經當事人雙方合意且被告認罪者，由檢察官聲請法院改依協商程序而為判決",
     "subjects.court", "reviewer"),                       # Taiwan CCP § 455-2(1)
    ("zh", "檢察官得於徵詢被害人之意見後，經法院同意，就下列事項於審判外進行協商",
     "subjects.victim", "consulted"),
    ("en", "With the consent of the court and the government, a defendant may enter a "
           "conditional plea of guilty or nolo contendere, reserving in writing the right to "
           "have an appellate court review an adverse determination of a specified pretrial "
           "motion.",
     "subjects.court", "reviewer"),                       # FRCrP 11(a)(2)
    # a list closes with its conjunction: the defendant behind the comma is not one of the
    # consenting persons but the one who pleads
    ("en", "With the consent of the court and the government, a defendant may enter a "
           "conditional plea of guilty or nolo contendere, reserving in writing the right to "
           "have an appellate court review an adverse determination of a specified pretrial "
           "motion.",
     "subjects.suspect_defendant", "party"),              # FRCrP 11(a)(2)
    ("de", "Mit Zustimmung des für die Eröffnung des Hauptverfahrens zuständigen Gerichts und "
           "des Beschuldigten kann die Staatsanwaltschaft bei einem Vergehen vorläufig von der "
           "Erhebung der öffentlichen Klage absehen und zugleich dem Beschuldigten Auflagen und "
           "Weisungen erteilen, wenn diese geeignet sind, das öffentliche Interesse an der "
           "Strafverfolgung zu beseitigen.",
     "subjects.court", "reviewer"),                       # StPO § 153a(1)
    ("en", "The attorney for the government and the defendant's attorney may discuss and reach "
           "a plea agreement. The court must not participate in these discussions.",
     "subjects.court", "excluded"),                       # FRCrP 11(c)(1)
]


@pytest.mark.parametrize("tagger", ["rule", "combined"])
@pytest.mark.parametrize("lang,text,code,role", ROWS)
def test_role(tagger: str, lang: str, text: str, code: str, role: str) -> None:
    tags = [t for t in get_tagger(tagger).tag(text, lang) if t.code == code]
    assert tags, f"{code} not tagged"
    assert role in {t.role for t in tags}, [(t.role, text[t.start:t.end]) for t in tags]
