"""HorizontalPodAutoscaler controller: ``pkg/controller/podautoscaler/horizontal.go``.

Every ``--horizontal-pod-autoscaler-sync-period`` (15 s) each HPA reads its target's replicas and
the pods' metrics (metrics.k8s.io, from metrics-server), asks the replica calculator for a
proposal per metric and takes the largest, then normalizes it:

- without ``spec.behavior`` (``normalizeDesiredReplicas``): the highest recommendation of the last
  ``--horizontal-pod-autoscaler-downscale-stabilization`` (300 s) wins, and one step scales up to at
  most max(2 x current, 4);
- with ``spec.behavior`` (``normalizeDesiredReplicasWithBehaviors``): stabilization windows per
  direction, then the scaling policies over the scale events of their periods, selected by
  ``selectPolicy``.

The result is clamped to min/max replicas and written to the target's ``spec.replicas`` (the scale
subresource); the Deployment or StatefulSet controller does the rest.

Simplified: only Resource metrics (cpu, memory); no ContainerResource, Pods, Object or External
metrics; conditions are reported as events, not as status conditions.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from clustersim.api.objects import HorizontalPodAutoscaler, HPAMetric, HPAScalingRules, Pod
from clustersim.api.types import PodPhase
from clustersim.apiserver import DELETED
from clustersim.controllers.base import CONTROLLERS, Controller, Result
from clustersim.controllers.podautoscaler import replica_calculator as rc

__all__ = ["HorizontalPodAutoscalerController", "MetricError", "scale_down_limit", "scale_up_limit"]

SCALE_UP_LIMIT_FACTOR, SCALE_UP_LIMIT_MINIMUM = 2.0, 4.0  # horizontal.go scaleUpLimitFactor / scaleUpLimitMinimum


class MetricError(Exception):
    """A metric could not be computed (missing requests, no metrics)."""


@dataclass(slots=True)
class _ScaleEvent:
    change: int
    at: float
    outdated: bool = False


def _change_in_period(period_s: float, events: list[_ScaleEvent], now: float) -> int:
    """``getReplicasChangePerPeriod``."""
    cutoff = now - period_s
    return sum(e.change for e in events if e.at > cutoff)


def _policy_limit(current: int, ups: list[_ScaleEvent], downs: list[_ScaleEvent], rules: HPAScalingRules, now: float,
                  up: bool) -> int:
    """The replica bound the policies allow from the replica count at each period's start.

    ``Max`` picks the policy allowing the largest change (the highest bound up, the lowest down),
    ``Min`` the smallest, ``Disabled`` none.
    """
    if rules.select_policy == "Disabled":
        return current
    largest_change = rules.select_policy != "Min"
    pick = max if largest_change == up else min
    result: int | None = None
    for p in rules.policies:
        start = current - _change_in_period(p.period_s, ups, now) + _change_in_period(p.period_s, downs, now)
        if up:
            proposed = start + p.value if p.type == "Pods" else math.ceil(start * (1 + p.value / 100))
        else:
            proposed = start - p.value if p.type == "Pods" else int(start * (1 - p.value / 100))
        result = proposed if result is None else pick(result, proposed)
    return current if result is None else result


def scale_up_limit(current: int, ups: list[_ScaleEvent], downs: list[_ScaleEvent], rules: HPAScalingRules, now: float) -> int:
    """``calculateScaleUpLimitWithScalingRules``."""
    return _policy_limit(current, ups, downs, rules, now, up=True)


def scale_down_limit(current: int, ups: list[_ScaleEvent], downs: list[_ScaleEvent], rules: HPAScalingRules, now: float) -> int:
    """``calculateScaleDownLimitWithBehaviors``."""
    return _policy_limit(current, ups, downs, rules, now, up=False)


@CONTROLLERS.register("HorizontalPodAutoscaler")
class HorizontalPodAutoscalerController(Controller):
    """Scales Deployments and StatefulSets to their HPAs' metric targets."""

    name = "HorizontalPodAutoscaler"

    def setup(self) -> None:
        """Watch HPAs; index the pods of their targets."""
        self.recommendations: dict[str, list[tuple[int, float]]] = {}
        self.ups: dict[str, list[_ScaleEvent]] = {}
        self.downs: dict[str, list[_ScaleEvent]] = {}
        self.targets: dict[tuple[str, str], dict[str, Pod]] = {}
        self._watching_pods = False  # the pod watch starts with the first HPA: no cost to runs without one
        self.state.watch("HorizontalPodAutoscaler", self._on_hpa)

    def _on_hpa(self, etype: str, hpa: HorizontalPodAutoscaler) -> None:
        if etype == DELETED:
            for d in (self.recommendations, self.ups, self.downs):
                d.pop(hpa.key, None)
            return
        if not self._watching_pods:
            self._watching_pods = True
            self.state.watch("Pod", self._on_pod)
        target = (hpa.meta.namespace, hpa.target_name)
        if target not in self.targets:
            self.targets[target] = {p.key: p for p in self.state.list("Pod")
                                    if (p.meta.namespace, p.workload) == target}
        if hpa.key not in self.recommendations:
            self.recommendations[hpa.key] = []
            self.enqueue(hpa.key)

    def _on_pod(self, etype: str, pod: Pod) -> None:
        pods = self.targets.get((pod.meta.namespace, pod.workload))
        if pods is None:
            return
        if etype == DELETED:
            pods.pop(pod.key, None)
        else:
            pods[pod.key] = pod

    # ---- metrics
    def _observations(self, pods: list[Pod], resource: str, now: float) -> list[rc.PodObservation]:
        """What ``groupPods`` reads of each pod, with the CPU readiness rules of horizontal.go applied here."""
        metrics = self.state.pod_metrics
        out = []
        cpu = resource == "cpu"
        init_s, delay_s = self.cfg.hpa_cpu_initialization_period_s, self.cfg.hpa_initial_readiness_delay_s
        for p in pods:
            request = 0
            for c in p.spec.containers:
                r = c.requests.get(resource)
                if not r:
                    raise MetricError(f"missing request for {resource} in container {c.name} of Pod {p.meta.name}")
                request += r
            m = metrics.get(p.key)
            usage = None if m is None else (m.cpu_m if cpu else m.memory)
            st = p.status
            unready = False
            if cpu and m is not None:
                if st.start_s is None:
                    unready = True  # no Ready condition or start time yet
                else:
                    transition = st.ready_transition_s if st.ready_transition_s is not None else st.start_s
                    if st.start_s + init_s > now:
                        # within the initialization period: only a sample taken a window after readiness counts
                        unready = not st.ready or m.timestamp_s < transition + m.window_s
                    else:
                        # afterwards, ignore only pods that have never been ready
                        unready = not st.ready and st.start_s + delay_s > transition
            phase = "Running" if st.phase is PodPhase.RUNNING else str(st.phase)
            out.append(rc.PodObservation(p.key, phase, True, p.terminating, unready, request, usage))
        return out

    def _proposal(self, hpa: HorizontalPodAutoscaler, metric: HPAMetric, current: int, pods: list[Pod], now: float) -> tuple[int, int]:
        obs = self._observations(pods, metric.resource, now)
        try:
            if metric.utilization is not None:
                replicas, util, _ = rc.resource_replicas(current, metric.utilization, obs, self.cfg.hpa_tolerance,
                                                         cpu=metric.resource == "cpu")
                return replicas, util
            assert metric.average_value_m is not None
            levels = {o.name: o.usage_m for o in obs if o.usage_m is not None}
            return rc.metric_replicas(current, metric.average_value_m, obs, levels, self.cfg.hpa_tolerance,
                                      cpu=metric.resource == "cpu")
        except ValueError as e:
            raise MetricError(str(e)) from None

    # ---- normalization
    def _stabilize_legacy(self, key: str, desired: int, now: float) -> int:
        """``stabilizeRecommendation``: the highest recommendation of the downscale window."""
        recs = self.recommendations[key]
        cutoff = now - self.cfg.hpa_downscale_stabilization_s
        best, old = desired, None
        for i, (r, at) in enumerate(recs):
            if at < cutoff:
                old = i
            elif r > best:
                best = r
        if old is not None:
            recs[old] = (desired, now)
        else:
            recs.append((desired, now))
        return best

    def _stabilize(self, key: str, current: int, desired: int, up: HPAScalingRules, down: HPAScalingRules, now: float) -> int:
        """``stabilizeRecommendationWithBehaviors``."""
        recs = self.recommendations[key]
        up_cut, down_cut = now - up.stabilization_window_s, now - down.stabilization_window_s
        up_rec = down_rec = desired
        old = None
        for i, (r, at) in enumerate(recs):
            if at > up_cut:
                up_rec = min(r, up_rec)
            if at > down_cut:
                down_rec = max(r, down_rec)
            if at < up_cut and at < down_cut:
                old = i
        rec = max(current, up_rec)
        rec = min(rec, down_rec)
        if old is not None:
            recs[old] = (desired, now)
        else:
            recs.append((desired, now))
        return rec

    def _normalize(self, hpa: HorizontalPodAutoscaler, current: int, desired: int, now: float) -> int:
        key, lo, hi = hpa.key, hpa.min_replicas, hpa.max_replicas
        if hpa.scale_up is None or hpa.scale_down is None:
            desired = self._stabilize_legacy(key, desired, now)
            limit = int(max(SCALE_UP_LIMIT_FACTOR * current, SCALE_UP_LIMIT_MINIMUM))  # calculateScaleUpLimit
            return max(lo, min(desired, min(hi, limit)))
        up, down = hpa.scale_up, hpa.scale_down
        desired = self._stabilize(key, current, desired, up, down, now)
        ups, downs = self.ups.setdefault(key, []), self.downs.setdefault(key, [])
        if desired > current:  # convertDesiredReplicasWithBehaviorRate
            limit = max(scale_up_limit(current, ups, downs, up, now), current)
            return min(desired, min(hi, limit))
        if desired < current:
            limit = min(scale_down_limit(current, ups, downs, down, now), current)
            return max(desired, max(lo, limit))
        return desired

    def _store_scale_event(self, hpa: HorizontalPodAutoscaler, prev: int, new: int, now: float) -> None:
        """``storeScaleEvent``: reuse an outdated slot, as upstream does."""
        if hpa.scale_up is None or hpa.scale_down is None:
            return
        up = new > prev
        events = (self.ups if up else self.downs).setdefault(hpa.key, [])
        rules = hpa.scale_up if up else hpa.scale_down
        longest = max((p.period_s for p in rules.policies), default=0)
        for e in events:
            if e.at < now - longest:
                e.outdated = True
        event = _ScaleEvent(abs(new - prev), now)
        for i, e in enumerate(events):
            if e.outdated:
                events[i] = event
                return
        events.append(event)

    # ---- the loop
    def reconcile(self, key: str) -> Result | None:
        """``reconcileAutoscaler``."""
        hpa = self.state.get("HorizontalPodAutoscaler", key)
        if hpa is None:
            return None
        again = Result(self.cfg.hpa_sync_period_s)
        ns, now = hpa.meta.namespace, self.env.now
        target = self.state.get(hpa.target_kind, f"{ns}/{hpa.target_name}")
        if target is None:
            self.rec.event("HorizontalPodAutoscaler", ns, hpa.meta.name, "FailedGetScale",
                           f"{hpa.target_kind}.apps \"{hpa.target_name}\" not found", type_="Warning")
            return again
        current = target.spec.replicas
        reason = ""
        metric_values: list[int | None] = []
        if current == 0 and hpa.min_replicas != 0:
            desired = 0  # scaling is disabled while the target is scaled to zero
        elif current > hpa.max_replicas:
            desired, reason = hpa.max_replicas, "Current number of replicas above Spec.MaxReplicas"
        elif current < hpa.min_replicas:
            desired, reason = hpa.min_replicas, "Current number of replicas below Spec.MinReplicas"
        else:
            pods = list(self.targets.get((ns, hpa.target_name), {}).values())
            proposal, errors, best = 0, [], ""
            for metric in hpa.metrics:
                try:
                    replicas, value = self._proposal(hpa, metric, current, pods, now)
                except MetricError as e:
                    errors.append(str(e))
                    metric_values.append(None)
                    continue
                metric_values.append(value)
                if replicas > proposal:
                    proposal = replicas
                    kind = "resource utilization (percentage of request)" if metric.utilization is not None else "resource"
                    best = f"{metric.resource} {kind} above target"
            if errors and len(errors) == len(hpa.metrics):
                self.rec.event("HorizontalPodAutoscaler", ns, hpa.meta.name, "FailedComputeMetricsReplicas",
                               f"invalid metrics ({len(errors)} invalid out of {len(hpa.metrics)}), first error is: {errors[0]}",
                               type_="Warning")
                self._status(hpa, current, current, metric_values)
                return again
            desired = self._normalize(hpa, current, proposal, now)
            reason = best if desired > current else "All metrics below target"
        if desired != current:
            target.spec.replicas = desired
            target.meta.generation += 1
            self.state.update(target, "scale")
            self._store_scale_event(hpa, current, desired, now)
            hpa.last_scale_s = now
            self.rec.event("HorizontalPodAutoscaler", ns, hpa.meta.name, "SuccessfulRescale",
                           f"New size: {desired}; reason: {reason}")
        self._status(hpa, current, desired, metric_values)
        return again

    def _status(self, hpa: HorizontalPodAutoscaler, current: int, desired: int, values: list[int | None]) -> None:
        hpa.current_replicas, hpa.desired_replicas, hpa.current_metrics = current, desired, tuple(values)
        self.state.update(hpa, "status")
        ns, name = hpa.meta.namespace, hpa.meta.name
        self.rec.level("hpa_desired_replicas", desired, ns, name)
        if values and values[0] is not None:
            self.rec.level("hpa_metric_value", values[0], ns, name)
