"""The EndpointSlice controller (pkg/controller/endpointslice): a Service's endpoints from its pods.

Every pod matching the Service's selector that is bound to a node, has started (has an IP) and is not
terminal is an endpoint (``ShouldPodBeInEndpoints`` with terminating pods included), with the
conditions of ``discovery/v1`` (``podToEndpoint``): ``serving`` (pod Ready), ``terminating``, and
``ready`` (publishNotReadyAddresses, or serving and not terminating). Services without a selector are
left alone: their EndpointSlices are written by hand (upstream's controller skips them too). The endpoints are written as one object per Service;
``slices`` is how many EndpointSlices of ``maxEndpointsPerSlice`` (100) they fill. With
``--endpointslice-updates-batch-period`` > 0, pod changes inside the window are written together.
"""

from __future__ import annotations

from clustersim.api.errors import StatusError
from clustersim.api.objects import Endpoint, EndpointSlice, ObjectMeta, Pod, Service
from clustersim.apiserver import DELETED
from clustersim.controllers.base import CONTROLLERS, Controller, Result
from clustersim.controllers.endpointslice_util import endpoint_conditions, should_pod_be_in_endpoints, slice_count

__all__ = ["EndpointSliceController", "endpoints_for"]


def endpoints_for(svc: Service, pods: list[Pod]) -> tuple[Endpoint, ...]:
    """The endpoints of ``svc`` among ``pods`` (sorted by pod key)."""
    sel = svc.selector
    out = []
    publish = svc.publish_not_ready_addresses
    for p in pods:
        if p.meta.namespace != svc.meta.namespace or not p.node_name:
            continue
        if not should_pod_be_in_endpoints(p.status.phase, p.status.start_s is not None, p.terminating):
            continue
        if not all(p.meta.labels.get(k) == v for k, v in sel):
            continue
        out.append(Endpoint(p.key, p.node_name, *endpoint_conditions(p.status.ready, p.terminating, publish)))
    return tuple(sorted(out, key=lambda e: e.pod))


@CONTROLLERS.register("EndpointSlice")
class EndpointSliceController(Controller):
    """Keeps each Service's EndpointSlice equal to its selected pods."""

    name = "EndpointSlice"

    def setup(self) -> None:
        """Reconcile a Service when it or a pod it selects changes."""
        self.state.watch("Service", self._on_service)
        self.state.watch("Pod", self._on_pod, while_any="Service")

    def _on_service(self, etype: str, svc: Service) -> None:
        if etype == DELETED:
            key = f"{svc.meta.namespace}/{svc.meta.name}"
            if self.state.get("EndpointSlice", key) is not None:
                try:
                    self.state.delete("EndpointSlice", key)
                except StatusError:
                    pass  # refused: the orphaned slice stays (upstream's garbage collector would remove it)
            return
        self.enqueue(svc.key)

    def _on_pod(self, _etype: str, pod: Pod) -> None:
        batch = self.cfg.endpointslice_updates_batch_period_s
        for svc in self.state.list("Service"):
            if svc.selector and svc.meta.namespace == pod.meta.namespace and all(pod.meta.labels.get(k) == v for k, v in svc.selector):
                if batch > 0:
                    self.enqueue_after(svc.key, batch)
                else:
                    self.enqueue(svc.key)

    def reconcile(self, key: str) -> Result | None:
        """Compute the endpoints and write them if they changed."""
        svc = self.state.get("Service", key)
        if svc is None or not svc.selector:
            return None
        eps = endpoints_for(svc, [p for p in self.state.list("Pod") if p.meta.namespace == svc.meta.namespace])
        slices = slice_count(len(eps), self.cfg.endpointslice_max_endpoints_per_slice)
        cur = self.state.get("EndpointSlice", key)
        if cur is None:
            self.state.create(EndpointSlice(ObjectMeta(svc.meta.name, svc.meta.namespace), key, eps, slices))
        elif cur.endpoints != eps:
            cur.endpoints, cur.slices = eps, slices
            self.state.update(cur)
        else:
            return None
        ready = sum(e.ready for e in eps)
        self.rec.level("service_ready_endpoints", ready, svc.meta.namespace, svc.meta.name)
        return None
