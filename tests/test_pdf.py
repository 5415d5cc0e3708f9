"""The seed article's PDFs, read back with poppler (pdftotext, pdffonts,
pdftoppm): fonts, every paragraph, every footnote on its call's page, whole
Korean words, non-blank pages, bookmarks and metadata.

The seed (both languages, the bilingual edition and its issue) is rendered
once per module, without cache, by the same function the CLI and the site
build use.
"""

from __future__ import annotations

import re
import subprocess
import zlib
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from helpers import ROOT, SEED_ARTICLE

from cityvoices.integrations import engine
from cityvoices.pdf import assemble, runner
from cityvoices import i18n

pytestmark = pytest.mark.pdf

SEED_DIR = ROOT / "docs" / SEED_ARTICLE
HANGUL = re.compile(r"[\uac00-\ud7a3]")
FN_DEF = re.compile(r"^\[\^(?P<label>[^\]]+)\]:\s*(?P<body>.+)$", re.M)
FN_REF = re.compile(r"\[\^(?P<label>[^\]]+)\](?!:)")
NAMES = {
    "ko": assemble.pdf_name(SEED_ARTICLE, "ko"),
    "en": assemble.pdf_name(SEED_ARTICLE, "en"),
    "bilingual": assemble.pdf_name(SEED_ARTICLE, "bilingual"),
    "issue-ko": assemble.issue_pdf_name("2014-1", "ko"),
    "issue-en": assemble.issue_pdf_name("2014-1", "en"),
}


@pytest.fixture(scope="module")
def pdfs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    tmp = tmp_path_factory.mktemp("pdf")
    settings = engine.load_site(ROOT / "mkdocs.yml")
    sources = runner.read_sources(settings)
    result = runner.build_pdfs(sources, settings, tmp / "out", cache_dir=tmp / "cache", workers=2,
                               progress=False, only=lambda src: src.startswith(SEED_ARTICLE + "/"))
    assert not result.failed, [p.format() for p in result.problems]
    assert [p for p in result.problems if p.severity == "error"] == []
    assert sorted(result.made) == sorted(NAMES.values())
    return {kind: tmp / "out" / name for kind, name in NAMES.items()}


def pdftotext(path: Path, page: int | None = None) -> str:
    cmd = ["pdftotext", "-enc", "UTF-8"]
    if page:
        cmd += ["-f", str(page), "-l", str(page)]
    return subprocess.run(cmd + [str(path), "-"], capture_output=True, text=True, check=True).stdout


def page_count(path: Path) -> int:
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    return int(re.search(r"^Pages:\s+(\d+)", info, re.M).group(1))


def squash(text: str) -> str:
    """Whitespace, hyphens (English hyphenation), joiners and the byline's
    CSS-generated separator dot removed."""
    return re.sub(r"[\s\-\u00ad\u2060\u2010\u2011\u00b7]+", "", text)


def source(lang: str) -> str:
    return (SEED_DIR / f"index.{lang}.md").read_text(encoding="utf-8")


def footnotes(lang: str) -> list[tuple[str, str, str, str]]:
    """(label, number, call context, body start) in order of first reference."""
    text = source(lang)
    defs = {m["label"]: m["body"] for m in FN_DEF.finditer(text)}
    body_text = FN_DEF.sub("", text)
    out, seen = [], []
    for m in FN_REF.finditer(body_text):
        lab = m["label"]
        if lab in seen:
            continue
        seen.append(lab)
        line_start = body_text.rfind("\n", 0, m.start()) + 1
        before = re.sub(r"[*_`]", "", body_text[line_start:m.start()])
        context = squash(before)[-6:]
        body = re.sub(r"[<>*_`]", "", defs[lab])
        mark = "역주" if lab.startswith("tn-") and lang == "ko" else ""
        out.append((lab, str(len(seen)), context, f"{len(seen)}.{mark}" + squash(body)[:12]))
    return out


