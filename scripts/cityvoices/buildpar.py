"""Parallel language builds: planning and merging, as pure functions.

mkdocs-static-i18n builds one language after another in one process.  Each
language's build is independent once every build sees the whole source tree
(the catalogue of both languages is read from ``docs/`` in every process), so
``cityvoices build`` runs one MkDocs process per language, each into its own
temporary folder, and merges the trees.  What each process writes:

- the default language (``ko``): the whole site root, including ``404.html``,
  ``assets/``, ``search/search_index.json`` and ``sitemap.xml`` with only its
  own pages;
- another language (``en``): its pages under ``en/``, plus root files that the
  stock serial build would overwrite or combine (``search/search_index.json``,
  ``sitemap.xml``, ``404.html``).

This module decides, file by file, where each merged file comes from and how
the shared files are combined (pure functions); :func:`merge_trees` alone
applies that plan to the folders, for ``cityvoices build`` and ``serve``.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable

from cityvoices.notices import SITEMAP_URL_RE

#: Root files written by every language build that must be combined, not picked.
COMBINED = ("search/search_index.json", "sitemap.xml")
#: Files derived from a combined file (rewritten after combining).
DERIVED = {"sitemap.xml.gz": "sitemap.xml"}

RE_URLSET_END = re.compile(r"</urlset>\s*\Z")


@dataclass(frozen=True)
class LangJob:
    """One language build: its locale, whether it is the default language,
    and the temporary site folder it writes to."""

    lang: str
    default: bool
    out_dir: str


@dataclass
class MergePlan:
    """Where every file of the merged site comes from.

    ``take`` maps a site-relative path to the language whose tree provides it;
    ``combine`` lists the shared files to combine from all trees;
    ``conflicts`` lists root files that two builds wrote differently and that
    this module does not know how to combine (the default language's wins)."""

    take: dict[str, str] = field(default_factory=dict)
    combine: list[str] = field(default_factory=list)
    derived: list[str] = field(default_factory=list)
    conflicts: list[str] = field(default_factory=list)


def die_with_parent(signum: int) -> None:
    """In a child process (Linux): be sent ``signum`` when the thread that
    started it ends, even by SIGKILL (``PR_SET_PDEATHSIG``)."""
    import ctypes

    try:
        ctypes.CDLL(None, use_errno=True).prctl(1, signum)
    except (OSError, AttributeError):
        pass


def plan_jobs(languages: Iterable[tuple[str, bool]], tmp_root: str, only: Iterable[str] | None = None) -> list[LangJob]:
    """One job per language to build, default language first.

    ``languages`` is ``(locale, is_default)`` in config order; ``only``
    restricts the build to some locales (the default language is always
    needed for the site root, so it is kept unless it is the only one asked
    for otherwise)."""
    langs = list(languages)
    wanted = set(only) if only else {lang for lang, _ in langs}
    unknown = wanted - {lang for lang, _ in langs}
    if unknown:
        raise ValueError(f"unknown language(s): {', '.join(sorted(unknown))}; "
                         f"the configuration has {', '.join(lang for lang, _ in langs)}")
    # not named after the language: integrations recognise ``<site>/<lang>``
    # as static-i18n's per-language folder
    jobs = [LangJob(lang, default, f"{tmp_root.rstrip('/')}/build-{lang}")
            for lang, default in langs if lang in wanted]
    return sorted(jobs, key=lambda j: not j.default)


def owner(path: str, langs: Iterable[str], default: str) -> str:
    """The language whose build is authoritative for site path ``path``:
    ``en/...`` belongs to ``en``; everything else to the default language."""
    head = path.split("/", 1)[0]
    for lang in langs:
        if lang != default and head == lang and "/" in path:
            return lang
    return default


def plan_merge(trees: dict[str, dict[str, str]], default: str) -> MergePlan:
    """Decide the merged site from each language's tree.

    ``trees`` maps a language to ``{site path: content digest}`` of the files
    its build wrote; ``default`` is the default language."""
    plan = MergePlan()
    langs = list(trees)
    paths = sorted(set().union(*[set(t) for t in trees.values()])) if trees else []
    for path in paths:
        if path in COMBINED:
            plan.combine.append(path)
            continue
        if path in DERIVED:
            plan.derived.append(path)
            continue
        own = owner(path, langs, default)
        if path in trees.get(own, {}):
            plan.take[path] = own
            # a root file another build also wrote, with other content
            if own == default:
                others = [lang for lang in langs if lang != own and path in trees[lang]
                          and trees[lang][path] != trees[own][path]]
                if others and path != "404.html":
                    plan.conflicts.append(path)
        else:
            # written only by a build that does not own it: keep it (an
            # integration's extra output), from the first build that has it
            plan.take[path] = next(lang for lang in langs if path in trees[lang])
    return plan


def merge_search_index(indexes: list[str], other_langs: Iterable[str] = ()) -> str:
    """Combine the ``search_index.json`` of each language build (default
    language first) into the one static-i18n writes after a serial build:
    the default language's config, every language's documents, and without
    another language's entry that repeats a default-language entry (same
    title and text, location ending the same), as the plugin's
    ``reconfigure_search_duplicates`` does."""
    if not indexes:
        raise ValueError("no search index to merge")
    data = [json.loads(text) for text in indexes]
    merged = dict(data[0])
    base_docs = list(data[0].get("docs", []))
    prefixes = tuple(f"{lang}/" for lang in other_langs)
    default_keys = {(d.get("title"), d.get("text"), d.get("location")) for d in base_docs
                    if not (prefixes and d.get("location", "").startswith(prefixes))}
    docs = base_docs
    for extra in data[1:]:
        for doc in extra.get("docs", []):
            loc = doc.get("location", "")
            dup = False
            if prefixes and loc.startswith(prefixes):
                tail = loc.split("/", 1)[1] if "/" in loc else ""
                dup = (doc.get("title"), doc.get("text"), tail) in default_keys
            if not dup:
                docs.append(doc)
    merged["docs"] = docs
    return json.dumps(merged, ensure_ascii=False, separators=(",", ":"))


def merge_sitemaps(sitemaps: list[str]) -> str:
    """One ``sitemap.xml`` with every ``<url>`` of each language's sitemap,
    in order and without repeats (the first sitemap's header and footer)."""
    if not sitemaps:
        raise ValueError("no sitemap to merge")
    first = sitemaps[0]
    seen: set[str] = set()
    urls: list[str] = []
    for text in sitemaps:
        for m in SITEMAP_URL_RE.finditer(text):
            block = m.group(0).strip()
            if block not in seen:
                seen.add(block)
                urls.append(block)
    m = SITEMAP_URL_RE.search(first)
    head = first[: m.start()] if m else RE_URLSET_END.split(first)[0]
    end = RE_URLSET_END.search(first)
    tail = first[end.start():] if end else "</urlset>\n"
    body = "".join(f"    {u}\n" for u in urls)
    return head + body + tail


def whole_folders(plan: MergePlan, trees: dict[str, dict], default: str) -> list[str]:
    """The languages whose ``<lang>/`` folder moves into the merged site in
    one piece: every file under it is taken from that language's tree, and no
    other tree wrote anything under it."""
    out = []
    for lang, tree in trees.items():
        prefix = f"{lang}/"
        if lang == default or not any(rel.startswith(prefix) for rel in tree):
            continue
        others = (rel for other, t in trees.items() if other != lang for rel in t)
        if (all(plan.take.get(rel) == lang for rel in tree if rel.startswith(prefix))
                and not any(rel.startswith(prefix) for rel in others)):
            out.append(lang)
    return out


# -- applying the plan (the one function here that touches the disk) -----------------------

def _tree(root: Path) -> dict[str, str]:
    out = {}
    top = os.fspath(root).rstrip(os.sep)
    for dirpath, _dirs, files in os.walk(top):
        rel_dir = "" if dirpath == top else dirpath[len(top) + 1:].replace(os.sep, "/") + "/"
        for name in files:
            out[rel_dir + name] = os.path.join(dirpath, name)
    return out


def _digest(path: str) -> str:
    with open(path, "rb") as fh:
        return hashlib.blake2b(fh.read(), digest_size=16).hexdigest()


def _digests(paths: list[str]) -> list[str]:
    """Content digests of the copies one path has in several trees; copies
    that are all one file (hard links to the site a warm build replaced) are
    the same without being read."""
    ids = {(st.st_dev, st.st_ino) for st in map(os.stat, paths)}
    return ["same"] * len(paths) if len(ids) == 1 else [_digest(p) for p in paths]


def merge_trees(jobs: list[LangJob]) -> list[str]:
    """Merge the language trees into the default language's folder (moving
    files, no copies); the caller puts that folder in place.  Returns the
    root files two builds wrote differently (kept: the default's)."""
    from cityvoices import textio

    default = next(j for j in jobs if j.default)
    trees = {j.lang: _tree(Path(j.out_dir)) for j in jobs}
    seen: dict[str, list[str]] = {}
    for lang, tree in trees.items():
        for rel in tree:
            seen.setdefault(rel, []).append(lang)
    digests: dict[str, dict[str, str]] = {lang: {} for lang in trees}
    for rel, langs in seen.items():
        got = _digests([trees[lang][rel] for lang in langs]) if len(langs) > 1 else [""]
        for lang, value in zip(langs, got):
            digests[lang][rel] = value
    plan = plan_merge(digests, default.lang)
    root = Path(default.out_dir)
    moved = whole_folders(plan, trees, default.lang)
    for lang in moved:  # one rename for the language's whole folder
        os.replace(Path(next(j.out_dir for j in jobs if j.lang == lang), lang), root / lang)
    for rel, lang in plan.take.items():
        if lang == default.lang or lang in moved and rel.startswith(f"{lang}/"):
            continue
        target = root / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        os.replace(trees[lang][rel], target)
    others = [j.lang for j in jobs if not j.default]
    for rel in plan.combine:
        texts = [Path(trees[j.lang][rel]).read_text(encoding="utf-8") for j in jobs if rel in trees[j.lang]]
        if rel.endswith("search_index.json"):
            merged = merge_search_index(texts, others)
        else:
            merged = merge_sitemaps(texts)
        textio.atomic_write(root / rel, merged.encode("utf-8"))
    for rel in plan.derived:
        data = (root / DERIVED[rel]).read_bytes()
        textio.atomic_write(root / rel, gzip.compress(data, mtime=0))
    return plan.conflicts
