"""NDlib's SIModel and policysim's `si` on the same Erdos-Renyi network (n = 10,000,
mean degree 10, beta = 0.01, 1% initially infected): node updates per second of each,
and their ratio, measured in one session.

The network is drawn once with networkx and written as a node and an edge file, which
policysim reads (`kind = "file"`), so both simulate exactly the same graph. NDlib runs
one simulation in pure Python on one core; policysim runs an ensemble on all cores
(give --threads 1 for one core against one core).

Run from the repository root, after `cargo build --release`:
    pip install ndlib && python3 benches/ndlib_si.py [--iterations 50] [--runs 1000] [--threads K]
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile
import time

import networkx as nx
import ndlib.models.ModelConfig as mc
import ndlib.models.epidemics as ep

parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
parser.add_argument("--iterations", type=int, default=50, help="steps of each simulation")
parser.add_argument("--runs", type=int, default=1000, help="policysim runs (NDlib runs one)")
parser.add_argument("--threads", type=int, default=None, help="policysim threads (default: all)")
parser.add_argument("--binary", default=os.path.join("target", "release", "policysim"))
args = parser.parse_args()

n, mean_degree, beta, share = 10_000, 10.0, 0.01, 0.01
g = nx.fast_gnp_random_graph(n, mean_degree / (n - 1), seed=1)

# NDlib
model = ep.SIModel(g, seed=1)
config = mc.Configuration()
config.add_model_parameter("beta", beta)
config.add_model_parameter("fraction_infected", share)
model.set_initial_status(config)
start = time.perf_counter()
model.iteration_bunch(args.iterations, node_status=True, progress_bar=False)
ndlib_s = time.perf_counter() - start
ndlib_rate = n * args.iterations / ndlib_s
print(f"ndlib SIModel: {args.iterations} iterations x {n} nodes in {ndlib_s:.2f} s "
      f"= {ndlib_rate:,.0f} node-updates/s")

# policysim on the same graph
if not os.path.exists(args.binary):
    sys.exit(f"{args.binary} not found: run `cargo build --release` first (or give --binary)")
with tempfile.TemporaryDirectory() as tmp:
    nodes, edges = os.path.join(tmp, "nodes.csv"), os.path.join(tmp, "edges.csv")
    with open(nodes, "w") as f:
        f.write("id\n" + "".join(f"n{i}\n" for i in g.nodes))
    with open(edges, "w") as f:
        f.write("source,target\n" + "".join(f"n{u},n{v}\n" for u, v in g.edges))
    scenario = os.path.join(tmp, "si_same_network.toml")
    with open(scenario, "w") as f:
        f.write(f'name = "si-same-network"\nmodel = "si"\nsteps = {args.iterations}\n'
                f"runs = {args.runs}\nseed = 1\n"
                f'[network]\nkind = "file"\nnodes = "{nodes}"\nedges = "{edges}"\n'
                f"[si]\nbeta = {beta}\n[initial]\nshare = {share}\n")
    out = os.path.join(tmp, "out")
    command = [args.binary, "run", scenario, "--out", out, "--no-charts", "--quiet"]
    if args.threads:
        command += ["--threads", str(args.threads)]
    subprocess.run(command, check=True)
    with open(os.path.join(out, "summary.json")) as f:
        summary = json.load(f)
policysim_s = summary["wall_time_s"]
policysim_rate = summary["n"] * args.iterations * args.runs / policysim_s
threads = args.threads or os.cpu_count()
print(f"policysim si: {args.runs} runs x {args.iterations} steps x {summary['n']} nodes in "
      f"{policysim_s:.2f} s on {threads} thread(s) = {policysim_rate:,.0f} node-updates/s")
print(f"ratio: {policysim_rate / ndlib_rate:,.0f}x")