def test_korean_cjk_font_is_embedded(pdfs):
    out = subprocess.run(["pdffonts", str(pdfs["ko"])], capture_output=True, text=True, check=True).stdout
    rows = [line.split() for line in out.splitlines()[2:]]
    korean = [r for r in rows if "CJK-KR" in r[0] or "CJKkr" in r[0]]
    assert korean, out
    # columns: name type... encoding emb sub uni object ID -> emb is the 5th from the end
    assert all(r[-5] == "yes" for r in korean), out
    assert not [r for r in rows if "JP" in r[0].upper().replace("-", "")[-12:]], out


@pytest.mark.parametrize("lang", ["ko", "en"])
def test_every_paragraph_of_the_article_is_in_its_pdf(pdfs, site_dir, lang):
    page = site_dir / (("en/" if lang == "en" else "") + SEED_ARTICLE) / "index.html"
    soup = BeautifulSoup(page.read_text(encoding="utf-8"), "lxml")
    article = soup.select_one("article.md-content__inner")
    # (the site's own furniture: reading time, tags, previous/next, related reading)
    for junk in article.select(".footnote-backref, .headerlink, .cv-downloads, .cv-minutes, .cv-dateline "
                               "[aria-hidden], .cv-tags, .cv-issue-nav, .cv-related"):
        junk.decompose()
    paragraphs = [squash(p.get_text()) for p in article.find_all("p")]
    paragraphs = [p for p in paragraphs if p]
    assert len(paragraphs) > 40
    notes = {body for _, _, _, body in footnotes(lang)}
    # Body text of each page without its furniture: running header, page
    # number and the footnote area (notes interrupt a paragraph that runs on).
    pieces = []
    title = squash(article.find("h1").get_text())
    for n in range(1, page_count(pdfs[lang]) + 1):
        text = squash(pdftotext(pdfs[lang], n))
        if n > 1 and text.startswith(title):
            text = text[len(title):]
        text = re.sub(rf"{n}$", "", text)
        cut = min((text.find(b) for b in notes if b in text), default=-1)
        pieces.append(text[:cut] if cut >= 0 else text)
    body = "".join(pieces)
    whole = squash(pdftotext(pdfs[lang]))
    missing = [p for p in paragraphs if p not in body and p not in whole]
    assert missing == [], f"{len(missing)} of {len(paragraphs)} paragraphs missing, e.g. {missing[:2]}"


@pytest.mark.parametrize("kind", ["ko", "en", "bilingual", "issue-ko"])
def test_every_footnote_sits_on_the_page_of_its_call(pdfs, kind):
    """Guards Kozea/WeasyPrint#2502 (notes moved to later pages or dropped)."""
    langs = {"ko": ["ko"], "en": ["en"], "bilingual": ["ko", "en"], "issue-ko": ["ko"]}[kind]
    if kind == "bilingual":
        # parallel text: each page's Korean (left) and English (right) column,
        # text and notes, read apart (pdftotext's reading order interleaves them)
        from test_pdf_parallel import column_text

        columns = column_text(pdfs[kind])
        text = {lang: [page[lang] for page in columns] for lang in langs}
    else:
        pages = [squash(pdftotext(pdfs[kind], n)) for n in range(1, page_count(pdfs[kind]) + 1)]
        text = {lang: pages for lang in langs}
    calls_per_page: dict[int, int] = {}
    bodies_per_page: dict[int, int] = {}
    total = 0
    for lang in langs:
        notes = footnotes(lang)
        assert len(notes) == (7 if lang == "ko" else 2)
        total += len(notes)
        for label, number, context, body in notes:
            call = context + number
            call_pages = [i for i, p in enumerate(text[lang]) if call in p]
            body_pages = [i for i, p in enumerate(text[lang]) if body in p]
            assert call_pages, f"{kind}: call of [^{label}] ({call!r}) not found"
            assert body_pages, f"{kind}: footnote [^{label}] lost (no page has {body!r})"
            assert call_pages[0] == body_pages[0], (
                f"{kind}: [^{label}] called on page {call_pages[0] + 1}, body on page {body_pages[0] + 1}")
            calls_per_page[call_pages[0]] = calls_per_page.get(call_pages[0], 0) + 1
            bodies_per_page[body_pages[0]] = bodies_per_page.get(body_pages[0], 0) + 1
    assert calls_per_page == bodies_per_page
    assert sum(bodies_per_page.values()) == total


