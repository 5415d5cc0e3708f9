"""MkDocs hooks for CityVoices: a thin shell.

Every event goes to ``cityvoices.integrations.dispatch``; all logic lives in
the ``cityvoices`` package (scripts/cityvoices/), shared with the CLI.
"""

import sys
from pathlib import Path

_here = str(Path(__file__).resolve().parent)
if _here not in sys.path:
    sys.path.insert(0, _here)

from cityvoices.integrations import dispatch  # noqa: E402


def on_startup(**kw):
    return dispatch("on_startup", **kw)


def on_config(config, **kw):
    return dispatch("on_config", config, **kw)


def on_pre_build(**kw):
    return dispatch("on_pre_build", **kw)


def on_files(files, **kw):
    return dispatch("on_files", files, **kw)


def on_nav(nav, **kw):
    return dispatch("on_nav", nav, **kw)


def on_env(env, **kw):
    return dispatch("on_env", env, **kw)


def on_template_context(context, **kw):
    return dispatch("on_template_context", context, **kw)


def on_post_template(output_content, **kw):
    return dispatch("on_post_template", output_content, **kw)


def on_page_markdown(markdown, **kw):
    return dispatch("on_page_markdown", markdown, **kw)


def on_page_content(html, **kw):
    return dispatch("on_page_content", html, **kw)


def on_page_context(context, **kw):
    return dispatch("on_page_context", context, **kw)


def on_post_page(output, **kw):
    return dispatch("on_post_page", output, **kw)


def on_post_build(**kw):
    return dispatch("on_post_build", **kw)


def on_serve(server, **kw):
    return dispatch("on_serve", server, **kw)
