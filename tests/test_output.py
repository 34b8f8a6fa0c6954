"""The resolved config written with a run reads back as the same config."""

from __future__ import annotations

import yaml

from clustersim.config.load import validate_dict
from clustersim.config.models import SimConfig
from clustersim.output import LONG_LIST, config_yaml


def test_config_yaml_round_trips_long_and_nested_lists() -> None:
    n = LONG_LIST + 5
    cfg = validate_dict({
        "seed": 3, "duration_s": 60,
        "cluster": {"zones": ["a", "b"], "nodes": [{"name": f"n-{i}", "zone": "ab"[i % 2], "labels": {"rack/id": f"r\u00e9-{i}"}}
                                                   for i in range(n)]},
        "pods": [{"name": f"p{i}", "containers": [{"name": "c", "image": "i:1", "requests": {"cpu": "100m"}}]} for i in range(n)],
        "deployments": [{"name": "web", "replicas": 2, "containers": [{"name": "c", "image": "web"}]}],
    }, "test")
    data = cfg.model_dump(mode="json")
    text = config_yaml(data)
    assert yaml.safe_load(text) == data
    assert SimConfig.model_validate(yaml.safe_load(text)) == cfg
    assert "\npods:\n- {" in text and "\n  nodes:\n  - {" in text  # long lists as flow mappings, nested ones indented
    assert "deployments:\n- name: web" in text  # short lists stay block style
