"""One implementation: the build renders raw pasted content exactly like its
normalized form, and warns that the file should be normalized."""

from __future__ import annotations

import pytest
from bs4 import BeautifulSoup

from cityvoices.normalize import normalize_text
from helpers import build_site, make_fixture_project
from test_build_input import PAGES

pytestmark = pytest.mark.build

RAW = """---
title: 시험 기사
type: article
date: 2014-01-15
issue: 2014-1
authors: [Brenna Foster]
---

메가시티는 23개로 늘어났으며 이 중 절반 이상이 아시아에 위치한다¹. 2030년까지 약 60%의 인구가 도심지에 거주할 것이다<sup>2</sup>.

![본회의장](images/fig-01.svg)

그림1 2013년 제7회 시티넷 본회의장 전경

1 http://esa.un.org/unup/pdf/WUP2011_Highlights.pdf Page 7

2 역주: 유엔 자료에 따른 수치

표1 시티넷 주요인사 선출결과

| 직책 | 해당 도시 |
|---|---|
| 회장 | 서울특별시 |
"""


def _article(html: str) -> str:
    art = BeautifulSoup(html, "lxml").select_one("article.md-content__inner")
    return str(art)


def test_raw_content_renders_like_normalized(tmp_path):
    normalized = normalize_text(RAW, "index.ko.md").text
    assert normalized != RAW and "/// figure-caption" in normalized
    svg = '<svg xmlns="http://www.w3.org/2000/svg"><text>PLACEHOLDER</text></svg>'
    outs = []
    for name, text in (("raw", RAW), ("norm", normalized)):
        docs = dict(PAGES)
        docs["cityvoices/2014-1/t/index.ko.md"] = text
        docs["cityvoices/2014-1/t/images/fig-01.svg"] = svg
        cfg = make_fixture_project(tmp_path / name, docs)
        proc = build_site(cfg, tmp_path / name / "out", strict=False, quiet=False)
        outs.append((proc.stdout + proc.stderr,
                     (tmp_path / name / "out" / "cityvoices/2014-1/t/index.html").read_text()))
    (raw_log, raw_html), (norm_log, norm_html) = outs
    assert _article(raw_html) == _article(norm_html)
    assert "not in house layout" in raw_log and "cityvoices normalize docs/cityvoices/2014-1/t/index.ko.md" in raw_log
    assert "is not in house layout" not in norm_log
    doc = BeautifulSoup(raw_html, "lxml")
    assert len(doc.select("div.footnote li")) == 2
    assert doc.select_one("figure#fig-1 .caption-prefix").get_text() == "그림 1."
    assert doc.select_one("figure#tab-1 .caption-prefix").get_text() == "표 1."
    assert doc.select_one("li.cv-tn .cv-tn-mark") is not None
