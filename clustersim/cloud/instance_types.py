"""Machine types and what a node of each type can allocate.

The built-in catalogue holds a few common types per provider with their published on-demand list prices
(us-east-1, us-central1, eastus; mid-2024, rounded; set your own in ``cloud.instance_types``) and max pods
(EKS: the ENI-based limit of the AMI's eni-max-pods.txt; GKE: 110; AKS: 250 with Azure CNI Overlay).

Allocatable = capacity - kube-reserved - the 100Mi hard-eviction threshold, as the providers document it:
- CPU, all three: 6 % of the first core, 1 % of the second, 0.5 % of the next two, 0.25 % above four
  (GKE "Node allocatable resources"; the EKS AMI bootstrap and AKS use the same tiers);
- memory, GKE: 25 % of the first 4 GiB, 20 % of the next 4, 10 % of the next 8, 6 % of the next 112,
  2 % above 128 GiB; EKS (AL2/AL2023 bootstrap): 255 MiB + 11 MiB per max pod; AKS (1.29+):
  20 MiB per max pod + 50 MiB.
"""

from __future__ import annotations

from dataclasses import dataclass

from clustersim.api.quantity import cpu_millis, to_int_value
from clustersim.config.cloud import CloudConfig, InstanceTypeConfig

__all__ = ["BUILTIN", "InstanceType", "allocatable", "catalogue"]

MIB = 1 << 20
GIB = 1 << 30
EVICTION_HARD = 100 * MIB


def _t(name: str, cpu: int, mem_gib: int, max_pods: int, price: float, gpu: int = 0) -> InstanceTypeConfig:
    return InstanceTypeConfig(name=name, cpu=cpu, memory=f"{mem_gib}Gi", max_pods=max_pods, price_per_hour=price, gpu=gpu)


BUILTIN: dict[str, tuple[InstanceTypeConfig, ...]] = {
    "aws": (
        _t("m5.large", 2, 8, 29, 0.096), _t("m5.xlarge", 4, 16, 58, 0.192), _t("m5.2xlarge", 8, 32, 58, 0.384),
        _t("m5.4xlarge", 16, 64, 234, 0.768), _t("m5.8xlarge", 32, 128, 234, 1.536), _t("c5.xlarge", 4, 8, 58, 0.17),
        _t("c5.2xlarge", 8, 16, 58, 0.34), _t("r5.xlarge", 4, 32, 58, 0.252), _t("r5.2xlarge", 8, 64, 58, 0.504),
        _t("g4dn.xlarge", 4, 16, 29, 0.526, gpu=1),
    ),
    "gcp": (
        _t("e2-standard-4", 4, 16, 110, 0.134), _t("e2-standard-8", 8, 32, 110, 0.268), _t("n2-standard-4", 4, 16, 110, 0.194),
        _t("n2-standard-8", 8, 32, 110, 0.388), _t("n2-standard-16", 16, 64, 110, 0.777), _t("n2-standard-32", 32, 128, 110, 1.554),
        _t("n2-highmem-4", 4, 32, 110, 0.262),
    ),
    "azure": (
        _t("Standard_D4s_v5", 4, 16, 250, 0.192), _t("Standard_D8s_v5", 8, 32, 250, 0.384), _t("Standard_D8ds_v4", 8, 32, 250, 0.452),
        _t("Standard_D8ds_v5", 8, 32, 250, 0.452), _t("Standard_D16s_v5", 16, 64, 250, 0.768), _t("Standard_E4s_v5", 4, 32, 250, 0.252),
    ),
}


@dataclass(frozen=True, slots=True)
class InstanceType:
    """A resolved machine type: capacity and allocatable in the simulator's units."""

    name: str
    cpu_m: int
    memory: int
    max_pods: int
    gpu: int
    alloc_cpu_m: int
    alloc_memory: int
    price_per_hour: float
    spot_price_per_hour: float
    labels: tuple[tuple[str, str], ...]


def _reserved_cpu_m(cpu_m: int) -> int:
    tiers = ((1000, 0.06), (1000, 0.01), (2000, 0.005))
    left, out = cpu_m, 0.0
    for size, frac in tiers:
        take = min(left, size)
        out += take * frac
        left -= take
    out += left * 0.0025
    return int(round(out))


def _reserved_memory_gke(mem: int) -> int:
    tiers = ((4 * GIB, 0.25), (4 * GIB, 0.20), (8 * GIB, 0.10), (112 * GIB, 0.06))
    left, out = mem, 0.0
    for size, frac in tiers:
        take = min(left, size)
        out += take * frac
        left -= take
    return int(out + left * 0.02)


def allocatable(provider: str, cpu_m: int, memory: int, max_pods: int) -> tuple[int, int]:
    """(cpu millicores, memory bytes) a node can allocate, per the provider's documented reservations."""
    if provider == "gcp":
        mem_reserved = _reserved_memory_gke(memory)
    elif provider == "aws":
        mem_reserved = (255 + 11 * max_pods) * MIB
    else:
        mem_reserved = (50 + 20 * max_pods) * MIB
    return cpu_m - _reserved_cpu_m(cpu_m), max(0, memory - mem_reserved - EVICTION_HARD)


def catalogue(cloud: CloudConfig) -> dict[str, InstanceType]:
    """Every instance type of ``cloud``: the provider's built-ins, then the config's (which win by name)."""
    out: dict[str, InstanceType] = {}
    for t in (*BUILTIN[cloud.provider], *cloud.instance_types):
        cpu_m, mem = cpu_millis(t.cpu), to_int_value(t.memory)
        a_cpu, a_mem = allocatable(cloud.provider, cpu_m, mem, t.max_pods)
        spot = t.spot_price_per_hour if t.spot_price_per_hour is not None else t.price_per_hour * cloud.spot_price_ratio
        out[t.name] = InstanceType(t.name, cpu_m, mem, t.max_pods, t.gpu, a_cpu, a_mem, t.price_per_hour, spot, tuple(sorted(t.labels.items())))
    return out
