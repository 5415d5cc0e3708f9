"""Reading and writing editors' files without losing a byte.

``decode`` turns bytes into text plus the facts needed to write the file back
the same way (BOM, line endings).  ``atomic_write`` replaces a file through a
temporary file and a rename, so a crash never leaves a half-written file.
These are the only functions in the package that touch the disk for text.
"""

from __future__ import annotations

import codecs
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

from cityvoices.problems import CityVoicesError


@dataclass(frozen=True)
class TextFile:
    """A decoded text file. ``text`` always uses ``\\n`` line endings."""

    text: str
    bom: bool = False
    newline: str = "\n"

    def encode(self, text: str | None = None) -> bytes:
        body = self.text if text is None else text
        if self.newline != "\n":
            body = body.replace("\n", self.newline)
        data = body.encode("utf-8")
        return (codecs.BOM_UTF8 + data) if self.bom else data


def detect_newline(text: str) -> str:
    """The dominant line ending of ``text`` (``\\n`` when there is none)."""
    crlf = text.count("\r\n")
    lf = text.count("\n") - crlf
    cr = text.count("\r") - crlf
    best = max((lf, "\n"), (crlf, "\r\n"), (cr, "\r"))
    return best[1] if best[0] else "\n"


def decode(data: bytes, path: str | os.PathLike = "<text>") -> TextFile:
    """Decode UTF-8 (with or without BOM); name file and line on failure."""
    bom = data.startswith(codecs.BOM_UTF8)
    raw = data[len(codecs.BOM_UTF8):] if bom else data
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        hint = ""
        for enc in ("cp949", "utf-16"):
            try:
                raw.decode(enc)
                hint = f" It looks like {enc.upper()}; save it as UTF-8."
                break
            except UnicodeDecodeError:
                continue
        raise CityVoicesError(
            str(path),
            line,
            f"not valid UTF-8 (byte 0x{raw[exc.start]:02x} at offset {exc.start}).{hint}",
            code="encoding",
        ) from None
    newline = detect_newline(text)
    if newline != "\n":
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return TextFile(text=text, bom=bom, newline=newline)


def read_text_file(path: str | os.PathLike) -> TextFile:
    return decode(Path(path).read_bytes(), path)


def atomic_write(path: str | os.PathLike, data: bytes) -> None:
    """Write ``data`` to ``path`` via a temporary file in the same folder."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        if path.exists():
            os.chmod(tmp, path.stat().st_mode & 0o7777)
        else:
            os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise


def source_files(root: str | os.PathLike) -> list[tuple[str, Path]]:
    """``(relative posix path, path)`` of every ``*.ko.md``/``*.en.md`` under
    ``root``, sorted: the publication sources of a docs folder."""
    from cityvoices.catalog import split_lang

    root = Path(root)
    out = []
    for path in sorted(root.rglob("*.md")):
        rel = path.relative_to(root).as_posix()
        if split_lang(rel):
            out.append((rel, path))
    return out


def read_source(path: str | os.PathLike, name: str) -> str:
    """Text of a source file; a decoding error is reported under ``name``
    (the path an editor knows, such as ``cityvoices/x/index.ko.md``)."""
    try:
        return read_text_file(path).text
    except CityVoicesError as exc:
        p = exc.problem
        raise CityVoicesError(name, p.line, p.message, p.code) from None


def read_sources(root: str | os.PathLike, prefix: str = "") -> list[tuple[str, str]]:
    """``(relative path, text)`` of every source under ``root``; errors name
    the file as ``prefix + relative path``."""
    return [(rel, read_source(path, prefix + rel)) for rel, path in source_files(root)]


def write_new_files(root: str | os.PathLike, files: dict[str, str | bytes]) -> list[Path]:
    """Write ``files`` (paths relative to ``root``; text as UTF-8, bytes as
    they are), all or none: if any of them exists already, nothing is written
    and ``FileExistsError`` names it; if a write fails, the files written so
    far are removed again."""
    root = Path(root)
    for rel in files:
        if (root / rel).exists() or (root / rel).is_symlink():
            raise FileExistsError(f"{root / rel} already exists; nothing was written")
    written: list[Path] = []
    made: list[Path] = []
    try:
        for rel, content in files.items():
            target = root / rel
            for parent in reversed(target.relative_to(root).parents):
                if str(parent) != "." and not (root / parent).exists():
                    made.append(root / parent)
            atomic_write(target, content if isinstance(content, bytes) else content.encode("utf-8"))
            written.append(target)
    except BaseException:
        for path in written:
            path.unlink(missing_ok=True)
        for folder in reversed(made):
            try:
                folder.rmdir()
            except OSError:
                pass
        raise
    return written
