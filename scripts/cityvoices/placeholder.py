"""Clearly labelled placeholder images for figures whose photographs we do
not have.  Pure: returns SVG text; nothing is downloaded.

A placeholder says what it is once, in one line ("PLACEHOLDER · 그림 3 /
Figure 3", the number so that a proof reader can match it) and nothing else: the figure's caption is shown once, beneath it, by the page
(a placeholder that repeated its caption showed it two or three times), and
the ``alt`` text of the ``<img>`` is what a screen reader reads.  It is wide
and low (3:1), and carries :data:`MARK`, so the site can recognise it
(:func:`is_placeholder`) and keep it at most a third of the screen's height.
"""

from __future__ import annotations

#: The attribute every placeholder carries on its root element.
MARK = "data-cv-placeholder"


def placeholder_svg(number: int, subject_ko: str = "", subject_en: str = "", *, width: int = 1200,
                    height: int = 400) -> str:
    """An SVG that says 'placeholder', once.  The subjects are the figure's
    caption, which the page shows beneath it: they are not repeated here
    (kept in the signature for the callers that name them)."""
    cx, cy = width // 2, height // 2
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="{width}" '
        f'height="{height}" {MARK}="{int(number)}">\n'
        f'<rect width="{width}" height="{height}" fill="#eef0f4"/>\n'
        f'<rect x="10" y="10" width="{width - 20}" height="{height - 20}" fill="none" stroke="#8a94a6" '
        f'stroke-width="4" stroke-dasharray="18 12"/>\n'
        f'<path d="M{cx - 60} {cy - 70}h120v80h-120z M{cx - 48} {cy}l32-36 24 24 16-14 28 26" fill="none" '
        f'stroke="#8a94a6" stroke-width="6" stroke-linejoin="round"/>\n'
        f'<text x="{cx}" y="{cy + 70}" font-family="Noto Sans CJK KR, Noto Sans KR, Apple SD Gothic Neo, '
        f'Malgun Gothic, sans-serif" font-size="34" text-anchor="middle" fill="#3b4252" letter-spacing="2">'
        f'PLACEHOLDER · 그림 {int(number)} / Figure {int(number)}</text>\n'
        "</svg>\n"
    )


def is_placeholder(head: bytes | str) -> bool:
    """Whether the start of an SVG file (its first 200 bytes suffice) is one of ours."""
    if isinstance(head, bytes):
        head = head[:600].decode("utf-8", "replace")
    return head.lstrip().startswith("<svg") and MARK in head[:600]
