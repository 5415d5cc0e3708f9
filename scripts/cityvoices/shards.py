"""Splitting the editions (PDFs, EPUBs) over N machines: pure arithmetic.

``cityvoices pdf --shard K/N`` (and ``epub``) renders the K-th of N parts of
the jobs.  The parts come from :func:`partition`: every job in exactly one
part, the same parts whatever order the jobs are listed in, and parts of
nearly equal *cost* (an estimate of the rendering time that every machine
computes alike from the sources: never a timing, a path or a date).

The rule is the longest-processing-time greedy: jobs by cost, largest first
(then by name), each to the part with the least cost so far (then the
lowest number).  Its largest part is within 4/3 of the best possible split,
and with many small jobs (an archive has thousands) within a fraction of a
percent of the mean.
"""

from __future__ import annotations

import heapq
import re
from typing import Mapping

SHARD_RE = re.compile(r"^\s*(\d+)\s*/\s*(\d+)\s*$")
#: More parts than any CI matrix runs; a typo like 1/4000 is refused.
MAX_SHARDS = 256


def parse(text: str) -> tuple[int, int]:
    """``"2/4"`` -> ``(2, 4)``; ``ValueError`` with a readable reason otherwise."""
    m = SHARD_RE.match(text or "")
    if not m:
        raise ValueError(f"a shard is K/N, like 2/4 (part K of N), not {text!r}")
    k, n = int(m.group(1)), int(m.group(2))
    if not 1 <= n <= MAX_SHARDS:
        raise ValueError(f"the number of shards N must be between 1 and {MAX_SHARDS}, not {n}")
    if not 1 <= k <= n:
        raise ValueError(f"the shard K of {k}/{n} must be between 1 and {n}")
    return k, n


def partition(costs: Mapping[str, int | float], n: int) -> list[list[str]]:
    """The jobs (``{name: cost}``) in ``n`` parts, each sorted by name; part
    ``K`` (1-based) is ``result[K - 1]``.  Deterministic: a function of the
    names and costs only."""
    if n < 1:
        raise ValueError("at least one part")
    parts: list[list[str]] = [[] for _ in range(n)]
    loads = [(0, k) for k in range(n)]  # (cost so far, part): a heap, ties to the lowest part
    for name in sorted(costs, key=lambda name: (-costs[name], name)):
        load, k = heapq.heappop(loads)
        parts[k].append(name)
        heapq.heappush(loads, (load + costs[name], k))
    return [sorted(p) for p in parts]


def part_of(costs: Mapping[str, int | float], k: int, n: int) -> set[str]:
    """The names in part ``k`` of ``n`` (1-based)."""
    return set(partition(costs, n)[k - 1])


def balance(loads: list[float]) -> float:
    """The largest part over the mean (1.0: perfectly even)."""
    if not loads or not sum(loads):
        return 1.0
    return max(loads) / (sum(loads) / len(loads))
