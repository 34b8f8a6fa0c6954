"""TraceReplay: pods arrive and leave as a trace says (the clustersim schema, or Alibaba's openb).

Each trace pod becomes a bare pod created at ``(created_s - start_s) * time_scale`` and deleted at
``(deleted_s - start_s) * time_scale``, with its cpu, memory and GPU-milli requests and, when the trace
restricts GPU models, a required node affinity on the node's GPU model. Pods that do not fit wait in
the scheduling queue as in a real cluster; the pods frame gives their scheduling delay.
"""

from __future__ import annotations

import math
from collections.abc import Generator
from pathlib import Path
from typing import Any, Literal

from pydantic import Field

from clustersim.actors import ActorArgs, ActorContext
from clustersim.api.objects import ObjectMeta, Pod
from clustersim.api.types import Container, NodeAffinity, NodeSelectorRequirement, NodeSelectorTerm, PodSpec, ResourceList
from clustersim.config.bounds import MAX_PODS
from clustersim.config.models import SimConfig
from clustersim.workload.base import WORKLOADS

__all__ = ["TraceReplay"]

GPU_RESOURCE = "clustersim.io/gpu-milli"
GPU_MODEL_LABEL = "clustersim.io/gpu-model"


class TraceReplayArgs(ActorArgs):
    """Which trace, which part of it, how fast."""

    path: str = Field(description="Pods file (CSV or Parquet), relative to the config.")
    format: Literal["clustersim", "openb"] = "clustersim"
    time_scale: float = Field(1.0, gt=0, le=1e6, description="Simulated seconds per trace second (0.001 replays 1,000 trace seconds per second).")
    start_s: float = Field(0.0, ge=0, description="Trace time that maps to t=0.")
    end_s: float | None = Field(None, gt=0, description="Ignore arrivals after this trace time.")
    max_pods: int | None = Field(None, ge=1, le=MAX_PODS, description="Replay at most this many pods.")
    image: str = Field("trace/task:1", description="Image of every trace pod.")
    keep_pods: bool = Field(False, description="Ignore deletion times: pods stay until the end (a packing study, as the openb paper replays).")

    def check(self, cfg: SimConfig) -> str | None:
        """The file exists."""
        if not Path(self.path).is_file():
            return f"path: no such file {self.path!r}"
        return None


@WORKLOADS.register("TraceReplay")
class TraceReplay:
    """Create and delete pods on the trace's schedule."""

    Args = TraceReplayArgs

    def __init__(self, index: int, args: TraceReplayArgs, ctx: ActorContext) -> None:
        self.index, self.args, self.ctx = index, args, ctx

    def start(self) -> None:
        """Read the trace and start the replay."""
        from clustersim.traces.schema import read_pods

        a = self.args
        df = read_pods(a.path, a.format)
        df = df[df["created_s"] >= a.start_s]
        if a.end_s is not None:
            df = df[df["created_s"] <= a.end_s]
        if a.max_pods is not None:
            df = df.head(a.max_pods)
        self.rows = list(df[["name", "created_s", "deleted_s", "cpu_m", "memory_mib", "gpu_milli", "gpu_models", "namespace",
                             "priority"]].itertuples(index=False, name=None))
        self.ctx.env.process(self.replay())

    def _spec(self, cpu: int, mem_mib: int, gpu: int, models: str, priority: int) -> PodSpec:
        scalar = ((GPU_RESOURCE, int(gpu)),) if gpu else ()
        req = ResourceList(int(cpu), int(mem_mib) * 2**20, None, scalar)
        affinity = None
        if gpu and models:
            term = NodeSelectorTerm((NodeSelectorRequirement(GPU_MODEL_LABEL, "In", tuple(m for m in models.split("|") if m)),))
            affinity = NodeAffinity((term,))
        return PodSpec((Container("task", self.args.image, req),), priority=int(priority), affinity=affinity,
                       termination_grace_period_s=0.0)

    def replay(self) -> Generator[Any, Any, None]:
        """Arrivals in order; each pod's deletion is scheduled when it arrives."""
        env, state, rec, a = self.ctx.env, self.ctx.state, self.ctx.rec, self.args
        for name, created, deleted, cpu, mem, gpu, models, ns, prio in self.rows:
            at = (created - a.start_s) * a.time_scale
            if at > env.now:
                yield env.timeout(at - env.now)
            pod = Pod(ObjectMeta(str(name).lower(), str(ns)), self._spec(cpu, mem, gpu, str(models or ""), prio), workload="trace")
            state.create(pod)
            rec.pod(pod.meta.uid, pod.meta.namespace, pod.meta.name, "trace")
            if not a.keep_pods and deleted is not None and not (isinstance(deleted, float) and math.isnan(deleted)):
                end = max((deleted - a.start_s) * a.time_scale - env.now, 0.0)
                env.timeout(end).callbacks.append(lambda _e, p=pod: self._end(p))  # type: ignore[misc]

    def _end(self, pod: Pod) -> None:
        state = self.ctx.state
        if state.get("Pod", pod.key) is pod and not pod.terminating:
            state.delete("Pod", pod.key)
