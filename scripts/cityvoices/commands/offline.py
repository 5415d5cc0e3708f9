"""``cityvoices offline``: the whole site as one zip that works from
``file://`` (navigation, images, search, PDFs).  A thin shell: it builds the
site with MkDocs, applies :mod:`cityvoices.pdf.offline` to the files and zips
them."""

from __future__ import annotations

import argparse
import io
import os
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

from cityvoices import textio
from cityvoices.pdf import offline

ZIP_NAME = "cityvoices-offline.zip"
TOP = "cityvoices-offline"


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser(
        "offline",
        help="build an offline copy of the site (one zip, opens from file://)",
        description=(
            "Build the site and package it as one zip that readers unpack and open by double-clicking "
            f"{TOP}/index.html: navigation, images, search and the PDFs work without a network or a "
            "server. Exit codes: 0 done, 2 the build failed (nothing is overwritten)."
        ),
    )
    p.add_argument("-f", "--config-file", default="mkdocs.yml", help="the site's mkdocs.yml (default: ./mkdocs.yml)")
    p.add_argument("-o", "--output", default=None,
                   help=f"the zip to write (default: <site_dir>/downloads/{ZIP_NAME})")
    p.add_argument("--dir", default=None, help="also keep the unpacked offline site in this folder")
    p.add_argument("--no-pdf", action="store_true", help="leave the PDFs out (CV_PDF=0)")
    p.set_defaults(func=run)


def build(config_file: Path, dest: Path, *, pdf: bool = True) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1", CV_OFFLINE="1")
    if not pdf:
        env["CV_PDF"] = "0"
    return subprocess.run([sys.executable, "-m", "mkdocs", "build", "-q", "-f", str(config_file), "-d", str(dest)],
                          cwd=config_file.parent, env=env, text=True, capture_output=True)


def make_offline(site: Path) -> None:
    """Rewrite a built site in place for ``file://``."""
    def is_dir(rel: str) -> bool:
        return (site / rel).is_dir() and (site / rel / "index.html").is_file()

    for page in sorted(site.rglob("*.html")):
        rel = page.relative_to(site).as_posix()
        text = page.read_text(encoding="utf-8")
        new = offline.rewrite_page(text, rel, is_dir)
        if new != text:
            textio.atomic_write(page, new.encode("utf-8"))
    index = site / "search" / "search_index.json"
    if index.is_file():
        data = offline.rewrite_search_index(index.read_text(encoding="utf-8"))
        textio.atomic_write(index, data.encode("utf-8"))
        textio.atomic_write(site / "search" / "search_index.js", offline.search_index_script(data).encode("utf-8"))
    textio.atomic_write(site / offline.SHIM_PATH, offline.worker_shim().encode("utf-8"))


def zip_site(site: Path) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED, compresslevel=6) as zf:
        for path in sorted(site.rglob("*")):
            if path.is_file() and not path.name.endswith(".gz") and path.name != ZIP_NAME:
                zf.write(path, f"{TOP}/{path.relative_to(site).as_posix()}")
    return buf.getvalue()


def run(args: argparse.Namespace) -> int:
    from mkdocs.config import load_config

    config_file = Path(args.config_file).resolve()
    if not config_file.is_file():
        print(f"{args.config_file}: error: no such file (use -f to name the site's mkdocs.yml) [offline-config]",
              file=sys.stderr)
        return 2
    site_dir = Path(load_config(str(config_file)).site_dir)
    out = Path(args.output) if args.output else site_dir / "downloads" / ZIP_NAME
    with tempfile.TemporaryDirectory(prefix="cv-offline-") as tmp:
        site = Path(tmp) / TOP
        proc = build(config_file, site, pdf=not args.no_pdf)
        if proc.returncode != 0:
            print(proc.stdout + proc.stderr, file=sys.stderr)
            print(f"{config_file}: error: the site build failed; {out} was not changed [offline-build]",
                  file=sys.stderr)
            return 2
        make_offline(site)
        data = zip_site(site)
        textio.atomic_write(out, data)
        if args.dir:
            import shutil

            dest = Path(args.dir)
            if dest.exists():
                shutil.rmtree(dest)
            shutil.copytree(site, dest)
    print(f"{out}: offline copy, {len(data) / 1e6:.1f} MB; unpack it and open {TOP}/index.html")
    return 0
