"""Per-phase times of one MkDocs build process (``cityvoices build --stats``).

Installed only when asked for (:func:`install`); otherwise nothing here runs
and no event pays for it.  Once installed, every ``PluginCollection.run_event``
of the generator is a boundary on one timeline.  The time *between* two
boundaries is MkDocs' own work, named by the events around it (from outside
our hooks, so it measures any version of our code, and the stock setup):

============================  =================================================
between                       phase
============================  =================================================
process start .. install      ``startup`` (interpreter, imports)
install .. first event        ``config`` (loading and validating mkdocs.yml)
pre_build .. files            ``read`` (listing docs_dir, the theme's files)
files .. nav                  ``nav``
nav .. pages, page .. page    ``read`` (each page's source and front matter)
page_markdown .. page_content ``markdown`` (Python-Markdown and its extensions)
env .. first page_context     ``static`` (copying assets, 404 and sitemap)
page_context .. post_page     ``templates`` (Jinja: Material's templates)
post_page .. next page        ``write`` (the file, and the next page's context)
post_build .. :func:`report`  ``finish`` (after the last event: search index)
============================  =================================================

The time *inside* events is charged to the plugin whose handler ran
(``search``, ``i18n``, ``hooks`` …) and, inside our hooks, to the module of
:data:`cityvoices.integrations.MODULES` whose handler ran (its handlers are
wrapped), so the hooks' share of a build is known per feature module.
Every figure is process CPU time (``time.process_time``: what the shared
machine's load changes least) and wall time.  Phases plus event times add up
to the process's time from start to :func:`report`.

This module imports only the standard library and MkDocs (lazily), so a
benchmark can load it by file path into the build of another checkout
(``cityvoices bench build --against DIR``) and measure that code the same way.
"""

from __future__ import annotations

import os
import sys
import time
from typing import Any

#: MkDocs' own work between two boundaries, by (previous boundary, next boundary).
_GAPS = {
    ("end:page_markdown", "start:page_content"): "markdown",
    ("end:page_context", "start:post_page"): "templates",
    ("end:files", "start:nav"): "nav",
}
#: ... or by the previous boundary alone.
_AFTER = {
    "install": "config", "end:startup": "config", "end:config": "config", "end:pre_build": "read",
    "end:nav": "read", "end:pre_page": "read", "end:page_read_source": "read", "end:page_content": "read",
    "end:env": "static", "end:pre_template": "static", "end:template_context": "static",
    "end:post_template": "static", "end:post_page": "write", "end:page_context": "templates",
    "end:post_build": "finish", "end:shutdown": "finish",
}
#: Events whose next gap belongs to static pages when the previous boundary does not say.
_STATIC = {"start:pre_template", "start:template_context", "start:post_template"}

_timer: "PhaseTimer | None" = None


def _clocks() -> tuple[float, float]:
    return time.process_time(), time.perf_counter()


def _process_age() -> float | None:
    """Seconds since this process started (Linux), for the startup phase's wall time."""
    try:
        with open("/proc/self/stat", encoding="ascii") as fh:
            start_ticks = int(fh.read().rsplit(")", 1)[1].split()[19])
        with open("/proc/uptime", encoding="ascii") as fh:
            uptime = float(fh.read().split()[0])
        return max(0.0, uptime - start_ticks / os.sysconf("SC_CLK_TCK"))
    except (OSError, ValueError, IndexError):
        return None


def _cell(table: dict, *keys: str) -> list:
    for key in keys[:-1]:
        table = table.setdefault(key, {})
    return table.setdefault(keys[-1], [0.0, 0.0, 0])


def _plugin_name(origin: str, method: Any) -> str:
    owner = getattr(method, "__self__", None)
    if isinstance(owner, type(sys)) or origin.endswith("hooks.py"):
        return "hooks"  # a hooks file (MkDocs loads it as a plugin named by its path)
    return origin


