"""``cityvoices check``: do the Korean and English versions stay in step?

A thin shell over :mod:`cityvoices.parallel`: find the files, read them,
print the report.  Exit 0 when every publication is complete, 1 when there are
findings (divergent, missing or outdated translations, unreadable files),
2 when the command could not run (a path that does not exist …).

``--mark-translated PATH`` records, in the translation's front matter, the
hash of the source it was brought up to date with (``source_hash``); only
that one line of the file changes.
"""

from __future__ import annotations

import argparse
import codecs
import json
import sys
from pathlib import Path
from typing import Any

from cityvoices import parallel, textio
from cityvoices.problems import EXIT_CLEAN, EXIT_FINDINGS, CityVoicesError, Problem


def register(subparsers: Any) -> None:
    p = subparsers.add_parser(
        "check",
        help="compare the Korean and English versions of each publication",
        description="Compare the Korean and English files of each publication (headings, figures, "
                    "tables, footnotes, boxes, links, caption numbering, front matter) and list "
                    "missing and outdated translations. Exit 0 clean, 1 findings, 2 errors.",
    )
    p.add_argument("paths", nargs="*", metavar="PATH",
                   help="folders or files to check (default: docs/); X.ko.md pairs with X.en.md")
    p.add_argument("--format", choices=("text", "json"), default="text", help="output format")
    p.add_argument("--all", action="store_true", help="also list publications that check clean")
    p.add_argument("--mark-translated", metavar="PATH", dest="mark",
                   help="record in the translation of PATH's publication that it is up to date "
                        "with its source (writes front matter field source_hash)")
    p.set_defaults(func=run)


def _collect(paths: list[str]) -> list[Path]:
    files: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            files.extend(p for p in sorted(path.rglob("*.md"))
                         if not any(part.startswith(".") for part in p.relative_to(path).parts))
        elif path.is_file():
            files.append(path)
            pk = parallel.pair_key(path.as_posix())
            if pk:
                for other in ("ko", "en"):
                    sib = path.with_name(path.name[: -len(f".{pk[1]}.md")] + f".{other}.md")
                    if sib != path and sib.is_file():
                        files.append(sib)
        else:
            raise CityVoicesError(raw, 0, "no such file or folder", code="path")
    seen: dict[str, Path] = {}
    for f in files:
        seen.setdefault(f.as_posix(), f)
    return list(seen.values())


def _read(files: list[Path]) -> tuple[list[tuple[str, str]], list[Problem]]:
    texts, problems = [], []
    for f in files:
        try:
            texts.append((f.as_posix(), textio.read_text_file(f).text))
        except CityVoicesError as exc:
            problems.append(exc.problem)
    return texts, problems


def run(args: argparse.Namespace) -> int:
    if args.mark:
        return mark_translated(args.mark)
    files = _collect(args.paths or ["docs"])
    texts, read_problems = _read(files)
    reports = parallel.check_sources(texts)
    for prob in read_problems:  # an unreadable file is a finding of its publication
        pk = parallel.pair_key(prob.path)
        key = pk[0] if pk else prob.path
        rep = reports.setdefault(key, parallel.PairReport(key, {}))
        rep.problems.append(prob)
        rep.missing = [m for m in rep.missing if not (pk and m == pk[1])]
        if rep.status == "complete" or rep.status == "missing" and not rep.missing:
            rep.status = "divergent"
    summary = {s: sum(1 for r in reports.values() if r.status == s) for s in parallel.STATUSES}
    dirty = [r for r in reports.values() if not r.clean]
    if args.format == "json":
        json.dump({"publications": [r.to_json() for r in reports.values()], "summary": summary,
                   "clean": not dirty}, sys.stdout, ensure_ascii=False, indent=2, default=str)
        sys.stdout.write("\n")
    else:
        for rep in reports.values():
            if args.all or not rep.clean:
                print(parallel.format_report(rep))
        print(f"checked {len(reports)} publication(s): " + ", ".join(f"{n} {s}" for s, n in summary.items()))
    return EXIT_FINDINGS if dirty else EXIT_CLEAN


def mark_translated(target: str) -> int:
    path = Path(target)
    if path.is_dir():
        candidates = sorted(path.glob("index.*.md")) or sorted(path.glob("*.md"))
        if not candidates:
            raise CityVoicesError(target, 0, "no index.ko.md / index.en.md in this folder", code="path")
        path = candidates[0]
    if not path.is_file():
        raise CityVoicesError(target, 0, "no such file", code="path")
    pk = parallel.pair_key(path.as_posix())
    if not pk:
        raise CityVoicesError(target, 0, "not a language file (expected NAME.ko.md or NAME.en.md)", code="path")
    stem = path.name[: -len(f".{pk[1]}.md")]
    pair = {lang: path.with_name(f"{stem}.{lang}.md") for lang in ("ko", "en")}
    for lang, p in pair.items():
        if not p.is_file():
            raise CityVoicesError(str(p), 0, f"missing: there is no {lang} version to mark", code="path")
    decoded = {lang: textio.read_text_file(p) for lang, p in pair.items()}
    structs = {lang: parallel.extract(d.text, str(pair[lang]), lang) for lang, d in decoded.items()}
    for st in structs.values():
        for prob in st.problems:
            if prob.code.startswith("frontmatter"):
                raise CityVoicesError(prob.path, prob.line, prob.message, code=prob.code)
    original = structs["ko"].meta.get("original") or structs["en"].meta.get("original")
    if original not in ("ko", "en"):
        raise CityVoicesError(str(pair["ko"]), 1, "cannot tell which version is the source: set front "
                              "matter 'original: ko' or 'original: en'", code="frontmatter-missing")
    translation = "en" if original == "ko" else "ko"
    value = parallel.source_hash(decoded[original].text)
    tpath = pair[translation]
    raw = tpath.read_bytes()
    bom = raw.startswith(codecs.BOM_UTF8)
    text = raw[3:].decode("utf-8") if bom else raw.decode("utf-8")
    new_text = parallel.set_source_hash(text, value, str(tpath))
    if new_text != text:
        textio.atomic_write(tpath, (codecs.BOM_UTF8 if bom else b"") + new_text.encode("utf-8"))
        print(f"{tpath}: source_hash: {value} (up to date with {pair[original]})")
    else:
        print(f"{tpath}: already up to date with {pair[original]} (source_hash: {value})")
    rep = parallel.check_pair(pk[0], {lang: (str(pair[lang]), d.text if lang != translation else
                                             textio.decode(tpath.read_bytes(), tpath).text)
                                      for lang, d in decoded.items()})
    if rep.divergences:
        print(f"note: the pair still diverges ({len(rep.divergences)} finding(s)); run 'cityvoices check {path.parent}'",
              file=sys.stderr)
    return EXIT_CLEAN
