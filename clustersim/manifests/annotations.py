"""Annotations that carry resource demand (GPU sharing, memory, ...) the simulator does not model.

Some schedulers read requests from annotations instead of ``resources`` (Alibaba's GPU sharing:
``alibabacloud.com/gpu-milli``, ``gpu-mem``, ``gpu-count``; others for NPUs, RDMA, bandwidth). The
simulator places pods by their ``resources`` only, so every such annotation is listed among the run's
simplifications, naming the object and the annotation's path.
"""

from __future__ import annotations

import re
from typing import Any

__all__ = ["resource_annotations"]

# a resource word in the annotation's name (after the prefix), as a whole token of it
_RESOURCE = re.compile(r"(^|[-_.])(gpus?|cpus?|vcores?|memory|mem|milli|millicores?|storage|disk|ephemeral|hugepages|"
                       r"npus?|tpus?|fpgas?|rdma|bandwidth|resources?|requests?|limits?|quota)($|[-_.])", re.IGNORECASE)
# object metadata in the kinds that carry pod templates
_METADATA_PATHS = ("metadata", "spec.template.metadata", "spec.jobTemplate.spec.template.metadata",
                   "spec.jobTemplate.metadata")


def _names_resource(key: str) -> bool:
    return bool(_RESOURCE.search(key.rsplit("/", 1)[-1]))


def _at(doc: dict[str, Any], path: str) -> Any:
    node: Any = doc
    for part in path.split("."):
        node = node.get(part) if isinstance(node, dict) else None
    return node


def resource_annotations(doc: dict[str, Any]) -> list[str]:
    """``path[key]`` of every annotation of ``doc`` whose name is about a resource, sorted."""
    out = []
    for path in _METADATA_PATHS:
        meta = _at(doc, path)
        annotations = meta.get("annotations") if isinstance(meta, dict) else None
        if isinstance(annotations, dict):
            out += [f"{path}.annotations[{k}]" for k in annotations if _names_resource(str(k))]
    return sorted(out)
