"""`cityvoices serve` builds again through the warm-build cache after a
saved edit: the listings and the search index are fresh, and only the pages
the edit touches are rendered.  In-process (the session's own rebuild, what
the live-reload server calls), on a small archive."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from cityvoices import archive
from cityvoices.integrations import engine

pytestmark = pytest.mark.build

WORD = "Zyxwarmtestword"


def _search_text(site: Path, lang: str) -> str:
    folder = site / ("" if lang == "ko" else "") / "assets" / "javascripts" / "cv-search" / lang
    return "".join(p.read_text(encoding="utf-8") for p in sorted(folder.glob("d-*.js")))


def test_serve_rebuild_refreshes_listings_and_search(tmp_path: Path) -> None:
    root = tmp_path / "project"
    archive.write_archive(root, 4)
    session = engine.ServeSession(root / "mkdocs.yml", tmp_path / "work", host="127.0.0.1", port=8765,
                                  features={"pdf": False, "offline": False})
    try:
        session.full_build()
        site = session.site_dir
        assert session.sites and (site / "index.html").is_file()
        assert WORD not in _search_text(site, "en")
        src = next((root / "docs").glob("*/*/pub-00000/index.en.md"))
        folder = src.parent.relative_to(root / "docs").as_posix()

        # a body edit: that publication's pages and the lists, the rest from the cache
        text = src.read_text(encoding="utf-8")
        src.write_text(re.sub(r"^(## .*)$", rf"\1\n\nA sentence with {WORD.lower()} in it.", text, count=1,
                              flags=re.M), encoding="utf-8")
        session.rebuild()
        report = engine.cache_report()
        assert report is not None and report["from_cache"] > 0
        assert f"{folder}/index.en.md" in report["rendered"]
        assert not [u for u in report["rendered"] if "/pub-" in u and not u.removeprefix("en/").startswith(folder)]
        assert WORD.lower() in _search_text(site, "en")  # the search index is fresh
        assert WORD.lower() in (site / "en" / folder / "index.html").read_text(encoding="utf-8")

        # a title edit: the listing shows it
        text = src.read_text(encoding="utf-8")
        src.write_text(re.sub(r"^title: .*$", f'title: "Fresh title {WORD}"', text, count=1, flags=re.M),
                       encoding="utf-8")
        session.rebuild()
        listing = site / "en" / folder.split("/")[0] / "index.html"
        assert f"Fresh title {WORD}" in listing.read_text(encoding="utf-8")

        session.rebuild()  # nothing changed: every page from the cache
        report = engine.cache_report()
        assert report["rendered"] == [] and report["from_cache"] == report["pages"]
    finally:
        session.close()
