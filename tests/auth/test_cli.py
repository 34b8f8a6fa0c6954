"""``clustersim auth can-i`` and ``who-can``: kubectl's answers and exit codes, from a config's RBAC objects."""

from __future__ import annotations

from pathlib import Path

import yaml
from click.testing import CliRunner

from clustersim.cli import cli
from tests.conftest import BASE, merge

RBAC = {
    "users": [{"name": "alice", "groups": ["devs"]}],
    "roles": [{"name": "reader", "namespace": "team", "rules": [{"verbs": ["get", "list"], "api_groups": [""], "resources": ["pods", "pods/log"]}]}],
    "role_bindings": [{"name": "devs-read", "namespace": "team", "role_ref": {"kind": "Role", "name": "reader"},
                       "subjects": [{"kind": "Group", "name": "devs"}, {"kind": "ServiceAccount", "name": "bot"}]}],
    "cluster_roles": [{"name": "aggregated", "aggregation_rule": {"cluster_role_selectors": [{"match_labels": {"x": "y"}}]}},
                      {"name": "part", "labels": {"x": "y"}, "rules": [{"verbs": ["delete"], "api_groups": ["apps"], "resources": ["deployments"]}]}],
    "cluster_role_bindings": [{"name": "ops", "role_ref": {"kind": "ClusterRole", "name": "aggregated"},
                               "subjects": [{"kind": "User", "name": "bob"}]}],
}


def _config(tmp_path: Path) -> str:
    path = tmp_path / "c.yaml"
    path.write_text(yaml.safe_dump(merge(BASE, RBAC)))
    return str(path)


def _can(cfg: str, *args: str) -> tuple[str, int]:
    r = CliRunner().invoke(cli, ["auth", "can-i", *args, "--config", cfg])
    return r.output.strip(), r.exit_code


def test_can_i_answers_yes_or_no_with_kubectls_exit_codes(tmp_path: Path) -> None:
    cfg = _config(tmp_path)
    assert _can(cfg, "list", "pods", "-n", "team", "--as", "alice") == ("yes", 0)  # groups from the config's users
    assert _can(cfg, "list", "pods", "-n", "default", "--as", "alice") == ("no", 1)
    assert _can(cfg, "get", "pods/log", "-n", "team", "--as", "carol", "--as-group", "devs") == ("yes", 0)
    assert _can(cfg, "get", "pods", "--subresource", "exec", "-n", "team", "--as", "alice") == ("no", 1)
    assert _can(cfg, "get", "pods", "-n", "team", "--as", "system:serviceaccount:team:bot") == ("yes", 0)
    assert _can(cfg, "delete", "deployments.apps", "-n", "x", "--as", "bob") == ("yes", 0)  # through the aggregated role
    assert _can(cfg, "delete", "nodes") == ("yes", 0)  # the admin, in system:masters
    assert _can(cfg, "update", "leases.coordination.k8s.io", "node-3", "-n", "kube-node-lease",
                "--as", "system:node:node-3", "--as-group", "system:nodes") == ("yes", 0)  # the Node authorizer
    assert _can(cfg, "get", "/version", "--as", "system:anonymous", "--as-group", "system:unauthenticated") == ("yes", 0)
    r = CliRunner().invoke(cli, ["auth", "can-i", "get", "pods", "--config", str(tmp_path / "missing.yaml")])
    assert r.exit_code == 2 and "missing.yaml" in r.output


def test_who_can_lists_the_subjects_of_each_binding(tmp_path: Path) -> None:
    cfg = _config(tmp_path)
    r = CliRunner().invoke(cli, ["auth", "who-can", "list", "pods", "-n", "team", "--config", cfg])
    assert r.exit_code == 0
    rb, crb = r.output.split("\n\n")
    lines = rb.splitlines()
    assert lines[0].split() == ["ROLEBINDING", "NAMESPACE", "SUBJECT", "TYPE", "SA-NAMESPACE"]
    assert [ln.split() for ln in lines[1:]] == [["devs-read", "team", "devs", "Group"], ["devs-read", "team", "bot", "ServiceAccount", "team"]]
    assert "system:kube-controller-manager" in crb and "cluster-admin" in crb
    r = CliRunner().invoke(cli, ["auth", "who-can", "escalate", "clusterroles", "--config", cfg])
    assert "No subjects found with permissions to escalate clusterroles assigned through RoleBindings" in r.output
    assert "clusterrole-aggregation-controller" in r.output


def _list(cfg: str, *args: str) -> tuple[list[list[str]], str, int]:
    r = CliRunner().invoke(cli, ["auth", "can-i", "--list", *args, "--config", cfg])
    return [ln.split("   ") for ln in r.stdout.splitlines()], r.stderr, r.exit_code


def test_can_i_list_prints_the_rules_review_as_kubectl(tmp_path: Path) -> None:
    cfg = _config(tmp_path)
    rows, err, code = _list(cfg, "-n", "team", "--as", "alice")
    assert code == 0 and err == ""
    lines = [" ".join(r).split() for r in rows]
    assert lines[0] == ["Resources", "Non-Resource", "URLs", "Resource", "Names", "Verbs"]
    body = lines[1:]
    # broken down per resource, verbs merged, sorted by the rule's string form (verbs first)
    assert ["pods", "[]", "[]", "[get", "list]"] in body and ["pods/log", "[]", "[]", "[get", "list]"] in body
    assert ["selfsubjectaccessreviews.authorization.k8s.io", "[]", "[]", "[create]"] in body  # system:basic-user
    assert body.index(["selfsubjectaccessreviews.authorization.k8s.io", "[]", "[]", "[create]"]) < body.index(["pods", "[]", "[]", "[get", "list]"])
    assert ["[/healthz]", "[]", "[get]"] in body  # a non-resource rule: no resource column
    rows, _, _ = _list(cfg, "-n", "default", "--as", "alice")
    assert not any(r[0].startswith("pods") for r in rows)  # the RoleBinding is in team only
    rows, _, _ = _list(cfg, "-n", "x", "--as", "bob", "--no-headers")
    assert rows[0][0] != "Resources" and any(" ".join(r).split()[:1] == ["deployments.apps"] for r in rows)  # aggregated
    rows, _, _ = _list(cfg)  # the admin: its cluster-admin binding (system:masters lists no rules of its own)
    assert [" ".join(r).split() for r in rows[1:3]] == [["*.*", "[]", "[]", "[*]"], ["[*]", "[]", "[*]"]]
    _, err, code = _list(cfg, "--as", "system:node:n-0", "--as-group", "system:nodes")
    assert code == 0 and err.strip() == "warning: the list may be incomplete: node authorizer does not support user rule resolution"
    r = CliRunner().invoke(cli, ["auth", "can-i", "--list", "get", "pods", "--config", cfg])
    assert r.exit_code == 2 and "--list takes no VERB" in r.output
