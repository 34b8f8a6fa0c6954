"""The shapes of the manifest fields the simulator reads, checked in the manifest's own terms.

A field of the wrong type is refused the way the API server's decoder refuses it (``kubectl apply``:
"cannot unmarshal string into Go struct field ContainerPort...containerPort of type int32"), naming
the manifest path (``spec.template.spec.containers[0].ports[0].containerPort``) before any conversion
runs, so the converters may rely on the shapes. Fields not listed are not read (they are reported as
ignored); ``Any`` accepts anything.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

__all__ = ["KIND_SCHEMAS", "METADATA", "ShapeError", "check_shape"]


class ShapeError(ValueError):
    """A field of the wrong shape: ``path`` in the manifest, and what was expected."""

    def __init__(self, path: str, message: str) -> None:
        self.path, self.message = path, message
        super().__init__(f"{path}: {message}")


@dataclass(frozen=True)
class Leaf:
    """A scalar: ``integer``, ``string``, ``boolean``, ``number``, ``quantity`` or ``integer or string``."""

    name: str


@dataclass(frozen=True)
class MapOf:
    """A mapping from strings to ``value``."""

    value: Any


@dataclass(frozen=True)
class ListOf:
    """A list of ``item``."""

    item: Any


INT, STR, BOOL, NUM, QTY, INT_OR_STR, ANY = (Leaf("an integer"), Leaf("a string"), Leaf("true or false"), Leaf("a number"),
                                            Leaf("a quantity"), Leaf("an integer or a percentage"), Leaf("anything"))
SCALAR = Leaf("a scalar")


def _leaf_ok(leaf: Leaf, v: Any) -> bool:
    if leaf is ANY:
        return True
    if leaf is SCALAR:
        return isinstance(v, str | int | float) and not isinstance(v, bool)
    if leaf is BOOL:
        return isinstance(v, bool)
    if isinstance(v, bool):
        return False
    if leaf is INT:  # YAML 2.0 reaches the API as JSON 2; the API's integers are int32 or int64
        return (isinstance(v, int) or (isinstance(v, float) and v.is_integer())) and abs(v) < 2**63
    if leaf is STR:
        return isinstance(v, str)
    if leaf is NUM:
        return isinstance(v, int | float)
    return isinstance(v, str | int | float)  # quantity, int-or-string: their values are checked later


def _got(v: Any) -> str:
    if isinstance(v, dict):
        return "a mapping"
    if isinstance(v, list):
        return "a list"
    if v is None:
        return "null"
    if isinstance(v, bool):
        return "true" if v else "false"
    text = repr(v)
    return text if len(text) <= 40 else text[:37] + "..."


def check_shape(value: Any, schema: Any, path: str = "") -> None:
    """Raise ShapeError for the first field of ``value`` not of the shape ``schema`` gives it.

    ``schema`` is a dict (an object: keys ending in ``!`` are required, others optional, unknown keys
    are not read), ``MapOf``, ``ListOf`` or a ``Leaf``. A null value is an absent field.
    """
    if isinstance(schema, Leaf):
        if not _leaf_ok(schema, value):
            raise ShapeError(path, f"expected {schema.name}, got {_got(value)}")
        return
    if isinstance(schema, ListOf):
        if not isinstance(value, list):
            raise ShapeError(path, f"expected a list, got {_got(value)}")
        for i, item in enumerate(value):
            check_shape(item, schema.item, f"{path}[{i}]")
        return
    if not isinstance(value, dict):
        raise ShapeError(path, f"expected a mapping, got {_got(value)}")
    if isinstance(schema, MapOf):
        for k, v in value.items():
            if not isinstance(k, str):
                raise ShapeError(f"{path}.{k}", "keys must be strings")
            check_shape(v, schema.value, f"{path}.{k}" if path else k)
        return
    for key, sub in schema.items():
        name = key.rstrip("!")
        at = f"{path}.{name}" if path else name
        v = value.get(name)
        if v is None:
            if key.endswith("!"):
                raise ShapeError(at, "required field missing")
            continue
        check_shape(v, sub, at)


LABELS = MapOf(STR)
METADATA = {"name": STR, "generateName": STR, "namespace": STR, "labels": LABELS, "annotations": LABELS}
SELECTOR = {"matchLabels": LABELS, "matchExpressions": ListOf({"key!": STR, "operator!": STR, "values": ListOf(STR)})}
PROBE = {"initialDelaySeconds": INT, "periodSeconds": INT, "timeoutSeconds": INT, "successThreshold": INT, "failureThreshold": INT}
CONTAINER = {
    "name!": STR, "image": STR, "resources": {"requests": MapOf(QTY), "limits": MapOf(QTY)},
    "readinessProbe": PROBE, "livenessProbe": PROBE,
    "ports": ListOf({"containerPort!": INT, "hostPort": INT, "protocol": STR, "hostIP": STR, "name": STR}),
}
NODE_TERM = {"matchExpressions": ListOf({"key!": STR, "operator!": STR, "values": ListOf(SCALAR)})}
POD_TERM = {"labelSelector": SELECTOR, "topologyKey!": STR, "namespaces": ListOf(STR)}
POD_AFFINITY = {"requiredDuringSchedulingIgnoredDuringExecution": ListOf(POD_TERM),
                "preferredDuringSchedulingIgnoredDuringExecution": ListOf({"weight!": INT, "podAffinityTerm!": POD_TERM})}
POD_SPEC = {
    "containers!": ListOf(CONTAINER), "initContainers": ListOf(CONTAINER), "terminationGracePeriodSeconds": INT,
    "priorityClassName": STR, "schedulerName": STR, "nodeSelector": LABELS, "restartPolicy": STR,
    "tolerations": ListOf({"key": STR, "operator": STR, "value": STR, "effect": STR, "tolerationSeconds": INT}),
    "affinity": {
        "nodeAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": {"nodeSelectorTerms!": ListOf(NODE_TERM)},
                         "preferredDuringSchedulingIgnoredDuringExecution": ListOf({"weight!": INT, "preference!": NODE_TERM})},
        "podAffinity": POD_AFFINITY, "podAntiAffinity": POD_AFFINITY},
    "topologySpreadConstraints": ListOf({"maxSkew!": INT, "topologyKey!": STR, "whenUnsatisfiable": STR, "labelSelector": SELECTOR,
                                         "minDomains": INT}),
    "volumes": ListOf({"name!": STR, "hostPath": {"path!": STR}, "persistentVolumeClaim": {"claimName!": STR}}),
}
TEMPLATE = {"metadata": {"labels": LABELS}, "spec!": POD_SPEC}
WORKLOAD = {"replicas": INT, "selector": SELECTOR, "template!": TEMPLATE, "minReadySeconds": INT, "revisionHistoryLimit": INT}
DEPLOYMENT = {**WORKLOAD, "progressDeadlineSeconds": INT,
              "strategy": {"type": STR, "rollingUpdate": {"maxSurge": INT_OR_STR, "maxUnavailable": INT_OR_STR}}}
JOB = {"template!": TEMPLATE, "completions": INT, "parallelism": INT, "backoffLimit": INT, "activeDeadlineSeconds": INT,
       "podFailurePolicy": {"rules": ListOf({"action": STR, "onExitCodes": {"operator": STR, "values": ListOf(INT)}})}}
HPA_RULES = {"stabilizationWindowSeconds": INT, "selectPolicy": STR,
             "policies": ListOf({"type!": STR, "value!": INT, "periodSeconds!": INT})}

RBAC_RULES = ListOf({"verbs": ListOf(SCALAR), "apiGroups": ListOf(SCALAR), "resources": ListOf(SCALAR), "resourceNames": ListOf(SCALAR),
                     "nonResourceURLs": ListOf(SCALAR)})
BINDING = {"roleRef!": {"kind!": STR, "name!": STR, "apiGroup": STR},
           "subjects": ListOf({"kind!": STR, "name!": STR, "namespace": STR, "apiGroup": STR})}

# kind -> schema of the whole document (metadata is checked for every kind)
KIND_SCHEMAS: dict[str, Any] = {
    "Role": {"rules": RBAC_RULES}, "ClusterRole": {"rules": RBAC_RULES, "aggregationRule": {"clusterRoleSelectors": ListOf(SELECTOR)}},
    "RoleBinding": BINDING, "ClusterRoleBinding": BINDING, "Namespace": {}, "ServiceAccount": {},
    "Deployment": {"spec!": DEPLOYMENT},
    "ReplicaSet": {"spec!": WORKLOAD},
    "StatefulSet": {"spec!": {**WORKLOAD, "podManagementPolicy": STR, "serviceName": STR, "volumeClaimTemplates": ListOf(
        {"metadata!": {"name!": STR}, "spec": {"resources": {"requests": MapOf(QTY)}}})}},
    "DaemonSet": {"spec!": WORKLOAD},
    "Job": {"spec!": JOB},
    "CronJob": {"spec!": {"schedule!": STR, "concurrencyPolicy": STR, "startingDeadlineSeconds": INT, "suspend": BOOL,
                          "successfulJobsHistoryLimit": INT, "failedJobsHistoryLimit": INT, "jobTemplate!": {"spec!": JOB}}},
    "Pod": {"spec!": POD_SPEC},
    "Service": {"spec": {"type": STR, "clusterIP": STR, "selector": LABELS, "externalName": STR, "externalTrafficPolicy": STR}},
    "PodDisruptionBudget": {"spec": {"selector": SELECTOR, "minAvailable": INT_OR_STR, "maxUnavailable": INT_OR_STR}},
    "PriorityClass": {"value!": INT, "globalDefault": BOOL, "preemptionPolicy": STR, "description": STR},
    "PersistentVolumeClaim": {},
    "Node": {"spec": {"taints": ListOf({"key!": STR, "value": STR, "effect!": STR}), "unschedulable": BOOL},
             "status": {"capacity": MapOf(QTY), "allocatable": MapOf(QTY)}},
    "HorizontalPodAutoscaler": {"spec!": {
        "scaleTargetRef!": {"kind!": STR, "name!": STR, "apiVersion": STR}, "minReplicas": INT, "maxReplicas!": INT,
        "targetCPUUtilizationPercentage": INT, "behavior": {"scaleUp": HPA_RULES, "scaleDown": HPA_RULES},
        "metrics": ListOf({"type!": STR, "resource": {"name!": STR, "target!": {"type!": STR, "averageUtilization": INT, "averageValue": QTY}}})}},
}
