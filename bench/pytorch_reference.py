#!/usr/bin/python3
"""PyTorch reference for `convspark bench`: the same models, shapes, batch sizes, threads and timing.

Builds each model from the same conf/models/*.json as nn.Sequential (NCHW float32), trains it with
Adam (Keras defaults: lr 1e-3, betas 0.9/0.999, eps 1e-7) on cross-entropy over logits (the softmax
fused into the loss), Keras L1/L2 kernel regularizers added to the loss, on one synthetic random
batch; measures training images/s (forward + backward + Adam), inference images/s (eval mode,
softmax applied), per-layer forward/backward GFLOP/s, and the sgemm peak (torch.mm, size^3).
Throughput is batch / median step time after a warm-up, exactly as convspark measures it.

Refuses to run unless PyTorch's BLAS is OpenBLAS: Debian's PyTorch calls whatever libblas.so.3 the
alternatives system points to, and the reference BLAS (~5 GFLOP/s) is not a fair reference.
Writes the same JSON as convspark (bench/compare.py puts them side by side).

Run with Debian's interpreter (/usr/bin/python3), where apt's python3-torch is installed.
"""
import argparse
import ctypes
import json
import math
import os
import platform
import statistics
import sys
import time
from datetime import datetime, timezone

COURSE_MODELS = ["mnist-deitel", "mnist-suo", "lenet5", "cifar10-alzahrani"]
INFERENCE_BATCH = 256


def course_train_batch(name):
    """Training batch of the course (same table as io.convspark.kernels.bench.CourseModels)."""
    return 50 if name == "cifar10-alzahrani" else 64


def fail(message):
    print("pytorch_reference: error: " + message, file=sys.stderr)
    sys.exit(2)


try:
    import torch
    import torch.nn as nn
    import torch.nn.functional as F
except ImportError as e:
    fail("cannot import torch (%s); install Debian's PyTorch with: apt-get install -y python3-torch "
         "libopenblas0-pthread, and run this script with /usr/bin/python3" % e)


# ---------------------------------------------------------------------------------------- BLAS check

class OpenBlas:
    """The OpenBLAS that PyTorch's process loaded, found in /proc/self/maps, with its thread control."""

    def __init__(self, path, lib):
        self.path = path
        self.lib = lib
        self.lib.openblas_get_config.restype = ctypes.c_char_p
        self.config = self.lib.openblas_get_config().decode()
        self.lib.openblas_get_corename.restype = ctypes.c_char_p
        self.corename = self.lib.openblas_get_corename().decode()

    def set_threads(self, n):
        self.lib.openblas_set_num_threads(ctypes.c_int(n))

    def threads(self):
        return self.lib.openblas_get_num_threads()


def mapped_libraries():
    libs = set()
    with open("/proc/self/maps") as f:
        for line in f:
            parts = line.split()
            if len(parts) >= 6 and parts[5].startswith("/"):
                libs.add(os.path.realpath(parts[5]))
    return sorted(libs)


def check_blas():
    """Returns the loaded OpenBLAS, or exits non-zero saying which BLAS PyTorch uses instead."""
    a = torch.ones(64, 64)
    torch.mm(a, a)  # makes sure the BLAS is loaded
    libs = mapped_libraries()
    blas_like = [p for p in libs if any(k in os.path.basename(p) for k in ("blas", "blis", "mkl_", "atlas"))]
    openblas = [p for p in blas_like if "openblas" in p]
    reference = [p for p in blas_like if "openblas" not in p and "/blas/" in p]
    if not openblas or reference:
        fail("PyTorch is not using OpenBLAS (BLAS libraries in this process: %s; torch config: %s). "
             "Install it with: apt-get install -y libopenblas0-pthread (and check that "
             "update-alternatives --display libblas.so.3-x86_64-linux-gnu points to openblas). Without it "
             "Debian's PyTorch runs Dense layers on the reference BLAS (~5 GFLOP/s): not a fair reference."
             % (", ".join(blas_like) or "none", blas_info()))
    core = [p for p in openblas if "libopenblas" in os.path.basename(p)] or openblas
    for path in core:
        try:
            lib = ctypes.CDLL(path)
            lib.openblas_set_num_threads
            return OpenBlas(path, lib)
        except (OSError, AttributeError):
            continue
    fail("found OpenBLAS (%s) but none exports openblas_set_num_threads; cannot match its threads to torch's"
         % ", ".join(openblas))


