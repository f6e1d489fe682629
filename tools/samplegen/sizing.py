"""Integer arithmetic for sizing the org: splitting headcounts and issue budgets into whole parts."""

from __future__ import annotations

import math
import random
from collections.abc import Callable


def alloc(rng: random.Random, n: int, weights: list[float]) -> list[int]:
    """Split n into integer parts proportional to weights (stochastic rounding, exact sum)."""
    total = sum(weights)
    if n <= 0 or total <= 0:
        return [0] * len(weights)
    raw = [n * w / total for w in weights]
    base = [int(x) for x in raw]
    frac = [x - b for x, b in zip(raw, base, strict=True)]
    rem = n - sum(base)
    while rem > 0:
        tot = sum(frac)
        k = max(range(len(frac)), key=frac.__getitem__)
        if tot > 1e-9:
            x = rng.random() * tot
            for j, f in enumerate(frac):
                x -= f
                if x < 0 and f > 0:
                    k = j
                    break
        base[k] += 1
        frac[k] = 0.0
        rem -= 1
    return base


def even_split(n: int, k: int) -> list[int]:
    """Split n into k parts that differ by at most one, the larger parts first."""
    return [n // k + (1 if i < n % k else 0) for i in range(k)]


def upper_levels(units: int, fanout: int, max_top: int) -> list[int]:
    """Head counts of the management levels above ``units``, bottom first, until at most max_top remain."""
    levels = []
    while units > max_top:
        units = math.ceil(units / fanout)
        levels.append(units)
    return levels


def engineering_levels(teams: int) -> list[int]:
    # a director has about four teams; above them, wider spans
    directors = math.ceil(teams / 4)
    return [directors, *upper_levels(directors, 6, 8)]


def plan_units(
    n: int, lo: int, hi: int, avg: float, levels_fn: Callable[[int], list[int]]
) -> tuple[int, int, list[int]]:
    """Number of leaf teams T, leaf headcount and management levels so that everything sums to n."""
    t = max(1, round(n / (avg + 1.3)))
    for _ in range(10_000):
        levels = levels_fn(t)
        leaves = n - t - sum(levels)
        if leaves < lo * t and t > 1:
            t -= 1
        elif leaves > hi * t:
            t += 1
        elif leaves < lo * t:
            raise ValueError(f"cannot build a hierarchy of {n} people")
        else:
            return t, leaves, levels
    raise ValueError(f"cannot build a hierarchy of {n} people")


def team_sizes(rng: random.Random, total: int, k: int, lo: int, hi: int) -> list[int]:
    """k random sizes in [lo, hi] that sum to total."""
    sizes = [lo] * k
    rem = total - lo * k
    open_idx = list(range(k))
    while rem > 0:
        j = rng.randrange(len(open_idx))
        i = open_idx[j]
        sizes[i] += 1
        rem -= 1
        if sizes[i] >= hi:
            open_idx[j] = open_idx[-1]
            open_idx.pop()
    return sizes
