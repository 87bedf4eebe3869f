#!/usr/bin/python3
# Networks against PyTorch: for every cell and a few network shapes (stacked, bidirectional,
# both), `rnnsuite run --problem D --dump` writes rnnsuite's forward and gradients, one
# invocation of scripts/torch-dump recomputes them with nn.RNN / nn.LSTM / nn.GRU (num_layers,
# bidirectional; elman_sigmoid by its autograd loop), and every file PyTorch wrote is compared
# with rnnsuite's file of the same name:
#   normwise relative error ||rnnsuite − pytorch||₂ / ||pytorch||₂ (no absolute floor; 0 when
#   both are zero, inf when only PyTorch's is, or when either holds a NaN/inf) must be
#   <= 1e-10 for float64 dumps and <= 1e-4 for float32 dumps (both computed in float64).
# The files PyTorch writes are named from the descriptor alone, so a layer or direction missing
# from either dump is a failure: x, h0, c0, every layer and direction's weight_ih/weight_hh/
# bias_ih/bias_hh (_l<l>, _l<l>_reverse), grad_output, output, h_n, c_n, grad_x, grad_h0,
# grad_c0 and grad_<parameter> for every parameter (shapes and dtype checked too); and any
# further file PyTorch wrote (grad_h_n, grad_c_n) must be in rnnsuite's dump. rnnsuite's own
# extra files (grad_h*, grad_c* per layer and direction, target) are not compared.
# Then a self-check of the comparison on copies of one bidirectional stacked float64 dump: with
# grad_weight_ih_l1_reverse.npy deleted, with grad_weight_hh_l0 and grad_weight_hh_l0_reverse
# swapped, and with output scaled by 1 + 1e-9, it must report a failure each time.
#
#   network_pytorch.py RNNSUITE TORCH_DUMP WORKDIR
#
# WORKDIR (created) keeps rnnsuite's dumps (WORKDIR/<descriptor>) and PyTorch's
# (WORKDIR/<descriptor>.torch) for inspection. Prints one row per descriptor (descriptor, loss,
# files compared, worst file, its error, tolerance, verdict); exit 0 when every file is within
# tolerance, 1 when any is not or is missing (each listed), or when rnnsuite, torch-dump or the
# self-check fails; 2 on a usage error. /usr/bin/python3 with numpy; torch only inside
# TORCH_DUMP (one start, ~2 s).
import os
import re
import shutil
import subprocess
import sys

import numpy as np

CELLS = {"elman_tanh": 1, "elman_sigmoid": 1, "elman_relu": 1, "lstm": 4, "gru": 3}
# (shape and precision, loss of `rnnsuite run --loss`): every cell in each.
SHAPES = (
    ("_t5_b3_i4_h6_l2_bi_f64", "last"),
    ("_t4_b2_i3_h5_l3_f64", "all"),
    ("_t6_b1_i3_h4_bi_f64", "all"),
    ("_t3_b2_i5_h4_l2_bi_f32", "all"),
)
TOLERANCE = {"f64": 1e-10, "f32": 1e-4}
DESCRIPTOR = re.compile(r"^(\w+?)_t(\d+)_b(\d+)_i(\d+)_h(\d+)(?:_l(\d+))?(_bi)?_(f32|f64)$")
BASES = ("weight_ih", "weight_hh", "bias_ih", "bias_hh")


def expected_files(descriptor):
    """name -> shape of every array PyTorch's dump of `descriptor` holds, from the name alone."""
    cell, T, B, I, H, L, bi, _ = DESCRIPTOR.match(descriptor).groups()
    T, B, I, H, L, D, G = int(T), int(B), int(I), int(H), int(L or 1), 2 if bi else 1, CELLS[cell]
    state = (L * D, B, H)
    files = {"x": (T, B, I), "h0": state, "grad_output": (T, B, D * H), "output": (T, B, D * H),
             "h_n": state, "grad_x": (T, B, I), "grad_h0": state}
    if cell == "lstm":
        files.update({"c0": state, "c_n": state, "grad_c0": state})
    for l in range(L):
        for d in range(D):
            s = f"_l{l}" + ("_reverse" if d else "")
            shapes = ((G * H, I if l == 0 else D * H), (G * H, H), (G * H,), (G * H,))
            for base, shape in zip(BASES, shapes):
                files[base + s] = files["grad_" + base + s] = shape
    return files


def input_problems(descriptor, ours):
    """What is wrong with the files of rnnsuite's dump that torch-dump reads (it stops at the
    first bad pair, so such a dump is left out of its run and reported here instead)."""
    dtype = np.dtype(np.float32 if descriptor.endswith("_f32") else np.float64)
    problems = []
    for name, shape in expected_files(descriptor).items():
        if name.startswith("grad_") and name != "grad_output" or name in ("output", "h_n", "c_n"):
            continue
        path = os.path.join(ours, name + ".npy")
        if not os.path.exists(path):
            problems.append(f"rnnsuite's dump lacks {name}.npy")
            continue
        a = np.load(path)
        if a.dtype != dtype or a.shape != shape:
            problems.append(f"rnnsuite's {name}.npy is {a.dtype} {a.shape}, expected {dtype} {shape}")
    return problems


def relative_error(a, b):
    a, b = a.astype(np.float64), b.astype(np.float64)
    if not (np.all(np.isfinite(a)) and np.all(np.isfinite(b))):
        return float("inf")
    nb, nd = np.linalg.norm(b), np.linalg.norm(a - b)
    if nb == 0:
        return 0.0 if nd == 0 else float("inf")
    return float(nd / nb)


