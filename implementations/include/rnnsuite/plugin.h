/* rnnsuite's plugin ABI: how a recurrent-network implementation in any language with a C FFI is
 * verified and benchmarked by rnnsuite without rebuilding it (docs/plugins.md).
 *
 * A plugin is a shared library that exports exactly one function, rnnsuite_plugin_entry, which
 * returns a constant table of function pointers. The host (rnnsuite) loads it with
 * dlopen(RTLD_NOW | RTLD_LOCAL), reads the table's frozen head {abi_major, abi_minor,
 * struct_size}, and refuses it only when abi_major differs from its own. Every struct the two
 * sides exchange starts with its own size, and a slot or field is read only where that size
 * covers it, so both the table and the structs grow by appending and a plugin built against an
 * older minor version keeps loading.
 *
 * Conventions are PyTorch's (torch.nn.RNN, LSTM, GRU), so weights and gradients interchange:
 * - time-major, row-major (C order): x is T×B×I, h0 and c0 are (L·D)×B×H, output is T×B×(D·H);
 * - W_ih is (G·H)×I (layer 0) or (G·H)×(D·H) (layers above), W_hh is (G·H)×H, b_ih and b_hh
 *   are G·H; G = 1 (Elman), 4 (LSTM: gates i, f, g, o), 3 (GRU: gates r, z, n);
 * - two biases per layer; GRU's reset gate multiplies (W_hn h' + b_hn), PyTorch's form;
 * - parameters are passed layer by layer, direction by direction, each as weight_ih, weight_hh,
 *   bias_ih, bias_hh: the order of PyTorch's _flat_weights.
 *
 * Rules every function follows:
 * - No exception, longjmp or abort crosses the boundary: every call returns a status.
 * - Error and diagnostic text goes through the host's log callback; the host copies it.
 * - The host owns all memory it passes: tensors are borrowed for one call, never freed or kept
 *   by the plugin. Private state (packed weights, say) lives in the opaque instance.
 * - get_caps, check and create may be called from several threads at once (rnnsuite verify
 *   checks problems in parallel); an instance is called from one thread at a time. The
 *   plugin is never unloaded while the process runs. options.threads is a hard cap on the
 *   threads the plugin uses for it, and a plugin never changes CPU affinity or the
 *   floating-point environment (MXCSR): the host checks it after every call.
 * - backward overwrites every gradient it is given (never accumulates).
 */
#ifndef RNNSUITE_PLUGIN_H
#define RNNSUITE_PLUGIN_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The ABI this header describes. A new major version is a different ABI; a new minor version
 * only appends slots, fields, flags, extension types or enum values. */
#define RNNSUITE_PLUGIN_ABI_MAJOR 1
#define RNNSUITE_PLUGIN_ABI_MINOR 0

/* Status codes, returned by every function (int32_t: no C enum crosses the ABI, whose size
 * -fshort-enums would change). */
#define RNNSUITE_OK 0
#define RNNSUITE_UNSUPPORTED 1       /* a valid request this plugin does not handle */
#define RNNSUITE_INVALID_ARGUMENT 2  /* the request itself is wrong (a shape, a NULL, ...) */
#define RNNSUITE_OUT_OF_MEMORY 3
#define RNNSUITE_INTERNAL 4

/* Cells (rnnsuite_problem.cell) and the bit of each in rnnsuite_caps.cells. */
#define RNNSUITE_CELL_ELMAN_TANH 0     /* h = tanh(W_ih x + b_ih + W_hh h' + b_hh) */
#define RNNSUITE_CELL_ELMAN_SIGMOID 1  /* h = sigmoid(...) */
#define RNNSUITE_CELL_ELMAN_RELU 2     /* h = max(0, ...) */
#define RNNSUITE_CELL_LSTM 3           /* gates i, f, g, o */
#define RNNSUITE_CELL_GRU 4            /* gates r, z, n */

