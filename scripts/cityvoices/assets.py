"""The site's own stylesheets and scripts as they are shipped: minified.

Readers download every byte of CSS and JavaScript a page names before it
is styled and working (issue 12 caps the article page's first load); the
files in ``docs/assets/`` and ``overrides/assets/`` stay readable, with
their comments, and the site gets them without comments and indentation.
rcssmin and rjsmin (Apache-2.0, one C function each) only drop what cannot
matter: comments and whitespace, keeping the line breaks JavaScript's
automatic semicolons need; no name is changed, so a minified script
behaves as its source.  Files already named ``*.min.css``/``*.min.js``
(Material's) are left alone.
"""

from __future__ import annotations

import posixpath

import rcssmin
import rjsmin


def minifiable(path: str) -> bool:
    """Whether the site path ``path`` is a stylesheet or script to minify."""
    name = posixpath.basename(path).lower()
    return name.endswith((".css", ".js")) and not name.endswith((".min.css", ".min.js"))


def minify(path: str, text: str) -> str:
    """``text``, the content of ``path`` (``.css`` or ``.js``), minified;
    any other file unchanged."""
    if not minifiable(path):
        return text
    if path.lower().endswith(".css"):
        return rcssmin.cssmin(text)
    return rjsmin.jsmin(text)
