"""NDlib's SIModel on an Erdos-Renyi network (n = 10,000, mean degree 10): node updates
per second, for comparison with `policysim run benches/scenarios/si_er.toml`.

Run: pip install ndlib && python3 benches/ndlib_si.py [iterations]
"""
import sys
import time

import networkx as nx
import ndlib.models.ModelConfig as mc
import ndlib.models.epidemics as ep

n, mean_degree, beta, iterations = 10_000, 10.0, 0.01, int(sys.argv[1]) if len(sys.argv) > 1 else 50
g = nx.fast_gnp_random_graph(n, mean_degree / (n - 1), seed=1)
model = ep.SIModel(g, seed=1)
config = mc.Configuration()
config.add_model_parameter("beta", beta)
config.add_model_parameter("fraction_infected", 0.01)
model.set_initial_status(config)
start = time.perf_counter()
model.iteration_bunch(iterations, node_status=True, progress_bar=False)
elapsed = time.perf_counter() - start
updates = n * iterations
print(f"ndlib SIModel: {iterations} iterations x {n} nodes in {elapsed:.2f} s = {updates / elapsed:,.0f} node-updates/s")
