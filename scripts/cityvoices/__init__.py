"""CityVoices publishing tools.

Pure functions over text and data live in the modules of this package
(``normalize``, ``frontmatter``, ``mdscan``, ``i18n`` ...).  File I/O happens
only at the edges: the CLI (``cli`` and ``commands``) and the thin MkDocs
hooks in ``scripts/hooks.py``.
"""

__version__ = "0.1.0"
