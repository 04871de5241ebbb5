"""Topological order with a stable tie-break: what dependency order means for emit and pull."""

from __future__ import annotations

import heapq
from collections.abc import Callable, Hashable, Iterable, Mapping
from typing import Any, TypeVar

N = TypeVar("N", bound=Hashable)


def topological(
    nodes: Iterable[N],
    after: Mapping[N, Iterable[N]],
    priority: Callable[[N], Any],
) -> tuple[list[N], list[N]]:
    """`nodes` so that each comes after those `after[node]` names (unknown ones ignored);
    among the nodes ready at a time, the lowest `priority` first.

    Returns the order and the nodes placed while breaking a cycle (in a cycle nothing is
    ready; the lowest-priority node of what remains goes next).
    """
    pending = set(nodes)
    waits: dict[N, set[N]] = {
        n: {m for m in after.get(n, ()) if m in pending} - {n} for n in pending
    }
    unblocks: dict[N, list[N]] = {}
    for node, before in waits.items():
        for m in before:
            unblocks.setdefault(m, []).append(node)
    ready = [(priority(n), i, n) for i, n in enumerate(pending) if not waits[n]]
    heapq.heapify(ready)
    counter = len(ready)
    order: list[N] = []
    broken: list[N] = []
    done: set[N] = set()
    while len(order) < len(pending):
        if not ready:  # a cycle: take the first of what is left
            node = min((n for n in pending if n not in done), key=priority)
            broken.append(node)
            waits[node] = set()
            heapq.heappush(ready, (priority(node), counter, node))
            counter += 1
        _, _, node = heapq.heappop(ready)
        if node in done:
            continue
        done.add(node)
        order.append(node)
        for other in unblocks.get(node, ()):
            waiting = waits[other]
            if node in waiting:
                waiting.discard(node)
                if not waiting and other not in done:
                    heapq.heappush(ready, (priority(other), counter, other))
                    counter += 1
    return order, broken
