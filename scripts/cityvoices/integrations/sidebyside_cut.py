"""The articles' rows for their side-by-side pages, cut from the body as
soon as :mod:`~cityvoices.integrations.site` has finished it: before the
magazine's furniture (tags, issue navigation, related reading), the search
marks and the switcher's section numbers go in, so that the cut is what
:func:`cityvoices.sidebyside.render_side` makes of the same text.  The rest
of the side-by-side view is :mod:`~cityvoices.integrations.sidebyside`,
which runs last."""

from __future__ import annotations

from typing import Any

from cityvoices.integrations import sidebyside


def on_page_content(html: str, page: Any, config: Any, files: Any, **_: Any) -> str | None:
    return sidebyside.cut_article(html, page, config)