def compare(descriptor, ours, torch):
    """(files compared, worst file, its error, problems) for rnnsuite's dump `ours` against
    PyTorch's `torch`. problems: one line each."""
    precision = descriptor[-3:]
    dtype, tol = np.dtype(np.float32 if precision == "f32" else np.float64), TOLERANCE[precision]
    expected = expected_files(descriptor)
    written = {f[:-4] for f in os.listdir(torch) if f.endswith(".npy")}
    problems = [f"torch-dump did not write {n}.npy" for n in sorted(set(expected) - written)]
    worst, worst_err, count = "-", 0.0, 0
    for name in sorted(written):
        theirs_path, ours_path = (os.path.join(d, name + ".npy") for d in (torch, ours))
        if not os.path.exists(ours_path):
            problems.append(f"rnnsuite's dump lacks {name}.npy")
            continue
        b, a = np.load(theirs_path), np.load(ours_path)
        want = expected.get(name, b.shape)
        bad = [f"{who} {name}.npy is {arr.dtype} {arr.shape}, expected {dtype} {want}"
               for who, arr in (("rnnsuite's", a), ("PyTorch's", b))
               if arr.dtype != dtype or arr.shape != tuple(want)]
        if bad:
            problems += bad
            continue
        err = relative_error(a, b)
        count += 1
        if err > worst_err or worst == "-":
            worst, worst_err = name, err
        if not err <= tol:
            problems.append(f"{name}: relative error {err:.3g} > {tol:g}")
    return count, worst, worst_err, problems


def self_check(descriptor, workdir):
    """The comparison must catch a missing layer/direction file, swapped directions and an error
    just above the tolerance. Returns the list of controls it did not catch."""
    ours, torch = os.path.join(workdir, descriptor), os.path.join(workdir, descriptor + ".torch")
    missed = []

    def control(what, change):
        copy = os.path.join(workdir, "selfcheck-" + descriptor)
        shutil.rmtree(copy, ignore_errors=True)
        shutil.copytree(ours, copy)
        change(copy)
        if not compare(descriptor, copy, torch)[3]:
            missed.append(what)
        shutil.rmtree(copy)

    def swap(d):
        p, q = (os.path.join(d, f"grad_weight_hh_l0{s}.npy") for s in ("", "_reverse"))
        a, b = np.load(p), np.load(q)
        np.save(p, b)
        np.save(q, a)

    def scale(d):
        p = os.path.join(d, "output.npy")
        np.save(p, np.load(p) * (1 + 1e-9))

    control("grad_weight_ih_l1_reverse.npy deleted",
            lambda d: os.remove(os.path.join(d, "grad_weight_ih_l1_reverse.npy")))
    control("grad_weight_hh_l0 and grad_weight_hh_l0_reverse swapped", swap)
    control("output scaled by 1 + 1e-9", scale)
    return missed


def main(argv):
    if len(argv) != 4:
        print("usage: network_pytorch.py RNNSUITE TORCH_DUMP WORKDIR", file=sys.stderr)
        return 2
    rnnsuite, torch_dump, workdir = argv[1:]
    os.makedirs(workdir, exist_ok=True)
    failures = []  # (descriptor or "-", message)
    runs = []  # (descriptor, loss) that rnnsuite dumped
    seed = 0
    for shape, loss in SHAPES:
        for cell in CELLS:
            d, seed = cell + shape, seed + 1
            for sub in (d, d + ".torch"):
                shutil.rmtree(os.path.join(workdir, sub), ignore_errors=True)
            cmd = [rnnsuite, "run", "--problem", d, "--seed", str(seed), "--loss", loss,
                   "--repeat", "1", "--dump", os.path.join(workdir, d)]
            r = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
            if r.returncode != 0:
                last = (r.stderr.strip().splitlines() or [""])[-1]
                failures.append((d, f"rnnsuite run exited {r.returncode}: {last}"))
            else:
                problems = input_problems(d, os.path.join(workdir, d))
                failures += [(d, p) for p in problems]
                if not problems:
                    runs.append((d, loss))
    if runs:
        pairs = [os.path.join(workdir, d + s) for d, _ in runs for s in ("", ".torch")]
        r = subprocess.run([torch_dump, *pairs], stderr=subprocess.PIPE, text=True)
        if r.returncode != 0:
            failures.append(("-", f"torch-dump exited {r.returncode}: {r.stderr.strip()}"))
            runs = []

    print(f"{'descriptor':36} {'loss':4} {'files':>5}  {'worst file':28} {'rel. error':>10}  "
          f"{'tol':>5}  verdict")
    for d, loss in runs:
        count, worst, err, problems = compare(d, os.path.join(workdir, d),
                                              os.path.join(workdir, d + ".torch"))
        print(f"{d:36} {loss:4} {count:5d}  {worst:28} {err:10.3g}  {TOLERANCE[d[-3:]]:5.0e}  "
              f"{'FAIL' if problems else 'ok'}")
        failures += [(d, p) for p in problems]

    failed = {f[0] for f in failures}
    probe = next((d for d, _ in runs if re.search(r"_l[0-9]+_bi_f64$", d) and d not in failed),
                 None)
    if probe is None:
        failures.append(("-", "self-check: no stacked bidirectional float64 dump matched PyTorch"))
    else:
        missed = self_check(probe, workdir)
        print(f"self-check on {probe}: " + ("every planted error caught" if not missed else
                                            "MISSED " + "; ".join(missed)))
        failures += [("-", f"self-check: the comparison did not catch: {m}") for m in missed]

    if failures:
        print(f"FAIL: {len(failures)} problem(s):")
        for d, p in failures:
            print(f"  {d}: {p}")
        return 1
    print(f"all {len(runs)} networks match PyTorch")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
