"""One small run with every kind of change the queries reconstruct, written to disk once per session."""

from __future__ import annotations

from pathlib import Path

import pytest

from clustersim.output import write_outputs
from clustersim.rundir import RunDir, read_run
from tests.conftest import run_config

# 6 nodes; a node crashes at 60 s (NotReady, taint, eviction after a 30 s toleration, replacements), a
# container crash-loops from 40 s, the api pods carry a CPU load (so metrics-server's usage is recorded)
STORY = {
    "duration_s": 300.0,
    "apiserver": {"default_unreachable_toleration_seconds": 30, "default_not_ready_toleration_seconds": 30},
    "deployments": [
        {"name": "web", "replicas": 4, "containers": [{"name": "c", "image": "img:1", "requests": {"cpu": "500m", "memory": "256Mi"},
                                                      "readiness_probe": {"period_s": 5}, "behavior": {"ready_after_s": 1}}]},
        {"name": "api", "replicas": 2, "containers": [{"name": "a", "image": "api:1", "requests": {"cpu": "250m", "memory": "128Mi"},
                                                      "readiness_probe": {"period_s": 5}, "behavior": {"ready_after_s": 2}}]},
    ],
    # clients connect by ClusterIP: no CoreDNS pods in the story (tests/kubectl counts the pods)
    "services": [{"name": "web", "selector": {"app": "web"}, "traffic": {"rate_per_s": 20, "start_s": 10, "resolve": "cluster_ip"}}],
    "faults": [{"name": "NodeCrash", "args": {"at_s": 60, "nodes": ["n-1"]}},
               {"name": "ContainerCrash", "args": {"at_s": 40, "deployment": "api", "count": 1}}],
    "workloads": [{"name": "CpuLoad", "args": {"workload": "api", "points": [[0, 300], [100, 900]], "idle_m": 10,
                                                "memory_per_pod": "64Mi"}}],
}


@pytest.fixture(scope="session")
def story(tmp_path_factory: pytest.TempPathFactory) -> RunDir:
    out = tmp_path_factory.mktemp("story")
    write_outputs(run_config(**STORY), Path(out), plot=False)
    return read_run(out)