/* Element types (rnnsuite_problem.dtype, rnnsuite_tensor.dtype), and their bits in caps. */
#define RNNSUITE_DTYPE_F32 0 /* IEEE binary32 */
#define RNNSUITE_DTYPE_F64 1 /* IEEE binary64 */

/* Log levels of rnnsuite_host.log. */
#define RNNSUITE_LOG_ERROR 0
#define RNNSUITE_LOG_WARNING 1
#define RNNSUITE_LOG_INFO 2

/* One problem: fixed-width integers only. Stacked, bidirectional and variable-length networks
 * are values of these fields, not a new layout. An ABI 1.0 host always sends layers = 1,
 * directions = 1, has_lengths = 0. */
typedef struct rnnsuite_problem {
  uint32_t struct_size; /* sizeof(rnnsuite_problem) of the host */
  int32_t cell;         /* RNNSUITE_CELL_* */
  int32_t dtype;        /* RNNSUITE_DTYPE_*: of every tensor of the problem */
  int32_t layers;       /* L >= 1 */
  int32_t directions;   /* D: 1, or 2 for bidirectional (outputs concatenated) */
  int32_t has_lengths;  /* 0, or 1: per-sequence lengths (PackedSequence's semantics) */
  int64_t T, B, I, H;   /* sequence length, batch, input size, hidden size: all >= 1 */
} rnnsuite_problem;

/* A borrowed tensor, after DLPack's DLTensor with stricter rules: CPU memory only, no byte
 * offset, strides always given and counted in elements, one lane, aligned to 64 bytes by the
 * host. shape and strides are inline arrays (no pointers whose lifetime could be unclear); only
 * their first ndim entries mean anything. data == NULL means "absent": an output the host does
 * not want, or an input whose value is zero, as each argument below says. */
#define RNNSUITE_MAX_DIMS 4
typedef struct rnnsuite_tensor {
  void* data;
  int32_t dtype; /* RNNSUITE_DTYPE_* */
  int32_t ndim;  /* 0 .. RNNSUITE_MAX_DIMS */
  int64_t shape[RNNSUITE_MAX_DIMS];
  int64_t strides[RNNSUITE_MAX_DIMS]; /* in elements; the host passes C order */
} rnnsuite_tensor;

/* Extensions: structs chained from rnnsuite_options.extensions, each starting with this head.
 * A plugin skips a struct whose type it does not know, unless its flags carry
 * RNNSUITE_EXTENSION_REQUIRED: then it answers RNNSUITE_UNSUPPORTED, and never silently computes
 * something else. Extension type numbers never change meaning. */
#define RNNSUITE_EXTENSION_REQUIRED 1u
typedef struct rnnsuite_extension {
  int32_t type;
  uint32_t flags; /* RNNSUITE_EXTENSION_REQUIRED, or 0 */
  uint32_t size;  /* of the whole struct this head begins */
  uint32_t reserved;
  const struct rnnsuite_extension* next;
} rnnsuite_extension;

/* Tuning hints ("key=value" pairs separated by ';'), for implementations that know the keys;
 * never required. rnnsuite's own library reads chunk_steps, l2_bytes, memory_budget_bytes and isa. */
#define RNNSUITE_EXTENSION_HINTS 1
typedef struct rnnsuite_hints {
  rnnsuite_extension head; /* type RNNSUITE_EXTENSION_HINTS */
  const char* text;
} rnnsuite_hints;

/* The streaming truncated-BPTT schedule of Williams and Peng: forward k1 new steps, backpropagate
 * through the last k2 of them, carry the state, repeat. Always sent as required, and only to a
 * plugin whose caps carry RNNSUITE_CAP_STREAMING. With it, backward returns every gradient it is
 * given summed over the backward passes of the schedule, each pass fed the upstream grad_output
 * of its window's new steps: the parameter gradients; grad_x, grad_h, grad_c (where not NULL) at
 * the steps each window reaches; grad_h0, grad_c0 (where not NULL) from the windows that reach
 * step 0. grad_h_n, grad_c_n and truncation are not used (the host passes NULL and 0). */
