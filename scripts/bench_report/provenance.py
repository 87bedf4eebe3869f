"""What the report says about how its numbers were made: the command and its OpenMP wait policy,
the machine, the compiler and libraries, the measured peak, and the method paragraphs."""
from .estimates import CONFIDENCE, RESAMPLES
from .machine import machine, peak_note


def omp_line(context):
    """How the two implementations shared the process: the runner records the wait policy it ran
    with and whether it came from the user's environment. JSONs without that record (rendered
    with --no-run from another tool) say what their command line shows, if anything."""
    policy = context.get("omp_wait_policy")
    if policy:
        whence = ("set in the environment bench-report ran in" if context.get("omp_wait_policy_from")
                  == "environment" else "bench-report's default")
        return [f"- One process runs both implementations, interleaved, with "
                f"`OMP_WAIT_POLICY={policy}` for the whole process ({whence})"]
    return []


def how_made(context, command, peaks):
    cpu = machine()
    return [
        "## How these numbers were made", "",
        f"- Command: `{context.get('command', command)}`",
        *([f"- Two threads against one: `{context['scaling_command']}`"] if context.get("scaling_command") else []),
        *omp_line(context),
        f"- Date: {context.get('date', '?')}; grid `{context.get('grid', '?')}`; "
        f"threads {context.get('threads', '?')} for both implementations",
        f"- Machine: {cpu.get('Model name', '?')} (family {cpu.get('CPU family', '?')}, model "
        f"{cpu.get('Model', '?')}), {cpu.get('CPU(s)', '?')} logical CPUs "
        f"({cpu.get('Core(s) per socket', '?')} cores per socket), L1d {cpu.get('L1d cache', '?')}, "
        f"L2 {cpu.get('L2 cache', '?')}, L3 {cpu.get('L3 cache', '?')}; "
        f"hypervisor {cpu.get('Hypervisor vendor', 'not named by lscpu')}, shared with other work",
        f"- Compiler: {context.get('compiler', '?')}, CMake build type {context.get('rnnsuite_build_type', '?')}, "
        f"rnnsuite ISA {context.get('rnnsuite_isa', '?')}; Google Benchmark 1.7.1 from Debian (its package "
        f"reports itself as a '{context.get('library_build_type', '?')}' build: that is the harness's "
        f"bookkeeping, not the timed code); "
        f"oneDNN {context.get('onednn_version', '?')} (Debian libdnnl-dev)",
        f"- Peak measured at start-up in the same binary (FMA loop, one thread): "
        f"FP32 {peaks['f32'] or 0:.1f} GFLOP/s, FP64 {peaks['f64'] or 0:.1f} GFLOP/s "
        f"({context.get('peak_detail', '')})", *peak_note(context.get("peak_detail", "")), "",
        METHOD, ""]


METHOD = (
    "**Method.** Every (problem, direction, implementation) is one Google Benchmark, run for the "
    "repetitions above in random interleaved order, wall-clock time. Both implementations get the same "
    "seeded data (PyTorch's default initialization, x ~ U(-1, 1), upstream gradients on every h_t and "
    "on the final states). oneDNN runs `forward_training` (fwd) or `forward_training` + `backward` "
    "with its workspace (fwdbwd); its weights are reordered to its preferred layout once, outside the "
    "timed region; its weight gradients are zeroed inside it (oneDNN accumulates into them; a memset "
    "of the weight size, negligible) and left in its own layout (the timed backward asks every "
    "implementation for its parameter gradients 'not wanted' in PyTorch's layout, so oneDNN is not "
    "charged a transpose its users would not run; rnnsuite and plugins compute them all the same). "
    "rnnsuite runs `rnn::layer::forward` (+ `backward`), each through the implementation-under-test "
    "interface (implementations/). Before a "
    "float32 problem is timed, both run it once and every output and gradient (output, h_n, c_n, "
    "dx, dh0, dc0, dW_ih, dW_hh, db per oneDNN bias block) must agree to a normwise relative error "
    "of 1e-3 (1e-2 for elman_relu, whose derivative jumps at 0 so a rounding-level difference flips a few "
    "units; bench/agreement.hpp), or both benchmarks of that problem report an error; the largest error "
    "is in the JSON as agreement_error. steps/s = T·B per second; GFLOP/s "
    "by the benchdnn rule (forward 2·T·B·G·H·(I+H), forward+backward 3×); % peak against the FP32 "
    "or FP64 peak above. Tables show the median over the repetitions and, in parentheses, the "
    "min–max; speed-up = oneDNN's median time / rnnsuite's median time (> 1: rnnsuite faster). "
    "oneDNN 2.6 has no f64 RNN primitives, so f64 rows are rnnsuite only. Absolute numbers on this "
    "shared virtual machine drift 5–40 % between runs (PERFORMANCE.md); the ratios within one run "
    f"are what to compare. The targets table adds a {CONFIDENCE * 100:.0f} % interval for each "
    "speed-up: a percentile bootstrap (scipy.stats.bootstrap, "
    f"{RESAMPLES} resamples, seeded by the shape's name) of the ratio of the medians, "
    "each implementation's repetitions resampled on their own. Where that interval reaches across "
    "the target, the status says \"within noise\": met or missed by the medians, but this run "
    "cannot tell on which side of the target the two implementations are.")
NETWORK_METHOD = (
    "**Networks.** rnnsuite runs `rnn::network` (every block an `rnn::layer`; with two threads or "
    "more a bidirectional layer's two directions run at once, one on each half of the threads). "
    "oneDNN runs its own primitives wherever one of them is PyTorch's network: a forward-only stack "
    "whose layers all read H channels (I = H) is one multi-layer primitive; with I ≠ H, layer 0 is a "
    "primitive of its own and layers 1..L−1 one more (they all read H channels); a bidirectional network "
    "is one `bidirectional_concat` primitive per layer, whose output is the next layer's input as it "
    "stands, since oneDNN's multi-layer bidirectional mode runs each direction's layers as a stack of "
    "their own (layer l's reverse direction reads only layer l−1's reverse direction), which is not "
    "PyTorch's network. Nothing is copied between two primitives: one's output array is the next "
    "one's input. The timed backward leaves oneDNN's weight gradients in its own layout (lib writes "
    "them in PyTorch's flat order, its own). Before timing, every output and gradient, each block's "
    "four parameter gradients on their own (`grad_weight_ih_l1_reverse`, ...), must agree to 1e-3 "
    "(implementations/tests/test_onednn_network.cpp tests the same mapping against lib to bounds of "
    "2e-5 to 7e-5 derived from float32 rounding, on every cell). FLOPs by benchdnn's rule per layer and direction, layer l > 0 reading D·H "
    "channels; activation bytes for oneDNN are its primitives' workspaces plus the layer outputs kept "
    "between primitives.")


