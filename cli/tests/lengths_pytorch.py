#!/usr/bin/python3
# Variable-length batches against PyTorch's packed sequences (issue 26): for every cell and a few
# shapes (single layer and 2-layer bidirectional, `_lenx` and `_lenu<S>`, float64 and one
# float32), `rnnsuite run --problem D --loss all|last --dump` writes rnnsuite's forward, gradients
# and lengths.npy; one invocation of scripts/torch-dump recomputes them with
# pack_padded_sequence(enforce_sorted=False) through nn.RNN / nn.LSTM / nn.GRU and
# pad_packed_sequence (elman_sigmoid: its autograd loop, masked per step), and every file PyTorch
# wrote is compared with rnnsuite's file of the same name:
#   lengths.npy: int64 (B,), equal;
#   every other file: the normwise relative error of network_pytorch.py (no absolute floor),
#   <= 1e-10 for float64 and <= 1e-4 for float32 dumps;
#   and in rnnsuite's dump output, grad_x and grad_h* are exactly zero at t >= len_b;
#   with --loss last, rnnsuite's grad_output is nonzero exactly at each sequence's last step
#   t = len_b - 1 (PyTorch only consumes it, so this is where the lengths reach the loss).
# Then `rnnsuite check` grades two of PyTorch's dumps (a single layer and a bidirectional
# network, float64) and must PASS. A control: PyTorch on one dump's inputs with every length set
# to T must disagree with rnnsuite's packed answer (the comparison sees the lengths).
#
#   lengths_pytorch.py RNNSUITE TORCH_DUMP WORKDIR
#
# WORKDIR (created) keeps the dumps (WORKDIR/<descriptor>, WORKDIR/<descriptor>.torch). Prints
# one row per descriptor and the worst float64 error over all of them; exit 0 when everything
# agrees, 1 otherwise (each problem listed), 2 on a usage error.
import os
import re
import shutil
import subprocess
import sys

import numpy as np

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from network_pytorch import CELLS, TOLERANCE, expected_files, relative_error  # noqa: E402

# (shape, rnnsuite run's --loss): `last` on each sequence's own last step for a single layer and
# a bidirectional network.
SHAPES = (
    ("_t7_b5_i3_h4_lenx_f64", "all"),
    ("_t6_b6_i3_h5_lenu3_f64", "last"),
    ("_t5_b4_i3_h4_l2_bi_lenu7_f64", "last"),
    ("_t6_b5_i4_h3_l2_bi_lenx_f64", "all"),
    ("_t5_b4_i3_h4_l2_bi_lenu2_f32", "all"),
)
LENGTHS_FIELD = re.compile(r"_len(?:u[0-9]+|x|f)(?=_f(?:32|64)$)")
# rnnsuite's dumps the check command grades (it runs the 50-digit reference: small ones).
CHECKED = ("lstm_t7_b5_i3_h4_lenx_f64", "gru_t6_b5_i4_h3_l2_bi_lenx_f64")
CONTROL = "gru_t7_b5_i3_h4_lenx_f64"


def compare(descriptor, ours, theirs, loss="all"):
    """(files compared, worst file, its error, problems) of rnnsuite's dump against PyTorch's."""
    plain = LENGTHS_FIELD.sub("", descriptor)  # network_pytorch's names know no lengths
    precision = descriptor[-3:]
    dtype, tol = np.dtype(np.float32 if precision == "f32" else np.float64), TOLERANCE[precision]
    expected = expected_files(plain)
    written = {f[:-4] for f in os.listdir(theirs) if f.endswith(".npy")}
    problems = [f"torch-dump did not write {n}.npy" for n in sorted(set(expected) - written)]
    count, worst, worst_err = 0, "-", 0.0
    lengths = None
    for name in sorted(written):
        paths = [os.path.join(d, name + ".npy") for d in (ours, theirs)]
        if not os.path.exists(paths[0]):
            problems.append(f"rnnsuite's dump lacks {name}.npy")
            continue
        a, b = (np.load(p) for p in paths)
        if name == "lengths":
            if a.dtype != np.int64 or a.shape != b.shape or not np.array_equal(a, b):
                problems.append(f"lengths.npy differs: rnnsuite {a.dtype} {a.tolist()}, "
                                f"PyTorch {b.dtype} {b.tolist()}")
            lengths = a
            continue
        want = tuple(expected.get(name, b.shape))
        bad = [f"{who} {name}.npy is {arr.dtype} {arr.shape}, expected {dtype} {want}"
               for who, arr in (("rnnsuite's", a), ("PyTorch's", b))
               if arr.dtype != dtype or arr.shape != want]
        if bad:
            problems += bad
            continue
        err = relative_error(a, b)
        count += 1
        if err > worst_err or worst == "-":
            worst, worst_err = name, err
        if not err <= tol:
            problems.append(f"{name}: relative error {err:.3g} > {tol:g}")
    if lengths is None:
        problems.append("no lengths.npy in PyTorch's dump")
    else:
        problems += padding_problems(ours, lengths)
        if loss == "last":
            problems += last_step_problems(ours, lengths)
    return count, worst, worst_err, problems


