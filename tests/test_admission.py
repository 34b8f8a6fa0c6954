"""DefaultTolerationSeconds admission (plugin/pkg/admission/defaulttolerationseconds/admission_test.go rules)."""

from __future__ import annotations

from clustersim.api.types import Container, PodSpec, Toleration
from clustersim.apiserver.admission import DefaultTolerationSeconds


def test_adds_both_when_missing() -> None:
    out = DefaultTolerationSeconds().tolerations(())
    assert [(t.key, t.effect, t.operator, t.toleration_seconds) for t in out] == [
        ("node.kubernetes.io/not-ready", "NoExecute", "Exists", 300),
        ("node.kubernetes.io/unreachable", "NoExecute", "Exists", 300),
    ]


def test_empty_key_or_effect_already_covers() -> None:
    plugin = DefaultTolerationSeconds()
    assert plugin.tolerations((Toleration(operator="Exists"),)) == (Toleration(operator="Exists"),)
    only_key = (Toleration("node.kubernetes.io/unreachable", "Exists", toleration_seconds=700),)
    out = plugin.tolerations(only_key)
    assert out[0] == only_key[0] and out[1].key == "node.kubernetes.io/not-ready" and len(out) == 2


def test_configured_seconds_and_shared_specs() -> None:
    plugin = DefaultTolerationSeconds(60, 120)
    spec = PodSpec((Container("c", "i"),))
    admitted = plugin.admit(spec)
    assert [t.toleration_seconds for t in admitted.tolerations] == [60, 120]
    assert plugin.admit(spec) is admitted  # pods of one template keep sharing one spec
