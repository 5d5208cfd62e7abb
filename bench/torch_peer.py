# PyTorch peer for `npm run bench`: runs one workload the way bench/workloads.ts does and prints one JSON line
# {"workload", "median_ms", "value", "threads", "torch", "blas", "check"}. Run by bench/peers.ts with Debian's
# /usr/bin/python3:  torch_peer.py WORKLOAD THREADS STEPS [SIZES_JSON]  (SIZES_JSON overrides the sizes).
import json
import os
import statistics
import sys
import time

USAGE = 'usage: torch_peer.py WORKLOAD THREADS STEPS [SIZES_JSON]'
if len(sys.argv) not in (4, 5):
    sys.exit(USAGE)
workload, threads, steps = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
overrides = json.loads(sys.argv[4]) if len(sys.argv) == 5 else {}
if threads < 1 or steps < 1:
    sys.exit(f'THREADS and STEPS: expected integers >= 1, got {threads} and {steps}\n{USAGE}')

# OpenBLAS reads these when torch loads it, and torch.set_num_threads does not reach it: pin its threads,
# and drop the machine's OPENBLAS_CORETYPE=Haswell / OPENBLAS_L2_SIZE presets, which halve its speed.
for k in ('OPENBLAS_NUM_THREADS', 'OMP_NUM_THREADS', 'MKL_NUM_THREADS'):
    os.environ[k] = str(threads)
for k in ('OPENBLAS_CORETYPE', 'OPENBLAS_L2_SIZE'):
    os.environ.pop(k, None)

import torch  # noqa: E402  (after the environment is set)
import torch.nn as nn  # noqa: E402

torch.set_num_threads(threads)
torch.manual_seed(0)


def blas():
    """The BLAS torch loaded, e.g. 'OpenBLAS Cooperlake, 1 thread' (None when it is not OpenBLAS)."""
    try:
        import ctypes
        lib = ctypes.CDLL('libblas.so.3')
        lib.openblas_get_corename.restype = ctypes.c_char_p
        n = lib.openblas_get_num_threads()
        return f'OpenBLAS {lib.openblas_get_corename().decode()}, {n} thread{"" if n == 1 else "s"}'
    except (OSError, AttributeError):
        return None


DEFAULTS = {
    'W1': dict(V=96, E=64, H=256, B=32, T=64), 'W2': dict(V=96, E=64, H=256, B=32, T=64),
    'W3': dict(I=40, H=128, L=2, B=16, T=200, C=30),
    'W4': dict(I=128, H=512, S=1000), 'W4-seq': dict(I=128, H=512, S=1000),
    'W5': dict(I=32, H=128, B=64, T=100, C=10),
    'G-32x320x1024': dict(M=32, K=320, N=1024), 'G-2048x64x1024': dict(M=2048, K=64, N=1024),
    'G-1024x1024x1024': dict(M=1024, K=1024, N=1024),
}
if workload not in DEFAULTS:
    sys.exit(f'WORKLOAD: expected one of {", ".join(DEFAULTS)}, got {workload!r}')
z = {**DEFAULTS[workload], **overrides}
check = float('nan')


MIN_TIMED_MS, MIN_WARMUP_MS, MAX_CALLS = 500, 200, 100_000  # as bench/timing.ts


def timed(step, warmup=3):
    """Median ms of >= `steps` calls (and >= MIN_TIMED_MS of them) after >= `warmup` calls (and MIN_WARMUP_MS)."""
    w0, i = time.perf_counter(), 0
    while i < MAX_CALLS and (i < warmup or (time.perf_counter() - w0) * 1000 < MIN_WARMUP_MS):
        step()
        i += 1
    times, total = [], 0.0
    while len(times) < MAX_CALLS and (len(times) < steps or total < MIN_TIMED_MS):
        t0 = time.perf_counter()
        step()
        times.append((time.perf_counter() - t0) * 1000)
        total += times[-1]
    return statistics.median(times)


def train(modules, opt, forward):
    """A training step: zero the grads, forward to a loss, backward, update."""
    def step():
        global check
        opt.zero_grad(set_to_none=True)
        loss = forward()
        loss.backward()
        opt.step()
        check = loss.item()
    return step


def lm(cell):
    V, E, H, B, T = z['V'], z['E'], z['H'], z['B'], z['T']
    emb, rnn, out = nn.Embedding(V, E), cell(E, H), nn.Linear(H, V)
    opt = torch.optim.Adam([*emb.parameters(), *rnn.parameters(), *out.parameters()], lr=1e-3)
    x, y = torch.randint(0, V, (T, B)), torch.randint(0, V, (T * B,))
    ms = timed(train([emb, rnn, out], opt, lambda: nn.functional.cross_entropy(out(rnn(emb(x))[0]).reshape(-1, V), y)))
    return ms, B * T / (ms / 1000)


def w3():
    I, H, L, B, T, C = z['I'], z['H'], z['L'], z['B'], z['T'], z['C']
    rnn, out = nn.LSTM(I, H, num_layers=L, bidirectional=True), nn.Linear(2 * H, C)
    opt = torch.optim.Adam([*rnn.parameters(), *out.parameters()], lr=1e-3)
    x, y = torch.randn(T, B, I), torch.randint(0, C, (T * B,))
    ms = timed(train([rnn, out], opt, lambda: nn.functional.cross_entropy(out(rnn(x)[0]).reshape(-1, C), y)))
    return ms, B * T / (ms / 1000)


def w4(seq):
    I, H, S = z['I'], z['H'], z['S']
    rnn = nn.LSTM(I, H).eval()
    xs = torch.randn(S, 1, I)
    steps_in = [xs[t:t + 1] for t in range(S)]  # views, made outside the timing as recur does

    def step():
        global check
        with torch.no_grad():
            if seq:
                _, (h, _) = rnn(xs)
            else:
                state = None
                for x in steps_in:
                    _, state = rnn(x, state)
                h = state[0]
        check = h.sum().item()

    ms = timed(step, warmup=1)
    return ms, ms * 1000 / S


def w5():
    I, H, B, T, C = z['I'], z['H'], z['B'], z['T'], z['C']
    rnn, out = nn.RNN(I, H), nn.Linear(H, C)
    opt = torch.optim.SGD([*rnn.parameters(), *out.parameters()], lr=0.01)
    x, y = torch.randn(T, B, I), torch.randint(0, C, (B,))
    ms = timed(train([rnn, out], opt, lambda: nn.functional.cross_entropy(out(rnn(x)[0][-1]), y)))
    return ms, B / (ms / 1000)


def gemm():
    M, K, N = z['M'], z['K'], z['N']
    a, b, c = torch.randn(M, K), torch.randn(K, N), torch.empty(M, N)
    ms = timed(lambda: torch.mm(a, b, out=c))
    global check
    check = c.sum().item()
    return ms, 2 * M * N * K / (ms / 1000) / 1e9


runs = {'W1': lambda: lm(nn.LSTM), 'W2': lambda: lm(nn.GRU), 'W3': w3, 'W4': lambda: w4(False),
        'W4-seq': lambda: w4(True), 'W5': w5}
ms, value = runs.get(workload, gemm)()
print(json.dumps({'workload': workload, 'median_ms': ms, 'value': value, 'threads': torch.get_num_threads(),
                  'torch': torch.__version__, 'blas': blas(), 'check': check if check == check else None}))
