"""Import fixtures generated from the committed seed pair, and the measures
that compare an import with it (paragraph identity, notes, figures, table)."""

from __future__ import annotations

import re
import struct
import zlib
from dataclasses import replace
from pathlib import Path

from cityvoices.importers import samples
from cityvoices.importers.model import Table
from helpers import ROOT, SEED_ARTICLE

PAIR = ROOT / "docs" / SEED_ARTICLE
RE_FIG = re.compile(r"images/fig-(\d\d)\.svg")


def png(i: int, w: int = 64, h: int = 48) -> bytes:
    """A PNG whose pixels differ for every ``i``."""
    rows = b"".join(b"\x00" + b"".join(bytes(((x * 3 + i * 17) % 256, (y * 5 + i * 29) % 256, (i * 53 + x * y) % 256))
                                       for x in range(w)) for y in range(h))

    def chunk(t: bytes, d: bytes) -> bytes:
        return struct.pack(">I", len(d)) + t + d + struct.pack(">I", zlib.crc32(t + d) & 0xFFFFFFFF)

    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b""))


IMAGES = {i: png(i) for i in range(1, 13)}


def committed(lang: str) -> str:
    """The committed seed file, its placeholder SVGs named as the PNGs the fixtures embed."""
    return RE_FIG.sub(r"images/fig-\1.png", (PAIR / f"index.{lang}.md").read_text(encoding="utf-8"))


def models():
    imgs = {f"images/fig-{i:02d}.png": data for i, data in IMAGES.items()}
    out = []
    for lang in ("ko", "en"):
        doc = samples.from_markdown(committed(lang), imgs, f"index.{lang}.md")
        doc.blocks = [samples.merge_repeated_cells(b) if isinstance(b, Table) else b for b in doc.blocks]
        out.append(doc)
    return out


def interleaved_docx(caption_style: str = "odd") -> bytes:
    ko, en = models()
    return samples.docx_bytes(samples.interleaved(ko, en), caption_style=caption_style)


def two_column_docx() -> bytes:
    ko, en = models()
    return samples.docx_bytes(samples.two_column(ko, en))


def interleaved_hwpx() -> bytes:
    ko, en = models()
    return samples.hwpx_bytes(samples.interleaved(ko, en))


def one_language_docx() -> bytes:
    ko, _en = models()
    return samples.docx_bytes(replace(ko, title=None))


# --------------------------------------------------------------------------
# Measures


def body(text: str) -> str:
    return text.split("\n---\n", 1)[1] if text.startswith("---\n") else text


def paragraphs(text: str) -> list[str]:
    """The text paragraphs of a file (headings, prose, list items, table rows),
    whitespace normalised; figures, captions and note bodies are measured apart."""
    out = []
    for chunk in re.split(r"\n[ \t]*\n", body(text)):
        chunk = chunk.strip()
        if not chunk or chunk.startswith(("![", "///", "[^")) or chunk == "///":
            continue
        if chunk.startswith("|"):
            out += [" ".join(ln.split()) for ln in chunk.splitlines() if not re.match(r"^\|[-|: ]+\|$", ln)]
            continue
        lines = chunk.splitlines()
        if all(re.match(r"^\s*[-*] ", ln) for ln in lines):
            out += [" ".join(ln.split()) for ln in lines]
            continue
        out.append(" ".join(chunk.split()))
    return out


def identity(expected: str, got: str) -> tuple[float, list[str]]:
    """Share of the committed paragraphs found, identical, in the import."""
    want = paragraphs(expected)
    have = set(paragraphs(got))
    missing = [p for p in want if p not in have]
    return 1 - len(missing) / len(want), missing


def notes(text: str) -> dict[str, tuple[str, str]]:
    """``label -> (the 25 characters before its call, its body)``."""
    b = body(text)
    defs = dict(re.findall(r"^\[\^([^\]]+)\]:\s*(.*)$", b, re.M))
    prose = re.sub(r"^\[\^[^\]]+\]:.*$", "", b, flags=re.M)
    out = {}
    for label, note_body in defs.items():
        m = re.search(rf"\[\^{re.escape(label)}\]", prose)
        before = re.sub(r"\[\^[^\]]+\]", "", prose[: m.start()]) if m else ""
        out[label] = (" ".join(before.split())[-25:], " ".join(note_body.split()))
    return out


def figures(text: str) -> list[tuple[str, str]]:
    """``(image path, caption)`` of each figure, in order."""
    return re.findall(r"^!\[[^\]]*\]\(([^)]+)\)\n\n/// figure-caption\n(.*?)\n///", body(text), re.M | re.S)


def table_rows(text: str) -> list[str]:
    return [" ".join(ln.split()) for ln in body(text).splitlines()
            if ln.startswith("|") and not re.match(r"^\|[-|: ]+\|$", ln)]


def tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()} \
        if root.exists() else {}


def pixels(data: bytes) -> tuple[int, int, bytes]:
    from PIL import Image
    import io

    im = Image.open(io.BytesIO(data)).convert("RGB")
    return im.width, im.height, im.tobytes()


def seed_project(tmp: Path) -> Path:
    """A fixture project holding only the seed pair, with PNG figures."""
    from helpers import make_fixture_project

    docs: dict[str, str | bytes] = {f"{SEED_ARTICLE}/index.{lang}.md": committed(lang) for lang in ("ko", "en")}
    docs.update({f"{SEED_ARTICLE}/images/fig-{i:02d}.png": data for i, data in IMAGES.items()})
    return make_fixture_project(tmp, docs)