def _svg_words(lang_dir: Path) -> set[str]:
    words: set[str] = set()
    for svg in lang_dir.glob("images/*.svg"):
        for text in re.findall(r"<text[^>]*>(.*?)</text>", svg.read_text(encoding="utf-8")):
            words.update(BeautifulSoup(text, "lxml").get_text().split())
    return words


def test_no_korean_word_is_split_across_lines(pdfs, site_dir):
    page = site_dir / SEED_ARTICLE / "index.html"
    soup = BeautifulSoup(page.read_text(encoding="utf-8"), "lxml")
    article = soup.select_one("article.md-content__inner")
    for junk in article.select(".footnote-backref, .headerlink"):
        junk.decompose()
    words = set(article.get_text(" ").split()) | _svg_words(SEED_DIR)
    # the PDF's own furniture (language divider, colophon, the parallel edition's notes)
    words.update(w for table in i18n.LABELS.values() for key, text in table.items()
                 if key.startswith(("pdf.", "parallel.")) for w in re.sub(r"\{\w+\}", "", text).split())
    # a footnote call is glued to its word in the PDF ("위치한다1."); the site
    # renders it the same way inside the <p>, so join the <sup> texts in
    for p in article.find_all(["p", "li", "td", "th", "h1", "h2", "h3"]):
        words.update(p.get_text("").split())
    split = []
    checked = 0
    for kind in ("ko", "bilingual"):
        lines = [ln.split() for ln in pdftotext(pdfs[kind]).splitlines() if ln.strip()]
        for line in lines:
            for token in (line[0], line[-1]):
                if HANGUL.search(token):
                    checked += 1
                    if token not in words:
                        split.append(token)
    assert checked > 150
    assert split == [], f"Korean words broken across lines: {split[:10]}"


def test_pages_are_not_blank(pdfs, tmp_path):
    from PIL import Image, ImageStat

    for kind, path in pdfs.items():
        prefix = tmp_path / kind
        subprocess.run(["pdftoppm", "-r", "20", "-gray", "-png", str(path), str(prefix)], check=True)
        images = sorted(tmp_path.glob(f"{kind}-*.png"))
        assert len(images) == page_count(path)
        for image in images:
            with Image.open(image) as raw:
                im = raw.convert("L")
                stat = ImageStat.Stat(im)
                dark = sum(im.histogram()[:200])  # pixels darker than light grey
            assert stat.var[0] > 5 and dark > 100, f"{image.name} of {kind} looks blank"


def _pdf_objects(path: Path) -> bytes:
    data = path.read_bytes()
    chunks = [data]
    for m in re.finditer(rb"stream\r?\n(.*?)\r?\nendstream", data, re.S):
        try:
            chunks.append(zlib.decompress(m.group(1)))
        except zlib.error:
            pass
    return b"\n".join(chunks)


def _outline_titles(path: Path) -> list[str]:
    titles = []
    for raw in re.findall(rb"/Title\s*(<[0-9a-fA-F]+>|\((?:[^()\\]|\\.)*\))", _pdf_objects(path)):
        if raw.startswith(b"<"):
            titles.append(bytes.fromhex(raw[1:-1].decode()).decode("utf-16"))
        else:
            titles.append(raw[1:-1].decode("latin-1"))
    return titles


