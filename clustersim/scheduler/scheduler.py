"""The scheduler component: watch pods and nodes, run scheduling cycles, preempt, bind.

Upstream ``pkg/scheduler/schedule_one.go``: pop a pod, pick the profile named by its
``schedulerName``, filter nodes starting at a rotating index until ``numFeasibleNodesToFind``
feasible nodes are found, score them (skipped when only one is feasible), pick the highest weighted
sum (ties at random, from the run's seed), assume and bind. A pod with a nominated node tries that
node first. A pod that fits nowhere runs the PostFilter plugins (DefaultPreemption), gets a
FailedScheduling event with upstream's message and goes back to the queue.

Throughput: each cycle takes ``pod_scheduling_s + node_eval_s * ceil(nodes examined / parallelism)``
of simulated time; API writes (bindings, victim deletions) go through the client's token bucket
(``clientConnection.qps``/``burst``), so a burst of replacements queues up as in a real cluster.
"""

from __future__ import annotations

import fnmatch
import math
from collections import Counter
from collections.abc import Generator
from typing import Any

import numpy as np
from simpy.events import Timeout

from clustersim.api.errors import StatusError
from clustersim.api.objects import Node, PersistentVolumeClaim, Pod, PodDisruptionBudget, ReplicaSet, Service, StatefulSet
from clustersim.api.types import LabelSelector
from clustersim.apiserver import ADDED, DELETED, ClusterState
from clustersim.config.models import SchedulerConfig
from clustersim.env import ClusterEnv
from clustersim.metrics.recorder import Recorder
from clustersim.scheduler.cache import NodeTable
from clustersim.scheduler.framework import SCHEDULER_PLUGINS, Code, CycleState, FilterPlugin, ScorePlugin
from clustersim.scheduler.plugins.default_preemption import DefaultPreemption
from clustersim.scheduler.plugins.node_resources_fit import NodeResourcesFit
from clustersim.scheduler.preemption import NOT_HELPFUL, dry_run, num_candidates, pick_one_node
from clustersim.scheduler.profile import Profile, default_profile
from clustersim.scheduler.queue import QueuedPod, SchedulingQueue
from clustersim.scheduler.shape_cache import ShapeCache, ShapeEntry
from clustersim.util.ratelimit import TokenBucket

__all__ = ["Framework", "Scheduler", "build_plugin", "failed_scheduling_message", "num_feasible_nodes_to_find"]

_EMPTY = np.zeros(0, dtype=np.int64)
MIN_FEASIBLE_NODES_TO_FIND = 100
MIN_FEASIBLE_NODES_PERCENTAGE_TO_FIND = 5
SCHEDULER_NAME = "default-scheduler"


