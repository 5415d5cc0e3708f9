"""A synthetic project for benchmarks and tests: the project's own site
pages and assets, N generated bilingual publications (:mod:`cityvoices.synth`,
from the seed article) over several issues, newsletters and reports, and two
configurations: ``mkdocs.yml`` (ours, every hook) and ``stock.yml``.

Used by ``cityvoices bench build|search`` and by the archive-scale tests."""

from __future__ import annotations

import datetime as _dt
import random
import re
import shutil
from pathlib import Path

from cityvoices import placeholder, scaffold, synth

#: The repository (the folder holding mkdocs.yml, docs/ and scripts/).
REPO = Path(__file__).resolve().parents[2]
#: The project's own site pages copied into every archive (publications are generated).
SITE_PAGES = ("index", "cityvoices/index", "newsletters/index", "reports/index", "status/index", "guide/index")
EVENTS = ("2013-seoul-congress", "2015-kathmandu-forum", "2017-colombo-congress", "2019-yokohama-forum",
          "2021-online-congress")
RE_IMAGE = re.compile(r"\]\(images/fig-(\d+)\.jpg\)")


def publication_files(seed: synth.Seed, rng: random.Random, index: int) -> dict[str, str]:
    """One generated publication: ``{path under docs/: text}`` for both
    languages and its placeholder figures.  About 70% are magazine articles
    (grouped by issue), 20% newsletters (by month) and 10% reports (by event)."""
    ko, en = synth.publication_pair(seed, rng, index)
    kind = ("article",) * 7 + ("newsletter",) * 2 + ("report",)
    kind = kind[index % 10]
    date = re.search(r"^date: (\d{4})-(\d{2})", ko, re.M)
    slug = f"pub-{index:05d}"
    issue = re.search(r"^issue: (\S+)", ko, re.M).group(1)
    folder = scaffold.folder_for(kind, slug, _dt.date(int(date.group(1)), int(date.group(2)), 1),
                                 issue=issue, event=EVENTS[index % len(EVENTS)])
    out: dict[str, str] = {}
    figures = sorted({int(n) for n in RE_IMAGE.findall(ko)})
    for lang, text in (("ko", ko), ("en", en)):
        if kind != "article":
            text = text.replace("type: article", f"type: {kind}", 1)
            text = re.sub(r"^issue: .*\n", "", text, count=1, flags=re.M)
            if kind == "report":
                text = text.replace("\ntags:", f"\nevent: {EVENTS[index % len(EVENTS)]}\ntags:", 1)
        out[f"{folder}/index.{lang}.md"] = RE_IMAGE.sub(r"](images/fig-\1.svg)", text)
    for n in figures:
        out[f"{folder}/images/fig-{n:02d}.svg"] = placeholder.placeholder_svg(
            n, f"{slug} 그림 {n}", f"{slug} figure {n}")
    return out


def archive_files(n: int, seed_value: int = 2013) -> dict[str, str]:
    """The generated publications of an archive of ``n`` (pure)."""
    seed = synth.parse_seed(synth.load_seed())
    rng = random.Random(seed_value)
    files: dict[str, str] = {}
    for i in range(n):
        files.update(publication_files(seed, rng, i))
    return files


def write_archive(root: Path, n: int, seed_value: int = 2013, repo: Path | None = None) -> dict:
    """A project folder under ``root``: the project's site pages and assets,
    ``n`` generated publications, and two configurations, ``mkdocs.yml``
    (ours, with hooks) and ``stock.yml``.  Returns a summary."""
    repo = repo or REPO
    docs = root / "docs"
    if docs.exists():
        shutil.rmtree(docs)
    docs.mkdir(parents=True)
    for stem in SITE_PAGES:
        for lang in ("ko", "en"):
            src = repo / "docs" / f"{stem}.{lang}.md"
            if src.exists():
                (docs / src.relative_to(repo / "docs")).parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(src, docs / src.relative_to(repo / "docs"))
    shutil.copytree(repo / "docs" / "assets", docs / "assets")
    files = archive_files(n, seed_value)
    for rel, text in files.items():
        path = docs / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    cfg = (repo / "mkdocs.yml").read_text(encoding="utf-8")
    ours = cfg.replace("custom_dir: overrides", f"custom_dir: {repo / 'overrides'}")
    ours = ours.replace("  - scripts/hooks.py", f"  - {repo / 'scripts' / 'hooks.py'}")
    (root / "mkdocs.yml").write_text(ours, encoding="utf-8")
    (root / "stock.yml").write_text(stock_config(cfg), encoding="utf-8")
    return {"publications": n, "sources": sum(1 for r in files if r.endswith(".md"))}


def stock_config(cfg: str) -> str:
    """Our configuration made stock: no hooks, no theme overrides, no nav
    (MkDocs lists every page), no extra CSS; same plugins and extensions."""
    out = re.sub(r"^hooks:\n(?:  - .*\n)+", "", cfg, flags=re.M)
    out = re.sub(r"^nav:\n(?:  - .*\n)+", "", out, flags=re.M)
    out = re.sub(r"^extra_css:\n(?:  - .*\n)+", "", out, flags=re.M)
    out = re.sub(r"^  custom_dir: .*\n", "", out, flags=re.M)
    return out
