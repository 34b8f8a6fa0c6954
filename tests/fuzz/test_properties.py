"""Property-based twins of the corpus (hypothesis, derandomized so CI sees the same examples): any JSON value
put anywhere in a config, a manifest or a chaos document makes its reader either accept it or raise its
own one-line error type, never anything else."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from clustersim.config.errors import ConfigError
from clustersim.config.load import validate_dict
from tests.conftest import BASE, shared_path
from tests.fuzz.mutate import _get, _paths, _set

SETTINGS = settings(max_examples=150, derandomize=True, deadline=None, suppress_health_check=[HealthCheck.too_slow])
SCALARS = (st.none() | st.booleans() | st.integers(min_value=-(2**70), max_value=2**70)
           | st.floats(allow_nan=True, allow_infinity=True) | st.text(max_size=30)
           | st.sampled_from(["100m", "1Gi", "1e400", "-1", "web", "za", "NodeCrash", "99999999999999999999999Gi"]))
VALUES = st.recursive(SCALARS, lambda kids: st.lists(kids, max_size=3) | st.dictionaries(st.text(max_size=8), kids, max_size=3),
                      max_leaves=8)


def _put(doc: Any, data: st.DataObject) -> Any:
    """``doc`` with a drawn value at a drawn path (a new key of a drawn mapping, one time in four)."""
    doc = copy.deepcopy(doc)
    paths = _paths(doc)
    path = data.draw(st.sampled_from(paths))
    value = data.draw(VALUES)
    target = _get(doc, path)
    if isinstance(target, dict) and data.draw(st.integers(0, 3)) == 0:
        target[data.draw(st.sampled_from(["replicas", "name", "at_s", "fuzz", "nodes", "spec"]))] = value
        return doc
    return _set(doc, path, value)


CONFIG = {**BASE, "faults": [{"name": "NodeCrash", "args": {"at_s": 60, "duration_s": 120, "nodes": ["n-0"]}}],
          "services": [{"name": "web", "selector": {"app": "web"}, "traffic": {"rate_per_s": 5}}]}


@SETTINGS
@given(st.data())
def test_any_value_anywhere_in_a_config_is_accepted_or_one_config_error(data: st.DataObject) -> None:
    doc = _put(CONFIG, data)
    try:
        validate_dict(doc, "config.yaml")
    except ConfigError as e:
        assert e.source == "config.yaml" and "\n" not in str(e) and "pydantic" not in str(e)


@SETTINGS
@given(st.data())
def test_any_value_anywhere_in_a_manifest_is_accepted_or_one_manifest_error(data: st.DataObject) -> None:
    from clustersim.manifests import ManifestError
    from clustersim.manifests.load import ManifestSet, add_document

    seed = yaml.safe_load(shared_path("manifests", "kubernetes-website", "controllers", "frontend.yaml").read_text())
    doc = _put(seed, data)
    try:
        add_document(doc, "m.yaml[doc 0]", ManifestSet(), False)
    except ManifestError as e:
        assert e.source == "m.yaml[doc 0]" and "\n" not in str(e) and "Error " not in str(e)


CHAOS_SEEDS = [Path(__file__).parents[2] / "examples" / "chaos" / n for n in ("pod-kill-schedule.yaml", "node-drain.yaml", "terminate-web-pods.json")]
CHAOS_SEEDS += [Path(__file__).parents[3] / "shared" / "chaos" / p for p in (
    "chaos-mesh-chaos-mesh/examples/nginx/http-patch-response.yaml", "chaos-mesh-chaos-mesh/examples/network-partition-example.yaml",
    "litmuschaos-chaos-charts/faults/kubernetes/container-kill/engine.yaml", "krkn-chaos-krkn/scenarios/kube/pod-network-chaos.yml")]


@settings(max_examples=300, derandomize=True, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_any_value_anywhere_in_a_chaos_document_is_read_or_one_chaos_error(tmp_path_factory: Any, data: st.DataObject) -> None:
    from clustersim.chaos import ChaosError, load_chaos
    from clustersim.chaos.compile import check_actions

    for p in CHAOS_SEEDS:
        if not p.is_file():
            shared_path(*p.parts[-4:])  # skips outside CI, fails under CI

    source = data.draw(st.sampled_from(CHAOS_SEEDS))
    seed = yaml.safe_load(source.read_text())
    path = tmp_path_factory.mktemp("chaos") / source.name
    path.write_text(yaml.safe_dump(_put(seed, data)))
    try:
        check_actions(load_chaos([path]).experiments)
    except ChaosError as e:
        assert e.source.startswith(str(path)) and "\n" not in str(e)