#define RNNSUITE_EXTENSION_STREAMING 2
typedef struct rnnsuite_streaming {
  rnnsuite_extension head; /* type RNNSUITE_EXTENSION_STREAMING */
  int64_t k1;              /* >= 1 */
  int64_t k2;              /* >= k1 */
} rnnsuite_streaming;

typedef struct rnnsuite_options {
  uint32_t struct_size;
  int32_t threads; /* the most threads the instance may use, >= 1 */
  const rnnsuite_extension* extensions;
} rnnsuite_options;

/* What a plugin can do, before any problem is asked (check() then decides per problem). */
#define RNNSUITE_CAP_PER_STEP_GRADIENTS 1u /* backward can fill grad_h (and grad_c for LSTM) */
#define RNNSUITE_CAP_TRUNCATION 2u         /* backward honours truncation > 0 */
#define RNNSUITE_CAP_DETERMINISTIC 4u      /* same inputs, same thread count: same bits */
#define RNNSUITE_CAP_THREAD_INVARIANT 8u   /* and the same bits for every thread count */
#define RNNSUITE_CAP_STREAMING 16u         /* create() takes RNNSUITE_EXTENSION_STREAMING */
typedef struct rnnsuite_caps {
  uint32_t struct_size; /* set by the host; the plugin writes only fields it covers */
  uint32_t cells;       /* bit (1u << RNNSUITE_CELL_*) per supported cell */
  uint32_t dtypes;      /* bit (1u << RNNSUITE_DTYPE_*) per supported element type */
  uint32_t flags;       /* RNNSUITE_CAP_* */
  int32_t max_threads;  /* 0: no limit */
  int32_t max_layers;   /* 0: no limit */
  int32_t max_directions;
  int32_t reserved;
  int64_t max_T, max_B, max_I, max_H; /* 0: no limit */
} rnnsuite_caps;

/* The parameters, or their gradients: `count` tensors in PyTorch's _flat_weights order (per layer,
 * per direction: weight_ih, weight_hh, bias_ih, bias_hh), so count = 4·L·D. */
typedef struct rnnsuite_parameters {
  uint32_t struct_size;
  int32_t count;
  const rnnsuite_tensor* tensors;
} rnnsuite_parameters;

/* Host-owned memory an instance asks for. The reserve is what forward keeps for backward and must
 * be passed unchanged from a forward to the backward that follows it; the scratch is free between
 * calls. */
typedef struct rnnsuite_workspace_sizes {
  uint32_t struct_size;
  uint32_t reserved;
  uint64_t reserve_bytes;
  uint64_t scratch_bytes;
} rnnsuite_workspace_sizes;

typedef struct rnnsuite_forward_args {
  uint32_t struct_size;
  uint32_t reserved;
  rnnsuite_tensor x;      /* T×B×I */
  rnnsuite_tensor h0;     /* (L·D)×B×H; data NULL: zeros */
  rnnsuite_tensor c0;     /* (L·D)×B×H, LSTM only; data NULL: zeros */
  rnnsuite_tensor output; /* T×B×(D·H): the last layer's h_t for every t */
  rnnsuite_tensor h_n;    /* (L·D)×B×H */
  rnnsuite_tensor c_n;    /* (L·D)×B×H, LSTM only */
  void* reserve;          /* reserve_bytes, 64-byte aligned */
  void* scratch;          /* scratch_bytes, 64-byte aligned */
} rnnsuite_forward_args;