class PhaseTimer:
    """The timeline of one process (see the module's docstring)."""

    def __init__(self) -> None:
        self.startup_cpu, now_wall = _clocks()
        age = _process_age()
        self.startup_wall = age if age is not None else 0.0
        self.last = (self.startup_cpu, now_wall)
        self.install_wall = now_wall
        self.prev = "install"
        self.depth = 0
        self.gaps: dict[str, list] = {}
        self.events: dict[str, list] = {}
        self.plugins: dict[str, dict[str, list]] = {}
        self.hooks: dict[str, dict[str, list]] = {}
        self.pages = 0
        self._wrapped: set[int] = set()
        self._modules_wrapped = False

    # -- the timeline -----------------------------------------------------------------------

    def boundary(self, where: str, event: str) -> None:
        """An event starts or ends; only the outermost events (not one run
        from inside another) cut the timeline."""
        cpu, wall = _clocks()
        mark = f"{where}:{event}"
        if where == "start":
            self.depth += 1
            if self.depth == 1:
                self._charge(self.gaps, self._label(self.prev, mark), cpu, wall)
                self.pages += event == "pre_page"
        else:
            self.depth -= 1
            if self.depth == 0:
                self._charge(self.events, event, cpu, wall)
                self.prev = mark

    def _charge(self, table: dict, key: str, cpu: float, wall: float) -> None:
        cell = table.setdefault(key, [0.0, 0.0, 0])
        cell[0] += cpu - self.last[0]
        cell[1] += wall - self.last[1]
        cell[2] += 1
        self.last = (cpu, wall)

    @staticmethod
    def _label(prev: str, mark: str) -> str:
        if (prev, mark) in _GAPS:
            return _GAPS[(prev, mark)]
        if mark in _STATIC and prev in ("end:env", "end:pre_template", "end:template_context",
                                        "end:post_template"):
            return "static"
        return _AFTER.get(prev, "other")

    # -- who ran inside an event ------------------------------------------------------------

    def _timed(self, fn: Any, cell: list) -> Any:
        def timed(*args: Any, **kwargs: Any) -> Any:
            c0, w0 = _clocks()
            try:
                return fn(*args, **kwargs)
            finally:
                c1, w1 = _clocks()
                cell[0] += c1 - c0
                cell[1] += w1 - w0
                cell[2] += 1

        timed._cv_timed = True  # type: ignore[attr-defined]
        timed.__wrapped__ = fn  # type: ignore[attr-defined]
        return timed

    def wrap_methods(self, plugins: Any, event: str) -> None:
        """Time each handler registered for ``event`` (once; new ones as they appear)."""
        methods = plugins.events.get(event)
        if not methods:
            return
        for i, method in enumerate(methods):
            if getattr(method, "_cv_timed", False) or id(method) in self._wrapped:
                continue
            origin = plugins._event_origins.get(method, "<unknown>")
            timed = self._timed(method, _cell(self.plugins, _plugin_name(origin, method), event))
            methods[i] = timed
            self._wrapped.add(id(timed))
            try:
                plugins._event_origins[timed] = origin
            except (AttributeError, TypeError):
                pass

    def wrap_modules(self) -> None:
        """Time each ``on_*`` handler of our integration modules (the hooks'
        share per feature module)."""
        if self._modules_wrapped:
            return
        package = sys.modules.get("cityvoices.integrations")
        loader = getattr(package, "modules", None)
        if loader is None:
            return
        self._modules_wrapped = True
        for module in loader():
            short = module.__name__.rsplit(".", 1)[-1]
            for name in [n for n in vars(module) if n.startswith("on_")]:
                fn = getattr(module, name)
                if callable(fn) and not getattr(fn, "_cv_timed", False):
                    setattr(module, name, self._timed(fn, _cell(self.hooks, short, name)))

    # -- the result --------------------------------------------------------------------------

    def report(self) -> dict[str, Any]:
        """The figures so far (JSON-ready); the time since the last event is ``finish``."""
        cpu, wall = _clocks()
        gaps = {k: list(v) for k, v in self.gaps.items()}
        if self.depth == 0:
            label = self._label(self.prev, "report")
            cell = gaps.setdefault(label, [0.0, 0.0, 0])
            cell[0] += cpu - self.last[0]
            cell[1] += wall - self.last[1]

        def fig(cell: list) -> dict[str, Any]:
            return {"cpu": round(cell[0], 4), "wall": round(cell[1], 4), "calls": cell[2]}

        def group(table: dict[str, dict[str, list]]) -> dict[str, Any]:
            out = {}
            for name, events in sorted(table.items()):
                total = [sum(c[0] for c in events.values()), sum(c[1] for c in events.values()),
                         sum(c[2] for c in events.values())]
                out[name] = {**fig(total), "events": {e: fig(c) for e, c in sorted(events.items())}}
            return out

        phases = {"startup": {"cpu": round(self.startup_cpu, 4), "wall": round(self.startup_wall, 4), "calls": 1}}
        phases.update({k: fig(v) for k, v in sorted(gaps.items())})
        return {
            "cpu_seconds": round(cpu, 4),
            "wall_seconds": round(self.startup_wall + wall - self.install_wall, 4),
            "pages": self.pages,
            "phases": phases,
            "events": {k: fig(v) for k, v in sorted(self.events.items())},
            "plugins": group(self.plugins),
            "hooks": group(self.hooks),
        }


def install() -> PhaseTimer:
    """Start timing this process's build (idempotent): wrap MkDocs'
    ``PluginCollection.run_event`` so that every event is a boundary."""
    global _timer
    if _timer is not None:
        return _timer
    from mkdocs.plugins import PluginCollection

    timer = PhaseTimer()
    original = PluginCollection.run_event

    def run_event(self: Any, name: str, item: Any = None, **kwargs: Any) -> Any:
        timer.wrap_modules()
        timer.wrap_methods(self, name)
        timer.boundary("start", name)
        try:
            return original(self, name, item, **kwargs)
        finally:
            timer.boundary("end", name)

    run_event.__wrapped__ = original  # type: ignore[attr-defined]
    PluginCollection.run_event = run_event  # type: ignore[method-assign]
    _timer = timer
    return timer


def current() -> PhaseTimer | None:
    """The installed timer, if any."""
    return _timer
