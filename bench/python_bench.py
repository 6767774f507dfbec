"""Speed of the Python module: a NumPy sweep of losses and in-process plans.
Prints wall times (best of a few runs); never fails on speed."""

import time

import numpy as np

import scaleplan


def best_seconds(f, repeats):
    best = float("inf")
    for _ in range(repeats):
        t = time.perf_counter()
        f()
        best = min(best, time.perf_counter() - t)
    return best


def main():
    rng = np.random.default_rng(0)
    n = 10 ** rng.uniform(7, 12, 100_000)
    d = 10 ** rng.uniform(9, 14, 100_000)
    s = best_seconds(lambda: scaleplan.loss(params=n, tokens=d), 5)
    print(f"python loss: 100,000 losses from NumPy arrays in {s * 1e3:.1f} ms (target <= 50 ms)")

    targets = np.linspace(2.0, 2.6, 10_000)

    def plans():
        for t in targets:
            scaleplan.plan(target_loss=float(t), hardware="h100-sxm5-80gb")

    s = best_seconds(plans, 2)
    print(f"python plan: 10,000 plans (target loss 2.0-2.6, one accelerator) in {s:.2f} s "
          f"({s / 1e4 * 1e6:.0f} us each, target <= 2 s)")
    s = best_seconds(lambda: [scaleplan.tier(kwh=1600, co2_kg=600) for _ in range(10_000)], 2)
    print(f"python call overhead: 10,000 `tier` calls in {s:.2f} s ({s / 1e4 * 1e6:.0f} us each)")


if __name__ == "__main__":
    main()
