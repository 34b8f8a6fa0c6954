"""The simulated cloud: VMs on the physical layer, node pools, and the cloud APIs the controllers call.

Launching a VM draws its provisioning delay from the pool's seeded stream; when it is over, the VM's
host joins ``infra`` and the simulation boots a kubelet on it (``boot``), which registers the Node as
any kubelet does. Terminating a VM retires its host at once (the kubelet dies with it) and the VM
stops existing ``instance_termination_s`` later. The cloud writes nothing to the Kubernetes API: the
cloud-controller-manager and the Cluster Autoscaler learn of it through ``InstancesV2`` and ``NodeGroup``.
Every state change is an ``Instance`` event in the events frame (the cloud's audit trail) and moves the
``cloud_instances`` level of its pool and zone (billed VMs, for the cost in the summary).
"""

from __future__ import annotations

from collections.abc import Callable

from clustersim.api.objects import LABEL_ZONE, Node
from clustersim.cloud.instance_types import InstanceType, catalogue
from clustersim.cloud.instances import BILLED, Instance, InstanceState, provider_id
from clustersim.cloud.load_balancers import CloudLoadBalancers
from clustersim.cloud.pools import POOL_LABEL, NodePool
from clustersim.cloud.pricing import CloudPricing
from clustersim.cloud.provider import InstanceMetadata, NodeGroup
from clustersim.cloud.provisioning import draw_provisioning_delay
from clustersim.config.cloud import CloudConfig, parse_nodes_flag
from clustersim.config.models import SimConfig
from clustersim.env import ClusterEnv
from clustersim.infra import Infrastructure
from clustersim.metrics.recorder import Recorder

__all__ = ["DEFAULT_REGION", "SimulatedCloud"]

DEFAULT_REGION = {"aws": "us-east-1", "gcp": "us-central1", "azure": "eastus"}
_REPLACES = {"aws": True, "gcp": True, "azure": False}
_ID = {"aws": "i-{:017x}", "gcp": "{:019d}", "azure": "vmss_{:d}"}


