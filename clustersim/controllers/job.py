"""The Job controller (pkg/controller/job): run pods until ``completions`` succeed.

It keeps ``min(parallelism, completions - succeeded)`` pods active; a failed pod (restartPolicy
Never) counts against ``backoffLimit`` and is replaced after the pod failure back-off (10 s doubling,
capped at 6 minutes, ``DefaultJobPodFailureBackOff``/``MaxJobPodFailureBackOff``); with OnFailure the
container restarts count instead. ``podFailurePolicy``: an exit code in ``fail_exit_codes`` fails the
Job at once (FailJob), one in ``ignore_exit_codes`` does not count (Ignore). More failures than
``backoffLimit`` (BackoffLimitExceeded) or ``activeDeadlineSeconds`` (DeadlineExceeded) fail the Job
and delete its active pods. Without ``completions`` (a work queue) the Job completes when a pod has
succeeded and none is active.
"""

from __future__ import annotations

from clustersim.api.objects import Job, ObjectMeta, OwnerRef, Pod
from clustersim.api.types import PodPhase
from clustersim.controllers.base import CONTROLLERS, Controller, Result

__all__ = ["JobController"]

BACKOFF_S, MAX_BACKOFF_S = 10.0, 360.0


@CONTROLLERS.register("Job")
class JobController(Controller):
    """Drives each Job to completion or failure."""

    name = "Job"

    def setup(self) -> None:
        """Reconcile a Job on its own changes and on changes of its pods."""
        self.state.watch("Job", lambda _e, j: self.enqueue(j.key))
        self.state.watch("Pod", self._on_pod, owner_kind="Job")
        self._seq: dict[str, int] = {}
        self._next_create: dict[str, float] = {}
        self._failures_seen: dict[str, int] = {}

    def _on_pod(self, _etype: str, pod: Pod) -> None:
        owner = pod.meta.owner
        if owner is not None and owner.kind == "Job":
            self.enqueue(f"{pod.meta.namespace}/{owner.name}")

    def _pods(self, job: Job) -> list[Pod]:
        return [p for p in self.state.list("Pod") if p.meta.namespace == job.meta.namespace and p.meta.owner is not None
                and p.meta.owner.kind == "Job" and p.meta.owner.name == job.meta.name]

    def _exit_code(self, pod: Pod) -> int | None:
        for c in pod.spec.containers:
            return c.behavior.exit_code if c.behavior.crash_after_s is not None else 0
        return None

    def reconcile(self, key: str) -> Result | None:
        """Count, decide, create or stop pods, write the status."""
        job = self.state.get("Job", key)
        if job is None or job.status.condition:
            return None
        now, spec, st = self.env.now, job.spec, job.status
        if st.start_s is None:
            st.start_s = now
        pods = self._pods(job)
        active = [p for p in pods if not p.terminal and not p.terminating]
        succeeded = sum(1 for p in pods if p.status.phase is PodPhase.SUCCEEDED)
        failed_pods = [p for p in pods if p.status.phase is PodPhase.FAILED]
        failed = 0
        for p in failed_pods:
            code = self._exit_code(p)
            if code in spec.fail_exit_codes:
                return self._finish(job, active, "Failed", "PodFailurePolicy", succeeded, len(failed_pods))
            if code not in spec.ignore_exit_codes:
                failed += 1
        failed += sum(p.status.restart_count for p in active if p.spec.restart_policy.value == "OnFailure")
        st.active, st.succeeded, st.failed = len(active), succeeded, failed
        if failed > spec.backoff_limit:
            return self._finish(job, active, "Failed", "BackoffLimitExceeded", succeeded, failed)
        if spec.active_deadline_s is not None and now - st.start_s >= spec.active_deadline_s:
            return self._finish(job, active, "Failed", "DeadlineExceeded", succeeded, failed)
        done = succeeded >= spec.completions if spec.completions is not None else (succeeded > 0 and not active)
        if done:
            return self._finish(job, active, "Complete", "", succeeded, failed)
        want = spec.parallelism if spec.completions is None else min(spec.parallelism, spec.completions - succeeded)
        if failed > self._failures_seen.get(key, 0):  # a new failure: replacements wait for the back-off from now
            self._failures_seen[key] = failed
            self._next_create[key] = now + min(BACKOFF_S * 2 ** (failed - 1), MAX_BACKOFF_S)
        result: Result | None = None
        if len(active) < want:
            ready_at = self._next_create.get(key, 0.0)
            if now < ready_at:
                result = Result(ready_at - now)
            else:
                for _ in range(want - len(active)):
                    self._create(job)
        if spec.active_deadline_s is not None:
            left = st.start_s + spec.active_deadline_s - now
            result = Result(left) if result is None or (result.requeue_after_s or 0) > left else result
        self.state.update(job, "status")
        return result

    def _create(self, job: Job) -> None:
        ns = job.meta.namespace
        k = self._seq.get(job.key, 0)
        self._seq[job.key] = k + 1
        name = f"{job.meta.name}-{k:05d}"
        pod = Pod(ObjectMeta(name, ns, dict(job.spec.template.labels), owner=OwnerRef("Job", job.meta.name, job.meta.uid)),
                  job.spec.template.spec, workload=job.meta.name)
        self.state.create(pod)
        self.rec.pod(pod.meta.uid, ns, name, job.meta.name)
        self.rec.event("Job", ns, job.meta.name, "SuccessfulCreate", f"Created pod: {name}")

    def _finish(self, job: Job, active: list[Pod], condition: str, reason: str, succeeded: int, failed: int) -> Result | None:
        st = job.status
        st.condition, st.reason, st.succeeded, st.failed, st.completion_s = condition, reason, succeeded, failed, self.env.now
        for p in active:
            self.state.delete("Pod", p.key)
        st.active = 0
        self.state.update(job, "status")
        ns = job.meta.namespace
        if condition == "Complete":
            self.rec.event("Job", ns, job.meta.name, "Completed", "Job completed")
        else:
            self.rec.event("Job", ns, job.meta.name, reason, f"Job has failed: {reason}", "", "Warning")
        self.rec.level("job_finished", 1.0 if condition == "Complete" else -1.0, ns, job.meta.name)
        return None
