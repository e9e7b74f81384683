#!/usr/bin/env python3
"""Side by side: convspark's bench JSON and the PyTorch reference's, from one run on one machine.

Usage: compare.py CONVSPARK.json PYTORCH.json [--out compare.json]

Refuses (exit 2) when the two runs did not measure the same thing: different models, parameter
counts, batch sizes or thread counts. Prints the sgemm peaks, then per model and thread count the
training and inference images/s of both and the ratio ours / PyTorch, then the GFLOP/s of every
Conv2D and Dense layer's forward and backward with the same ratio.
"""
import argparse
import json
import sys


def fail(message):
    print("compare: error: " + message, file=sys.stderr)
    sys.exit(2)


def load(path, engine):
    try:
        with open(path) as f:
            report = json.load(f)
    except (OSError, ValueError) as e:
        fail("cannot read %s: %s" % (path, e))
    if report.get("engine") != engine:
        fail("%s: expected a report of engine '%s', found '%s'" % (path, engine, report.get("engine")))
    return report


def check_same(ours, theirs):
    om = {m["model"]: m for m in ours["models"]}
    tm = {m["model"]: m for m in theirs["models"]}
    if list(om) != list(tm):
        fail("the runs measured different models: convspark %s, PyTorch %s" % (list(om), list(tm)))
    for name in om:
        for field in ("parameters", "train_batch", "inference_batch"):
            if om[name][field] != tm[name][field]:
                fail("%s: %s differ: convspark %s, PyTorch %s" % (name, field, om[name][field], tm[name][field]))
        ot = [r["threads"] for r in om[name]["runs"]]
        tt = [r["threads"] for r in tm[name]["runs"]]
        if ot != tt:
            fail("%s: thread counts differ: convspark %s, PyTorch %s" % (name, ot, tt))
        if len(om[name]["runs"][0]["layers"]) != len(tm[name]["runs"][0]["layers"]):
            fail("%s: layer counts differ" % name)
    return om, tm


def ratio(a, b):
    return a / b if b > 0 else float("nan")