def blas_info():
    for part in torch.__config__.show().replace("\n", ",").split(","):
        if "BLAS_INFO" in part:
            return part.strip()
    return "BLAS_INFO not reported"


def set_threads(n, openblas, openblas_threads="match"):
    """torch's intra-op threads, and OpenBLAS' threads matched to them (or 1)."""
    torch.set_num_threads(n)
    openblas.set_threads(n if openblas_threads == "match" else 1)


# ---------------------------------------------------------------------------------------- models

ACTIVATIONS = {
    "relu": lambda: nn.ReLU(inplace=True),
    "tanh": nn.Tanh,
    "sigmoid": nn.Sigmoid,
    "elu": lambda: nn.ELU(inplace=True),
    "selu": lambda: nn.SELU(inplace=True),
    "softplus": nn.Softplus,
    "gelu": nn.GELU,
    "softmax": lambda: nn.Softmax(dim=1),
}


def activation_module(name, where, fused=True):
    """The activation fused into a Conv2D/Dense (in place where torch allows), or a standalone one (not in
    place: its input may be a leaf tensor in the per-layer harness)."""
    if name in (None, "linear"):
        return None
    if name not in ACTIVATIONS:
        fail("%s: activation '%s' is not supported by the reference; expected one of linear, %s"
             % (where, name, ", ".join(ACTIVATIONS)))
    module = ACTIVATIONS[name]()
    if not fused and hasattr(module, "inplace"):
        module.inplace = False
    return module


def pair(v, field, where):
    if isinstance(v, int):
        return v, v
    if isinstance(v, list) and len(v) == 2 and all(isinstance(x, int) for x in v):
        return v[0], v[1]
    fail("%s: field '%s': expected an integer or a list of two, found %r" % (where, field, v))


