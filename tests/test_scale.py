"""Archive scale: `cityvoices build` at 200 publications, the parallel build
against MkDocs' serial one, the merge helpers, and a smoke run of
`cityvoices bench build` (N = 5, with the Chromium edit check)."""

from __future__ import annotations

import json
import posixpath
import re
import subprocess
from collections import Counter
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from helpers import QUICK, ROOT, build_site, cityvoices as run_cityvoices, feature_flags

from cityvoices import archive as synth_archive, buildpar

N = 200
SECTIONS = {"article": "cityvoices", "newsletter": "newsletters", "report": "reports"}


#: What an article page may weigh (the archive's navigation must not grow with it).
ARTICLE_BYTES = 60_000


def cityvoices(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    if args and args[0] == "build":  # no PDFs, no offline zip: not what these tests are about
        args = (*args, *feature_flags(QUICK))
    return run_cityvoices(*args, cwd=cwd)


def soup(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "lxml")


def resolve(page_url: str, href: str) -> str:
    """Site path of a relative link on the page at site path ``page_url``."""
    joined = posixpath.normpath(posixpath.join("/" + page_url, href))
    return (joined.lstrip("/") + "/").lstrip("/") if href.endswith("/") else joined.lstrip("/")


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    root = tmp_path_factory.mktemp("archive")
    synth_archive.write_archive(root, N)
    site = root / "site"
    proc = cityvoices("build", "--strict", "-f", str(root / "mkdocs.yml"), "-d", str(site), cwd=root)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return root, site


def publications(root: Path) -> dict[str, str]:
    """``{publication folder: type}`` of the generated archive."""
    out = {}
    for ko in (root / "docs").glob("*/*/pub-*/index.ko.md"):
        key = ko.parent.relative_to(root / "docs").as_posix()
        out[key] = re.search(r"^type: (\w+)", ko.read_text(encoding="utf-8"), re.M).group(1)
    return out


@pytest.mark.build
@pytest.mark.slow
def test_every_page_of_both_languages_is_built_with_a_working_switcher(archive):
    root, site = archive
    pubs = publications(root)
    assert len(pubs) == N and set(pubs.values()) == set(SECTIONS)
    for key in pubs:
        for lang, url in (("ko", f"{key}/"), ("en", f"en/{key}/")):
            page = site / url / "index.html"
            assert page.is_file(), f"{url} missing"
            doc = soup(page)
            assert doc.html["lang"] == lang
            links = {a["hreflang"]: a["href"] for a in doc.select("a.cv-lang__link[hreflang]")}
            assert set(links) == {"ko", "en"}, url
            # each switcher entry leads to that language's version of this publication
            assert resolve(url, links["ko"]) == f"{key}/"
            assert resolve(url, links["en"]) == f"en/{key}/"
            assert (site / resolve(url, links["en"]) / "index.html").is_file()


@pytest.mark.build
@pytest.mark.slow
@pytest.mark.parametrize("lang", ["ko", "en"])
def test_listing_pages_list_every_publication_once(archive, lang):
    root, site = archive
    pubs = publications(root)
    prefix = "" if lang == "ko" else "en/"
    for ptype, section in SECTIONS.items():
        url = f"{prefix}{section}/"
        doc = soup(site / url / "index.html")
        hrefs = [resolve(url, a["href"]) for a in doc.select("ul.cv-listing a.cv-item-title")]
        listed = Counter(h[len(prefix):].rstrip("/") for h in hrefs)
        expected = {k for k, t in pubs.items() if t == ptype}
        generated = Counter({k: c for k, c in listed.items() if k in pubs})
        assert set(generated) == expected, f"{url}: {len(expected - set(generated))} missing"
        assert max(generated.values()) == 1, f"{url} lists a publication twice"
        for href in hrefs:
            assert (site / href / "index.html").is_file(), href


@pytest.mark.build
@pytest.mark.slow
def test_article_pages_stay_small_and_do_not_carry_the_archive_in_their_navigation(archive):
    root, site = archive
    pages = list(site.glob("cityvoices/*/pub-*/index.html"))
    assert pages
    sizes = [p.stat().st_size for p in pages]
    assert sum(sizes) / len(sizes) < ARTICLE_BYTES
    nav_links = soup(pages[0]).select("nav.md-nav--primary a[href*='pub-']")
    assert nav_links == []


@pytest.mark.build
@pytest.mark.slow
def test_merged_search_index_and_sitemap_cover_both_languages(archive):
    root, site = archive
    xml = (site / "sitemap.xml").read_text(encoding="utf-8")
    locs = re.findall(r"<loc>([^<]+)</loc>", xml)
    assert len(locs) == len(set(locs))
    key = next(iter(publications(root)))
    assert any(loc.endswith(f"/{key}/") and "/en/" not in loc for loc in locs)
    assert any(loc.endswith(f"/en/{key}/") for loc in locs)
    json.loads((site / "search" / "search_index.json").read_text(encoding="utf-8"))


@pytest.mark.build
@pytest.mark.slow
def test_parallel_build_gives_the_serial_build(tmp_path):
    serial, parallel = tmp_path / "serial", tmp_path / "parallel"
    build_site(ROOT / "mkdocs.yml", serial, strict=False)
    proc = cityvoices("build", "-q", "-d", str(parallel))
    assert proc.returncode == 0, proc.stderr
    files = lambda d: {p.relative_to(d).as_posix() for p in d.rglob("*") if p.is_file()}  # noqa: E731
    assert files(serial) == files(parallel)
    for rel in sorted(files(serial)):
        if not rel.endswith(".html") or rel == "404.html":
            continue  # the serial build leaves the English 404 at the root; ours keeps the Korean one
        assert (serial / rel).read_bytes() == (parallel / rel).read_bytes(), rel
    s = re.findall(r"<url>.*?</url>", (serial / "sitemap.xml").read_text(encoding="utf-8"), re.S)
    p = re.findall(r"<url>.*?</url>", (parallel / "sitemap.xml").read_text(encoding="utf-8"), re.S)
    assert sorted(s) == sorted(p)
    si, pi = (json.loads((d / "search/search_index.json").read_text(encoding="utf-8")) for d in (serial, parallel))
    assert si["config"] == pi["config"]
    assert sorted(map(json.dumps, si["docs"])) == sorted(map(json.dumps, pi["docs"]))
    assert soup(parallel / "404.html").html["lang"] == "ko"


@pytest.mark.build
def test_a_failed_build_leaves_the_previous_site_alone(tmp_path):
    synth_archive.write_archive(tmp_path, 3)
    site = tmp_path / "site"
    site.mkdir()
    (site / ".cityvoices-output").write_text("", encoding="utf-8")  # a site we built before
    (site / "keep.txt").write_text("previous site", encoding="utf-8")
    bad = next((tmp_path / "docs").glob("cityvoices/*/pub-*/index.en.md"))
    bad.write_text(bad.read_text(encoding="utf-8").replace("date: ", "date: 2013-13-", 1), encoding="utf-8")
    proc = cityvoices("build", "-f", str(tmp_path / "mkdocs.yml"), "-d", str(site), cwd=tmp_path)
    assert proc.returncode == 2
    # pasteable from the project's root
    assert "docs/" + bad.relative_to(tmp_path / "docs").as_posix() in proc.stderr
    assert sorted(p.name for p in site.iterdir()) == [".cityvoices-output", "keep.txt"]
    assert not list(tmp_path.glob(".site.build-*"))


# -- the merge helpers -------------------------------------------------------------------

def test_plan_jobs_default_language_first_and_unknown_languages_named():
    jobs = buildpar.plan_jobs([("en", False), ("ko", True)], "/tmp/x")
    assert [j.lang for j in jobs] == ["ko", "en"] and jobs[0].default
    assert all(not Path(j.out_dir).name in ("ko", "en") for j in jobs)
    with pytest.raises(ValueError, match="fr"):
        buildpar.plan_jobs([("ko", True)], "/tmp/x", ["fr"])


def test_plan_merge_owners_combined_files_and_conflicts():
    trees = {
        "ko": {"index.html": "a", "assets/x.js": "same", "search/search_index.json": "k", "sitemap.xml": "k",
               "sitemap.xml.gz": "k", "robots.txt": "k1", "404.html": "ko"},
        "en": {"en/index.html": "b", "assets/x.js": "same", "search/search_index.json": "e", "sitemap.xml": "e",
               "sitemap.xml.gz": "e", "robots.txt": "e1", "404.html": "en", "extra/en-only.json": "z"},
    }
    plan = buildpar.plan_merge(trees, "ko")
    assert plan.take["en/index.html"] == "en" and plan.take["index.html"] == "ko"
    assert plan.take["assets/x.js"] == "ko" and plan.take["404.html"] == "ko"
    assert plan.take["extra/en-only.json"] == "en"
    assert sorted(plan.combine) == ["search/search_index.json", "sitemap.xml"]
    assert plan.derived == ["sitemap.xml.gz"]
    assert plan.conflicts == ["robots.txt"]


def test_a_language_folder_moves_whole_only_when_no_other_tree_writes_into_it():
    trees = {"ko": {"index.html": "a", "assets/x.js": "s"}, "en": {"en/index.html": "b", "en/a/index.html": "c",
                                                                   "404.html": "e"}}
    assert buildpar.whole_folders(buildpar.plan_merge(trees, "ko"), trees, "ko") == ["en"]
    trees["ko"]["en/stray.html"] = "k"  # the default build wrote under en/: file by file
    assert buildpar.whole_folders(buildpar.plan_merge(trees, "ko"), trees, "ko") == []
    assert buildpar.whole_folders(buildpar.plan_merge({"ko": {"a": "1"}, "en": {"404.html": "2"}}, "ko"),
                                  {"ko": {"a": "1"}, "en": {"404.html": "2"}}, "ko") == []


def test_merge_trees_moves_the_language_folder_and_combines_the_rest(tmp_path):
    def tree(root: Path, files: dict[str, str]) -> None:
        for rel, text in files.items():
            (root / rel).parent.mkdir(parents=True, exist_ok=True)
            (root / rel).write_text(text, encoding="utf-8")

    ko, en = tmp_path / "build-ko", tmp_path / "build-en"
    tree(ko, {"index.html": "ko", "assets/x.js": "same", "404.html": "ko404"})
    tree(en, {"en/index.html": "en", "en/deep/a/index.html": "deep", "assets/x.js": "same", "404.html": "en404",
              "extra/en-only.json": "z"})
    ino = (en / "en" / "deep" / "a" / "index.html").stat().st_ino
    jobs = [buildpar.LangJob("ko", True, str(ko)), buildpar.LangJob("en", False, str(en))]
    assert buildpar.merge_trees(jobs) == []
    got = {p.relative_to(ko).as_posix(): p.read_text(encoding="utf-8") for p in ko.rglob("*") if p.is_file()}
    assert got == {"index.html": "ko", "assets/x.js": "same", "404.html": "ko404", "en/index.html": "en",
                   "en/deep/a/index.html": "deep", "extra/en-only.json": "z"}
    assert (ko / "en" / "deep" / "a" / "index.html").stat().st_ino == ino  # moved, not copied
    assert not (en / "en").exists()


def test_merge_sitemaps_keeps_every_url_once():
    head = '<?xml version="1.0"?>\n<urlset>\n'
    ko = head + "    <url><loc>/a/</loc></url>\n    <url><loc>/b/</loc></url>\n</urlset>\n"
    en = head + "    <url><loc>/en/a/</loc></url>\n    <url><loc>/b/</loc></url>\n</urlset>\n"
    merged = buildpar.merge_sitemaps([ko, en])
    assert re.findall(r"<loc>(.*?)</loc>", merged) == ["/a/", "/b/", "/en/a/"]
    assert merged.startswith(head) and merged.endswith("</urlset>\n")


def test_merge_search_index_drops_english_copies_of_default_entries():
    cfg = {"lang": ["ko", "en"]}
    ko = json.dumps({"config": cfg, "docs": [{"location": "a/", "title": "T", "text": "x"}]})
    en = json.dumps({"config": {"other": 1}, "docs": [{"location": "en/a/", "title": "T", "text": "x"},
                                                      {"location": "en/b/", "title": "B", "text": "y"}]})
    merged = json.loads(buildpar.merge_search_index([ko, en], ["en"]))
    assert merged["config"] == cfg
    assert [d["location"] for d in merged["docs"]] == ["a/", "en/b/"]


# -- the benchmark itself ----------------------------------------------------------------

@pytest.mark.build
@pytest.mark.browser
@pytest.mark.slow
def test_bench_build_smoke(tmp_path):
    out = tmp_path / "BENCHMARKS.md"
    proc = cityvoices("bench", "build", "--sizes", "5", "--edit", "--edit-samples", "1", "--output", str(out), "--workdir", str(tmp_path))
    assert proc.returncode in (0, 1), proc.stdout + proc.stderr
    text = out.read_text(encoding="utf-8")
    assert (proc.returncode == 1) == ("NOT met" in text)  # a missed target is a finding (times: not here)
    assert "## build" in text
    # the main table: | N | setup | build | pages | wall | CPU | CPU/stock | pages/s | peak MB | site | HTML KB | …
    rows = [[c.strip() for c in line.strip("|").split("|")] for line in text.splitlines()
            if line.startswith("| 5 |") and line.split("|")[3].strip() == "cold"]
    assert [r[1] for r in rows] == ["stock", "ours"]
    for cells in rows:
        pages, seconds, rss = int(cells[3]), float(cells[4]), float(cells[8])
        assert pages >= 2 * 5 and seconds > 0 and rss > 0
        assert float(cells[10]) > 0  # HTML per article page
    # per-phase times of each language process
    assert re.search(r"^\| 5 \| ours \| ko \| [\d.]+ / [\d.]+ \|", text, re.M)
    m = re.search(r"showed in Chromium after ([\d.]+) s", text)
    assert m and float(m.group(1)) > 0
    assert not list(tmp_path.glob("cv-bench-build-*"))
