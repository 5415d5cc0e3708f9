"""What .docx and HWPX have in common: a zip of XML parts.

Opening refuses, with a message an editor can act on, what is not such a
package: a damaged or truncated zip, a password-protected (encrypted) Office
file, an old binary Word or 한글 file, a zip bomb.  XML is parsed with no
entity expansion, no network and no huge trees.
"""

from __future__ import annotations

import io
import zipfile

from lxml import etree

from cityvoices.importers.model import SourceError

#: An OLE2 compound file (old .doc/.hwp, or an encrypted Office package).
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
#: Limits against zip bombs: per part and in all.
MAX_PART = 200 * 1024 * 1024
MAX_TOTAL = 1024 * 1024 * 1024

PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False, remove_blank_text=False,
                         load_dtd=False)


def ole_kind(data: bytes) -> str | None:
    """For an OLE2 file: ``"encrypted"`` (an Office package with a password),
    ``"hwp"`` (한글 97–2022 binary), ``"doc"`` (Word 97–2003) or ``"ole"``."""
    if not data.startswith(OLE_MAGIC):
        return None
    if "EncryptedPackage".encode("utf-16-le") in data:
        return "encrypted"
    if "FileHeader".encode("utf-16-le") in data and "BodyText".encode("utf-16-le") in data:
        return "hwp"
    if "WordDocument".encode("utf-16-le") in data:
        return "doc"
    return "ole"


class Package:
    """The parts of a zip package, read lazily, with size limits."""

    def __init__(self, data: bytes, path: str, what: str):
        self.path = path
        self.what = what
        try:
            self.zip = zipfile.ZipFile(io.BytesIO(data))
            infos = self.zip.infolist()
        except (zipfile.BadZipFile, OSError, ValueError) as exc:
            raise SourceError(path, f"not a readable {what}: the file is damaged or truncated ({exc}); "
                                    "open it in its program and save it again", "import-corrupt") from None
        total = 0
        for info in infos:
            if info.file_size > MAX_PART:
                raise SourceError(path, f"{what} part {info.filename} would unpack to {info.file_size:,} bytes; "
                                        "refused", "import-too-large")
            total += info.file_size
        if total > MAX_TOTAL:
            raise SourceError(path, f"{what} would unpack to {total:,} bytes; refused", "import-too-large")
        self.names = {i.filename for i in infos}

    def has(self, name: str) -> bool:
        return name in self.names

    def read(self, name: str) -> bytes:
        try:
            return self.zip.read(name)
        except KeyError:
            raise SourceError(self.path, f"{self.what} has no part {name}", "import-corrupt") from None
        except (zipfile.BadZipFile, OSError, EOFError, ValueError) as exc:  # CRC error, truncated member
            raise SourceError(self.path, f"{self.what} part {name} is damaged ({exc}); open the file in its "
                                         "program and save it again", "import-corrupt") from None

    def xml(self, name: str) -> etree._Element:
        try:
            return etree.fromstring(self.read(name), PARSER)
        except etree.XMLSyntaxError as exc:
            raise SourceError(self.path, f"{self.what} part {name} is not well-formed XML ({exc})",
                              "import-corrupt") from None


def open_package(data: bytes, path: str, what: str) -> Package:
    """``data`` as a zip package, or a :class:`SourceError` saying why not."""
    kind = ole_kind(data)
    if kind == "encrypted":
        raise SourceError(path, f"the {what} is password-protected (encrypted); remove the password "
                                "(Word: File > Info > Protect Document) and save it again", "import-encrypted")
    if kind == "doc":
        raise SourceError(path, "this is an old Word 97-2003 file (.doc) under another name; "
                                "save it as .docx (Word: File > Save As)", "import-format")
    if kind == "hwp":
        raise SourceError(path, "this is a binary 한글 file (.hwp) under another name; rename it to .hwp "
                                "or save it as HWPX or DOCX", "import-format")
    if kind:
        raise SourceError(path, f"not a {what}: an OLE compound file; save it as {what}", "import-format")
    return Package(data, path, what)
