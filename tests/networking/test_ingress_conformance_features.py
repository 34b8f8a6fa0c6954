"""The SIG-Network ingress-controller-conformance features (../shared/platform-manifests, Gherkin): each
scenario's request goes through the simulator's own path (the manifest converter, the Ingress config
model and the routing table ingress-nginx's model builds) and must get the status and backend the
feature names."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from clustersim.config.ingress import IngressConfig
from clustersim.manifests.networking import ingress
from clustersim.materialize import ingress_from_config
from clustersim.networking.ingress_match import RoutingTable
from clustersim.util.strict_yaml import parse_yaml
from tests.conftest import shared_path

REQUEST = re.compile(r'When I send a "GET" request to "https?://([^/"]+)(/[^"]*)?"')
STATUS = re.compile(r"the response status-code must be (\d+)")
SERVED = re.compile(r'the response must be served by the "([^"]+)" service')


def _scenarios(path: Path) -> tuple[RoutingTable, list[tuple[str, str, str, int, str | None]]]:
    text = path.read_text()
    manifest = text.split('"""')[1]
    doc = parse_yaml("\n".join(line[4:] for line in manifest.splitlines()), str(path))
    _, entry, _ = ingress({**doc, "metadata": {**doc["metadata"], "namespace": "conformance"}})
    table = RoutingTable.build([ingress_from_config(IngressConfig.model_validate(entry), [])])
    out = []
    for block in text.split("Scenario:")[1:]:
        title = block.splitlines()[0].strip()
        req, status, served = REQUEST.search(block), STATUS.search(block), SERVED.search(block)
        assert req is not None and status is not None, title
        out.append((title, req.group(1), req.group(2) or "/", int(status.group(1)), served.group(1) if served else None))
    return table, out


@pytest.mark.parametrize("feature", ["path_rules", "host_rules"])
def test_every_conformance_scenario_routes_as_the_feature_says(feature: str) -> None:
    path = shared_path("platform-manifests", "kubernetes-sigs-ingress-controller-conformance", "features", f"{feature}.feature")
    table, scenarios = _scenarios(path)
    assert len(scenarios) >= 6
    for title, host, url_path, status, served in scenarios:
        route = table.route(host, url_path)
        assert route.status == status, f"{title}: {host}{url_path}"
        if served is not None:
            assert route.backend is not None and route.backend.service == served, f"{title}: {host}{url_path}"