def same_pads(size, kernel, stride):
    """Keras/TensorFlow 'same': total padding max((ceil(in/s) - 1) s + k - in, 0), the extra one at the end."""
    out = -(-size // stride)
    total = max((out - 1) * stride + kernel - size, 0)
    return total // 2, total - total // 2


def snake_case(name):
    s = ""
    for i, ch in enumerate(name):
        if ch.isupper() and i > 0 and (name[i - 1].islower() or (i + 1 < len(name) and name[i + 1].islower())):
            s += "_"
        s += ch.lower()
    return s.replace("2_d", "2d")


class LayerSpec:
    """One layer of the definition: its torch modules, shapes, FLOPs and regularized weights."""

    def __init__(self, name, type_, modules, in_shape, out_shape, flops=0, weight=None, reg=None):
        self.name = name
        self.type = type_
        self.modules = [m for m in modules if m is not None]
        self.in_shape = in_shape
        self.out_shape = out_shape
        self.flops = flops  # forward FLOPs per sample
        self.weight = weight
        self.reg = reg  # (l1, l2) or None


def regularizer(cfg, where):
    r = cfg.get("kernel_regularizer")
    if r is None:
        return None
    if isinstance(r, dict) and set(r) <= {"l1", "l2"}:
        return float(r.get("l1", 0.0)), float(r.get("l2", 0.0))
    fail("%s: field 'kernel_regularizer': expected {\"l1\": x, \"l2\": y}, found %r" % (where, r))


def build_layers(definition, source):
    inp = definition.get("input", {})
    if "features" in inp:
        shape = (inp["features"],)
    else:
        shape = (inp["channels"], inp["height"], inp["width"])
    counters = {}
    specs = []
    for i, cfg in enumerate(definition["layers"]):
        type_ = cfg.get("type")
        base = snake_case(type_ or "layer")
        n = counters.get(base, 0)
        counters[base] = n + 1
        name = cfg.get("name", base if n == 0 else "%s_%d" % (base, n))
        where = "%s: layer %d '%s' (%s)" % (source, i, name, type_)
        if "inputs" in cfg and cfg["inputs"] != [specs[-1].name if specs else "input"]:
            fail("%s: graphs ('inputs') are not supported by the reference; only Sequential models" % where)
        act = cfg.get("activation")
        if type_ == "Conv2D":
            c, h, w = shape
            f = cfg["filters"]
            kh, kw = pair(cfg["kernel_size"], "kernel_size", where)
            sh, sw = pair(cfg.get("strides", 1), "strides", where)
            dh, dw = pair(cfg.get("dilation_rate", 1), "dilation_rate", where)
            ekh, ekw = dh * (kh - 1) + 1, dw * (kw - 1) + 1
            padding = cfg.get("padding", "valid")
            if padding == "valid":
                pt = pb = pl = pr = 0
            elif padding == "same":
                pt, pb = same_pads(h, ekh, sh)
                pl, pr = same_pads(w, ekw, sw)
            else:
                fail("%s: field 'padding': expected 'valid' or 'same', found %r" % (where, padding))
            modules = []
            if pt == pb and pl == pr:
                pad = (pt, pl)
            else:
                modules.append(nn.ZeroPad2d((pl, pr, pt, pb)))
                pad = 0
            conv = nn.Conv2d(c, f, (kh, kw), stride=(sh, sw), padding=pad, dilation=(dh, dw),
                             bias=cfg.get("use_bias", True))
            modules += [conv, activation_module(act, where)]
            oh, ow = (h + pt + pb - ekh) // sh + 1, (w + pl + pr - ekw) // sw + 1
            out = (f, oh, ow)
            specs.append(LayerSpec(name, type_, modules, shape, out, 2 * f * oh * ow * c * kh * kw, conv.weight,
                                   regularizer(cfg, where)))
        elif type_ in ("MaxPooling2D", "AveragePooling2D"):
            c, h, w = shape
            ph, pw = pair(cfg.get("pool_size", 2), "pool_size", where)
            sh, sw = pair(cfg.get("strides") or [ph, pw], "strides", where)
            padding = cfg.get("padding", "valid")
            if padding == "valid":
                pt = pb = pl = pr = 0
            elif padding == "same":
                pt, pb = same_pads(h, ph, sh)
                pl, pr = same_pads(w, pw, sw)
                if pt != pb or pl != pr:
                    fail("%s: 'same' pooling with uneven padding is not supported by the reference" % where)
            else:
                fail("%s: field 'padding': expected 'valid' or 'same', found %r" % (where, padding))
            if type_ == "MaxPooling2D":
                pool = nn.MaxPool2d((ph, pw), stride=(sh, sw), padding=(pt, pl))
            else:
                pool = nn.AvgPool2d((ph, pw), stride=(sh, sw), padding=(pt, pl), count_include_pad=False)
            out = (c, (h + pt + pb - ph) // sh + 1, (w + pl + pr - pw) // sw + 1)
            specs.append(LayerSpec(name, type_, [pool], shape, out))
        elif type_ == "Flatten":
            out = (math.prod(shape),)
            specs.append(LayerSpec(name, type_, [nn.Flatten()], shape, out))
        elif type_ == "Dense":
            if len(shape) != 1:
                fail("%s: expects a vector input, got %s" % (where, shape))
            units = cfg["units"]
            lin = nn.Linear(shape[0], units, bias=cfg.get("use_bias", True))
            specs.append(LayerSpec(name, type_, [lin, activation_module(act, where)], shape, (units,),
                                   2 * shape[0] * units, lin.weight, regularizer(cfg, where)))
        elif type_ == "Dropout":
            specs.append(LayerSpec(name, type_, [nn.Dropout(cfg["rate"])], shape, shape))
        elif type_ == "BatchNormalization":
            if cfg.get("center", True) != cfg.get("scale", True):
                fail("%s: center and scale must both be on or off for the reference" % where)
            bn_cls = nn.BatchNorm2d if len(shape) == 3 else nn.BatchNorm1d
            bn = bn_cls(shape[0], eps=cfg.get("epsilon", 1e-3), momentum=1 - cfg.get("momentum", 0.99),
                        affine=cfg.get("center", True))
            specs.append(LayerSpec(name, type_, [bn], shape, shape))
        elif type_ == "ELU":
            specs.append(LayerSpec(name, type_, [nn.ELU(alpha=cfg.get("alpha", 1.0))], shape, shape))
        elif type_ == "ReLU":
            specs.append(LayerSpec(name, type_, [nn.ReLU()], shape, shape))
        elif type_ == "Activation":
            specs.append(LayerSpec(name, type_, [activation_module(act, where, fused=False)], shape, shape))
        else:
            fail("%s: layer type '%s' is not supported by the reference; expected Conv2D, MaxPooling2D, "
                 "AveragePooling2D, Flatten, Dense, Dropout, BatchNormalization, ELU, ReLU or Activation"
                 % (where, type_))
        shape = specs[-1].out_shape
    last = specs[-1]
    if not last.modules or not isinstance(last.modules[-1], nn.Softmax):
        fail("%s: the reference trains with cross-entropy on logits, so the last layer must end in a softmax"
             % source)
    return specs


class Reference:
    """A model in PyTorch: one nn.Sequential per definition layer, the final softmax split off."""

    def __init__(self, path):
        with open(path) as f:
            definition = json.load(f)
        self.name = definition.get("name", os.path.basename(path))
        self.source = path
        self.input_shape = (definition["input"]["channels"], definition["input"]["height"],
                            definition["input"]["width"])
        self.specs = build_layers(definition, path)
        self.softmax = self.specs[-1].modules.pop()  # fused into the loss in training, applied in inference
        self.groups = [nn.Sequential(*s.modules) for s in self.specs]
        self.net = nn.Sequential(*self.groups)
        self.classes = self.specs[-1].out_shape[0]
        self.regularized = [(s.weight, s.reg) for s in self.specs if s.reg is not None]

    def parameter_counts(self):
        """(Keras' total params: trainable + BatchNormalization moving statistics, trainable)."""
        trainable = sum(p.numel() for p in self.net.parameters())
        stats = sum(b.numel() for n, b in self.net.named_buffers() if n.endswith(("running_mean", "running_var")))
        return trainable + stats, trainable

    def loss(self, logits, labels):
        loss = F.cross_entropy(logits, labels)
        for w, (l1, l2) in self.regularized:
            if l2:
                loss = loss + l2 * w.pow(2).sum()
            if l1:
                loss = loss + l1 * w.abs().sum()
        return loss


# ---------------------------------------------------------------------------------------- timing

MIN_WARMUP_REPS = 20


def measure(action, warmup_seconds, seconds, min_reps, prepare=None, max_reps=None):
    """Untimed warm-up (for warmup_seconds and at least MIN_WARMUP_REPS times, the rule of convspark's
    StepTimes), then timed repetitions until `seconds` are spent; durations in ns."""
    end = time.perf_counter() + warmup_seconds
    warmups = 0
    while True:
        if prepare:
            prepare()
        action()
        warmups += 1
        if time.perf_counter() >= end and (warmup_seconds <= 0 or warmups >= MIN_WARMUP_REPS):
            break
    times = []
    total = 0
    budget = seconds * 1e9
    while (max_reps is None or len(times) < max_reps) and (len(times) < min_reps or total < budget):
        if prepare:
            prepare()
        start = time.perf_counter_ns()
        action()
        d = time.perf_counter_ns() - start
        times.append(d)
        total += d
    return times


def throughput(batch, times):
    median = statistics.median(times) / 1e6
    total = sum(times) / 1e9
    return {"batch": batch, "steps": len(times), "seconds": total, "images_per_second": batch / (median / 1e3),
            "mean_images_per_second": len(times) * batch / total, "median_ms": median,
            "min_ms": min(times) / 1e6, "max_ms": max(times) / 1e6}


def sgemm_peak(threads, size, seconds, openblas):
    g = torch.Generator().manual_seed(1)
    a = torch.rand(size, size, generator=g) - 0.5
    b = torch.rand(size, size, generator=g) - 0.5
    c = torch.empty(size, size)
    times = measure(lambda: torch.mm(a, b, out=c), min(1.0, seconds / 2), seconds, 5)
    gflops = 2.0 * size ** 3 / statistics.median(times)
    return {"threads": threads, "size": size, "gemm": "torch.mm (OpenBLAS %s)" % openblas.corename, "gflops": gflops,
            "per_thread_gflops": gflops / threads}


def measure_layers(ref, x, seconds, peak, batch):
    """Each layer's forward (training mode, building the autograd graph) and backward (autograd.grad into the
    parameters and, except for the first layer, the input), on the real activations of the layers before."""
    ref.net.train()
    acts = [x]
    with torch.no_grad():
        for grp in ref.groups:
            acts.append(grp(acts[-1]).clone())
    per_pass = seconds / (2.0 * len(ref.groups))
    g = torch.Generator().manual_seed(2)
    rows = []
    for i, (spec, grp) in enumerate(zip(ref.specs, ref.groups)):
        inp = acts[i].detach().clone().requires_grad_(i > 0)
        fwd = measure(lambda: grp(inp), 0, per_pass, 3, max_reps=100_000)
        y = grp(inp)
        upstream = torch.rand(y.shape, generator=g) - 0.5
        wrt = ([inp] if i > 0 else []) + [p for p in grp.parameters()]
        if wrt:
            bwd = measure(lambda: torch.autograd.grad(y, wrt, upstream, retain_graph=True), 0, per_pass, 3,
                          max_reps=100_000)
        else:
            bwd = [0]
        fwd_ms = statistics.median(fwd) / 1e6
        bwd_ms = statistics.median(bwd) / 1e6
        fwd_flop = spec.flops * batch
        bwd_flop = fwd_flop * (2 if i > 0 else 1)
        fwd_gflops = fwd_flop / 1e6 / fwd_ms if fwd_ms > 0 else 0.0
        bwd_gflops = bwd_flop / 1e6 / bwd_ms if bwd_ms > 0 else 0.0
        rows.append({"name": spec.name, "type": spec.type, "output_shape": list(spec.out_shape), "batch": batch,
                     "forward_ms": fwd_ms, "forward_gflop": fwd_flop / 1e9, "forward_gflops": fwd_gflops,
                     "forward_peak_share": fwd_gflops / peak, "backward_ms": bwd_ms,
                     "backward_gflop": bwd_flop / 1e9, "backward_gflops": bwd_gflops,
                     "backward_peak_share": bwd_gflops / peak, "input_gradient": i > 0})
    return rows


def measure_model(path, threads_list, args, peaks, openblas):
    runs = []
    result = None
    for t in threads_list:
        set_threads(t, openblas, args.openblas_threads)
        torch.manual_seed(args.seed)
        ref = Reference(path)
        total, trainable = ref.parameter_counts()
        train_batch = args.batch_size or course_train_batch(ref.name)
        g = torch.Generator().manual_seed(args.seed)
        x = torch.rand((train_batch,) + ref.input_shape, generator=g)
        labels = torch.randint(ref.classes, (train_batch,), generator=g)
        opt = torch.optim.Adam(ref.net.parameters(), lr=1e-3, betas=(0.9, 0.999), eps=1e-7)

        def train_step():
            opt.zero_grad(set_to_none=True)
            ref.loss(ref.net(x), labels).backward()
            opt.step()

        progress("%s, %d thread(s): training, batch %d..." % (ref.name, t, train_batch))
        ref.net.train()
        training = throughput(train_batch, measure(train_step, args.warmup, args.seconds, 3))

        xi = torch.rand((args.inference_batch,) + ref.input_shape, generator=g)

        def infer():
            with torch.inference_mode():
                ref.softmax(ref.net(xi))

        progress("%s, %d thread(s): inference, batch %d..." % (ref.name, t, args.inference_batch))
        ref.net.eval()
        inference = throughput(args.inference_batch, measure(infer, args.warmup, args.seconds, 3))

        progress("%s, %d thread(s): per-layer forward/backward..." % (ref.name, t))
        layers = measure_layers(ref, x, args.seconds, peaks[t]["gflops"], train_batch)
        runs.append({"threads": t, "training": training, "inference": inference, "layers": layers})
        result = {"model": ref.name, "source": path, "parameters": total, "trainable_parameters": trainable,
                  "train_batch": train_batch, "inference_batch": args.inference_batch}
    result["runs"] = runs
    return result


# ---------------------------------------------------------------------------------------- output

def progress(line):
    print("pytorch_reference: " + line, file=sys.stderr, flush=True)


def render(report):
    env = report["environment"]
    out = ["%s benchmark: %s, %s core(s), torch %s, %s, oneDNN %s; %.1f s per measurement after %.1f s "
           "warm-up; throughput = batch / median step time"
           % (report["engine"], env["cpu"], env["cores"], env["torch"], env["blas"]["config"],
              "on" if env["mkldnn"] else "off", report["seconds"], report["warmup_seconds"])]
    for p in report["sgemm_peak"]:
        out.append("sgemm peak (%s, %dx%dx%d, %d thread(s)): %.1f GFLOP/s (%.1f per thread)"
                   % (p["gemm"], p["size"], p["size"], p["size"], p["threads"], p["gflops"], p["per_thread_gflops"]))
    for m in report["models"]:
        for r in m["runs"]:
            out.append("")
            out.append("%s (%s params), %d thread(s)" % (m["model"], format(m["parameters"], ","), r["threads"]))
            for what, t in (("training ", r["training"]), ("inference", r["inference"])):
                out.append("  %s batch %3d: %9s images/s (median step %.2f ms, min %.2f, max %.2f; %d steps, mean %s "
                           "images/s)" % (what, t["batch"], format(round(t["images_per_second"]), ","),
                                          t["median_ms"], t["min_ms"], t["max_ms"], t["steps"],
                                          format(round(t["mean_images_per_second"]), ",")))
            total = sum(l["forward_ms"] + l["backward_ms"] for l in r["layers"])
            out.append("  %-22s %-19s %-16s %9s %8s %6s %9s %8s %6s %6s" % (
                "layer", "type", "output", "fwd ms", "GFLOP/s", "%peak", "bwd ms", "GFLOP/s", "%peak", "%time"))
            for l in r["layers"]:
                def gf(gflop, v):
                    return "-" if gflop == 0 else "%.1f" % v

                def sh(gflop, v):
                    return "-" if gflop == 0 else "%.0f%%" % (100 * v)

                out.append("  %-22s %-19s %-16s %9.3f %8s %6s %9.3f %8s %6s %5.1f%%" % (
                    l["name"], l["type"], "(" + ", ".join(str(d) for d in l["output_shape"]) + ")",
                    l["forward_ms"], gf(l["forward_gflop"], l["forward_gflops"]),
                    sh(l["forward_gflop"], l["forward_peak_share"]), l["backward_ms"],
                    gf(l["backward_gflop"], l["backward_gflops"]), sh(l["backward_gflop"], l["backward_peak_share"]),
                    100 * (l["forward_ms"] + l["backward_ms"]) / total))
    return "\n".join(out)


def cpu_model():
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.machine()


def parse_threads(spec):
    result = []
    for item in spec.split(","):
        item = item.strip()
        if item == "all":
            t = len(os.sched_getaffinity(0))
        else:
            try:
                t = int(item)
            except ValueError:
                t = 0
            if t < 1:
                fail("--threads: expected positive integers or 'all', separated by commas; got '%s' in '%s'"
                     % (item, spec))
        if t not in result:
            result.append(t)
    return result


def resolve_model(m, home):
    if m.endswith(".json") or "/" in m:
        path = m
    else:
        path = os.path.join(home, "conf", "models", m + ".json")
    if not os.path.isfile(path):
        fail("--models: no model definition %s" % path)
    return path


def main():
    home = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--models", default=",".join(COURSE_MODELS), help="names in conf/models or JSON files")
    p.add_argument("--threads", default="1,all", help="thread counts, 'all' = every core (default: 1,all)")
    p.add_argument("--seconds", type=float, default=5.0, help="seconds per timed measurement (default: 5)")
    p.add_argument("--warmup", type=float, default=2.0, help="warm-up seconds before throughput (default: 2)")
    p.add_argument("--batch-size", type=int, help="training batch for every model (default: 64; 50 for cifar10)")
    p.add_argument("--inference-batch", type=int, default=INFERENCE_BATCH, help="inference batch (default: 256)")
    p.add_argument("--peak-size", type=int, default=512, help="m = n = k of the peak sgemm (default: 512)")
    p.add_argument("--openblas-threads", choices=["match", "1"], default="match",
                   help="OpenBLAS threads: match torch's (default) or always 1")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--out", help="JSON file with all figures")
    args = p.parse_args()
    if args.seconds <= 0 or args.warmup < 0:
        fail("--seconds must be > 0 and --warmup >= 0, got %s and %s" % (args.seconds, args.warmup))

    openblas = check_blas()
    threads = parse_threads(args.threads)
    models = [resolve_model(m.strip(), home) for m in args.models.split(",")]
    peaks = {}
    for t in threads:
        set_threads(t, openblas, args.openblas_threads)
        progress("sgemm peak, %d thread(s) (OpenBLAS threads: %d)..." % (t, openblas.threads()))
        peaks[t] = sgemm_peak(t, args.peak_size, args.seconds, openblas)
    results = [measure_model(m, threads, args, peaks, openblas) for m in models]
    report = {
        "engine": "pytorch",
        "environment": {
            "cpu": cpu_model(), "cores": len(os.sched_getaffinity(0)), "torch": torch.__version__,
            "blas": {"library": openblas.path, "config": openblas.config, "core": openblas.corename,
                     "openblas_coretype": os.environ.get("OPENBLAS_CORETYPE"),
                     "torch_blas_info": blas_info(),
                     "threads": "matched to torch.set_num_threads" if args.openblas_threads == "match" else "1"},
            "mkldnn": bool(torch.backends.mkldnn.is_available() and torch.backends.mkldnn.enabled),
            "malloc_tunables": {k: v for k, v in os.environ.items() if k.startswith("MALLOC_")},
            "python": platform.python_version(), "os": platform.platform(),
            "time": datetime.now(timezone.utc).astimezone().isoformat(),
        },
        "seconds": args.seconds, "warmup_seconds": args.warmup,
        "sgemm_peak": [peaks[t] for t in threads],
        "models": results,
    }
    print(render(report))
    if args.out:
        os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)
        with open(args.out, "w") as f:
            json.dump(report, f, indent=2)
            f.write("\n")
        print("JSON: " + args.out)


if __name__ == "__main__":
    main()