def padding_problems(ours, lengths):
    """Packed semantics in rnnsuite's own files: every T×B×… sequence is 0 at t >= len_b."""
    problems = []
    names = sorted(f[:-4] for f in os.listdir(ours)
                   if f == "output.npy" or f == "grad_x.npy" or re.match(r"grad_[hc](_l|\.)", f))
    for name in names:
        a = np.load(os.path.join(ours, name + ".npy"))
        padded = np.arange(a.shape[0])[:, None] >= lengths[None, :]  # T×B
        if np.any(a[padded] != 0):
            t, b = np.argwhere(padded & np.any(a != 0, axis=2))[0]
            problems.append(f"rnnsuite's {name}.npy is nonzero at t = {t}, b = {b} "
                            f"(len_b = {lengths[b]})")
    return problems


def last_step_problems(ours, lengths):
    """--loss last: rnnsuite's grad_output (T×B×(D·H)) is nonzero exactly at t = len_b - 1."""
    g = np.load(os.path.join(ours, "grad_output.npy"))
    read = np.arange(g.shape[0])[:, None] == lengths[None, :] - 1  # T×B
    if np.array_equal(np.all(g != 0, axis=2), read) and not np.any(g[~read]):
        return []
    t, b = np.argwhere(np.any(g != 0, axis=2) != read)[0]
    return [f"--loss last: rnnsuite's grad_output at t = {t}, b = {b} (len_b = {lengths[b]}) "
            f"is {'zero' if read[t, b] else 'nonzero'}"]


def main(argv):
    if len(argv) != 4:
        print("usage: lengths_pytorch.py RNNSUITE TORCH_DUMP WORKDIR", file=sys.stderr)
        return 2
    rnnsuite, torch_dump, workdir = argv[1:]
    os.makedirs(workdir, exist_ok=True)
    failures, runs, seed, losses = [], [], 100, {}
    for shape, loss in SHAPES:
        for cell in CELLS:
            d, seed = cell + shape, seed + 1
            losses[d] = loss
            for sub in (d, d + ".torch"):
                shutil.rmtree(os.path.join(workdir, sub), ignore_errors=True)
            r = subprocess.run([rnnsuite, "run", "--problem", d, "--seed", str(seed), "--loss",
                                loss, "--repeat", "1", "--dump", os.path.join(workdir, d)],
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
            if r.returncode != 0:
                last = (r.stderr.strip().splitlines() or [""])[-1]
                failures.append((d, f"rnnsuite run exited {r.returncode}: {last}"))
            else:
                runs.append(d)
    # The control: CONTROL's inputs with every length T, which PyTorch must answer differently.
    control = os.path.join(workdir, "control-" + CONTROL)
    shutil.rmtree(control, ignore_errors=True)
    pairs = [os.path.join(workdir, d + s) for d in runs for s in ("", ".torch")]
    if CONTROL in runs:
        shutil.copytree(os.path.join(workdir, CONTROL), control)
        full = np.load(os.path.join(control, "lengths.npy"))
        np.save(os.path.join(control, "lengths.npy"), np.full_like(full, full.max()))
        pairs += [control, control + ".torch"]
    if pairs:
        r = subprocess.run([torch_dump, *pairs], stderr=subprocess.PIPE, text=True)
        if r.returncode != 0:
            failures.append(("-", f"torch-dump exited {r.returncode}: {r.stderr.strip()}"))
            runs = []

    print(f"{'descriptor':40} loss {'files':>5}  {'worst file':28} {'rel. error':>10}  {'tol':>5}  "
          "verdict")
    worst64 = (0.0, "-")
    for d in runs:
        count, worst, err, problems = compare(d, os.path.join(workdir, d),
                                              os.path.join(workdir, d + ".torch"), losses[d])
        print(f"{d:40} {losses[d]:4} {count:5d}  {worst:28} {err:10.3g}  "
              f"{TOLERANCE[d[-3:]]:5.0e}  {'FAIL' if problems else 'ok'}")
        failures += [(d, p) for p in problems]
        if d.endswith("_f64") and err >= worst64[0]:
            worst64 = (err, f"{d}: {worst}")
    print(f"worst float64 relative error: {worst64[0]:.3g} ({worst64[1]})")

    if runs and CONTROL in runs:
        # The lengths files differ by construction: the values must too.
        caught = [p for p in compare(CONTROL, os.path.join(workdir, CONTROL), control + ".torch")[3]
                  if not p.startswith("lengths.npy differs")]
        print("control (every length T in PyTorch): " + ("caught" if caught else "MISSED"))
        if not caught:
            failures.append(("-", "control: PyTorch without the lengths agreed with rnnsuite"))

    for d in CHECKED:
        if d not in runs:
            failures.append((d, "not dumped, not checked"))
            continue
        r = subprocess.run([rnnsuite, "check", os.path.join(workdir, d + ".torch")],
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        last = (r.stdout.strip().splitlines() or [""])[-1]
        print(f"rnnsuite check {d}.torch: {last}")
        if r.returncode != 0 or "_lenf_" not in last or "PASS" not in last:
            failures.append((d, f"rnnsuite check on PyTorch's dump exited {r.returncode}:\n"
                                + r.stdout))

    if failures:
        print(f"FAIL: {len(failures)} problem(s):")
        for d, p in failures:
            print(f"  {d}: {p}")
        return 1
    print(f"all {len(runs)} variable-length dumps match PyTorch's packed sequences")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