def test_bookmarks_for_headings_and_document_metadata(pdfs):
    text = source("ko")
    headings = [re.sub(r"\s*\{.*\}\s*$", "", m) for m in re.findall(r"^#{2,3} (.+)$", text, re.M)]
    titles = _outline_titles(pdfs["ko"])
    for heading in ["시티넷 서울 총회의 성과와 서울시의 시사점", *headings]:
        assert heading in titles, (heading, titles)
    assert not any("\u2060" in t for t in titles)
    bi = _outline_titles(pdfs["bilingual"])  # parallel text: one bookmark per section, in both languages
    assert "시티넷(CITYNET)이란? / What is CITYNET?" in bi and "회장 도시로서 서울의 기회" in bi
    assert "차례" in _outline_titles(pdfs["issue-ko"])
    info = subprocess.run(["pdfinfo", str(pdfs["ko"])], capture_output=True, text=True, check=True).stdout
    assert re.search(r"^Title:\s+시티넷 서울 총회의 성과와 서울시의 시사점$", info, re.M)
    assert re.search(r"^Author:\s+Brenna Foster$", info, re.M)
    assert b"/Lang (ko)" in _pdf_objects(pdfs["ko"])
    assert b"/Lang (en)" in _pdf_objects(pdfs["en"])
    assert _pdf_objects(pdfs["en"]).count(b"/Lang (") == 1


def test_page_size_is_a4(pdfs):
    info = subprocess.run(["pdfinfo", str(pdfs["en"])], capture_output=True, text=True, check=True).stdout
    w, h = map(float, re.search(r"Page size:\s+([\d.]+) x ([\d.]+) pts", info).groups())
    assert abs(w - 595.28) < 1 and abs(h - 841.89) < 1


def test_english_is_hyphenated_with_a_hyphen(pdfs):
    lines = [ln.rstrip() for ln in pdftotext(pdfs["en"]).splitlines()]
    hyphenated = [ln for ln in lines if re.search(r"[a-z]-$", ln)]
    assert hyphenated, "no English word was hyphenated at a line end"
    words = set(re.findall(r"[A-Za-z]+(?:-[A-Za-z]+)*", source("en")))
    # a line-end hyphen either joins two parts of one source word or is a real hyphen
    for i, ln in enumerate(lines[:-1]):
        if re.search(r"[a-z]-$", ln) and lines[i + 1]:
            head = re.findall(r"[A-Za-z]+-$", ln)
            tail = re.match(r"[A-Za-z]+", lines[i + 1])
            if head and tail:
                joined = head[0][:-1] + tail.group(0)
                assert joined in words or (head[0] + tail.group(0)) in words or \
                    any(joined in w.replace("-", "") for w in words), (ln, lines[i + 1])


def test_figures_stay_with_their_captions(pdfs):
    """Every figure number's placeholder (the image) and its caption are on one page."""
    for kind, word in (("ko", "그림"), ("en", "Figure")):
        pages = [pdftotext(pdfs[kind], n) for n in range(1, page_count(pdfs[kind]) + 1)]
        for n in range(1, 13):
            image_page = [i for i, p in enumerate(pages) if f"그림 {n} / Figure {n}" in p]
            caption_page = [i for i, p in enumerate(pages) if re.search(rf"^{word} {n}\.", p, re.M)]
            assert image_page and caption_page and image_page == caption_page, (kind, n, image_page, caption_page)
        table_caption = [i for i, p in enumerate(pages) if re.search(r"^(표|Table) 1\.", p, re.M)]
        first_row = [i for i, p in enumerate(pages) if ("사무국장" if kind == "ko" else "Secretary General") in p
                     and ("비제이" in p or "Vijay" in p)]
        assert table_caption and table_caption[0] in first_row


def test_issue_has_cover_contents_with_page_numbers_and_running_headers(pdfs):
    pages = [pdftotext(pdfs["issue-en"], n) for n in range(1, page_count(pdfs["issue-en"]) + 1)]
    assert "CityVoices 2014-1" in pages[0]
    assert "Contents" in pages[1]
    title = "Outcomes of the CITYNET Seoul Congress and Lessons for Seoul"
    start = next(i for i, p in enumerate(pages) if i > 1 and squash(title) in squash(p))
    toc_numbers = re.findall(r"^\s*(\d+)\s*$", pages[1], re.M)
    assert toc_numbers == [str(start + 1)], pages[1]
    for n in range(start + 1, len(pages)):
        lines = [ln for ln in pages[n].splitlines() if ln.strip()]
        assert squash(lines[0]) == squash(title), lines[:2]  # running header
        assert lines[-1].strip() == str(n + 1)  # page number