def num_feasible_nodes_to_find(num_all_nodes: int, percentage: int) -> int:
    """``numFeasibleNodesToFind`` (schedule_one.go); ``percentage`` 0 means adaptive."""
    if num_all_nodes < MIN_FEASIBLE_NODES_TO_FIND:
        return num_all_nodes
    pct = percentage
    if pct == 0:
        pct = max(MIN_FEASIBLE_NODES_PERCENTAGE_TO_FIND, 50 - num_all_nodes // 125)
    if pct >= 100:
        return num_all_nodes
    num = num_all_nodes * pct // 100
    return max(num, MIN_FEASIBLE_NODES_TO_FIND)


def failed_scheduling_message(total: int, reasons: Counter[str], suffix: str = "") -> str:
    """``0/N nodes are available: <count> <reason>, ....`` with reasons sorted as upstream."""
    parts = sorted(f"{count} {reason}" for reason, count in reasons.items())
    return f"0/{total} nodes are available: {', '.join(parts)}.{suffix}"


def build_plugin(name: str, args: dict[str, Any] | None = None) -> Any:
    """Instantiate a registered plugin with its args."""
    cls = SCHEDULER_PLUGINS.get(name)
    if args and hasattr(cls, "from_args"):
        return cls.from_args(args)
    if args:
        raise ValueError(f"plugin {name} takes no args")
    return cls()


class Framework:
    """One profile's plugin instances (``frameworkImpl``): a plugin used at several points is one object."""

    def __init__(self, profile: Profile, default_percentage: int) -> None:
        self.name = profile.scheduler_name
        names = dict.fromkeys([*profile.filters, *(n for n, _ in profile.scores), *profile.post_filters])
        inst = {n: build_plugin(n, profile.args.get(n)) for n in names}
        self.filters: list[FilterPlugin] = [inst[n] for n in profile.filters]
        self.scores: list[tuple[ScorePlugin, int]] = [(inst[n], w) for n, w in profile.scores]
        self.post_filters = [inst[n] for n in profile.post_filters]
        for f in self.filters:
            if not isinstance(f, FilterPlugin):
                raise TypeError(f"{f.name} is not a filter plugin")
        for s, _ in self.scores:
            if not isinstance(s, ScorePlugin):
                raise TypeError(f"{s.name} is not a score plugin")
        self.percentage = profile.percentage_of_nodes_to_score if profile.percentage_of_nodes_to_score is not None else default_percentage
        self.fit: NodeResourcesFit | None = next((f for f in self.filters if isinstance(f, NodeResourcesFit)), None)
        self.preemption: DefaultPreemption | None = next((p for p in self.post_filters if isinstance(p, DefaultPreemption)), None)
        # what the incremental path needs to know, looked up once
        self.filter_info = [(f, getattr(f, "per_node_static", True)) for f in self.filters]
        self.score_info = [(p, w, getattr(p, "normalize_is_identity", False) and (hasattr(p, "score_rows") or hasattr(p, "score_one")),
                            hasattr(p, "reuse_key")) for p, w in self.scores]


class Scheduler:
    """kube-scheduler: one queue and cache, a framework per profile."""

    def __init__(self, env: ClusterEnv, state: ClusterState, rec: Recorder, cfg: SchedulerConfig,
                 profiles: list[Profile] | None = None) -> None:
        self.env, self.state, self.rec, self.cfg = env, state, rec, cfg
        self.nodes = NodeTable()
        self.queue = SchedulingQueue(env, cfg.pod_initial_backoff_s, cfg.pod_max_backoff_s,
                                     cfg.pod_max_in_unschedulable_pods_duration_s)
        self.frameworks = {p.scheduler_name: Framework(p, cfg.percentage_of_nodes_to_score)
                           for p in (profiles or [default_profile()])}
        self.rng = env.stream("scheduler")
        self.client = TokenBucket(cfg.client_qps, env.now, cfg.client_burst)
        self.next_start = 0
        self.decisions = 0
        self.preemptions = 0
        self._examined = 0
        self._queued = -1
        self.shapes = ShapeCache(self.nodes)
        self._want_key, self._want_n = (-1, -1), 0  # numFeasibleNodesToFind for the last (nodes, percentage)
        self.pdbs: dict[str, PodDisruptionBudget] = {}
        self.nominated: dict[str, str] = {}  # pod uid -> node whose room is held for it (reserved in the cache)
        self.explanations: list[dict[str, Any]] = []

    def start(self) -> None:
        """Watch pods, nodes and the objects DefaultSelector and preemption read; start the loop."""
        self.state.watch("Node", self._on_node)
        self.state.watch("Pod", self._on_pod)
        self.state.watch("ReplicaSet", self._on_owner)
        self.state.watch("StatefulSet", self._on_owner)
        self.state.watch("Service", self._on_service)
        self.state.watch("PodDisruptionBudget", self._on_pdb)
        self.state.watch("PersistentVolumeClaim", self._on_claim)
        self.env.process(self.schedule_loop())

    # ---- informers
    def _on_node(self, etype: str, node: Node) -> None:
        if etype == DELETED:
            self.nodes.remove_node(node.meta.name)
            return
        self.nodes.upsert_node(node)
        self.queue.move_all_to_active_or_backoff()

    def _on_owner(self, etype: str, owner: ReplicaSet | StatefulSet) -> None:
        key = (owner.KIND, owner.meta.namespace, owner.meta.name)
        self.nodes.set_owner_selector(key, None if etype == DELETED else LabelSelector(tuple(owner.spec.selector)))

    def _on_service(self, etype: str, svc: Service) -> None:
        self.nodes.set_service_selector(svc.meta.namespace, svc.key, () if etype == DELETED else svc.selector)

    def _on_claim(self, etype: str, pvc: PersistentVolumeClaim) -> None:
        self.nodes.set_claim_zone(pvc.key, pvc.zone, exists=etype != DELETED)
        self.queue.move_all_to_active_or_backoff()

    def _on_pdb(self, etype: str, pdb: PodDisruptionBudget) -> None:
        if etype == DELETED:
            self.pdbs.pop(pdb.key, None)
        else:
            self.pdbs[pdb.key] = pdb

    def _on_pod(self, etype: str, pod: Pod) -> None:
        uid = pod.meta.uid
        if etype == DELETED:
            self.queue.delete(pod)
            self.nominated.pop(uid, None)
            if self.nodes.remove_pod(pod):
                self.queue.move_all_to_active_or_backoff()
            self._level()
            return
        if pod.node_name:
            entry = self.nodes.assigned.get(uid)
            if entry is None or self.nodes.names[entry[0]] != pod.node_name:
                if entry is not None:  # a reservation on the nominated node; the pod went elsewhere
                    self.nodes.remove_pod(pod)
                self.nominated.pop(uid, None)
                self.queue.delete(pod)
                self.nodes.add_pod(pod, pod.node_name)
            else:
                self.nominated.pop(uid, None)
                if pod.terminating:
                    self.nodes.mark_terminating(pod)
        elif etype == ADDED and pod.spec.scheduler_name in self.frameworks and not pod.terminating:
            self.queue.add(pod)
            self._level()

    def _level(self) -> None:
        n = len(self.queue)
        if n != self._queued:
            self._queued = n
            self.rec.level("pods_unscheduled", n)

    # ---- scheduling
    def schedule_loop(self) -> Generator[Any, Any, None]:
        """Pop and schedule pods, forever; each cycle costs simulated time when configured."""
        cfg = self.cfg
        while True:
            if not getattr(self.state, "connected", True):  # not the leader, or the API server is down
                yield self.state.gate.wait_open()  # type: ignore[attr-defined]
                continue
            info = self.queue.pop()
            if info is None:
                yield self.queue.wait()
                continue
            if cfg.pod_scheduling_s > 0:
                yield self.env.timeout(cfg.pod_scheduling_s)
            self._examined = 0
            self.schedule_one(info)
            if cfg.node_eval_s > 0 and self._examined:
                yield self.env.timeout(cfg.node_eval_s * math.ceil(self._examined / cfg.parallelism))

    def schedule_one(self, info: QueuedPod) -> str | None:
        """One scheduling cycle; returns the chosen node or None."""
        if not self.nominated:
            return self._schedule_one(info)
        # addNominatedPods (framework/runtime/framework.go): rooms held for nominated pods count only
        # against pods of equal or lower priority; a higher-priority pod sees them free
        held = self._lift_nominations_below(info.pod)
        try:
            return self._schedule_one(info)
        finally:
            for other, node in held:
                if self.nominated.get(other.meta.uid) == node and self.state.get("Pod", other.key) is other:
                    self.nodes.add_pod(other, node)

    def _lift_nominations_below(self, pod: Pod) -> list[tuple[Pod, str]]:
        """Take out of the cache the rooms held for nominated pods of lower priority than ``pod``."""
        held = []
        for uid, node in self.nominated.items():
            entry = self.nodes.assigned.get(uid)
            if uid != pod.meta.uid and entry is not None and entry[1].spec.priority < pod.spec.priority:
                held.append((entry[1], node))
        for other, _ in held:
            self.nodes.remove_pod(other)
        return held

    def _schedule_one(self, info: QueuedPod) -> str | None:
        pod = info.pod
        if self.state.get("Pod", pod.key) is not pod or pod.node_name or pod.meta.deletion_s is not None:
            self.queue.done(info)
            self._level()
            return None
        fw = self.frameworks[pod.spec.scheduler_name]
        self.decisions += 1
        if self.nominated and pod.meta.uid in self.nominated:  # drop the pod's own reservation before evaluating
            del self.nominated[pod.meta.uid]
            self.nodes.remove_pod(pod)
        explain = bool(self.cfg.explain_pods) and any(fnmatch.fnmatchcase(pod.meta.name, p) for p in self.cfg.explain_pods)
        entry = None
        if not explain and not pod.status.nominated_node_name:
            reused = self.shapes.lookup(fw, pod)
            if reused is not None:
                entry, dynamic = reused
                if entry.n_rejected < len(self.nodes.candidates()):  # the fast lane (shape_cache)
                    return self._assume(info, self._select_reused(fw, entry, pod, dynamic))
        return self._schedule_other(info, fw, explain, entry)

    def _schedule_other(self, info: QueuedPod, fw: Framework, explain: bool, reused: ShapeEntry | None) -> str | None:
        """The cycle when the fast lane cannot place the pod: a nominated node, the full vector path,
        explanations, or no feasible node (diagnosis and preemption)."""
        pod = info.pod
        cycle = self.queue.scheduling_cycle
        state = CycleState()
        i = self._evaluate_nominated(fw, state, pod) if pod.status.nominated_node_name else None
        feasible: np.ndarray = _EMPTY
        failed: np.ndarray = _EMPTY
        total = len(self.nodes.candidates())
        if i is not None:
            pass
        elif reused is not None:  # every node rejects the pod
            _, total, failed = self._window(fw, reused.eff >= 0)
            failed = self.nodes.candidates()[failed]
        else:
            feasible, total, failed = self.find_feasible(fw, state, pod)
            if len(feasible):
                i = int(feasible[0]) if len(feasible) == 1 else self.select_host(fw, state, pod, feasible, explain)
            if explain:
                self._explain(fw, pod, feasible, failed, i)
        if i is None:
            reasons, unresolvable = self.diagnose(fw, state, pod, failed)
            suffix = ""
            if fw.preemption is not None:
                nominated, suffix = self.preempt(fw, pod, failed, unresolvable)
                if nominated is not None:
                    suffix = ""
            self.rec.event("Pod", pod.meta.namespace, pod.meta.name, "FailedScheduling",
                           failed_scheduling_message(total, reasons, suffix), "", "Warning")
            if not pod.status.unschedulable and self._try(self.state.authorize, "patch", pod, "status"):
                pod.status.unschedulable = True  # handleSchedulingFailure: PodScheduled=False, reason Unschedulable
                self.state.patch(pod, "status")
            nom = pod.status.nominated_node_name
            if nom and pod.meta.uid not in self.nominated and nom in self.nodes.index:
                self.nodes.add_pod(pod, nom)  # still nominated: keep holding the room there
                self.nominated[pod.meta.uid] = nom
            self.queue.add_unschedulable(info, cycle)
            return None
        return self._assume(info, i)

    def _assume(self, info: QueuedPod, i: int) -> str:
        """Assume the pod on node ``i`` and bind it once the binding latency and the client's rate allow."""
        pod = info.pod
        node = self.nodes.names[i]
        self.nodes.add_pod_at(pod, i)
        self.queue.done(info)
        cfg = self.cfg
        delay = cfg.binding_latency_s + self.client.reserve(self.env.now)
        if cfg.node_eval_s > 0 and self._examined:
            delay += cfg.node_eval_s * math.ceil(self._examined / cfg.parallelism)
        if delay > 0:
            Timeout(self.env, delay).callbacks.append(lambda _e: self._bind(pod, node, info))  # type: ignore[union-attr]
        else:
            self._bind(pod, node, info)
        return node

    def _evaluate_nominated(self, fw: Framework, state: CycleState, pod: Pod) -> int | None:
        """``evaluateNominatedNode``: a pod nominated by preemption takes its node if it now fits there."""
        name = pod.status.nominated_node_name
        i = self.nodes.index.get(name) if name else None
        if i is None or not self.nodes.present[i]:
            return None
        one = np.array([i])
        for f in fw.filters:
            if not f.skip(pod, self.nodes) and not f.filter(state, pod, self.nodes, one)[0]:
                return None
        self._examined = 1
        return i

    def _bind(self, pod: Pod, node: str, info: QueuedPod | None = None) -> None:
        if not getattr(self.state, "connected", True):
            self.state.gate.hold(lambda: self._bind(pod, node, info))  # type: ignore[attr-defined]
            return
        if self.state.get("Pod", pod.key) is not pod or pod.terminating:
            self.nodes.remove_pod(pod)
            return
        try:
            self._bind_claims(pod, node)
            self.state.authorize("create", pod, "binding")
        except StatusError as err:
            self._binding_failed(pod, info, err)
            return
        pod.status.unschedulable = False
        self.state.bind(pod, node)
        self.rec.pod_mark(pod.meta.uid, "scheduled_s")
        self.rec.pod_mark(pod.meta.uid, "node", node)
        self.rec.event("Pod", pod.meta.namespace, pod.meta.name, "Scheduled",
                       f"Successfully assigned {pod.key} to {node}", node)
        self._level()

    def _binding_failed(self, pod: Pod, info: QueuedPod | None, err: StatusError) -> None:
        """``handleBindingCycleError``: forget the assumed pod, FailedScheduling, back to the queue with back-off."""
        self.nodes.remove_pod(pod)
        self.rec.event("Pod", pod.meta.namespace, pod.meta.name, "FailedScheduling",
                       f'running Bind plugin "DefaultBinder": {err.message}', "", "Warning")
        if info is not None and self.state.get("Pod", pod.key) is pod:
            self.queue.add_after_error(info)
            self._level()
        self.queue.move_all_to_active_or_backoff()  # the room it held is free again (AssignedPodDelete)

    def _bind_claims(self, pod: Pod, node: str) -> None:
        """VolumeBinding's PreBind: provision unbound WaitForFirstConsumer claims in the node's zone."""
        for v in pod.spec.volumes:
            if v.kind != "persistentVolumeClaim":
                continue
            pvc = self.state.get("PersistentVolumeClaim", f"{pod.meta.namespace}/{v.claim}")
            if pvc is not None and pvc.zone is None:
                self.state.authorize("update", pvc)  # refused: nothing is provisioned, the binding fails
                i = self.nodes.index.get(node)
                pvc.zone = self.nodes.labels[i].get("topology.kubernetes.io/zone") if i is not None else None
                self.nodes.set_claim_zone(pvc.key, pvc.zone)
                self.state.update(pvc)

    # ---- preemption (PostFilter)
    def preempt(self, fw: Framework, pod: Pod, failed: np.ndarray, unresolvable: set[int]) -> tuple[str | None, str]:
        """DefaultPreemption: nominate a node and delete the victims there; returns (node, message suffix)."""
        plugin = fw.preemption
        assert plugin is not None
        if pod.spec.preemption_policy == "Never":
            return None, " preemption: not eligible due to preemptionPolicy=Never."
        nom = pod.status.nominated_node_name
        if nom and nom in self.nodes.index:
            j = self.nodes.index[nom]
            if j not in unresolvable and any(p.terminating and p.spec.priority < pod.spec.priority
                                             for p in self.nodes.pods_on[j].values()):
                return None, " preemption: not eligible due to a terminating pod on the nominated node."
        potential = np.array([int(i) for i in failed if int(i) not in unresolvable], dtype=np.int64)
        n_all = len(self.nodes.candidates())
        not_helpful = Counter({NOT_HELPFUL: n_all - len(potential)} if n_all > len(potential) else {})
        if len(potential) == 0:
            return None, " preemption: " + failed_scheduling_message(n_all, not_helpful)
        want = num_candidates(len(potential), plugin.min_candidate_nodes_percentage, plugin.min_candidate_nodes_absolute)
        offset = int(self.rng.integers(len(potential)))

        def why_on(i: int) -> list[str] | None:
            one = np.array([i])
            st = CycleState()
            for f in fw.filters:
                if not f.skip(pod, self.nodes) and not f.filter(st, pod, self.nodes, one)[0]:
                    return f.reasons(st, pod, self.nodes, i)[1]
            return None

        cands, reasons = dry_run(pod, self.nodes, potential, offset, want, why_on, list(self.pdbs.values()))
        if not cands:
            return None, " preemption: " + failed_scheduling_message(n_all, reasons + not_helpful)
        best = pick_one_node(cands)
        node = self.nodes.names[best.node]
        self.preemptions += 1
        for v in best.victims:
            self.client.reserve(self.env.now)
            self.rec.event("Pod", v.meta.namespace, v.meta.name, "Preempted",
                           f"Preempted by pod {pod.meta.uid} on node {node}", node, "Normal")
            if self.state.get("Pod", v.key) is v and not v.terminating:
                self._try(self.state.delete, "Pod", v.key)
        # lower-priority pods nominated to the same node lose their nomination (prepareCandidate)
        for uid, n in list(self.nominated.items()):
            entry = self.nodes.assigned.get(uid)
            if n == node and entry is not None and entry[1].spec.priority < pod.spec.priority:
                other = entry[1]
                del self.nominated[uid]
                self.nodes.remove_pod(other)
                other.status.nominated_node_name = ""
                self._try(self.state.patch, other, "status")
        pod.status.nominated_node_name = node
        self._try(self.state.patch, pod, "status")
        # hold the room on the nominated node so that pods of equal or lower priority do not take it
        # (schedule_one lifts it for higher-priority pods, as addNominatedPods does)
        self.nodes.add_pod(pod, node)
        self.nominated[pod.meta.uid] = node
        self.rec.event("Pod", pod.meta.namespace, pod.meta.name, "Nominated",
                       f"Nominated node {node} after preempting {len(best.victims)} pod(s)", node, "Normal")
        return node, ""

    @staticmethod
    def _try(call: Any, *args: Any) -> bool:
        """A request whose refusal the scheduler only logs (preemption's deletes and nominations)."""
        try:
            call(*args)
        except StatusError:
            return False
        return True

    # ---- the two cycle paths
    def _want_for(self, n: int, percentage: int) -> int:
        key = (n, percentage)
        if key != self._want_key:
            self._want_key, self._want_n = key, num_feasible_nodes_to_find(n, percentage)
        return self._want_n

    def _select_reused(self, fw: Framework, entry: ShapeEntry, pod: Pod, dynamic: int = 0) -> int:
        """``findNodesThatFitPod`` plus ``selectHost`` over a shape's results (at least one node passes).

        The window is the one ``_window`` finds; when no node in it is rejected it is a plain slice
        from the rotating start, the common case, which costs a handful of numpy calls. ``dynamic``
        names (as bits over ``fw.scores``) the active scores that are not per-node static: they are
        computed and normalised over the window, as the full path does, and added to the kept sum.
        """
        cand = self.nodes.candidates()
        n = len(cand)
        start = self.next_start % n
        want = self._want_for(n, fw.percentage)
        eff = entry.eff
        pos: np.ndarray | None = None
        if want < n and start + want <= n:
            w = eff[start:start + want]
            if entry.n_rejected and w[w.argmin()] < 0:
                pos, _, _ = self._window(fw, eff >= 0)
        elif entry.n_rejected == 0:
            w = eff if start == 0 and want >= n else np.concatenate((eff[start:], eff[:(start + want - n) if want < n else start]))
        else:
            pos, _, _ = self._window(fw, eff >= 0)
        if pos is None:  # the window is every node from the start: account for it as _window does
            processed = want if want < n else n
            self._examined = processed
            self.next_start = (start + processed) % n
        else:
            w = eff[pos]
        if dynamic and len(w) > 1:
            if pos is not None:
                idx = cand[pos]
            elif start + len(w) <= n:
                idx = cand[start:start + len(w)]  # the plain window: a slice, no index arithmetic
            else:
                idx = cand[(start + np.arange(len(w))) % n]
            w = self._add_dynamic(fw, pod, dynamic, w, idx)
        top = int(w.argmax())
        ties = (w == w[top]).nonzero()[0]
        k = top if len(ties) == 1 else int(ties[self.rng.integers(len(ties))])
        return int(cand[pos[k] if pos is not None else (start + k) % n])

    def _add_dynamic(self, fw: Framework, pod: Pod, dynamic: int, kept: np.ndarray, idx: np.ndarray) -> np.ndarray:
        """``kept`` (the static sum over nodes ``idx``) plus the scores named by the bits ``dynamic``,
        each normalised over ``idx`` and weighted, as ``select_host`` sums them."""
        state = CycleState()
        total = kept
        for k, (plugin, weight) in enumerate(fw.scores):
            if dynamic >> k & 1:
                raw = plugin.score(state, pod, self.nodes, idx)
                norm = raw if getattr(plugin, "normalize_is_identity", False) else plugin.normalize(state, pod, raw)
                norm = np.asarray(norm, dtype=np.int64)
                total = total + (norm * weight if weight != 1 else norm)
        return total

    def _window(self, fw: Framework, mask: np.ndarray | None) -> tuple[np.ndarray, int, np.ndarray]:
        """Positions (into the candidates) of the feasible nodes to score, from the rotating start.

        Returns (feasible positions, number of nodes, positions of the rejected nodes examined).
        Upstream stops filtering once ``numFeasibleNodesToFind`` nodes passed and moves
        ``nextStartNodeIndex`` past the nodes it examined.
        """
        n = len(self.nodes.candidates())
        if n == 0:
            return _EMPTY, 0, _EMPTY
        start = self.next_start % n
        want = self._want_for(n, fw.percentage)
        if mask is None:
            order = np.arange(n)
            pos = np.concatenate((order[start:], order[:start]))[:want]
        else:
            # look at a slice just long enough first; most nodes usually pass
            span = min(n - start, 2 * want + 64)
            hits = mask[start:start + span].nonzero()[0] + start
            if len(hits) >= want:
                pos = hits[:want]
            else:
                allhits = mask.nonzero()[0]
                k = int(allhits.searchsorted(start))
                pos = allhits[k:k + want]
                if len(pos) < want and k > 0:
                    pos = np.concatenate((pos, allhits[: min(k, want - len(pos))]))
        if len(pos) >= want and want < n:
            processed = (int(pos[-1]) - start) % n + 1
        else:
            processed = n
        self._examined = processed
        self.next_start = (start + processed) % n
        if mask is None or len(pos):
            return pos, n, _EMPTY
        examined = (np.arange(n) - start) % n < processed
        return pos, n, np.flatnonzero(examined & ~mask)

    def find_feasible(self, fw: Framework, state: CycleState, pod: Pod) -> tuple[np.ndarray, int, np.ndarray]:
        """Feasible node indexes (at most numFeasibleNodesToFind, from the rotating start index).

        Returns (feasible, number of nodes, the rejected nodes that were examined). Each filter runs
        over all candidates as one vector operation; a node's verdict is the same as running the
        filters node by node.
        """
        nodes = self.nodes
        cand = nodes.candidates()
        mask: np.ndarray | None = None
        for plugin in fw.filters:
            if plugin.skip(pod, nodes):
                continue
            ok = plugin.filter(state, pod, nodes, cand)
            mask = ok if mask is None else mask & ok
        pos, n, failed = self._window(fw, mask)
        return cand[pos], n, cand[failed]

    def diagnose(self, fw: Framework, state: CycleState, pod: Pod, failed: np.ndarray) -> tuple[Counter[str], set[int]]:
        """Reason histogram over the rejected nodes (the first failing filter of each, as upstream),
        and the nodes rejected as UnschedulableAndUnresolvable (preemption cannot help there).

        Filters run over all remaining nodes at once; a node leaves the set at its first failure.
        """
        reasons: Counter[str] = Counter()
        unresolvable: set[int] = set()
        remaining = np.asarray(failed, dtype=np.int64)
        for plugin in fw.filters:
            if not len(remaining):
                break
            if plugin.skip(pod, self.nodes):
                continue
            ok = np.asarray(plugin.filter(state, pod, self.nodes, remaining), dtype=bool)
            bad = remaining[~ok]
            if len(bad):
                if hasattr(plugin, "reason_counts"):
                    reasons.update(plugin.reason_counts(pod, self.nodes, bad))
                else:
                    for i in bad:
                        code, why = plugin.reasons(state, pod, self.nodes, int(i))
                        reasons.update(why)
                        if code is Code.UNSCHEDULABLE_AND_UNRESOLVABLE:
                            unresolvable.add(int(i))
            remaining = remaining[ok]
        return reasons, unresolvable

    def _scores(self, fw: Framework, state: CycleState, pod: Pod, feasible: np.ndarray) -> list[tuple[str, int, np.ndarray, np.ndarray]]:
        """(plugin, weight, raw, normalised) for every score plugin not skipped."""
        out = []
        for plugin, weight in fw.scores:
            if plugin.skip_score(pod, self.nodes):
                continue
            raw = plugin.score(state, pod, self.nodes, feasible)
            norm = raw if getattr(plugin, "normalize_is_identity", False) else plugin.normalize(state, pod, raw)
            out.append((plugin.name, weight, np.asarray(raw), np.asarray(norm)))
        return out

    def select_host(self, fw: Framework, state: CycleState, pod: Pod, feasible: np.ndarray, explain: bool = False) -> int:
        """Weighted sum of normalised scores; a random node among the best (selectHost)."""
        total: np.ndarray | None = None
        for _, weight, _, norm in self._scores(fw, state, pod, feasible):
            s = norm * weight if weight != 1 else norm
            total = s if total is None else total + s
        if total is None:
            total = np.zeros(len(feasible), dtype=np.int64)
        best = np.flatnonzero(total == total.max())
        if len(best) == 1:
            return int(feasible[best[0]])
        return int(feasible[best[self.rng.integers(len(best))]])

    def _explain(self, fw: Framework, pod: Pod, feasible: np.ndarray, failed: np.ndarray, chosen: int | None) -> None:
        """Rows of the explanations frame: per node, each filter's verdict up to the first failure; per
        scored node, each score plugin's raw and normalised score and weight; the total and the choice."""
        t = self.env.now
        nodes = self.nodes
        base = {"t": t, "namespace": pod.meta.namespace, "pod": pod.meta.name, "profile": fw.name,
                "cycle": self.queue.scheduling_cycle}
        st = CycleState()
        for i in nodes.candidates():  # every node's verdicts, as kube-scheduler-simulator shows them
            one = np.array([i])
            for f in fw.filters:
                if f.skip(pod, nodes):
                    self.explanations.append({**base, "node": nodes.names[i], "stage": "filter", "plugin": f.name,
                                              "passed": True, "reason": "skipped (PreFilter)"})
                    continue
                ok = bool(f.filter(st, pod, nodes, one)[0])
                reason = "" if ok else "; ".join(f.reasons(st, pod, nodes, int(i))[1])
                self.explanations.append({**base, "node": nodes.names[i], "stage": "filter", "plugin": f.name, "passed": ok, "reason": reason})
                if not ok:
                    break
        if len(feasible) > 1:
            parts = self._scores(fw, CycleState(), pod, feasible)
            total = np.zeros(len(feasible), dtype=np.int64)
            for name, weight, raw, norm in parts:
                total = total + norm * weight
                for j, i in enumerate(feasible):
                    self.explanations.append({**base, "node": nodes.names[i], "stage": "score", "plugin": name,
                                              "raw_score": int(raw[j]), "score": int(norm[j]), "weight": weight,
                                              "weighted": int(norm[j]) * weight})
            for j, i in enumerate(feasible):
                self.explanations.append({**base, "node": nodes.names[i], "stage": "total", "plugin": "",
                                          "weighted": int(total[j]), "chosen": int(i) == chosen})
        for i in feasible if len(feasible) <= 1 else ():
            self.explanations.append({**base, "node": nodes.names[i], "stage": "total", "plugin": "", "chosen": int(i) == chosen})
