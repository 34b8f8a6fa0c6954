"""The scheduler's cache: nodes and the pods assigned to them, as numpy columns.

Like upstream's ``internal/cache`` plus the snapshot: per node allocatable, requested and
non-zero-requested resources (``NodeInfo.Requested`` / ``NonZeroRequested``), pod count, taints,
labels and cordon. Assumed pods (chosen but not yet bound) count at once. Terminating pods keep
their resources until they are deleted, as upstream.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from clustersim.api.objects import Node, Pod
from clustersim.api.types import HostPort, LabelSelector, Taint, TaintEffect

__all__ = ["FLOAT_EXACT_LIMIT", "NodeTable", "ROW_FIELDS"]

_HARD = (TaintEffect.NO_SCHEDULE, TaintEffect.NO_EXECUTE)
# Below 2**46, floor(n * 100 / d) in float64 equals the integer result: n * 100 < 2**53 is exact, and
# a quotient below 128 that is not an integer is at least 2**-46 from one, more than the rounding error.
FLOAT_EXACT_LIMIT = 2**46
# ``NodeTable.rows[i]``: the resource columns of node i as plain ints, in this order
MAX_STALE = 1 << 16  # change-log entries the numpy columns may lag before they are brought up to date anyway
ROW_FIELDS = ("alloc_cpu", "alloc_mem", "alloc_pods", "free_cpu", "free_mem", "free_pods", "nzfree_cpu", "nzfree_mem")


class _Synced:
    """A numpy free-amount column of NodeTable, brought up to ``rows`` when read."""

    def __init__(self, attr: str, doc: str) -> None:
        self.attr, self.__doc__ = attr, doc

    def __get__(self, table: NodeTable | None, owner: type | None = None) -> Any:
        if table is None:
            return self
        if table._synced < len(table.changes):
            table._sync()
        return getattr(table, self.attr)


class NodeTable:
    """Column store of nodes; index ``i`` is stable for a node's lifetime."""

    def __init__(self, capacity: int = 64) -> None:
        self.names: list[str] = []
        self.index: dict[str, int] = {}
        self.labels: list[dict[str, str]] = []
        self.taints: list[tuple[Taint, ...]] = []
        self.images: list[dict[str, int]] = []  # per node: image name -> size in bytes
        self.image_nodes: dict[str, int] = {}  # image name -> number of nodes that have it
        self.scalar_names: list[str] = []
        self._cap = capacity
        z = lambda: np.zeros(capacity, dtype=np.int64)  # noqa: E731
        self.alloc_cpu, self.alloc_mem, self.alloc_pods = z(), z(), z()
        # the free amounts change with every assumed or removed pod: ``rows`` has them at once, the numpy
        # columns (properties below) catch up when next read, so the per-pod path writes no numpy
        self._free_cpu, self._free_mem, self._free_pods = z(), z(), z()
        self._nzfree_cpu, self._nzfree_mem = z(), z()  # allocatable - non-zero requested, for scoring
        self._synced = 0  # the free columns agree with ``rows`` for every change-log entry before this one
        # the same columns per node as a list of Python ints (ROW_FIELDS order): reading one node's row
        # from numpy costs a call per value, and the per-node incremental path reads a few rows per cycle
        self.rows: list[list[int]] = []
        f = lambda: np.zeros(capacity, dtype=np.float64)  # noqa: E731
        # float copies for scoring: exact while every allocatable is below FLOAT_EXACT_LIMIT
        self.alloc_cpu_f, self.alloc_mem_f, self._nzfree_cpu_f, self._nzfree_mem_f = f(), f(), f(), f()
        self.n_float_inexact = 0
        self.n_unschedulable = self.n_hard_tainted = self.n_soft_tainted = 0
        self.n_zero_alloc_cpu = self.n_zero_alloc_mem = 0
        self._cand: np.ndarray | None = None
        self._pos: np.ndarray | None = None
        self.scalar_alloc: dict[str, np.ndarray] = {}
        self.scalar_req: dict[str, np.ndarray] = {}
        self.present = np.zeros(capacity, dtype=bool)
        self.unschedulable = np.zeros(capacity, dtype=bool)
        self.hard_tainted = np.zeros(capacity, dtype=bool)
        self.soft_tainted = np.zeros(capacity, dtype=bool)
        self.assigned: dict[str, tuple[int, Pod]] = {}
        self.pods_on: list[dict[str, Pod]] = []  # per node: uid -> pod (for plugins that count pods)
        # indexes of assigned pods for selector queries (PodTopologySpread, InterPodAffinity)
        self.by_label: dict[tuple[str, str, str], dict[str, tuple[int, Pod]]] = {}  # (ns, key, value) -> uid -> (node, pod)
        self.by_namespace: dict[str, dict[str, tuple[int, Pod]]] = {}
        self.with_affinity: dict[str, tuple[int, Pod]] = {}  # assigned pods carrying inter-pod (anti-)affinity terms
        self.host_ports: list[list[HostPort]] = []  # per node: host ports in use
        self.n_host_port_nodes = 0
        self._domains: dict[str, tuple[np.ndarray, list[str]]] = {}  # topology key -> (domain id per node, values)
        self.domains_epoch = 0  # moves whenever the domain ids above are dropped (node set or labels changed)
        # matching-pod counts per topology domain, kept incrementally beside the per-node counts:
        # (namespace, selector) -> topology key -> (domains_epoch, count per domain id)
        self._dom_counts: dict[tuple[str, LabelSelector], dict[str, tuple[int, np.ndarray]]] = {}
        self._complete: dict[str, bool] = {}  # topology key -> no -1 in its domain ids (valid with _domains)
        # controller selectors by (kind, namespace, name), for helper.DefaultSelector (kept by the scheduler's informers)
        self.owner_selectors: dict[tuple[str, str, str], LabelSelector] = {}
        # Service selectors per namespace (Service key -> selector; Services without one are left out)
        self.service_selectors: dict[str, dict[str, tuple[tuple[str, str], ...]]] = {}
        self.claim_zones: dict[str, str | None] = {}  # PersistentVolumeClaim key -> zone of its volume (None: unbound)
        # change log for incremental consumers: indexes of nodes whose row changed, and an epoch that
        # moves when the set of nodes changes (then everything must be recomputed)
        self.changes: list[int] = []
        self.epoch = 0
        # moves whenever a fact that a PreFilter/PreScore skip may read changes: the node set, a node's
        # labels, taints, cordon or images, assigned pods with inter-pod affinity, owner and Service
        # selectors and claim zones (plugins with ``skip_reads = "cluster"`` promise to read nothing else)
        self.skip_epoch = 0
        # matching-pod counts per node, kept incrementally for selectors asked about (topology spreading)
        self._sel_counts: dict[tuple[str, LabelSelector], np.ndarray] = {}
        self._sel_by_label: dict[tuple[str, str, str] | str, list[tuple[str, LabelSelector]]] = {}
        self.terminating_seen: set[str] = set()

    def __len__(self) -> int:
        return len(self.names)

    _FREE = ("_free_cpu", "_free_mem", "_free_pods", "_nzfree_cpu", "_nzfree_mem")

    def _sync(self) -> None:
        """Bring the numpy free columns up to ``rows``."""
        stale, self._synced = self.changes[self._synced:], len(self.changes)
        rows = self.rows
        if len(stale) <= 8:
            for i in stale:
                _, _, _, fc, fm, fp, nc, nm = rows[i]
                self._free_cpu[i], self._free_mem[i], self._free_pods[i] = fc, fm, fp
                self._nzfree_cpu[i] = self._nzfree_cpu_f[i] = nc
                self._nzfree_mem[i] = self._nzfree_mem_f[i] = nm
            return
        idx = np.fromiter(dict.fromkeys(stale), dtype=np.int64)
        vals = np.array([rows[i] for i in idx.tolist()], dtype=np.int64)
        for k, attr in enumerate(self._FREE, start=3):
            getattr(self, attr)[idx] = vals[:, k]
        self._nzfree_cpu_f[idx] = vals[:, 6]
        self._nzfree_mem_f[idx] = vals[:, 7]

    free_cpu = _Synced("_free_cpu", "Allocatable minus requested cpu per node (millicores).")
    free_mem = _Synced("_free_mem", "Allocatable minus requested memory per node (bytes).")
    free_pods = _Synced("_free_pods", "Allocatable minus assigned pods per node.")
    nzfree_cpu = _Synced("_nzfree_cpu", "Allocatable minus non-zero requested cpu per node (scoring's view).")
    nzfree_mem = _Synced("_nzfree_mem", "Allocatable minus non-zero requested memory per node (scoring's view).")
    nzfree_cpu_f = _Synced("_nzfree_cpu_f", "``nzfree_cpu`` as float64 (exact below FLOAT_EXACT_LIMIT).")
    nzfree_mem_f = _Synced("_nzfree_mem_f", "``nzfree_mem`` as float64 (exact below FLOAT_EXACT_LIMIT).")

    def _grow(self) -> None:
        self._sync()
        self._cap *= 2
        for attr in ("alloc_cpu", "alloc_mem", "alloc_pods", *self._FREE, "alloc_cpu_f", "alloc_mem_f", "_nzfree_cpu_f",
                     "_nzfree_mem_f", "present", "unschedulable", "hard_tainted", "soft_tainted"):
            old = getattr(self, attr)
            new = np.zeros(self._cap, dtype=old.dtype)
            new[: len(old)] = old
            setattr(self, attr, new)
        for d in (self.scalar_alloc, self.scalar_req, self._sel_counts):
            for k, old in d.items():
                new = np.zeros(self._cap, dtype=np.int64)
                new[: len(old)] = old
                d[k] = new  # type: ignore[index]

    def _scalar(self, name: str) -> None:
        if name not in self.scalar_alloc:
            self.scalar_names.append(name)
            self.scalar_alloc[name] = np.zeros(self._cap, dtype=np.int64)
            self.scalar_req[name] = np.zeros(self._cap, dtype=np.int64)

    def upsert_node(self, node: Node) -> int:
        """Add or refresh a node's allocatable, labels, taints and cordon."""
        i = self.index.get(node.meta.name)
        if i is None:
            if len(self.names) == self._cap:
                self._grow()
            i = len(self.names)
            self.names.append(node.meta.name)
            self.index[node.meta.name] = i
            self.labels.append({})
            self.taints.append(())
            self.images.append({})
            self.pods_on.append({})
            self.host_ports.append([])
            self.rows.append([0] * len(ROW_FIELDS))
        a = node.allocatable
        was = bool(self.present[i])
        if was:  # take the old row out of the counters
            self._count(i, -1)
        # what is requested stays; the free amounts move with allocatable (new rows are all zero)
        ac, am, ap, fc, fm, fp, nc, nm = self.rows[i]
        new_ac, new_am, new_ap = a.cpu_m or 0, a.memory or 0, a.pods or 0
        self.rows[i] = [new_ac, new_am, new_ap, new_ac - (ac - fc), new_am - (am - fm), new_ap - (ap - fp),
                        new_ac - (ac - nc), new_am - (am - nm)]
        self.alloc_cpu[i], self.alloc_mem[i], self.alloc_pods[i] = new_ac, new_am, new_ap
        self.alloc_cpu_f[i], self.alloc_mem_f[i] = new_ac, new_am
        for name, value in a.scalar:
            self._scalar(name)
            self.scalar_alloc[name][i] = value
        if self.labels[i] != node.meta.labels:
            self._domains.clear()
            self.domains_epoch += 1
            self.skip_epoch += 1
        if not was or self.taints[i] != node.taints or bool(self.unschedulable[i]) != node.unschedulable:
            self.skip_epoch += 1
        self.labels[i] = node.meta.labels
        self.taints[i] = node.taints
        self._set_images(i, {n: size for names, size in node.images for n in names})
        self.changes.append(i)
        if not self.present[i]:
            self._cand = self._pos = None
            self._domains.clear()
            self.domains_epoch += 1
            self.epoch += 1
        self.present[i] = True
        self.unschedulable[i] = node.unschedulable
        self.hard_tainted[i] = any(t.effect in _HARD for t in node.taints)
        self.soft_tainted[i] = any(t.effect is TaintEffect.PREFER_NO_SCHEDULE for t in node.taints)
        self._count(i, 1)
        return i

    def _count(self, i: int, sign: int) -> None:
        """Keep counts of cordoned, tainted and zero-allocatable nodes (so plugins can skip in O(1))."""
        self.n_unschedulable += sign * int(self.unschedulable[i])
        self.n_hard_tainted += sign * int(self.hard_tainted[i])
        self.n_soft_tainted += sign * int(self.soft_tainted[i])
        self.n_zero_alloc_cpu += sign * int(self.alloc_cpu[i] <= 0)
        self.n_zero_alloc_mem += sign * int(self.alloc_mem[i] <= 0)
        self.n_float_inexact += sign * int(max(self.alloc_cpu[i], self.alloc_mem[i]) >= FLOAT_EXACT_LIMIT)

    def _set_images(self, i: int, images: dict[str, int]) -> None:
        if images == self.images[i]:
            return
        self.skip_epoch += 1
        for n in self.images[i]:
            self.image_nodes[n] -= 1
            if not self.image_nodes[n]:
                del self.image_nodes[n]
        self.images[i] = images
        for n in images:
            self.image_nodes[n] = self.image_nodes.get(n, 0) + 1

    def remove_node(self, name: str) -> None:
        """Mark a deleted node absent (its index is not reused)."""
        i = self.index.get(name)
        if i is not None and self.present[i]:
            self._set_images(i, {})
            self._count(i, -1)
            self.present[i] = False
            self._cand = self._pos = None
            self._domains.clear()
            self.domains_epoch += 1
            self.epoch += 1
            self.skip_epoch += 1

    def add_pod(self, pod: Pod, node: str) -> None:
        """Account an assumed or bound pod on ``node``."""
        i = self.index.get(node)
        if i is not None:
            self.add_pod_at(pod, i)

    def add_pod_at(self, pod: Pod, i: int) -> None:
        """``add_pod`` on the node with index ``i`` (the scheduler's assume, which knows the index)."""
        uid = pod.meta.uid
        if uid in self.assigned:
            return
        self.assigned[uid] = (i, pod)
        self.pods_on[i][uid] = pod
        entry = (i, pod)
        ns = pod.meta.namespace
        in_ns = self.by_namespace.get(ns)
        if in_ns is None:
            in_ns = self.by_namespace[ns] = {}
        in_ns[uid] = entry
        labels = pod.meta.labels
        if labels:
            for k, v in labels.items():
                self.by_label.setdefault((ns, k, v), {})[uid] = entry
        if pod.spec.pod_affinity is not None:
            self.with_affinity[uid] = entry
            self.skip_epoch += 1
        if pod.spec.host_ports:
            if not self.host_ports[i]:
                self.n_host_port_nodes += 1
            self.host_ports[i].extend(pod.spec.host_ports)
        if pod.meta.deletion_s is not None:
            self.terminating_seen.add(uid)
        elif self._sel_counts:
            self._count_selectors(pod, i, 1)
        self._account(i, pod, 1)

    def remove_pod(self, pod: Pod) -> bool:
        """Release a deleted pod's resources; False if it was not accounted."""
        entry = self.assigned.pop(pod.meta.uid, None)
        if entry is None:
            return False
        i, old = entry
        uid = pod.meta.uid
        self.pods_on[i].pop(uid, None)
        ns = old.meta.namespace
        self.by_namespace.get(ns, {}).pop(uid, None)
        for k, v in old.meta.labels.items():
            idx = self.by_label.get((ns, k, v))
            if idx is not None:
                idx.pop(uid, None)
                if not idx:
                    del self.by_label[(ns, k, v)]
        if self.with_affinity.pop(uid, None) is not None:
            self.skip_epoch += 1
        if uid in self.terminating_seen:
            self.terminating_seen.discard(uid)
        else:
            self._count_selectors(old, i, -1)
        if old.spec.host_ports:
            ports = self.host_ports[i]
            for hp in old.spec.host_ports:
                ports.remove(hp)
            if not ports:
                self.n_host_port_nodes -= 1
        self._account(i, old, -1)
        return True

    def _account(self, i: int, pod: Pod, sign: int) -> None:
        self.changes.append(i)
        r = pod.spec.requests
        row = self.rows[i]
        row[3] -= sign * r.cpu_m
        row[4] -= sign * r.memory
        row[5] -= sign
        row[6] -= sign * r.nonzero_cpu_m
        row[7] -= sign * r.nonzero_memory
        if len(self.changes) - self._synced > MAX_STALE:
            self._sync()
        for name, value in r.scalar:
            self._scalar(name)
            self.scalar_req[name][i] += sign * value

    def set_owner_selector(self, key: tuple[str, str, str], selector: LabelSelector | None) -> None:
        """Record (or forget, with None) the selector of a controller (for helper.DefaultSelector)."""
        if self.owner_selectors.get(key) != selector:
            if selector is None:
                del self.owner_selectors[key]
            else:
                self.owner_selectors[key] = selector
            self.skip_epoch += 1

    def set_service_selector(self, namespace: str, key: str, selector: tuple[tuple[str, str], ...]) -> None:
        """Record a Service's selector (empty: the Service is gone or selects nothing)."""
        in_ns = self.service_selectors.setdefault(namespace, {})
        if in_ns.get(key, ()) != selector:
            if selector:
                in_ns[key] = selector
            else:
                in_ns.pop(key, None)
            self.skip_epoch += 1

    def set_claim_zone(self, key: str, zone: str | None, exists: bool = True) -> None:
        """Record a PersistentVolumeClaim's zone (None: unbound), or forget the claim (``exists=False``)."""
        if not exists:
            if key in self.claim_zones:
                del self.claim_zones[key]
                self.skip_epoch += 1
        elif key not in self.claim_zones or self.claim_zones[key] != zone:
            self.claim_zones[key] = zone
            self.skip_epoch += 1

    def positions(self) -> np.ndarray:
        """Position of each node index in ``candidates()`` (-1 when absent)."""
        if self._pos is None:
            self._pos = np.full(len(self.names), -1, dtype=np.int64)
            cand = self.candidates()
            self._pos[cand] = np.arange(len(cand))
        return self._pos

    def compact_changes(self) -> None:
        """Drop the change log; incremental consumers see a new epoch and recompute."""
        self._sync()
        self.changes = []
        self._synced = 0
        self.epoch += 1

    # requested amounts, derived (they are read on failure paths and in tests, written never)
    @property
    def req_cpu(self) -> np.ndarray:
        """Requested cpu per node (millicores)."""
        return self.alloc_cpu - self.free_cpu

    @property
    def req_mem(self) -> np.ndarray:
        """Requested memory per node (bytes)."""
        return self.alloc_mem - self.free_mem

    @property
    def pod_count(self) -> np.ndarray:
        """Pods per node."""
        return self.alloc_pods - self.free_pods

    @property
    def nz_cpu(self) -> np.ndarray:
        """Non-zero requested cpu per node (scoring's view)."""
        return self.alloc_cpu - self.nzfree_cpu

    @property
    def nz_mem(self) -> np.ndarray:
        """Non-zero requested memory per node (scoring's view)."""
        return self.alloc_mem - self.nzfree_mem

    MAX_SELECTORS = 4096

    def _count_selectors(self, pod: Pod, i: int, sign: int) -> None:
        ns = pod.meta.namespace
        if not self._sel_counts:
            return
        seen: list[tuple[str, LabelSelector]] = []
        for k, v in pod.meta.labels.items():
            seen.extend(self._sel_by_label.get((ns, k, v), ()))
        seen.extend(self._sel_by_label.get(ns, ()))
        labels = pod.meta.labels
        for key in seen:
            if key[1].matches(labels):
                self._sel_counts[key][i] += sign
                by_key = self._dom_counts.get(key)
                if by_key:
                    for topo, (epoch, counts) in by_key.items():
                        if epoch == self.domains_epoch:
                            d = self._domains[topo][0][i]
                            if d >= 0:
                                counts[d] += sign

    def mark_terminating(self, pod: Pod) -> None:
        """An assigned pod got a deletion timestamp: it no longer counts for topology spreading."""
        uid = pod.meta.uid
        entry = self.assigned.get(uid)
        if entry is not None and uid not in self.terminating_seen:
            self.terminating_seen.add(uid)
            self._count_selectors(entry[1], entry[0], -1)

    def selector_counts(self, namespace: str, selector: LabelSelector) -> np.ndarray:
        """Per node index, assigned non-terminating pods of ``namespace`` matching ``selector`` (kept
        incrementally once asked for; do not modify the array)."""
        key = (namespace, selector)
        arr = self._sel_counts.get(key)
        if arr is None:
            if len(self._sel_counts) >= self.MAX_SELECTORS:
                self._sel_counts.clear()
                self._sel_by_label.clear()
                self._dom_counts.clear()
            arr = np.zeros(self._cap, dtype=np.int64)
            for i, _ in self.pods_matching((namespace,), selector):
                arr[i] += 1
            self._sel_counts[key] = arr
            idx: tuple[str, str, str] | str = (namespace, *selector.match_labels[0]) if selector.match_labels else namespace
            self._sel_by_label.setdefault(idx, []).append(key)
        return arr

    def domain_counts(self, namespace: str, selector: LabelSelector, key: str) -> np.ndarray:
        """Per domain id of ``domains(key)``, the pods ``selector_counts`` counts on the nodes of that
        domain (nodes without the key left out): the bincount of the per-node counts, kept
        incrementally once asked for (do not modify the array)."""
        per_node = self.selector_counts(namespace, selector)
        ids, values = self.domains(key)
        by_key = self._dom_counts.setdefault((namespace, selector), {})
        hit = by_key.get(key)
        if hit is None or hit[0] != self.domains_epoch:
            n = len(self.names)
            has = ids >= 0
            counts = np.bincount(ids[has], weights=per_node[:n][has], minlength=len(values)).astype(np.int64)
            by_key[key] = hit = (self.domains_epoch, counts)
        return hit[1]

    def pods_matching(self, namespaces: tuple[str, ...], selector: LabelSelector, terminating: bool = False) -> list[tuple[int, Pod]]:
        """Assigned pods in ``namespaces`` matching ``selector`` (terminating ones only if asked), with their node index.

        Uses the label index: the smallest matchLabels posting list is scanned, not every pod.
        """
        out: list[tuple[int, Pod]] = []
        for ns in namespaces:
            if selector.match_labels:
                lists = [self.by_label.get((ns, k, v)) for k, v in selector.match_labels]
                if any(x is None for x in lists):
                    continue
                pool = min(lists, key=len)  # type: ignore[arg-type]
            else:
                pool = self.by_namespace.get(ns, {})
            for i, p in pool.values():  # type: ignore[union-attr]
                if (terminating or p.meta.deletion_s is None) and selector.matches(p.meta.labels):
                    out.append((i, p))
        return out

    def domains(self, key: str) -> tuple[np.ndarray, list[str]]:
        """Per node index, the id of its value for label ``key`` (-1 when absent), and the values by id."""
        cached = self._domains.get(key)
        if cached is None:
            values: dict[str, int] = {}
            ids = np.full(len(self.names), -1, dtype=np.int64)
            for i, labels in enumerate(self.labels):
                v = labels.get(key)
                if v is not None and self.present[i]:
                    ids[i] = values.setdefault(v, len(values))
            cached = self._domains[key] = (ids, list(values))
            self._complete[key] = bool(len(ids)) and bool((ids >= 0).all())
        return cached

    def domains_complete(self, key: str) -> bool:
        """Every node index (present nodes only, none deleted) has label ``key``: ``domains(key)`` has no -1."""
        self.domains(key)
        return self._complete[key]

    def candidates(self) -> np.ndarray:
        """Indexes of present nodes, in insertion order (cached until the node set changes)."""
        if self._cand is None:
            self._cand = np.flatnonzero(self.present[: len(self.names)])
        return self._cand
