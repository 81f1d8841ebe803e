#!/usr/bin/python3
"""Ring fill against consumer rate, beyond this machine: an analytic model
and a simulation that checks it (docs/benchmark.md, "Beyond this machine").

N producing cores each make P selected events/s of B ring bytes; K consumer
threads each take C ns of CPU per record; the ring holds R bytes. Analytic:

  inflow  = N * P * B            bytes/s
  outflow = K * (1e9 / C) * B    bytes/s (at most what flows in)
  0 loss  iff inflow <= outflow; else the ring is full after R / (in - out)
  and the share lost from then on is 1 - out / in.

A consumer thread needs a core: with K consumers on N cores only N - K cores
produce (the --overflow throttle gives them to the consumers exactly so).

The simulation steps 0.1 ms at a time with bursty producers (each core
alternates 10 ms at 1.5 P and 10 ms at 0.5 P, phases random), a ring that
drops what does not fit, and consumers that drain up to their capacity; it
reports the time the ring first overflowed and the share lost.

Usage: bench/model.py [--cost-ns 390] [--record-bytes 480] [--rate 1e6]
"""
import argparse
import random

STEP_S = 1e-4
BURST_S = 0.01


def analytic(n, p, b, k, c, r):
    inflow = n * p * b
    outflow = k * (1e9 / c) * b
    if inflow <= outflow:
        return None, 0.0
    return r / (inflow - outflow), 1 - outflow / inflow


def simulate(n, p, b, k, c, r, seconds=2.0, seed=1):
    rng = random.Random(seed)
    phases = [rng.random() * 2 * BURST_S for _ in range(n)]
    capacity = k * (1e9 / c) * b * STEP_S
    fill = made = lost = 0.0
    first_full = None
    steps = int(seconds / STEP_S)
    for i in range(steps):
        t = i * STEP_S
        inflow = sum(p * b * STEP_S * (1.5 if ((t + ph) % (2 * BURST_S)) < BURST_S else 0.5)
                     for ph in phases)
        made += inflow
        room = r - fill
        if inflow > room:
            lost += inflow - room
            inflow = room
            if first_full is None:
                first_full = t
        fill += inflow
        fill -= min(fill, capacity)
    return first_full, lost / made if made else 0.0


def consumers_needed(n, p, c):
    """Consumer threads for 0 loss when all n cores produce at p."""
    return n * p * c / 1e9


def fewest_consumers(n, p, c):
    """The fewest consumers that keep up when each takes a core from the
    producers (as the throttle arranges): (n - k) * p * c <= k * 1e9."""
    return next(k for k in range(1, n + 1) if (n - k) * p * c <= k * 1e9)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--cost-ns", type=float, default=390, help="consumer CPU per record, ns")
    ap.add_argument("--record-bytes", type=float, default=480, help="ring bytes per record")
    ap.add_argument("--rate", type=float, default=1e6, help="selected events/s per producing core")
    ap.add_argument("--ring-mib", type=float, default=64, help="ring size, MiB (all rings together)")
    a = ap.parse_args()
    r = a.ring_mib * (1 << 20)
    print(f"consumer {a.cost_ns:.0f} ns/record, {a.record_bytes:.0f} B/record, "
          f"{a.rate:,.0f} events/s per producing core, ring {a.ring_mib:g} MiB\n")
    print("| cores | consumers | producing cores | model: full after | model: lost | "
          "simulation: full after | simulation: lost |")
    print("|---|---|---|---|---|---|---|")
    for n in (8, 64, 128):
        for k in sorted({1, n // 8 or 1, fewest_consumers(n, a.rate, a.cost_ns), n // 2}):
            producers = n - k
            full, share = analytic(producers, a.rate, a.record_bytes, k, a.cost_ns, r)
            sim_full, sim_share = simulate(producers, a.rate, a.record_bytes, k, a.cost_ns, r,
                                           seconds=0.5 if n > 8 else 2.0)
            fmt_t = lambda t: "never" if t is None else f"{1000 * t:.0f} ms"
            print(f"| {n} | {k} | {producers} | {fmt_t(full)} | {100 * share:.0f}% | "
                  f"{fmt_t(sim_full)} | {100 * sim_share:.0f}% |")
    print()
    for n in (8, 64, 128):
        print(f"- {n} cores all producing at {a.rate:,.0f}/s: {consumers_needed(n, a.rate, a.cost_ns):.1f} "
              f"consumer threads of {a.cost_ns:.0f} ns/record needed for 0 loss; at 500 ns/record "
              f"{consumers_needed(n, a.rate, 500):.1f}")


if __name__ == "__main__":
    main()
