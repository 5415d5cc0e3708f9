"""Reading and writing editors' files without losing a byte.

``decode`` turns bytes into text plus the facts needed to write the file back
the same way (BOM, line endings).  ``atomic_write`` replaces a file through a
temporary file and a rename, so a crash never leaves a half-written file.
These are the only functions in the package that touch the disk for text.
"""

from __future__ import annotations

import codecs
import errno
import os
import stat
import tempfile
from dataclasses import dataclass
from pathlib import Path

from cityvoices.problems import CityVoicesError, Problem

#: Written into every output folder we create; a folder without it that holds
#: anything is never emptied or replaced by ``build -d``, ``offline --dir`` or ``pdf -o``.
OUTPUT_MARKER = ".cityvoices-output"


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


def read_bytes(path: str | os.PathLike) -> bytes:
    """The bytes of an editor's file.  Only a regular file is read: a pipe or
    a device named ``x.ko.md`` would block or never end (``OSError``)."""
    if not stat.S_ISREG(os.stat(path).st_mode):  # before open(): opening a pipe blocks
        raise OSError(errno.EINVAL, "not a regular file", str(path))
    return Path(path).read_bytes()


def read_text_file(path: str | os.PathLike) -> TextFile:
    return decode(read_bytes(path), path)


def display_path(path: str | os.PathLike) -> str:
    """``path`` as a user pastes it: relative to the working folder when it
    is inside it (``docs/x/index.ko.md``), else absolute."""
    p = Path(os.path.abspath(path))
    try:
        return p.relative_to(Path.cwd()).as_posix() or "."
    except ValueError:
        return str(p)


def _writable(st: os.stat_result) -> bool:
    # by the mode bits, not os.access: root may write anything, but a file an
    # editor made read-only is not ours to rewrite
    return bool(st.st_mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH))


def atomic_write(path: str | os.PathLike, data: bytes) -> None:
    """Write ``data`` to ``path`` via a temporary file in the same folder.

    A symlink is written through (its target is replaced; the link stays a
    link).  A read-only file, or a file in a read-only folder, is refused
    with a :class:`CityVoicesError` and left as it was."""
    path = Path(path)
    if path.is_symlink():
        path = Path(os.path.realpath(path))
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        st = path.stat()
    except FileNotFoundError:
        st = None
    if st is not None and not _writable(st):
        raise CityVoicesError(display_path(path), 0, "the file is read-only; it was not rewritten", "read-only")
    if not _writable(path.parent.stat()):
        raise CityVoicesError(display_path(path), 0, "its folder is read-only; the file was not written",
                              "read-only")
    replace_file(path, data, mode=st.st_mode & 0o7777 if st is not None else 0o644)


def replace_file(path: Path, data: bytes | tuple[bytes, ...], *, mode: int | None = None, fsync: bool = True) -> None:
    """The atomic step under :func:`atomic_write`: ``data`` (or its parts,
    one after another: no joined copy) into a temporary
    file beside ``path`` (``mode``, ``fsync``), renamed over it; the
    temporary file is removed on any failure.  No checks: for files this
    project owns (the build cache, where a file cut short by a crash fails
    its checksum, so ``fsync=False``)."""
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            for part in data if isinstance(data, tuple) else (data,):
                fh.write(part)
            if fsync:
                fh.flush()
                os.fsync(fh.fileno())
        if mode is not None:
            os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise


def link_if_same(path: str | os.PathLike, data: bytes, previous: str | os.PathLike | None) -> bool:
    """Make the new file ``path`` (in a folder being built) a hard link to
    ``previous`` (the same file in the site this build replaces) if that is
    a regular file holding exactly ``data``; returns whether it did.  A link
    writes nothing, keeps the file's time (so its HTTP validators) and leaves
    nothing to free when the replaced site is deleted.  For output folders
    this project writes, whose files are never rewritten in place (a linked
    file is the replaced site's until that is deleted: later steps replace
    files, :func:`replace_file`)."""
    if previous is None:
        return False
    try:
        st = os.lstat(previous)
        if not stat.S_ISREG(st.st_mode) or st.st_size != len(data):
            return False
        with open(previous, "rb") as fh:
            if fh.read(len(data) + 1) != data:
                return False
        os.link(previous, path)
        return True
    except OSError:  # gone, unreadable, another file system, no hard links there: not linked
        return False


