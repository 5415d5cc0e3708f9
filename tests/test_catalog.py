"""The catalogue: one issue-title rule for listing, byline and PDF; unknown
language suffixes reported; problems named as an editor pastes them."""

from __future__ import annotations

from cityvoices import catalog, listing, render

ART = "---\ntitle: {t}\ntype: article\ndate: {d}\nissue: 2014-1\nauthors: [A]\n{extra}---\n"


def _cat(*arts: tuple[str, str, str]) -> catalog.Catalog:
    return catalog.build_catalog([(f"cityvoices/2014-1/{slug}/index.ko.md",
                                   ART.format(t=slug, d=date, extra=extra)) for slug, date, extra in arts],
                                 prefix="docs/")


def test_issue_title_comes_from_the_earliest_article_that_sets_it():
    cat = _cat(("old", "2014-01-05", "issue_title: OLD\n"), ("new", "2014-02-01", "issue_title: NEW\n"),
               ("plain", "2014-01-01", ""))
    assert cat.issue_title("2014-1", "ko") == "OLD"
    (_key, pubs), = cat.issues()
    assert catalog.issue_title(pubs, "ko") == "OLD"
    html = listing.render_listing(cat, "article", "ko", "cityvoices/")
    assert "시티보이스 OLD호" in html and "NEW" not in html.split("<ul")[0]
    meta = cat.publications["cityvoices/2014-1/new"].versions["ko"].meta
    byline = render.byline(meta, "ko", issue_title=cat.issue_title("2014-1", "ko"))
    assert "시티보이스 OLD호" in byline
    (p,) = [p for p in cat.problems if p.code == "issue-title-conflict"]
    assert p.format().startswith("docs/cityvoices/2014-1/new/index.ko.md:7: warning: issue_title 'NEW' differs "
                                 "from 'OLD'")


def test_issue_title_falls_back_to_the_issue_id():
    cat = _cat(("a", "2014-01-05", ""))
    assert cat.issue_title("2014-1", "ko") is None
    assert "시티보이스 2014-1호" in listing.render_listing(cat, "article", "ko", "cityvoices/")
    assert cat.problems == []


def test_unknown_language_suffix_is_a_catalogue_warning():
    cat = catalog.build_catalog([("cityvoices/2014-1/x/index.kr.md", "# x\n"),
                                 ("cityvoices/2014-1/x/index.eng.md", "# x\n")], prefix="docs/")
    assert [p.format() for p in cat.problems] == [
        "docs/cityvoices/2014-1/x/index.kr.md: warning: language suffix '.kr.md' is not one the site publishes, "
        "so this file is never published: rename it to ….ko.md [lang-suffix-unknown]",
        "docs/cityvoices/2014-1/x/index.eng.md: warning: language suffix '.eng.md' is not one the site publishes, "
        "so this file is never published: rename it to ….en.md [lang-suffix-unknown]",
    ]
    assert cat.publications == {}


def test_type_must_match_its_folder():
    cat = catalog.build_catalog([("newsletters/2014-01/x/index.ko.md",
                                  ART.format(t="x", d="2014-01-05", extra=""))])
    assert [(p.code, p.line) for p in cat.problems] == [("frontmatter-type-folder", 3)]
    assert "newsletters/ folder, which holds newsletters" in cat.problems[0].message
