"""The build memo (cityvoices.buildcache.Memo): per-item results of our
hooks kept between warm builds (the translation check's report of each
pair).  A kept value comes back equal to a fresh one; another code version,
a damaged file or an unknown type is a miss, never a wrong value."""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, replace
from pathlib import Path

import pytest

from helpers import ROOT

from cityvoices import buildcache, catalog, parallel
from cityvoices.problems import Problem

PAIRS = sorted(p.parent for p in (ROOT / "tests" / "fixtures" / "check").glob("*/index.ko.md")
               if (p.parent / "index.en.md").is_file())


def _versions(folder: Path) -> dict[str, tuple[str, str]]:
    return {lang: (f"{folder.name}/index.{lang}.md", (folder / f"index.{lang}.md").read_text(encoding="utf-8"))
            for lang in ("ko", "en")}


def test_fixtures_hold_pairs_with_findings() -> None:
    reports = [parallel.check_pair(f.name, _versions(f), align=False) for f in PAIRS]
    assert len(reports) >= 5 and any(r.divergences for r in reports) and any(r.problems for r in reports)


@pytest.mark.parametrize("folder", PAIRS, ids=lambda p: p.name)
def test_a_kept_pair_report_comes_back_equal(tmp_path: Path, folder: Path) -> None:
    versions = _versions(folder)
    fresh = parallel.check_pair(folder.name, versions, align=False)
    memo = buildcache.Memo(tmp_path, "pairs", "v1", parallel.REPORT_TYPES)
    memo.put("k", parallel.without_texts(fresh))
    memo.save()
    again = buildcache.Memo(tmp_path, "pairs", "v1", parallel.REPORT_TYPES).get("k")
    assert again is not None
    again = parallel.with_texts(again, versions)
    assert asdict(replace(again, structures={})) == asdict(replace(fresh, structures={}))
    # the structures (texts, blocks, items) are extracted again when asked for
    assert dict(again.structures) == fresh.structures
    assert again == fresh and again.headings == fresh.headings
    assert [type(d) for d in again.divergences] == [type(d) for d in fresh.divergences]


def test_another_version_or_a_damaged_file_is_a_miss(tmp_path: Path) -> None:
    memo = buildcache.Memo(tmp_path, "m", "v1")
    memo.put("a", {"when": dt.date(2013, 10, 2), "pair": (1, "x")})
    memo.save()
    assert buildcache.Memo(tmp_path, "m", "v1").get("a") == {"when": dt.date(2013, 10, 2), "pair": (1, "x")}
    assert buildcache.Memo(tmp_path, "m", "v2").get("a") is None
    memo.path.write_bytes(memo.path.read_bytes()[:-5])
    assert buildcache.Memo(tmp_path, "m", "v1").get("a") is None


def test_only_declared_dataclasses_are_kept_or_made(tmp_path: Path) -> None:
    memo = buildcache.Memo(tmp_path, "m", "v1")  # no types
    memo.put("p", Problem("a.md", 1, "x", "msg"))
    assert memo.get("p") is None
    typed = buildcache.Memo(tmp_path, "t", "v1", (Problem,))
    typed.put("p", Problem("a.md", 1, "x", "msg"))
    typed.save()
    assert buildcache.Memo(tmp_path, "t", "v1", (Problem,)).get("p") == Problem("a.md", 1, "x", "msg")
    assert buildcache.Memo(tmp_path, "t", "v1", ()).get("p") is None  # an undeclared type: a miss


def test_save_keeps_what_this_run_used(tmp_path: Path) -> None:
    memo = buildcache.Memo(tmp_path, "m", "v1")
    memo.put("old", 1)
    memo.put("kept", 2)
    memo.save()
    run = buildcache.Memo(tmp_path, "m", "v1")
    assert run.get("kept") == 2
    run.put("new", 3)
    run.save()
    last = buildcache.Memo(tmp_path, "m", "v1")
    assert (last.get("old"), last.get("kept"), last.get("new")) == (None, 2, 3)


def test_a_publication_page_is_keyed_on_its_folder_view_any_other_on_every_front_matter() -> None:
    folders = buildcache.publication_folders(["cityvoices/2014-1/a/index.ko.md", "cityvoices/2014-1/b/index.ko.md"])
    views = {"cityvoices/2014-1/a": "view-a"}

    def shown(src: str, **kw: bool) -> str:
        return buildcache.shown_of(src, folders, "every-front-matter", views, **kw)

    assert shown("cityvoices/2014-1/a/index.en.md") == "view-a"
    assert shown("cityvoices/2014-1/a/side-by-side.md") == "view-a"  # a page generated in the folder
    assert shown("cityvoices/2014-1/b/index.ko.md") == "every-front-matter"  # no module gave a view
    assert shown("cityvoices/index.ko.md") == "every-front-matter"  # a listing: outside every folder
    assert shown("cityvoices/2014-1/a/index.ko.md", reads_all=True) == "every-front-matter"


