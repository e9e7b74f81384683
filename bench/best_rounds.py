#!/usr/bin/env python3
"""Merges several rounds of one engine's bench JSON into one: for every model and thread count, the
training and the inference figures of the round with the highest images/s (each chosen on its own),
and every layer's forward and backward time as the lowest over the rounds. The sgemm and FMA peaks
and the memory bandwidth are the highest. A model's thread scaling measured with the thread counts
taking turns ("scaling") is the round with the median training scaling, not the best (a ratio's best
round is its luckiest), with every round's ratios under "scaling_rounds"; likewise the independent
copies against the model's threads ("copies"): the round with the median share of the ceiling, every
round's under "copies_rounds". The merged report records how many rounds it was made from.

Usage: best_rounds.py OUT.json ROUND.json [ROUND.json ...]
"""
import copy
import json
import sys


def best_by(entries, key):
    return max(entries, key=lambda e: e[key]["images_per_second"])


def merge(reports):
    out = copy.deepcopy(reports[0])
    out["rounds"] = len(reports)
    for peak, key in (("sgemm_peak", "gflops"), ("fma_peak", "gflops"), ("memory_bandwidth", "gb_per_second")):
        for i, entry in enumerate(out.get(peak, [])):
            entry.update(max((r[peak][i] for r in reports), key=lambda e: e[key]))
    for mi, model in enumerate(out["models"]):
        scalings = [r["models"][mi].get("scaling") for r in reports]
        if all(scalings):
            ordered = sorted(scalings, key=lambda sc: sc["training_scaling"])
            model["scaling"] = copy.deepcopy(ordered[(len(ordered) - 1) // 2])
            model["scaling_rounds"] = [{"training_scaling": sc["training_scaling"],
                                        "inference_scaling": sc["inference_scaling"]} for sc in scalings]
        copies = [r["models"][mi].get("copies") for r in reports]
        if all(copies):
            ordered = sorted(copies, key=lambda c: c["share_of_ceiling"])
            model["copies"] = copy.deepcopy(ordered[(len(ordered) - 1) // 2])
            model["copies_rounds"] = [{k: c[k] for k in ("ceiling", "scaling", "share_of_ceiling", "replica_scaling",
                                                         "replica_share_of_ceiling")} for c in copies]
        for ri, run in enumerate(model["runs"]):
            same = [r["models"][mi]["runs"][ri] for r in reports]
            if any(s["threads"] != run["threads"] for s in same):
                sys.exit("best_rounds: the rounds did not measure the same thread counts")
            run["training"] = best_by(same, "training")["training"]
            run["inference"] = best_by(same, "inference")["inference"]
            for li, layer in enumerate(run.get("layers", [])):
                for part in ("forward", "backward"):
                    ms = part + "_ms"
                    if ms not in layer:
                        continue
                    best = min(same, key=lambda s: s["layers"][li][ms])["layers"][li]
                    for key in (ms, part + "_gflops", part + "_peak_share"):
                        if key in best:
                            layer[key] = best[key]
    return out


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    reports = []
    for path in sys.argv[2:]:
        with open(path) as f:
            reports.append(json.load(f))
    with open(sys.argv[1], "w") as f:
        json.dump(merge(reports), f, indent=1)


if __name__ == "__main__":
    main()
