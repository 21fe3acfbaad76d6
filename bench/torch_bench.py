#!/usr/bin/python3
"""PyTorch's side of nabla's benchmark (bench/run.mjs starts it through /usr/bin/python3).

    python3 bench/torch_bench.py SPEC.json OUT.json

SPEC.json (written by bench/run.mjs) names the sections to run, the thread counts to run them at
(0 = PyTorch's default) and, per workload, the exact data and initial weights nabla trained on, as
raw little-endian float32 files: {"path": ..., "shape": [...]}. Weights come in Keras layout
(dense kernel [in, out], conv kernel [kh, kw, in, out]) and are transposed here, so PyTorch starts
from the same point as nabla and TensorFlow.js.

Every workload mirrors nabla's row: the same model, loss (softmax + categorical cross-entropy),
Adam (learning rate 1e-3, beta 0.9/0.999, epsilon 1e-7 as Keras), batch size, epochs and
reshuffling every epoch; the time is the wall time of the training loop (as model.fit's), the
predictions run under torch.inference_mode().
"""
import json
import sys
import time

import numpy as np
import torch
from torch import nn


def load(entry):
    return np.fromfile(entry["path"], dtype="<f4").reshape(entry["shape"])


def dense_stack(activations, weights):
    """nn.Sequential of Linear layers from Keras [in, out] kernels and biases; the last softmax is left to the loss."""
    layers = []
    for i, act in enumerate(activations):
        kernel, bias = weights[2 * i], weights[2 * i + 1]
        lin = nn.Linear(kernel.shape[0], kernel.shape[1])
        with torch.no_grad():
            lin.weight.copy_(torch.from_numpy(np.ascontiguousarray(kernel.T)))
            lin.bias.copy_(torch.from_numpy(bias))
        layers.append(lin)
        if act == "relu":
            layers.append(nn.ReLU())
    return nn.Sequential(*layers)


class NHWCFlatten(nn.Module):
    """Flattens NCHW feature maps in NHWC order, so a dense kernel from Keras sees the same features."""

    def forward(self, x):
        return x.permute(0, 2, 3, 1).flatten(1)


def cnn(spec, weights):
    """conv-pool blocks (Keras kernels [kh, kw, in, out]), flatten (NHWC order) and dense layers, as spec['layers'] says."""
    layers, w = [], 0
    for layer in spec["layers"]:
        kind = layer["kind"]
        if kind == "conv":
            k, b = weights[w], weights[w + 1]
            w += 2
            conv = nn.Conv2d(k.shape[2], k.shape[3], (k.shape[0], k.shape[1]))
            with torch.no_grad():
                conv.weight.copy_(torch.from_numpy(np.ascontiguousarray(k.transpose(3, 2, 0, 1))))
                conv.bias.copy_(torch.from_numpy(b))
            layers += [conv, nn.ReLU()]
        elif kind == "pool":
            layers.append(nn.MaxPool2d(layer["size"]))
        elif kind == "flatten":
            layers.append(NHWCFlatten())
        elif kind == "dense":
            k, b = weights[w], weights[w + 1]
            w += 2
            lin = nn.Linear(k.shape[0], k.shape[1])
            with torch.no_grad():
                lin.weight.copy_(torch.from_numpy(np.ascontiguousarray(k.T)))
                lin.bias.copy_(torch.from_numpy(b))
            layers.append(lin)
            if layer.get("activation") == "relu":
                layers.append(nn.ReLU())
    return nn.Sequential(*layers)


def build(spec):
    weights = [load(w) for w in spec["weights"]]
    if spec["model"] == "dense":
        return dense_stack(spec["activations"], weights)
    return cnn(spec, weights)


def train(spec, x, y, epochs, seed):
    """Adam + softmax cross-entropy on one-hot targets, reshuffled every epoch; returns (model, seconds)."""
    torch.manual_seed(seed)
    model = build(spec)
    opt = torch.optim.Adam(model.parameters(), lr=1e-3, betas=(0.9, 0.999), eps=1e-7)
    batch = spec["batchSize"]
    n = x.shape[0]
    t0 = time.perf_counter()
    for _ in range(epochs):
        order = torch.randperm(n)
        for s in range(0, n, batch):
            idx = order[s : s + batch]
            xb, yb = x[idx], y[idx]
            opt.zero_grad(set_to_none=True)
            logits = model(xb)
            loss = -(yb * torch.log_softmax(logits, 1)).sum(1).mean()
            loss.backward()
            opt.step()
    return model, time.perf_counter() - t0