def write_or_link(path: str | os.PathLike, data: bytes, previous: str | os.PathLike | None = None) -> bool:
    """``data`` as the new file ``path``: linked to ``previous`` when that
    holds the same bytes (:func:`link_if_same`), else written.  Returns
    whether it linked."""
    if link_if_same(path, data, previous):
        return True
    with open(path, "wb") as fh:
        fh.write(data)
    return False


def _inside(path: str, root: str) -> bool:
    return path == root or path.startswith(root.rstrip(os.sep) + os.sep)


def walk_docs(root: str | os.PathLike, prefix: str = "", *, skip_hidden: bool = False,
              where: str = "the docs folder") -> tuple[list[tuple[str, Path]], list[Problem]]:
    """Every file under ``root`` as ``(relative posix path, path)``, sorted,
    and the symlinks that lead out of ``root`` (or loop) and the folders that
    cannot be read, as problems named ``prefix + relative path``.  Such links
    are neither followed nor listed: nothing outside the docs folder is ever
    read into the site.  The one walker of editors' folders (the build,
    ``check`` and ``normalize``); ``skip_hidden`` leaves out folders whose
    name starts with a dot (``.git``, a virtualenv); ``where`` names ``root``
    in messages."""
    root = Path(root)
    real_root = os.path.realpath(root)
    files: list[tuple[str, Path]] = []
    problems: list[Problem] = []
    seen_dirs = {real_root}

    def refuse(rel: str, target: str, what: str) -> None:
        problems.append(Problem(prefix + rel, 0, "symlink-outside",
                                f"{what} is a symlink to {target}, outside {where}; it is not "
                                f"followed or published (copy the file into {where} instead)", "error"))

    def unreadable(exc: OSError) -> None:
        where = Path(exc.filename or root)
        try:
            rel = where.relative_to(root).as_posix()
        except ValueError:
            rel = str(where)
        problems.append(Problem(prefix.rstrip("/") if rel == "." else prefix + rel, 0, "io",
                                f"cannot read the folder: {exc.strerror or exc}", "error"))

    top = os.fspath(root)
    for dirpath, dirs, names in os.walk(top, followlinks=True, onerror=unreadable):
        rel_dir = os.path.relpath(dirpath, top)
        rel_dir = "" if rel_dir == "." else rel_dir.replace(os.sep, "/") + "/"
        keep = []
        for d in sorted(dirs):
            if skip_hidden and d.startswith("."):
                continue
            full = os.path.join(dirpath, d)
            real = os.path.realpath(full)
            rel = rel_dir + d
            if not _inside(real, real_root):
                refuse(rel, real, "the folder")
            elif os.path.islink(full) and real in seen_dirs:
                problems.append(Problem(prefix + rel, 0, "symlink-loop",
                                        "the folder is a symlink to a folder already listed; it is skipped",
                                        "warning"))
            else:
                seen_dirs.add(real)
                keep.append(d)
        dirs[:] = keep
        for name in names:
            full = os.path.join(dirpath, name)
            rel = rel_dir + name
            if os.path.islink(full):
                real = os.path.realpath(full)
                if not _inside(real, real_root):
                    refuse(rel, real, "the file")
                    continue
            files.append((rel, Path(full)))
    files.sort()
    return files, problems


def list_sources(root: str | os.PathLike, prefix: str = "") -> tuple[list[tuple[str, Path]], list[Problem]]:
    """``(relative posix path, path)`` of every ``*.ko.md``/``*.en.md`` under
    ``root``, sorted: the publication sources of a docs folder, plus files
    with a look-alike language suffix (``index.kr.md``), for the catalogue
    to report as never published; and the problems of the walk
    (:func:`walk_docs`: symlinks leading out of ``root``, unreadable folders)."""
    from cityvoices.syntax import split_lang, unknown_lang_suffix

    files, problems = walk_docs(root, prefix)
    return ([(rel, path) for rel, path in files
             if rel.endswith(".md") and (split_lang(rel) or unknown_lang_suffix(rel))], problems)


