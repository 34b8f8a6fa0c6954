"""The chaos preview's Ingress rules are the rules the ingress controller routes by, under the summary's names."""

from __future__ import annotations

from pathlib import Path

from clustersim.chaos.metrics import _ingress_backends
from clustersim.config.ingress import IngressBackendConfig, ingress_spec
from clustersim.config.load import load_config
from clustersim.networking.ingress_match import RoutingTable

ROOT = Path(__file__).resolve().parents[2]


def _routed(cfg) -> set[tuple[str, str, str]]:
    """(namespace, label, Service) of every location and the default backend, from the controller's own table."""
    table = RoutingTable()
    for ing in cfg.ingresses:
        table.add(f"{ing.namespace}/{ing.name}", ing.namespace, ingress_spec(ing))
    out = {(table.namespaces[loc.ingress], f"{loc.ingress} {loc.rule}", loc.path.backend.service)
           for server in table.servers.values() for loc in server.locations}
    if table.default is not None:
        backend, key, ns = table.default
        out.add((ns, f"{key} (default backend)", backend.service))
    return out


def test_every_path_and_the_default_backend_under_the_summary_s_label() -> None:
    cfg = load_config(ROOT / "configs" / "ingress.yaml")
    shop = cfg.ingresses[0].model_copy(update={"default_backend": IngressBackendConfig(service="web", port=80)})
    cfg = cfg.model_copy(update={"ingresses": (shop,)})
    got = _ingress_backends(cfg)
    assert len(got) == len(set(got)) == 5
    assert set(got) == _routed(cfg)
    assert ("default", "default/shop (default backend)", "web") in got
