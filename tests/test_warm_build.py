"""Warm builds (the page cache, issue 15): after each kind of edit, a build
that takes what it can from the cache writes, file by file, the same bytes
as a cold build of the same sources; and it renders again only the pages the
edit touches.  A small archive; no timings (those are `cityvoices bench
build --warm`)."""

from __future__ import annotations

import json
import re
import shutil
import time
from pathlib import Path
from typing import Callable

import pytest

from helpers import ROOT, cityvoices, tree_digest

from cityvoices import archive, buildcache, uptodate

pytestmark = pytest.mark.build

N = 6
#: A Korean-only publication of the base project (its English file removed).
KO_ONLY_STEM = "pub-00003"
#: A publication with two figures or more.
IMAGE_STEM = "pub-00002"


def _pub(root: Path, stem: str) -> Path:
    return next((root / "docs").glob(f"*/*/{stem}"))


def build(root: Path, dest: str, *extra: str, strict: bool = True) -> tuple[dict, str]:
    """``cityvoices build`` of ``root`` into ``root/dest``; the stats
    (cache report per language) and stderr."""
    stats = root / f"{dest}.stats.json"
    args = ["build", "-q", "--no-pdf", "--no-offline", "-f", str(root / "mkdocs.yml"), "-d", str(root / dest),
            "--stats", str(stats), *extra]
    if strict:
        args.append("--strict")
    proc = cityvoices(*args, cwd=root)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return json.loads(stats.read_text(encoding="utf-8")), proc.stderr


def rendered(stats: dict) -> dict[str, set[str]]:
    return {lang: set(p["cache"]["rendered"]) for lang, p in stats["processes"].items()}