def test_a_kept_value_comes_back_only_whole_and_for_its_code(tmp_path):
    value = {"docs": [["a/", "제목", "본문", ["태그"]]], "encoded": {"서울": [0, 9]}, "n": 3, "files": {"m.js": "x"}}
    kept = buildcache.Kept(tmp_path, "search-ko", "code-1")
    assert kept.load() is None  # nothing kept yet
    kept.save(value)
    assert kept.load() == value
    assert buildcache.Kept(tmp_path, "search-ko", "code-2").load() is None  # other code: not this state
    blob = kept.path.read_bytes()
    for damaged in (blob[:-1], blob[:-1] + bytes([blob[-1] ^ 1]), b"junk\n" + blob, blob.replace(b"CVKEPT1", b"CVKEPT2")):
        kept.path.write_bytes(damaged)
        assert kept.load() is None
    kept.save(value)  # saved again over a damaged file: whole again
    assert kept.load() == value


# -- the catalogue's parsed front matter ---------------------------------------------------------

def _sources() -> list[tuple[str, str]]:
    """Every fixture source, and front matter the fixtures lack: YAML dates and
    times, keys that are not text or start with '$', a NUL, broken YAML."""
    out = [(p.relative_to(ROOT / "tests" / "fixtures").as_posix(), p.read_text(encoding="utf-8"))
           for p in sorted((ROOT / "tests" / "fixtures").rglob("*.md")) if p.name.endswith((".ko.md", ".en.md"))]
    out += [
        ("cityvoices/x/odd/index.ko.md", "---\ntitle: 제목\ndate: 2013-10-01\nupdated: 2013-10-02 09:30:00+09:00\n"
                                         "2013: year\n$ref: dollar\ntags: [a, b]\n---\n\n본문\n"),
        ("cityvoices/x/odd/index.en.md", "---\ntitle: Title\ndate: 2013-10-01\n---\n\nText\x00 with a NUL\n"),
        ("cityvoices/x/broken/index.ko.md", "---\ntitle: [unclosed\n---\n\n본문\n"),
    ]
    return out


def _seen(cat: catalog.Catalog) -> tuple:
    versions = sorted((v.src_uri, repr(v.meta), v.fm_lines) for p in cat.publications.values()
                      for v in p.versions.values())
    return versions, [(p.path, p.line, p.code, p.message, p.severity) for p in cat.problems]


def test_parsed_front_matter_kept_between_processes_gives_the_same_catalogue(tmp_path, monkeypatch) -> None:
    sources = _sources()
    monkeypatch.setattr(catalog, "_PARSED", {})
    fresh = _seen(catalog.build_catalog(sources, prefix="docs/"))
    assert fresh[1] and any(p[2] == "nul-byte" for p in fresh[1])  # the problems are part of what is kept
    monkeypatch.setattr(catalog, "_PARSED", {})
    memo = buildcache.Memo(tmp_path, "frontmatter", "v1", catalog.PARSED_TYPES)
    assert _seen(catalog.build_catalog(sources, prefix="docs/", memo=memo)) == fresh
    assert memo.hits == 0 and memo.misses == len(sources)
    memo.save()
    # another process: nothing in memory, every parse from the kept file
    monkeypatch.setattr(catalog, "_PARSED", {})
    memo = buildcache.Memo(tmp_path, "frontmatter", "v1", catalog.PARSED_TYPES)
    kept = catalog.build_catalog(sources, prefix="docs/", memo=memo)
    assert memo.hits == len(sources) and memo.misses == 0
    assert _seen(kept) == fresh
    odd = kept.by_src("cityvoices/x/odd/index.ko.md").versions["ko"].meta
    assert odd["date"] == dt.date(2013, 10, 1) and odd["2013"] == "year" and odd["$ref"] == "dollar"
    assert odd["updated"].utcoffset() == dt.timedelta(hours=9)
    # one text changed, or the same text shown under another path: parsed again
    monkeypatch.setattr(catalog, "_PARSED", {})
    memo = buildcache.Memo(tmp_path, "frontmatter", "v1", catalog.PARSED_TYPES)
    edited = [(uri, text.replace("제목", "고친 제목")) for uri, text in sources]
    again = catalog.build_catalog(edited, prefix="src/", memo=memo)
    assert memo.misses == len(sources) and memo.hits == 0
    assert all(p.path.startswith("src/") for p in again.problems)
    assert again.by_src("cityvoices/x/odd/index.ko.md").versions["ko"].meta["title"] == "고친 제목"
