"""Citations by a CSL processor (citeproc-py, the official CSL styles), compared
with examples from the style manuals. Every expected string was written by hand
from the manual's example or rules, never copied from the program's output:

* Chicago Manual of Style, 18th ed., author-date (ch. 13) and notes (ch. 14): the
  journal-article example of the Quick Guide (Keng, Lin and Orazem 2017) — in the
  reference list volume (issue): pages; in a note, three or more authors as the first
  "et al.", "no." before the issue, the pinpoint after the year; punctuation inside
  the closing quotation mark; a title's own double quotation marks become single.
* OSCOLA, 4th ed., § 3.3: "Paul Craig, ‘Theory, “Pure Theory” and Values in Public
  Law’ [2005] PL 440, 445" — single quotation marks, the year in square brackets when
  it identifies the volume, the pinpoint after the first page, a full stop.
* GB/T 7714—2015, examples of § 8 and appendix A: "[1] 袁训来, 陈哲, 肖书海, 等. …[J].
  科学通报, 2012, 55(34): 3219." (more than three authors: the first three and 等) and
  "KANAMORI H. Shaking without quaking[J]. Science, 1998, 279(5359): 2063." (family name
  in capitals, initials without full stops); an online article as [J/OL] with its DOI.
"""
from __future__ import annotations

import pytest

pytest.importorskip("citeproc")
from plea.exports.csl import bibliography, note  # noqa: E402

KENG = {"id": "keng", "type": "article-journal",
        "title": "Expanding College Access in Taiwan, 1978–2014: Effects on Graduate "
                 "Quality and Income Inequality",
        "author": [{"family": "Keng", "given": "Shao-Hsun"}, {"family": "Lin", "given": "Chun-Hung"},
                   {"family": "Orazem", "given": "Peter F."}],
        "container-title": "Journal of Human Capital", "volume": "11", "issue": "1",
        "page": "1-34", "issued": {"date-parts": [[2017]]}, "DOI": "10.1086/690235"}
CRAIG = {"id": "craig", "type": "article-journal",
         "title": "Theory, “Pure Theory” and Values in Public Law",
         "author": [{"family": "Craig", "given": "Paul"}], "container-title": "PL",
         "page": "440", "issued": {"date-parts": [[2005]]}}
YUAN = {"id": "yuan", "type": "article-journal", "language": "zh-CN",
        "title": "蓝田生物群: 一个认识多细胞生物起源和早期演化的新窗口",
        "author": [{"literal": "袁训来"}, {"literal": "陈哲"}, {"literal": "肖书海"}, {"literal": "万斌"}],
        "container-title": "科学通报", "volume": "55", "issue": "34", "page": "3219",
        "issued": {"date-parts": [[2012]]}}
KANAMORI = {"id": "kanamori", "type": "article-journal", "title": "Shaking without quaking",
            "author": [{"family": "Kanamori", "given": "Hiroo"}], "container-title": "Science",
            "volume": "279", "issue": "5359", "page": "2063", "issued": {"date-parts": [[1998]]}}
# The corpus's own article (Law and Economy 2023), cited by each manual's rules.
MENG = {"id": "meng", "type": "article-journal",
        "title": "From “Sentencing Negotiations” to “Prosecution-Defense Negotiations”: On the "
                 "Improvement Path of the Guilty Plea Bargaining System",
        "author": [{"family": "Meng", "given": "Kelin"}], "container-title": "Law and Economy",
        "volume": "2", "issue": "9", "page": "22-30", "issued": {"date-parts": [[2023]]},
        "DOI": "10.56397/LE.2023.09.04"}
MENG_TITLE_CHICAGO = ("From ‘Sentencing Negotiations’ to ‘Prosecution-Defense Negotiations’: On "
                      "the Improvement Path of the Guilty Plea Bargaining System")

BIBLIOGRAPHY = [
    (KENG, "chicago-author-date",
     "Keng, Shao-Hsun, Chun-Hung Lin, and Peter F. Orazem. 2017. “Expanding College Access in "
     "Taiwan, 1978–2014: Effects on Graduate Quality and Income Inequality.” Journal of Human "
     "Capital 11 (1): 1–34. https://doi.org/10.1086/690235."),
    (MENG, "chicago-author-date",
     f"Meng, Kelin. 2023. “{MENG_TITLE_CHICAGO}.” Law and Economy 2 (9): 22–30. "
     "https://doi.org/10.56397/LE.2023.09.04."),
    (CRAIG, "oscola", "Craig P, ‘Theory, “Pure Theory” and Values in Public Law’ [2005] PL 440"),
    (YUAN, "gb7714", "[1] 袁训来, 陈哲, 肖书海, 等. 蓝田生物群: 一个认识多细胞生物起源和早期演化的新窗口[J]. "
                     "科学通报, 2012, 55(34): 3219."),
    (KANAMORI, "gb7714", "[1] KANAMORI H. Shaking without quaking[J]. Science, 1998, 279(5359): 2063."),
    (MENG, "gb7714", "[1] MENG K. From “Sentencing Negotiations” to “Prosecution-Defense "
                     "Negotiations”: On the Improvement Path of the Guilty Plea Bargaining "
                     "System[J/OL]. Law and Economy, 2023, 2(9): 22-30. DOI:10.56397/LE.2023.09.04."),
]

NOTES = [
    (KENG, "chicago-notes", "3",
     "Shao-Hsun Keng et al., “Expanding College Access in Taiwan, 1978–2014: Effects on Graduate "
     "Quality and Income Inequality,” Journal of Human Capital 11, no. 1 (2017): 3, "
     "https://doi.org/10.1086/690235."),
    (MENG, "chicago-notes", "25",
     f"Kelin Meng, “{MENG_TITLE_CHICAGO},” Law and Economy 2, no. 9 (2023): 25, "
     "https://doi.org/10.56397/LE.2023.09.04."),
    (CRAIG, "oscola", "445",
     "Paul Craig, ‘Theory, “Pure Theory” and Values in Public Law’ [2005] PL 440, 445."),
]


@pytest.mark.parametrize("item,style,expected", BIBLIOGRAPHY)
def test_bibliography_entries_follow_the_manuals(item, style, expected):
    assert bibliography([item], style) == [expected]


@pytest.mark.parametrize("item,style,locator,expected", NOTES)
def test_notes_follow_the_manuals(item, style, locator, expected):
    assert note(item, style, locator) == expected


def test_unknown_style_is_one_clear_error():
    with pytest.raises(ValueError, match="unknown citation style 'apa'"):
        bibliography([KENG], "apa")