def main():
    p = argparse.ArgumentParser(description="convspark vs PyTorch, side by side")
    p.add_argument("convspark")
    p.add_argument("pytorch")
    p.add_argument("--out", help="JSON file with the side-by-side figures")
    args = p.parse_args()
    ours = load(args.convspark, "convspark")
    theirs = load(args.pytorch, "pytorch")
    om, tm = check_same(ours, theirs)

    lines = ["convspark vs PyTorch %s (%s; %s) on %s, %s core(s); throughput = batch / median step time, "
             "%.1f s per measurement" % (theirs["environment"]["torch"], theirs["environment"]["blas"]["config"],
                                         "oneDNN on" if theirs["environment"]["mkldnn"] else "oneDNN off",
                                         ours["environment"]["cpu"], ours["environment"]["cores"], ours["seconds"])]
    if ours.get("rounds", 1) > 1 or theirs.get("rounds", 1) > 1:
        lines.append("best of %d alternating rounds per side (bench/best_rounds.py)" % ours.get("rounds", 1))
    malloc = theirs["environment"].get("malloc_tunables")
    if malloc:
        lines.append("PyTorch's glibc malloc keeps freed memory: " + " ".join("%s=%s" % kv for kv in sorted(malloc.items())))
    coretype = theirs["environment"]["blas"].get("openblas_coretype")
    lines.append("OpenBLAS kernels: %s%s" % (theirs["environment"]["blas"].get("core", "?"),
                                             " (forced by OPENBLAS_CORETYPE=%s)" % coretype if coretype else
                                             " (detected)"))
    for p_ in ours.get("fma_peak", []):
        lines.append("FMA peak (%d-bit vectors, %d thread(s)): %.1f GFLOP/s" % (p_["vector_bits"], p_["threads"],
                                                                              p_["gflops"]))
    for b_ in ours.get("memory_bandwidth", []):
        lines.append("memory stream, convspark (read + write, %d thread(s)): %.1f GB/s" % (b_["threads"],
                                                                                     b_["gb_per_second"]))
    for p_ in ours["sgemm_peak"]:
        lines.append("sgemm peak, convspark %s (%d thread(s), each its own %d^3 product): %.1f GFLOP/s"
                     % (p_["gemm"], p_["threads"], p_["size"], p_["gflops"]))
    for p_ in theirs["sgemm_peak"]:
        lines.append("sgemm peak, PyTorch %s (%d thread(s) on one %d^3 product): %.1f GFLOP/s"
                     % (p_["gemm"], p_["threads"], p_["size"], p_["gflops"]))
    lines.append("")
    header = "%-18s %7s %12s %12s %6s %12s %12s %6s" % ("model", "threads", "ours train", "torch train", "ratio",
                                                        "ours infer", "torch infer", "ratio")
    lines += [header + "   (images/s)", "-" * len(header)]
    rows = []
    for name in om:
        for o, t in zip(om[name]["runs"], tm[name]["runs"]):
            row = {"model": name, "threads": o["threads"],
                   "ours_train": o["training"]["images_per_second"], "torch_train": t["training"]["images_per_second"],
                   "ours_infer": o["inference"]["images_per_second"],
                   "torch_infer": t["inference"]["images_per_second"]}
            row["train_ratio"] = ratio(row["ours_train"], row["torch_train"])
            row["infer_ratio"] = ratio(row["ours_infer"], row["torch_infer"])
            rows.append(row)
            lines.append("%-18s %7d %12.0f %12.0f %5.2fx %12.0f %12.0f %5.2fx" % (
                name, row["threads"], row["ours_train"], row["torch_train"], row["train_ratio"],
                row["ours_infer"], row["torch_infer"], row["infer_ratio"]))

    # thread scaling of each side: the most threads over one thread, training and inference
    scaling = []
    for name in om:
        runs = sorted(zip(om[name]["runs"], tm[name]["runs"]), key=lambda r: r[0]["threads"])
        (o1, t1), (on, tn) = runs[0], runs[-1]
        if len(runs) < 2 or o1["threads"] != 1:
            continue
        sc = {"model": name, "threads": on["threads"]}
        for side, a1, an in (("ours", o1, on), ("torch", t1, tn)):
            for kind in ("training", "inference"):
                sc[side + "_" + kind] = ratio(an[kind]["images_per_second"], a1[kind]["images_per_second"])
        scaling.append(sc)
    if scaling:
        lines.append("")
        header = "%-18s %7s %12s %12s %12s %12s" % ("model", "threads", "ours train", "torch train", "ours infer",
                                                    "torch infer")
        lines += [header + "   (images/s at N threads / at 1 thread)", "-" * len(header)]
        for sc in scaling:
            lines.append("%-18s %7d %11.2fx %11.2fx %11.2fx %11.2fx" % (
                sc["model"], sc["threads"], sc["ours_training"], sc["torch_training"], sc["ours_inference"],
                sc["torch_inference"]))

    # ours again with 1 and N threads taking turns in one run, so both see the same spells of the host
    # (PyTorch is not measured so: after a change of torch.set_num_threads its steps take 2-10 times
    # longer for a while, which would count against it)
    alternating = []
    for name in om:
        so = om[name].get("scaling")
        if so:
            alternating.append({"model": name, "threads": so["threads"], "ours_training": so["training_scaling"],
                                "ours_inference": so["inference_scaling"]})
    if alternating:
        lines.append("")
        header = "%-18s %7s %12s %12s" % ("model", "threads", "ours train", "ours infer")
        lines += [header + "   (ours, 1 and N threads taking turns of 10 steps: N-thread / 1-thread images/s, medians)",
                  "-" * len(header)]
        for sc in alternating:
            lines.append("%-18s %7d %11.2fx %11.2fx" % (sc["model"], sc["threads"], sc["ours_training"],
                                                        sc["ours_inference"]))

    # ours against what the host allows: N independent 1-thread copies of the model at once (wall-clock)
    ceilings = []
    for name in om:
        c = om[name].get("copies")
        if c:
            ceilings.append({"model": name, "threads": c["threads"], "ceiling": c["ceiling"],
                             "ours_training": c["scaling"], "share_of_ceiling": c["share_of_ceiling"],
                             "ours_replicas": c["replica_scaling"],
                             "replicas_share_of_ceiling": c["replica_share_of_ceiling"]})
    if ceilings:
        lines.append("")
        header = "%-18s %7s %12s %12s %9s %12s %9s" % ("model", "threads", "copies", "ours threads", "share",
                                                       "ours replicas", "share")
        lines += [header + "   (N independent 1-thread copies at once; ours at N kernel threads; ours as N "
                           "replicas sharing each batch: over one copy alone, training images/s, wall-clock)",
                  "-" * len(header)]
        for c in ceilings:
            lines.append("%-18s %7d %11.2fx %11.2fx %8.0f%% %12.2fx %8.0f%%" % (
                c["model"], c["threads"], c["ceiling"], c["ours_training"], 100 * c["share_of_ceiling"],
                c["ours_replicas"], 100 * c["replicas_share_of_ceiling"]))

    lines.append("")
    header = "%-18s %7s %-16s %9s %9s %6s %9s %9s %6s" % ("model", "threads", "layer", "ours fwd", "torch fwd",
                                                          "ratio", "ours bwd", "torch bwd", "ratio")
    lines += [header + "   (GFLOP/s)", "-" * len(header)]
    layer_rows = []
    for name in om:
        for o, t in zip(om[name]["runs"], tm[name]["runs"]):
            for ol, tl in zip(o["layers"], t["layers"]):
                if ol["forward_gflop"] == 0:
                    continue
                lr = {"model": name, "threads": o["threads"], "layer": ol["name"], "type": ol["type"],
                      "ours_forward_gflops": ol["forward_gflops"], "torch_forward_gflops": tl["forward_gflops"],
                      "ours_backward_gflops": ol["backward_gflops"], "torch_backward_gflops": tl["backward_gflops"]}
                lr["forward_ratio"] = ratio(lr["ours_forward_gflops"], lr["torch_forward_gflops"])
                lr["backward_ratio"] = ratio(lr["ours_backward_gflops"], lr["torch_backward_gflops"])
                layer_rows.append(lr)
                lines.append("%-18s %7d %-16s %9.1f %9.1f %5.2fx %9.1f %9.1f %5.2fx" % (
                    name, o["threads"], ol["name"], lr["ours_forward_gflops"], lr["torch_forward_gflops"],
                    lr["forward_ratio"], lr["ours_backward_gflops"], lr["torch_backward_gflops"],
                    lr["backward_ratio"]))
    print("\n".join(lines))
    if args.out:
        with open(args.out, "w") as f:
            json.dump({"sgemm_peak": {"convspark": ours["sgemm_peak"], "pytorch": theirs["sgemm_peak"]},
                       "models": rows, "scaling": scaling, "alternating_scaling": alternating, "copies": ceilings,
                       "layers": layer_rows}, f, indent=2)
            f.write("\n")


if __name__ == "__main__":
    main()
