"""The CronJob controller (pkg/controller/cronjob, the v2 controller): a Job at each scheduled time.

At each time of the schedule (t=0 is ``clock_start``): with ``concurrencyPolicy`` Forbid a run is
skipped while a previous Job is active, Replace deletes the active ones first, Allow runs them side by
side. A start found late (the controller-manager was down) uses the most recent missed time only; with
more than 100 missed times it warns (TooManyMissedTimes), and past ``startingDeadlineSeconds`` the run is
missed (a MissSchedule warning). Jobs are named ``<cronjob>-<minutes since the epoch of the time>``;
finished Jobs beyond the history limits (3 successful, 1 failed) are deleted with their pods.
"""

from __future__ import annotations

import datetime as dt

from clustersim.api.objects import CronJob, Job, JobSpec, ObjectMeta, OwnerRef
from clustersim.controllers.base import CONTROLLERS, Controller, Result
from clustersim.util.cron import parse_schedule

__all__ = ["CronJobController"]

MAX_MISSED = 100


@CONTROLLERS.register("CronJob")
class CronJobController(Controller):
    """Starts each CronJob's Jobs on schedule."""

    name = "CronJob"

    def setup(self) -> None:
        """Reconcile a CronJob on its changes and on changes of its Jobs."""
        self.state.watch("CronJob", lambda _e, c: self.enqueue(c.key))
        self.state.watch("Job", self._on_job, owner_kind="CronJob")

    def _on_job(self, _etype: str, job: Job) -> None:
        owner = job.meta.owner
        if owner is not None and owner.kind == "CronJob":
            self.enqueue(f"{job.meta.namespace}/{owner.name}")

    def _clock(self) -> dt.datetime:
        return self.clock_start + dt.timedelta(seconds=self.env.now)

    @property
    def clock_start(self) -> dt.datetime:
        """Wall-clock time at t=0 (set by the simulation from the config)."""
        return getattr(self, "_clock_start", dt.datetime(2026, 1, 1, tzinfo=dt.UTC))

    def reconcile(self, key: str) -> Result | None:
        """Start what is due, enforce the policies and history limits, requeue at the next time."""
        cj = self.state.get("CronJob", key)
        if cj is None:
            return None
        sched = parse_schedule(cj.schedule)
        ns = cj.meta.namespace
        jobs = [j for j in self.state.list("Job") if j.meta.namespace == ns and j.meta.owner is not None
                and j.meta.owner.kind == "CronJob" and j.meta.owner.name == cj.meta.name]
        self._history(cj, jobs)
        active = [j for j in jobs if not j.status.condition]
        now = self._clock()
        last = self.clock_start + dt.timedelta(seconds=cj.last_schedule_s) if cj.last_schedule_s is not None else self.clock_start
        due, missed = None, 0
        t = sched.next_after(last - dt.timedelta(seconds=1)) if cj.last_schedule_s is None else sched.next_after(last)
        while t <= now:
            due, missed = t, missed + 1
            if missed > MAX_MISSED + 1:
                t = now
                break
            t = sched.next_after(t)
        if due is not None and not cj.suspend:
            if missed > MAX_MISSED:
                self.rec.event("CronJob", ns, cj.meta.name, "TooManyMissedTimes",
                               "too many missed start times, set or decrease .spec.startingDeadlineSeconds or check clock skew", "", "Warning")
            late = (now - due).total_seconds()
            cj.last_schedule_s = (due - self.clock_start).total_seconds()
            if cj.starting_deadline_s is not None and late > cj.starting_deadline_s:
                self.rec.event("CronJob", ns, cj.meta.name, "MissSchedule",
                               f"Missed scheduled time to start a job: {due.isoformat()}", "", "Warning")
            elif active and cj.concurrency_policy == "Forbid":
                self.rec.event("CronJob", ns, cj.meta.name, "JobAlreadyActive", "Not starting job because prior execution is running "
                               "and concurrency policy is Forbid", "", "Normal")
            else:
                if active and cj.concurrency_policy == "Replace":
                    for j in active:
                        self._delete_job(j)
                self._start(cj, due)
            self.state.update(cj, "status")
        nxt = sched.next_after(now)
        return Result(max((nxt - now).total_seconds(), 1e-6))

    def _start(self, cj: CronJob, due: dt.datetime) -> None:
        ns = cj.meta.namespace
        name = f"{cj.meta.name}-{int(due.timestamp() // 60)}"
        if self.state.get("Job", f"{ns}/{name}") is not None:
            return
        s = cj.job
        job = Job(ObjectMeta(name, ns, dict(s.template.labels), owner=OwnerRef("CronJob", cj.meta.name, cj.meta.uid)),
                  JobSpec(s.template, s.completions, s.parallelism, s.backoff_limit, s.active_deadline_s, s.fail_exit_codes,
                          s.ignore_exit_codes))
        self.state.create(job)
        self.rec.event("CronJob", ns, cj.meta.name, "SuccessfulCreate", f"Created job {name}")

    def _delete_job(self, job: Job) -> None:
        for p in list(self.state.list("Pod")):
            owner = p.meta.owner
            if owner is not None and owner.kind == "Job" and owner.name == job.meta.name and p.meta.namespace == job.meta.namespace:
                self.state.delete("Pod", p.key)
        self.state.delete("Job", job.key)

    def _history(self, cj: CronJob, jobs: list[Job]) -> None:
        for condition, limit in (("Complete", cj.successful_jobs_history_limit), ("Failed", cj.failed_jobs_history_limit)):
            done = sorted((j for j in jobs if j.status.condition == condition), key=lambda j: j.status.completion_s or 0.0)
            for j in done[: max(0, len(done) - limit)]:
                self._delete_job(j)
