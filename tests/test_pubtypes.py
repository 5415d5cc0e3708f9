"""Adding a publication type is one row in cityvoices.pubtypes plus its
listing page: proved on a fixture site with a copy of the package that has
one more row ("policy brief"), through the listings, `cityvoices new`,
`cityvoices check` and the PDF plan."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys

import pytest
from bs4 import BeautifulSoup

from helpers import ROOT, build_site, make_fixture_project, mkdocs_env
from cityvoices import catalog, frontmatter, listing, pubtypes, scaffold
from test_build_input import PAGES

ROW = '    PubType("brief", "briefs", BY_MONTH, {"ko": "정책 브리프", "en": "Policy brief"}),\n'
BRIEF = """---
title: {title}
type: brief
date: 2014-03-10
authors: [CITYNET]
summary: {summary}
---

{body}
"""
LISTING = "---\ntitle: {title}\ntype: page\nlisting: brief\n---\n\n# {title}\n"


def test_the_table_is_what_every_module_reads():
    assert pubtypes.NAMES == ("article", "newsletter", "report")
    assert [t.section for t in pubtypes.TYPES] == ["cityvoices", "newsletters", "reports"]
    assert listing.KINDS == ("home", "latest") + pubtypes.NAMES
    assert "brief" not in frontmatter.FIELDS["type"].description
    for row in pubtypes.TYPES:
        assert pubtypes.by_section(row.section) is row
        assert pubtypes.of_path(f"{row.section}/g/x/index.ko.md") is row
        assert pubtypes.of_path(f"{row.section}/index.ko.md") is None
    import datetime as dt
    assert scaffold.folder_for("newsletter", "x", dt.date(2013, 12, 2)) == "newsletters/2013-12/x"
    with pytest.raises(ValueError, match="article, newsletter, report"):
        scaffold.folder_for("brief", "x", dt.date(2013, 12, 2))


def _run(args: list[str], pkg, cwd) -> subprocess.CompletedProcess[str]:
    env = mkdocs_env(PYTHONPATH=str(pkg))
    return subprocess.run([sys.executable, *args], cwd=cwd, env=env, text=True, capture_output=True, timeout=300)


@pytest.mark.build
def test_a_new_type_is_one_row_plus_its_listing_page(tmp_path):
    # the package with one more row, and nothing else changed
    pkg = tmp_path / "scripts"
    shutil.copytree(ROOT / "scripts", pkg, ignore=shutil.ignore_patterns("__pycache__"))
    src = (pkg / "cityvoices" / "pubtypes.py").read_text(encoding="utf-8")
    anchor = '    PubType("report",'
    at = src.index("),\n", src.index(anchor)) + 3  # after the whole row
    (pkg / "cityvoices" / "pubtypes.py").write_text(src[:at] + ROW + src[at:], encoding="utf-8")

    docs = dict(PAGES)
    docs["briefs/index.ko.md"] = LISTING.format(title="정책 브리프")
    docs["briefs/index.en.md"] = LISTING.format(title="Policy briefs")
    docs["briefs/2014-03/green-finance/index.ko.md"] = BRIEF.format(title="녹색 금융", summary="도시의 녹색 금융.",
                                                                    body="본문입니다.")
    docs["briefs/2014-03/green-finance/index.en.md"] = BRIEF.format(title="Green finance",
                                                                    summary="Green finance for cities.", body="Body.")
    site = tmp_path / "site"
    cfg = make_fixture_project(site, docs)
    text = cfg.read_text(encoding="utf-8").replace(str(ROOT / "scripts" / "hooks.py"), str(pkg / "hooks.py"))
    cfg.write_text(text, encoding="utf-8")

    # the listings: its own page (grouped by month, as the row says) and the home page
    out = tmp_path / "out"
    build_site(cfg, out, env=mkdocs_env(PYTHONPATH=str(pkg)))
    for lang, prefix, title, month, kicker in (("ko", "", "녹색 금융", "2014년 3월", "정책 브리프"),
                                               ("en", "en/", "Green finance", "March 2014", "Policy brief")):
        page = BeautifulSoup((out / prefix / "briefs" / "index.html").read_text(encoding="utf-8"), "lxml")
        group = page.select_one("section.cv-group[id='2014-03']")
        assert group.select_one("h2").get_text() == month
        assert [a.get_text() for a in group.select("a.cv-item-title")] == [title]
        home = BeautifulSoup((out / prefix / "index.html").read_text(encoding="utf-8"), "lxml")
        assert title in [a.get_text() for a in home.select("ul.cv-listing a.cv-item-title")]
        article = BeautifulSoup((out / prefix / "briefs/2014-03/green-finance/index.html").read_text(encoding="utf-8"),
                                "lxml")
        assert article.select_one(".cv-kicker").get_text().startswith(kicker)

    # cityvoices new: the type is a choice, and its folder follows the row's rule
    made = _run(["-m", "cityvoices", "new", "brief", "water-security", "--title-ko", "물 안보", "--title-en",
                 "Water security", "--author", "CITYNET", "--date", "2014-05-02", "--docs", "docs"], pkg, site)
    assert made.returncode == 0, made.stderr
    assert (site / "docs/briefs/2014-05/water-security/index.en.md").is_file()

    # cityvoices check: the type is valid with the row, an error without it
    checked = _run(["-m", "cityvoices", "check", "--all", "--format", "json", "docs/briefs/2014-03"], pkg, site)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    statuses = {p["key"]: p["status"] for p in json.loads(checked.stdout)["publications"]}
    assert statuses == {"docs/briefs/2014-03/green-finance": "complete"}
    fresh = _run(["-m", "cityvoices", "check", "docs/briefs/2014-05"], pkg, site)
    assert "[outdated]" in fresh.stdout and "error" not in fresh.stdout  # a new pair waits for --mark-translated
    stock = _run(["-m", "cityvoices", "check", "docs/briefs/2014-03"], ROOT / "scripts", site)
    assert stock.returncode == 2  # an error message: the build would refuse the type
    assert "index.en.md:3: error: front matter field 'type': must be one of article, newsletter, report" in stock.stdout

    # the PDF plan: a PDF per language and a bilingual one
    plan = _run(["-c", "import sys\nfrom cityvoices.pdf import runner\nfrom cityvoices.integrations import engine\n"
                       "s = engine.load_site(sys.argv[1])\n"
                       "jobs, problems = runner.plan(runner.read_sources(s), s)\n"
                       "print('\\n'.join(j.name for j in jobs))", str(cfg)], pkg, site)
    assert plan.returncode == 0, plan.stderr
    names = set(plan.stdout.split())
    assert {"briefs-2014-03-green-finance.ko.pdf", "briefs-2014-03-green-finance.en.pdf",
            "briefs-2014-03-green-finance.bilingual.pdf", "briefs-2014-05-water-security.ko.pdf"} <= names


def test_the_catalogue_groups_by_the_rows_rule():
    def pub(path: str, ptype: str, extra: str = "") -> tuple[str, str]:
        return path, f"---\ntitle: T\ntype: {ptype}\ndate: 2014-03-10\nauthors: [A]\n{extra}---\n"

    cat = catalog.build_catalog([pub("cityvoices/2014-1/a/index.ko.md", "article", "issue: 2014-1\n"),
                                 pub("newsletters/2014-03/b/index.ko.md", "newsletter"),
                                 pub("reports/seoul/c/index.ko.md", "report", "event: Seoul\n")])
    assert [k for k, _ in cat.groups("article")] == ["2014-1"]
    assert [k for k, _ in cat.groups("newsletter")] == ["2014-03"]
    assert [k for k, _ in cat.groups("report")] == ["seoul"]
    assert [k for k, _ in cat.issues()] == ["2014-1"]
    assert cat.problems == []
