"""The ReplicaSet controller's per-pod index forgets pods once they are gone (memory bounded by what is alive)."""

from __future__ import annotations

from clustersim.config.load import validate_dict
from clustersim.controllers.replicaset import ReplicaSetController
from clustersim.sim import build


def test_seen_index_holds_only_pods_still_stored() -> None:
    cfg = validate_dict({
        "seed": 3, "duration_s": 900.0,
        "cluster": {"node_pools": [{"name": "n", "count": 3, "capacity": {"cpu": "8", "memory": "16Gi", "pods": 30}}]},
        "deployments": [{"name": "web", "replicas": 6, "containers": [{"name": "c", "image": "web", "requests": {"cpu": "100m"}}]}],
        "workloads": [{"name": "PodChurn", "args": {"rate_per_s": 0.2}}],
    }, "churn")
    sim = build(cfg)
    sim.start()
    sim.env.run(until=cfg.duration_s)
    rs = next(c for c in sim.controllers if isinstance(c, ReplicaSetController))
    stored = {p.meta.uid for p in sim.state.list("Pod")}
    assert set(rs._seen) <= stored  # every pod it remembers still exists
    assert sim.state._uid > 3 * len(stored)  # churn replaced pods many times over (uids are never reused)