typedef struct rnnsuite_backward_args {
  uint32_t struct_size;
  uint32_t reserved;
  rnnsuite_tensor grad_output; /* T×B×(D·H): upstream dL/dh_t of the last layer */
  rnnsuite_tensor grad_h_n;    /* (L·D)×B×H; data NULL: zeros */
  rnnsuite_tensor grad_c_n;    /* (L·D)×B×H, LSTM only; data NULL: zeros */
  /* Backpropagate through the last `truncation` steps only (0: all T). Earlier steps get no
   * gradient and grad_h0, grad_c0 are zero. Only with RNNSUITE_CAP_TRUNCATION. */
  int64_t truncation;
  rnnsuite_parameters grad_parameters; /* same shapes and order as create()'s parameters */
  rnnsuite_tensor grad_x;              /* T×B×I; data NULL: not wanted */
  rnnsuite_tensor grad_h0;             /* (L·D)×B×H; data NULL: not wanted */
  rnnsuite_tensor grad_c0;             /* (L·D)×B×H, LSTM only; data NULL: not wanted */
  /* The total dL/dh_t (and dL/dc_t for LSTM) of the last layer at every step, T×B×(D·H): what
   * reaches h_t from the loss and from step t+1. data NULL: not wanted. Only with
   * RNNSUITE_CAP_PER_STEP_GRADIENTS. */
  rnnsuite_tensor grad_h;
  rnnsuite_tensor grad_c;
  void* reserve; /* as forward left it */
  void* scratch;
} rnnsuite_backward_args;

typedef struct rnnsuite_instance rnnsuite_instance; /* the plugin's, opaque to the host */

typedef struct rnnsuite_host {
  uint32_t struct_size;
  uint32_t reserved;
  void* context; /* the host's, passed back to log */
  /* Any thread, any time; the host copies the message before returning. */
  void (*log)(void* context, int32_t level, const char* message);
} rnnsuite_host;

/* The plugin's table. The first three fields are frozen forever. */
typedef struct rnnsuite_plugin {
  uint32_t abi_major;   /* RNNSUITE_PLUGIN_ABI_MAJOR the plugin was built with */
  uint32_t abi_minor;   /* RNNSUITE_PLUGIN_ABI_MINOR the plugin was built with */
  uint32_t struct_size; /* sizeof(rnnsuite_plugin) the plugin was built with */
  uint32_t reserved;
  const char* name;     /* "mykernel 0.3": names the implementation in reports */

  int32_t (*get_caps)(rnnsuite_caps* caps);
  /* RNNSUITE_OK, or RNNSUITE_UNSUPPORTED with the reason logged. */
  int32_t (*check)(const rnnsuite_problem* problem, const rnnsuite_options* options);
  /* Makes an instance for one problem (packing its weights, outside any timed region). The
   * parameters are borrowed for this call only. */
  int32_t (*create)(const rnnsuite_problem* problem, const rnnsuite_options* options,
                    const rnnsuite_parameters* parameters, rnnsuite_instance** instance);
  int32_t (*workspace_sizes)(const rnnsuite_instance* instance, rnnsuite_workspace_sizes* sizes);
  int32_t (*forward)(rnnsuite_instance* instance, const rnnsuite_forward_args* args);
  int32_t (*backward)(rnnsuite_instance* instance, const rnnsuite_backward_args* args);
  void (*destroy)(rnnsuite_instance* instance); /* NULL allowed */
} rnnsuite_plugin;

/* The one exported symbol. It returns the plugin's table, or NULL when it cannot serve this
 * host (having logged why). host stays valid while the plugin is loaded. */
#define RNNSUITE_PLUGIN_ENTRY_NAME "rnnsuite_plugin_entry"
typedef const rnnsuite_plugin* (*rnnsuite_plugin_entry_fn)(uint32_t host_abi_major,
                                                           uint32_t host_abi_minor,
                                                           const rnnsuite_host* host);

#if defined(_WIN32)
#define RNNSUITE_PLUGIN_EXPORT __declspec(dllexport)
#else
#define RNNSUITE_PLUGIN_EXPORT __attribute__((visibility("default")))
#endif

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* RNNSUITE_PLUGIN_H */