class SimulatedCloud:
    """Every VM, node pool and load balancer of the run's cloud (implements ``provider.CloudProvider``)."""

    def __init__(self, env: ClusterEnv, infra: Infrastructure, rec: Recorder, cfg: SimConfig) -> None:
        assert cfg.cloud is not None
        self.env, self.infra, self.rec, self.cc = env, infra, rec, cfg.cloud
        self.provider = self.cc.provider
        self.region = cfg.cluster.region or DEFAULT_REGION[self.provider]
        self.types: dict[str, InstanceType] = catalogue(self.cc)
        self.instances: dict[str, Instance] = {}
        self.by_node: dict[str, Instance] = {}
        self.pools: dict[str, NodePool] = {}
        self.boot: Callable[[Instance, Node], None] | None = None  # set by the simulation: starts the VM's kubelet
        self.replaces = _REPLACES[self.provider] if self.cc.group_replaces_terminated is None else self.cc.group_replaces_terminated
        self._notice: list[Callable[[Instance], None]] = []
        self._seq = 0
        self.generation = 0  # changes whenever a node group's VMs or target change (CloudProvider.generation)
        self._pricing = CloudPricing(self)
        self.load_balancers = CloudLoadBalancers(env, infra, self.cc.load_balancer)
        sizes = _node_group_sizes(self.cc)
        for p in self.cc.node_pools:
            itype = self.types[p.instance_type]
            price = p.price_per_hour if p.price_per_hour is not None else (
                itype.spot_price_per_hour if p.capacity_type == "spot" else itype.price_per_hour)
            lo, hi = sizes.get(p.name, (p.min_size, p.max_size))
            self.pools[p.name] = NodePool(self, p, itype, p.zones or cfg.cluster.zones, lo, hi, price)

    # ---- building the cluster at t=0
    def initial_nodes(self) -> list[Node]:
        """The pools' VMs at t=0: running, registered and initialized (the cluster was up before the run)."""
        out = []
        for pool in self.pools.values():
            counts = {z: 0 for z in pool.zones}  # as next_zone counts them: every VM so far is live
            last: dict[str, Instance] = {}
            for _ in range(pool.cfg.start_size):
                zone = min(pool.zones, key=lambda z: counts[z])
                counts[zone] += 1
                inst = self._new_instance(pool, zone)
                inst.state, inst.ready_s = InstanceState.RUNNING, 0.0
                pool.target += 1
                out.append(pool.build_node(inst.name, inst.zone, inst.provider_id, initialized=True))
                last[zone] = inst
            for inst in last.values():  # the billed VMs per zone at t=0, once
                self._level(inst)
        return out

    def adopt(self, node: Node) -> None:
        """A ``cluster`` node is a VM of this cloud outside any node group."""
        zone = node.meta.labels.get(LABEL_ZONE, "")
        self._seq += 1
        inst = Instance(_ID[self.provider].format(self._seq), node.meta.name, None, zone, "", "on-demand", 0.0,
                        provider_id(self.provider, zone, _ID[self.provider].format(self._seq), node.meta.name),
                        InstanceState.RUNNING, 0.0, 0.0)
        self.instances[inst.id] = inst
        self.by_node[inst.name] = inst

    def _new_instance(self, pool: NodePool, zone: str) -> Instance:
        self._seq += 1
        iid = _ID[self.provider].format(self._seq)
        name = pool.next_name()
        inst = Instance(iid, name, pool.cfg.name, zone, pool.itype.name, pool.cfg.capacity_type, pool.price,
                        provider_id(self.provider, zone, iid, name), InstanceState.PENDING, self.env.now)
        self.instances[iid] = inst
        self.by_node[name] = inst
        pool.members[iid] = inst
        self.generation += 1
        return inst

    # ---- node groups at work
    def reconcile(self, pool: NodePool) -> None:
        """Launch or remove VMs until the pool's live VMs match its target (newest unregistered first)."""
        live = pool.live()
        for _ in range(pool.target - len(live)):
            self._launch(pool)
        extra = len(live) - pool.target
        if extra > 0:
            victims = sorted((i for i in live if i.ready_s is None), key=lambda i: -i.launched_s)[:extra]
            for inst in victims:
                inst.deleting = True
                self.generation += 1
                self.terminate(inst, "target size decreased")

    def _launch(self, pool: NodePool) -> None:
        inst = self._new_instance(pool, pool.next_zone())
        self._event(inst, "InstanceLaunched", f"{inst.instance_type} {inst.capacity_type} in {inst.zone} for node group {pool.cfg.name}")
        self._level(inst)
        law = pool.cfg.provisioning_delay or self.cc.provisioning_delay
        delay = draw_provisioning_delay(law, self.env.rng(f"cloud/provisioning/{pool.cfg.name}"))
        token = inst.token
        self.env.timeout(delay).callbacks.append(lambda _e: self._boot(inst, token))

    def _boot(self, inst: Instance, token: int) -> None:
        if inst.token != token or inst.state is not InstanceState.PENDING:
            return
        if inst.zone in self.infra.zones_down:
            inst.boots = False  # launched into a dead zone: it never comes up (until deleted)
            self._event(inst, "InstanceLaunchStuck", f"zone {inst.zone} is down: the VM does not boot")
            return
        pool = self.pools[inst.pool or ""]
        inst.ready_s = self.env.now
        self._set(inst, InstanceState.RUNNING, "InstanceRunning", "booted")
        self.infra.add_host(inst.name, inst.zone)
        node = pool.build_node(inst.name, inst.zone, inst.provider_id, initialized=False)
        if self.boot is not None:
            self.boot(inst, node)

    def terminate(self, inst: Instance, reason: str) -> None:
        """The VM is deleted: its host goes dark now; the VM is gone ``instance_termination_s`` later."""
        if inst.state in (InstanceState.SHUTTING_DOWN, InstanceState.TERMINATED):
            return
        host = self.infra.hosts.get(inst.name)
        if host is not None:
            host.retire()
        self._set(inst, InstanceState.SHUTTING_DOWN, "InstanceShuttingDown", reason)
        token = inst.token
        self.env.timeout(self.cc.instance_termination_s).callbacks.append(lambda _e: self._gone(inst, token))
        pool = self.pools.get(inst.pool or "")
        if pool is None or inst.deleting:
            return
        if self.replaces:  # an ASG / MIG notices and launches a replacement for its target
            self.env.timeout(self.cc.group_replace_delay_s).callbacks.append(lambda _e: self.reconcile(pool))
        else:  # a scale set shrinks
            pool.target = max(0, pool.target - 1)
            self.generation += 1

    def _gone(self, inst: Instance, token: int) -> None:
        if inst.token != token:
            return
        self._set(inst, InstanceState.TERMINATED, "InstanceTerminated", "the VM no longer exists")
        inst.terminated_s = self.env.now
        pool = self.pools.get(inst.pool or "")
        if pool is not None:
            pool.members.pop(inst.id, None)
            self.generation += 1

    def stop(self, inst: Instance) -> bool:
        """Stop a running VM (its host powers off); reported stopped ``instance_stop_s`` later."""
        if inst.state is not InstanceState.RUNNING:
            return False
        host = self.infra.hosts.get(inst.name)
        if host is not None:
            host.power_off()
        self._set(inst, InstanceState.STOPPING, "InstanceStopping", "stop requested")
        token = inst.token
        self.env.timeout(self.cc.instance_stop_s).callbacks.append(
            lambda _e: self._set(inst, InstanceState.STOPPED, "InstanceStopped", "stopped") if inst.token == token else None)
        return True

    def start(self, inst: Instance) -> bool:
        """Start a stopped VM: pending, then running with its host powered ``instance_start_s`` later."""
        if inst.state not in (InstanceState.STOPPING, InstanceState.STOPPED):
            return False
        self._set(inst, InstanceState.PENDING, "InstanceStarting", "start requested")
        token = inst.token

        def up(_e: object) -> None:
            if inst.token == token:
                self._set(inst, InstanceState.RUNNING, "InstanceRunning", "started")
                host = self.infra.hosts.get(inst.name)
                if host is not None and inst.zone not in self.infra.zones_down:
                    host.power_on()
        self.env.timeout(self.cc.instance_start_s).callbacks.append(up)
        return True

    def reboot(self, inst: Instance, down_s: float) -> bool:
        """Reboot or reset: the host is off for ``down_s``; the VM stays running in the cloud API."""
        host = self.infra.hosts.get(inst.name)
        if inst.state is not InstanceState.RUNNING or host is None or not host.powered:
            return False
        host.power_off()
        self._event(inst, "InstanceRebooting", f"down for {down_s:g}s")
        token = inst.token
        self.env.timeout(down_s).callbacks.append(
            lambda _e: host.power_on() if inst.token == token and inst.zone not in self.infra.zones_down else None)
        return True

    def interrupt(self, inst: Instance, notice_s: float | None = None) -> bool:
        """A spot interruption: the notice now, the termination after the provider's notice period."""
        if inst.state is not InstanceState.RUNNING or inst.notice_s is not None:
            return False
        inst.notice_s = self.env.now
        notice = self.cc.notice_s if notice_s is None else notice_s
        self._event(inst, "SpotInterruptionNotice", f"the VM will be reclaimed in {notice:g}s")
        for handler in self._notice:
            handler(inst)
        self.env.timeout(notice).callbacks.append(lambda _e: self.terminate(inst, "SpotInterruption"))
        return True

    def on_notice(self, handler: Callable[[Instance], None]) -> None:
        """Be told of interruption notices (instance metadata, as a termination handler polls it)."""
        self._notice.append(handler)

    # ---- InstancesV2
    def instance_for(self, node: Node) -> Instance | None:
        """The Node's VM, by providerID or by name."""
        return self.by_node.get(node.meta.name)

    def instance_exists(self, node: Node) -> bool:
        """InstanceExists: the VM is not terminated (a Node the cloud never knew does not exist)."""
        inst = self.instance_for(node)
        return inst is not None and inst.exists

    def instance_shutdown(self, node: Node) -> bool:
        """InstanceShutdown: the VM is stopping or stopped."""
        inst = self.instance_for(node)
        return inst is not None and inst.shutdown

    def instance_metadata(self, node: Node) -> InstanceMetadata:
        """InstanceMetadata of the Node's VM."""
        inst = self.instance_for(node)
        if inst is None:
            return InstanceMetadata("", "", "", self.region)
        return InstanceMetadata(inst.provider_id, inst.instance_type, inst.zone, self.region)

    # ---- cloudprovider.CloudProvider
    def node_groups(self) -> list[NodeGroup]:
        """Every pool, in configuration order."""
        return list(self.pools.values())

    def node_group_for_node(self, node: Node) -> NodeGroup | None:
        """The pool of the Node's VM (template nodes by their pool label)."""
        inst = self.instance_for(node)
        if inst is not None:
            return self.pools.get(inst.pool or "")
        return self.pools.get(node.meta.labels.get(POOL_LABEL, ""))

    def pricing(self) -> CloudPricing:
        """Node and pod prices."""
        return self._pricing

    # ---- bookkeeping
    def _set(self, inst: Instance, state: InstanceState, reason: str, message: str) -> None:
        inst.state = state
        inst.token += 1
        self.generation += 1
        self._event(inst, reason, message)
        self._level(inst)

    def _event(self, inst: Instance, reason: str, message: str) -> None:
        self.rec.event("Instance", "", inst.name, reason, f"{inst.id}: {message}", inst.name)

    def _level(self, inst: Instance) -> None:
        pool = self.pools.get(inst.pool or "")
        if pool is None:
            return
        n = sum(1 for i in pool.members.values() if i.zone == inst.zone and i.state in BILLED)
        self.rec.level("cloud_instances", n, name=pool.cfg.name, zone=inst.zone)


def _node_group_sizes(cc: CloudConfig) -> dict[str, tuple[int, int]]:
    """The autoscaler's ``--nodes MIN:MAX:NAME`` set the provider's node group bounds."""
    out: dict[str, tuple[int, int]] = {}
    if cc.autoscaler is not None:
        for spec in cc.autoscaler.nodes:
            lo, hi, name = parse_nodes_flag(spec)
            out[name] = (lo, hi)
    return out