def accuracy(model, x, labels):
    with torch.inference_mode():
        return float((model(x).argmax(1) == labels).float().mean())


def best_time(f, budget=0.5, min_samples=5):
    """Best seconds per call of f: a warm-up, then samples of >= 5 ms until `budget` seconds passed."""
    f()
    t0 = time.perf_counter()
    f()
    est = max(time.perf_counter() - t0, 1e-7)
    reps = max(1, int(0.005 / est))
    best, spent, samples = float("inf"), 0.0, 0
    while samples < min_samples or spent < budget:
        t0 = time.perf_counter()
        for _ in range(reps):
            f()
        dt = time.perf_counter() - t0
        best = min(best, dt / reps)
        spent += dt
        samples += 1
    return best


def to_tensor(entry):
    return torch.from_numpy(load(entry))


def run_digits(spec, threads_list):
    x, y = to_tensor(spec["xTrain"]), to_tensor(spec["yTrain"])
    xt = to_tensor(spec["xTest"])
    labels = torch.from_numpy(load(spec["testLabels"]).astype(np.int64))
    out = []
    for threads in threads_list:
        set_threads(threads)
        # as many runs as the other libraries get (spec["runs"]), the best reported
        runs = [train(spec, x, y, spec["epochs"], 2) for _ in range(spec.get("runs", 1))]
        model, seconds = min(runs, key=lambda r: r[1])
        out.append(
            {
                "threads": torch.get_num_threads(),
                "requested": threads,
                "seconds": seconds,
                "runs": [r[1] for r in runs],
                "accuracy": accuracy(model, xt, labels),
            }
        )
    return out


def run_predict(spec, threads_list):
    model = build(spec)
    model.eval()
    x = to_tensor(spec["x"])
    out = []
    for threads in threads_list:
        set_threads(threads)
        row = {"threads": torch.get_num_threads(), "requested": threads}
        for count in spec["counts"]:
            xb = x[:count].contiguous()

            def once():
                with torch.inference_mode():
                    model(xb)

            row[str(count)] = best_time(once) * 1e6  # microseconds
        out.append(row)
    return out


def run_fashion(spec, threads_list):
    x, y = to_tensor(spec["x"]), to_tensor(spec["y"])
    if spec["model"] == "cnn":
        x = x.permute(0, 3, 1, 2).contiguous()  # NHWC -> NCHW
    out = []
    for threads in threads_list:
        set_threads(threads)
        _, seconds = train(spec, x, y, 1, 3)
        out.append({"threads": torch.get_num_threads(), "requested": threads, "secondsPer1000": seconds * 1000 / x.shape[0]})
    return out


def run_matmul(spec, threads_list):
    out = []
    for threads in threads_list:
        set_threads(threads)
        row = {"threads": torch.get_num_threads(), "requested": threads}
        for n in spec["sizes"]:
            g = torch.Generator().manual_seed(n)
            a = torch.rand(n, n, generator=g) * 2 - 1
            b = torch.rand(n, n, generator=g) * 2 - 1
            c = torch.empty(n, n)
            row[str(n)] = 2 * n**3 / best_time(lambda: torch.mm(a, b, out=c), budget=0.8) / 1e9  # GFLOP/s
        out.append(row)
    return out


DEFAULT_THREADS = torch.get_num_threads()


def set_threads(n):
    torch.set_num_threads(n if n > 0 else DEFAULT_THREADS)


def main():
    spec = json.load(open(sys.argv[1]))
    threads_list = spec.get("threads", [0, 1, 2])
    result = {
        "torch": torch.__version__,
        "numpy": np.__version__,
        "defaultThreads": DEFAULT_THREADS,
        "parallel": torch.__config__.parallel_info().splitlines()[-1].strip(),
    }
    runners = {"digits": run_digits, "predict": run_predict, "fashion": run_fashion, "matmul": run_matmul}
    for name, section in spec["sections"].items():
        kind = section.get("kind", name)
        try:
            result[name] = {"results": runners[kind](section, threads_list)}
        except Exception as e:  # a failing workload is reported, the others still run
            result[name] = {"error": f"{type(e).__name__}: {e}"}
    json.dump(result, open(sys.argv[2], "w"), indent=1)


if __name__ == "__main__":
    main()