def source_files(root: str | os.PathLike, prefix: str = "") -> list[tuple[str, Path]]:
    """:func:`list_sources`, where a symlink leading out of ``root`` is a
    :class:`CityVoicesError` naming it."""
    files, problems = list_sources(root, prefix)
    errors = [p for p in problems if p.severity == "error"]
    if errors:
        p = errors[0]
        raise CityVoicesError(p.path, p.line, p.message, p.code)
    return files


# -- output folders ----------------------------------------------------------------------------

def check_output_dir(path: str | os.PathLike, *, protect: tuple[str | os.PathLike, ...] = ()) -> None:
    """Refuse (:class:`CityVoicesError`) to write into a folder that holds
    anything we did not write there: it must be missing, empty, carry our
    :data:`OUTPUT_MARKER`, or be a folder inside one that does.  ``protect``
    (the docs folder, mkdocs.yml) may never be inside it."""
    path = Path(path)
    shown = display_path(path)
    real = os.path.realpath(path)
    for p in protect:
        if _inside(os.path.realpath(p), real):
            raise CityVoicesError(shown, 0, f"the output folder would hold {display_path(p)}; choose another "
                                  "folder (nothing was written)", "output-not-ours")
    if not path.exists() and not path.is_symlink():
        return
    if not path.is_dir():
        raise CityVoicesError(shown, 0, "exists and is not a folder; nothing was written", "output-not-ours")
    if is_our_output(path) or is_our_output(path.parent):
        return
    entries = sorted(os.listdir(path))
    if entries:
        named = ", ".join(entries[:3]) + (", …" if len(entries) > 3 else "")
        raise CityVoicesError(shown, 0, f"the folder holds files cityvoices did not write ({named}); nothing "
                              f"was written. Choose an empty or new folder, or, if it is meant for this "
                              f"output (a gh-pages worktree), add an empty {OUTPUT_MARKER} file to it",
                              "output-not-ours")


def is_our_output(path: str | os.PathLike) -> bool:
    """Whether ``path`` is an output folder carrying our marker (a site we built)."""
    return os.path.isfile(os.path.join(path, OUTPUT_MARKER))


def mark_output_dir(path: str | os.PathLike) -> None:
    """Write our marker into an output folder (see :func:`check_output_dir`)."""
    path = Path(path)
    path.mkdir(parents=True, exist_ok=True)
    marker = path / OUTPUT_MARKER
    if not marker.is_file():
        marker.write_text("Written by cityvoices: this folder is replaced by every build.\n", encoding="utf-8")


def read_source(path: str | os.PathLike, name: str) -> str:
    """Text of a source file; a decoding error is reported under ``name``
    (the path an editor knows, such as ``cityvoices/x/index.ko.md``)."""
    try:
        return read_text_file(path).text
    except CityVoicesError as exc:
        p = exc.problem
        raise CityVoicesError(name, p.line, p.message, p.code) from None
    except OSError as exc:
        raise CityVoicesError(name, 0, f"cannot read the file: {exc.strerror or exc}", "unreadable") from None


def read_sources(root: str | os.PathLike, prefix: str = "") -> list[tuple[str, str]]:
    """``(relative path, text)`` of every source under ``root``; errors name
    the file as ``prefix + relative path``."""
    return [(rel, read_source(path, prefix + rel)) for rel, path in source_files(root, prefix)]


def write_new_files(root: str | os.PathLike, files: dict[str, str | bytes]) -> list[Path]:
    """Write ``files`` (paths relative to ``root``; text as UTF-8, bytes as
    they are), all or none: if any of them exists already, nothing is written
    and ``FileExistsError`` names it (``filename``, as :func:`display_path`); if a write fails, the files written so
    far are removed again."""
    root = Path(root)
    for rel in files:
        if (root / rel).exists() or (root / rel).is_symlink():
            raise FileExistsError(errno.EEXIST, "already exists; nothing was written", display_path(root / rel))
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