def assert_same_site(a: Path, b: Path) -> None:
    ta, tb = tree_digest(a), tree_digest(b)
    for bookkeeping in (".cityvoices-output", uptodate.STAMP):  # ours, not the site's
        ta.pop(bookkeeping, None)
        tb.pop(bookkeeping, None)
    assert sorted(ta) == sorted(tb), f"files differ: {sorted(set(ta) ^ set(tb))[:10]}"
    differ = [p for p in ta if ta[p] != tb[p]]
    assert not differ, f"{len(differ)} file(s) differ between the warm and the cold build: {differ[:10]}"


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small archive with its own theme folder (to edit) and a Korean-only
    publication, built once: its cache is warm."""
    root = tmp_path_factory.mktemp("warm-base")
    archive.write_archive(root, N)
    shutil.copytree(ROOT / "overrides", root / "overrides")
    cfg = root / "mkdocs.yml"
    cfg.write_text(cfg.read_text(encoding="utf-8").replace(f"custom_dir: {ROOT / 'overrides'}",
                                                           "custom_dir: overrides"), encoding="utf-8")
    (_pub(root, KO_ONLY_STEM) / "index.en.md").unlink()
    stats, _ = build(root, "site")
    assert all(p["cache"]["from_cache"] == 0 for p in stats["processes"].values())
    return root


@pytest.fixture
def project(base: Path, tmp_path: Path) -> Path:
    """A copy of the base project with its warm cache (no built site)."""
    root = tmp_path / "project"
    shutil.copytree(base, root, ignore=shutil.ignore_patterns("site", "*.stats.json"), symlinks=True)
    return root


def warm_and_cold(root: Path, strict: bool = True) -> dict:
    """Build warm (with the cache) and cold (``--no-cache``); the same bytes."""
    stats, _ = build(root, "warm", strict=strict)
    build(root, "cold", "--no-cache", strict=strict)
    assert_same_site(root / "warm", root / "cold")
    return stats


def _edit(path: Path, old: str | re.Pattern, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    changed = old.sub(new, text, count=1) if isinstance(old, re.Pattern) else text.replace(old, new, 1)
    assert changed != text, f"the edit did not apply to {path}"
    path.write_text(changed, encoding="utf-8")


def body_edit(root: Path) -> None:
    _edit(_pub(root, "pub-00001") / "index.ko.md", re.compile(r"^(?!#|---|\w+:|  -)(\S+) ", re.M),
          "고친낱말 ")


def title_edit(root: Path) -> None:
    _edit(_pub(root, "pub-00002") / "index.en.md", re.compile(r'^title: .*$', re.M), 'title: "A new title"')


def date_edit(root: Path) -> None:
    # the oldest article becomes the newest: the listings reorder
    _edit(_pub(root, "pub-00000") / "index.ko.md", re.compile(r"^date: .*$", re.M), "date: 2030-01-05")
    _edit(_pub(root, "pub-00000") / "index.en.md", re.compile(r"^date: .*$", re.M), "date: 2030-01-05")


def tag_edit(root: Path) -> None:
    _edit(_pub(root, "pub-00004") / "index.ko.md", re.compile(r"^tags: \[", re.M), "tags: [새꼬리표, ")


def translation_removed(root: Path) -> None:
    (_pub(root, "pub-00001") / "index.en.md").unlink()


def translation_added(root: Path) -> None:
    ko = (_pub(root, KO_ONLY_STEM) / "index.ko.md").read_text(encoding="utf-8")
    en = re.sub(r'^title: .*$', 'title: "Now in English"', ko, count=1, flags=re.M)
    (_pub(root, KO_ONLY_STEM) / "index.en.md").write_text(en, encoding="utf-8")


def template_edit(root: Path) -> None:
    _edit(root / "overrides" / "main.html", "{% block config %}\n  {{ super() }}",
          "{% block config %}\n  {{ super() }}<meta name=\"cv-warm-test\" content=\"1\">")


def config_edit(root: Path) -> None:
    _edit(root / "mkdocs.yml", re.compile(r"^copyright: .*$", re.M), "copyright: Warm-test copyright")
    _edit(root / "mkdocs.yml", re.compile(r"^site_description: .*$", re.M), "site_description: Warm test")


def test_search_off_builds_cold(project: Path) -> None:
    # Material's own index (search off) differs after a dirty build: such a
    # site is built without the cache, and the same as a cold build
    _edit(project / "mkdocs.yml", re.compile(r"^    search: true", re.M), "    search: false")
    stats = warm_and_cold(project)
    assert all(p["cache"] is None for p in stats["processes"].values())


def image_edit(root: Path) -> None:
    # not the first figure: that one is the publication's thumbnail on other pages' cards
    svg = sorted(_pub(root, IMAGE_STEM).glob("images/*.svg"))[-1]
    svg.write_text(svg.read_text(encoding="utf-8").replace("</svg>", "<!-- edited --></svg>"), encoding="utf-8")


def css_edit(root: Path) -> None:
    css = root / "docs" / "assets" / "css" / "cityvoices.css"
    css.write_text(css.read_text(encoding="utf-8") + "\n.cv-warm-test { color: red; }\n", encoding="utf-8")


def body_minutes_edit(root: Path) -> None:
    # a body edit that other pages show: a paragraph grows, the article reads for minutes longer
    _edit(_pub(root, "pub-00001") / "index.ko.md", re.compile(r"^(?!#|---|\w+:|  -)(\S+) ", re.M),
          "도시 협력 사업을 함께 했다. " * 400)


def body_thumbnail_edit(root: Path) -> None:
    # the first figure (the thumbnail on other pages' cards) becomes another one, in both versions
    folder = _pub(root, IMAGE_STEM)
    images = sorted(p.name for p in folder.glob("images/*.svg"))
    for path in sorted(folder.glob("index.*.md")):
        text = path.read_text(encoding="utf-8")
        first = text.index("images/") + len("images/")
        name = text[first:].split(")", 1)[0]
        other = next(n for n in images if n != name)
        path.write_text(text[:first] + other + text[first + len(name):], encoding="utf-8")


def body_divergence_edit(root: Path) -> None:
    # a heading a level lower in one version (the same words: the same reading time):
    # the pair diverges, and the status page says so
    _edit(_pub(root, "pub-00004") / "index.ko.md", re.compile(r"^## ", re.M), "### ")


EDITS: dict[str, Callable[[Path], None]] = {
    "body": body_edit, "body-minutes": body_minutes_edit, "body-thumbnail": body_thumbnail_edit,
    "title": title_edit, "date": date_edit, "tag": tag_edit,
    "translation-removed": translation_removed, "translation-added": translation_added,
    "template": template_edit, "config": config_edit, "image": image_edit, "css": css_edit,
}


def test_no_change_takes_every_page_from_the_cache(project: Path, base: Path) -> None:
    stats = warm_and_cold(project)
    for lang, proc in stats["processes"].items():
        assert proc["cache"]["rendered"] == [], lang
        assert proc["cache"]["from_cache"] == proc["cache"]["pages"] > 0
    assert_same_site(project / "warm", base / "site")


@pytest.mark.parametrize("kind", sorted(EDITS))
def test_warm_build_after_an_edit_is_byte_identical_to_a_cold_one(project: Path, kind: str) -> None:
    EDITS[kind](project)
    stats = warm_and_cold(project)
    again = rendered(stats)
    pages = {lang: p["cache"]["pages"] for lang, p in stats["processes"].items()}
    stems = {"body": "pub-00001", "image": IMAGE_STEM, "body-minutes": "pub-00001", "body-thumbnail": IMAGE_STEM}
    if kind in stems:
        folder = _pub(project, stems[kind]).relative_to(project / "docs").as_posix() + "/"
        for lang, uris in again.items():
            uris = {u.removeprefix("en/") for u in uris}  # pages plugins make under the language folder
            assert any(u.startswith(folder) for u in uris), (lang, uris)
            others = {u for u in uris if not u.startswith(folder)}
            if kind in ("body", "image"):
                # nothing other pages show changed: the publication's own pages and the
                # translation status (made from every pair's check)
                assert others <= {f"status/index.{lang}.md"}, (lang, others)
                assert len(uris) < pages[lang]
            else:  # its reading time or thumbnail changed: every page with cards (the related
                # reading of other articles too) is rendered again
                assert any(u.startswith(("index.", "authors/", "tags/")) for u in others), (lang, others)
    if kind == "css":  # no page shows the stylesheet's text: only the pages that list everything
        for lang, uris in again.items():
            assert not [u for u in uris if "/pub-" in u], (lang, uris)
    if kind in ("template", "config"):
        for lang, uris in again.items():
            assert len(uris) == pages[lang], (kind, lang)
    searched = {lang: p["cache"].get("search") for lang, p in stats["processes"].items()}
    if kind in ("body", "title", "image"):  # the same documents in the same places: each index patched
        assert set(searched.values()) == {"patched"}, searched  # (byte for byte the cold build's: warm_and_cold)
    if kind == "tag":  # the new tag has a page in Korean: documents added, that index built afresh
        assert searched == {"ko": "built", "en": "patched"}, searched
    if kind == "translation-removed":  # the English page is a stand-in now: no document for it
        assert searched["en"] == "built", searched
    if kind in ("title", "date", "tag"):
        # the pages that list publications, and of the publications' own pages those that
        # show the edited one (its own, its issue's neighbours', where it is related reading)
        for lang, uris in again.items():
            assert f"index.{lang}.md" in uris, (kind, lang)
    if kind == "title":
        edited = _pub(project, "pub-00002").relative_to(project / "docs").as_posix() + "/"
        folders = [p.relative_to(project / "docs").as_posix() + "/" for p in (project / "docs").glob("*/*/pub-*")]
        for lang, uris in again.items():
            plain = {u.removeprefix("en/") for u in uris}
            assert any(u.startswith(edited) for u in plain), (lang, plain)
            untouched = [f for f in folders if not any(u.startswith(f) for u in plain)]
            assert untouched, (lang, plain)  # they do not show the title: taken from the cache
    if kind == "template":
        assert 'name="cv-warm-test"' in (project / "warm" / "index.html").read_text(encoding="utf-8")


def test_a_divergence_reaches_the_translation_status_page(project: Path) -> None:
    # a divergence is a warning: these builds are not --strict (a cache of its own)
    build(project, "warm0", strict=False)
    body_divergence_edit(project)
    stats = warm_and_cold(project, strict=False)
    folder = _pub(project, "pub-00004").relative_to(project / "docs").as_posix() + "/"
    for lang, uris in rendered(stats).items():
        others = {u.removeprefix("en/") for u in uris if not u.removeprefix("en/").startswith(folder)}
        assert others == {f"status/index.{lang}.md"}, (lang, others)
    status = (project / "warm" / "status" / "index.html").read_text(encoding="utf-8")
    assert "pub-00004" in status


def test_thumbnail_edit_refreshes_other_pages_cards(project: Path) -> None:
    svg = sorted(_pub(project, "pub-00001").glob("images/*.svg"))[0]
    svg.write_text(svg.read_text(encoding="utf-8").replace("</svg>", "<!-- edited --></svg>"), encoding="utf-8")
    warm_and_cold(project)


def test_second_warm_build_after_an_edit_renders_nothing(project: Path) -> None:
    body_edit(project)
    build(project, "warm")
    stats, _ = build(project, "again")
    assert all(not uris for uris in rendered(stats).values())
    assert_same_site(project / "warm", project / "again")


def test_damaged_cache_entries_are_ignored_with_a_message(project: Path) -> None:
    entries = sorted((project / buildcache.CACHE_DIR / "pages").rglob("*.page"))
    assert len(entries) > 4
    data = entries[0].read_bytes()
    entries[0].write_bytes(data[: len(data) // 2])  # cut short
    data = bytearray(entries[1].read_bytes())
    data[-10] ^= 0x55  # one byte altered
    entries[1].write_bytes(bytes(data))
    entries[2].write_bytes(b"")  # empty
    stats, err = build(project, "warm")
    assert err.count("[cache-damaged]") == 3, err
    assert "checksum mismatch" in err and "truncated" in err
    build(project, "cold", "--no-cache")
    assert_same_site(project / "warm", project / "cold")
    assert sum(len(u) for u in rendered(stats).values()) >= 3


def test_a_cached_page_logs_its_warnings_again(project: Path) -> None:
    # a broken link warns; under --strict a warm build fails as a cold one does
    _edit(_pub(project, "pub-00002") / "index.ko.md", re.compile(r"^# (.*)$", re.M),
          r"# \1\n\n[broken](no-such-page.md)")
    build(project, "lenient", strict=False)  # renders the page, caches its warning
    args = ["build", "--strict", "--no-pdf", "--no-offline", "-f", str(project / "mkdocs.yml")]
    warm = cityvoices(*args, "-d", str(project / "warm"), cwd=project)
    cold = cityvoices(*args, "--no-cache", "-d", str(project / "cold"), cwd=project)
    assert warm.returncode == cold.returncode == 2, warm.stderr
    assert "no-such-page.md" in warm.stderr and "no-such-page.md" in cold.stderr


def test_a_warm_build_over_the_site_links_what_did_not_change(project: Path) -> None:
    """A build that replaces a site it built links each page taken from the
    cache, and each static file and search shard that did not change, to the
    replaced site's file (same inode: nothing written); a rendered page is a
    new file, and so is a file of the old site someone changed or made a
    symlink.  The result is still a cold build's, byte for byte."""
    build(project, "site")
    site = project / "site"
    inode = {p.relative_to(site).as_posix(): p.stat().st_ino for p in site.rglob("*") if p.is_file()}
    tampered = next(p for p in sorted(site.glob("*/*/pub-*/index.html")) if "pub-00001" not in str(p))
    tampered.write_bytes(tampered.read_bytes() + b"<!-- changed by hand -->")
    away = next(p for p in sorted(site.glob("en/*/*/pub-*/index.html")) if "pub-00001" not in str(p))
    outside = project / "outside.html"
    outside.write_bytes(away.read_bytes())
    away.unlink()
    away.symlink_to(outside)
    body_edit(project)
    stats, _ = build(project, "site")
    # the new site is mostly links to the old one: the build left that tree (and
    # its leftovers, as .site.old-*) to a low-priority remover that outlives it
    assert stats["old_site"] == "left to a remover"
    now = {p.relative_to(site).as_posix(): p.stat().st_ino for p in site.rglob("*") if p.is_file()}
    deadline = time.monotonic() + 60
    while list(project.glob(".site.*")) and time.monotonic() < deadline:
        names = [p.name for p in project.glob(".site.*")]
        assert all(re.fullmatch(r"\.site\.old-\d+-\d+", name) for name in names), names
        time.sleep(0.2)
    assert not list(project.glob(".site.*")), "the remover did not remove the replaced site"
    build(project, "cold", "--no-cache")
    assert_same_site(site, project / "cold")
    kept = {rel for rel in now if inode.get(rel) == now[rel]}
    for lang, proc in stats["processes"].items():
        cache = proc["cache"]
        assert cache["linked"] == cache["from_cache"] - 1 > 0, lang  # all but the tampered or symlinked page
        assert cache["static_linked"] > 0, lang
    edited = _pub(project, "pub-00001").relative_to(project / "docs").as_posix()
    assert f"{edited}/index.html" not in kept and f"en/{edited}/index.html" not in kept
    assert tampered.relative_to(site).as_posix() not in kept and away.relative_to(site).as_posix() not in kept
    assert not away.is_symlink() and outside.read_bytes() != b""
    for rel in ("index.html", "assets/css/cityvoices.css", "assets/images/favicon.png"):
        assert rel in kept, rel  # the home page shows no article's body; our stylesheet; the theme's
    for lang in ("ko", "en"):  # search shards the edit left as they were
        assert any(rel.startswith(f"assets/javascripts/cv-search/{lang}/") for rel in kept), lang
    assert len(kept) > len(now) / 2


def test_a_deleted_publication_leaves_the_cache_with_its_pages(project: Path) -> None:
    pages = project / ".cache" / "cityvoices" / "pages"
    gone = _pub(project, "pub-00001")
    folder = gone.relative_to(project / "docs").as_posix()
    # its pages in either language build: the two versions, the side-by-side pages
    sources = [f"{prefix}{folder}/{name}" for prefix in ("", "en/")
               for name in ("index.ko.md", "index.en.md", "side-by-side.md")]
    store = {lang: buildcache.Store(project / ".cache" / "cityvoices", lang) for lang in ("ko", "en")}
    before = {lang: {p.name for p in (pages / lang).glob("*.page")} for lang in store}
    for lang, st in store.items():
        assert any(st.path(src).name in before[lang] for src in sources), lang
    shutil.rmtree(gone)
    stats = warm_and_cold(project)
    for lang, st in store.items():
        after = {p.name for p in (pages / lang).glob("*.page")}
        assert not any(st.path(src).name in after for src in sources), lang
        assert stats["processes"][lang]["cache"]["pruned"] == len(before[lang] - after) > 0
        assert len(after) == stats["processes"][lang]["cache"]["pages"]  # one entry a page, no more
