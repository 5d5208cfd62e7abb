# PyTorch peer for `npm run bench`: runs one workload the same way recur does and prints one JSON line
# {"workload", "median_ms", "value", "threads"}. Run by bench/peers.ts with Debian's /usr/bin/python3.
import json
import statistics
import sys
import time

import torch
import torch.nn as nn

workload, threads, steps = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
torch.set_num_threads(threads)
torch.manual_seed(0)


def timed(step, warmup=3):
    for _ in range(warmup):
        step()
    times = []
    for _ in range(steps):
        t0 = time.perf_counter()
        step()
        times.append((time.perf_counter() - t0) * 1000)
    return statistics.median(times)


def lm(cell):
    V, E, H, B, T = 96, 64, 256, 32, 64
    emb, rnn, out = nn.Embedding(V, E), cell(E, H), nn.Linear(H, V)
    params = list(emb.parameters()) + list(rnn.parameters()) + list(out.parameters())
    opt = torch.optim.Adam(params, lr=1e-3)
    x = torch.randint(0, V, (T, B))
    y = torch.randint(0, V, (T, B))

    def step():
        opt.zero_grad()
        h, _ = rnn(emb(x))
        loss = nn.functional.cross_entropy(out(h).reshape(-1, V), y.reshape(-1))
        loss.backward()
        opt.step()

    ms = timed(step)
    return ms, B * T / (ms / 1000)


def w3():
    I, H, B, T, C = 40, 128, 16, 200, 30
    rnn, out = nn.LSTM(I, H, num_layers=2, bidirectional=True), nn.Linear(2 * H, C)
    opt = torch.optim.Adam(list(rnn.parameters()) + list(out.parameters()), lr=1e-3)
    x = torch.randn(T, B, I)
    y = torch.randint(0, C, (T, B))

    def step():
        opt.zero_grad()
        h, _ = rnn(x)
        loss = nn.functional.cross_entropy(out(h).reshape(-1, C), y.reshape(-1))
        loss.backward()
        opt.step()

    ms = timed(step)
    return ms, B * T / (ms / 1000)


def w4(seq):
    I, H, S = 128, 512, 1000
    rnn = nn.LSTM(I, H)
    xs = torch.randn(S, 1, I)

    def step():
        with torch.no_grad():
            if seq:
                rnn(xs)
            else:
                state = None
                for t in range(S):
                    _, state = rnn(xs[t:t + 1], state)

    ms = timed(step, warmup=1)
    return ms, ms * 1000 / S


def w5():
    I, H, B, T, C = 32, 128, 64, 100, 10
    rnn, out = nn.RNN(I, H), nn.Linear(H, C)
    opt = torch.optim.SGD(list(rnn.parameters()) + list(out.parameters()), lr=0.01)
    x = torch.randn(T, B, I)
    y = torch.randint(0, C, (B,))

    def step():
        opt.zero_grad()
        h, _ = rnn(x)
        loss = nn.functional.cross_entropy(out(h[-1]), y)
        loss.backward()
        opt.step()

    ms = timed(step)
    return ms, B / (ms / 1000)


def gemm(m, k, n):
    a, b = torch.randn(m, k), torch.randn(k, n)
    ms = timed(lambda: torch.mm(a, b))
    return ms, 2 * m * n * k / (ms / 1000) / 1e9


runs = {
    'W1': lambda: lm(nn.LSTM), 'W2': lambda: lm(nn.GRU), 'W3': w3, 'W4': lambda: w4(False), 'W4-seq': lambda: w4(True),
    'W5': w5, 'G-32x320x1024': lambda: gemm(32, 320, 1024), 'G-2048x64x1024': lambda: gemm(2048, 64, 1024),
    'G-1024x1024x1024': lambda: gemm(1024, 1024, 1024),
}
ms, value = runs[workload]()
print(json.dumps({'workload': workload, 'median_ms': ms, 'value': value, 'threads': threads}))
