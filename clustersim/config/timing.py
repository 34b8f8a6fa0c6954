"""Timing models fitted to published measurements (``../shared/calibration/README.md``; docs/fidelity.md).

Each default below is a fitted value; the fit is ``benchmarks/fit_timing.py`` and how close the
simulator comes to every calibration row is ``docs/fidelity.md``. All are simulator parameters: the
Kubernetes settings they interact with (``serializeImagePulls``, ``--iptables-min-sync-period``, ...)
are in the component configs.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import ConfigDict, Field, model_validator

from clustersim.config.bounds import Bounded

__all__ = ["ImagePullTimingConfig", "KubeProxyTimingConfig", "PodStartupConfig"]

NonNeg = Annotated[float, Field(ge=0, le=1e9)]
Pos = Annotated[float, Field(gt=0, le=1e12)]


class _Strict(Bounded):
    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)


class PodStartupConfig(_Strict):
    """Sandbox and container start, from the kubelet's sync to the running status reaching the API.

    A lognormal draw per start whose median and 99th percentile grow linearly with the pods already
    on the node (fitted to row S1, the 2015 density measurements, scaled 0.85 toward the later S3/S5
    figures; see docs/fidelity.md).
    """

    median_s: NonNeg = Field(0.51, description="Median start time on an empty node (simulator parameter; fitted to S1).")
    median_per_pod_s: NonNeg = Field(0.033, description="Added to the median per pod already on the node (simulator parameter).")
    p99_s: NonNeg = Field(0.83, description="99th percentile on an empty node (simulator parameter).")
    p99_per_pod_s: NonNeg = Field(0.088, description="Added to the 99th percentile per pod on the node (simulator parameter).")

    @model_validator(mode="after")
    def _order(self) -> PodStartupConfig:
        if self.p99_s < self.median_s or self.p99_per_pod_s < self.median_per_pod_s:
            raise ValueError("p99_s: the 99th percentile must not grow slower than, or sit below, the median")
        return self


class ImagePullTimingConfig(_Strict):
    """An image pull: manifest resolution, layers downloaded in parallel, then unpacked.

    Fitted to rows P1-P2 (AKS, ghcr.io, 2025): a per-pull floor, layers spread over containerd's
    ``max_concurrent_downloads`` connections at a per-connection speed that is lower while the
    registry's CDN is cold for the image (until the first pull of it completes), a first-byte delay when
    cold, and sequential unpacking. Nodes share their registry's bandwidth (``images.registries``).
    """

    floor_s: NonNeg = Field(1.08, description="Per pull: resolve, authenticate, fetch manifest and config (simulator parameter; fitted to P1-P2).")
    cold_first_byte_s: NonNeg = Field(0.93, description="Extra delay of a pull while the registry is cold for the image (simulator parameter).")
    cold_layer_mib_s: Pos = Field(44.4, description="Per-connection download speed, cold registry (simulator parameter; 46.6 MB/s fitted).")
    warm_layer_mib_s: Pos = Field(216.0, description="Per-connection speed once the image was pulled before (simulator parameter; 226 MB/s fitted).")
    unpack_mib_s: Pos = Field(1110.0, description="Decompress and unpack speed, layers one after another (simulator parameter).")
    max_concurrent_downloads: int = Field(3, ge=1, le=1000, description="Layers downloaded at once per pull (containerd max_concurrent_downloads).")
    layer_mib: Pos = Field(128.0, description="Default layering: an image without listed layers is split into equal layers of at most this size ...")
    max_layers: int = Field(8, ge=1, le=1000, description="... and at most this many layers (simulator parameter).")


class KubeProxyTimingConfig(_Strict):
    """How long one kube-proxy sync takes, from the rules it writes.

    iptables: a full sync restores every rule (``rules_per_service`` per Service plus
    ``rules_per_endpoint`` per endpoint); with MinimizeIPTablesRestore a partial sync restores the
    ``KUBE-SERVICES`` chain (``services_chain_rules_per_service``) and the chains of the Services that
    changed; a full sync still runs every ``sync_period_s``. nftables and ipvs update only what
    changed (nftables transactions, ipvs real servers), so their syncs stay about flat with the number
    of Services. Fitted to K1-K3 (docs/fidelity.md).
    """

    base_s: NonNeg = Field(0.2, description="Fixed cost of one sync (simulator parameter).")
    iptables_rules_per_s: Pos = Field(28000.0, description="iptables-restore speed, rules per second (simulator parameter; K1, K3).")
    rules_per_service: Pos = Field(5.0, description="iptables rules per Service (KUBE-SVC-*, KUBE-SERVICES, ... ; simulator parameter).")
    rules_per_endpoint: Pos = Field(3.0, description="iptables rules per endpoint (KUBE-SEP-* chain and its jump; simulator parameter).")
    services_chain_rules_per_service: Pos = Field(2.0, description="KUBE-SERVICES rules per Service, rewritten at every sync (simulator parameter).")
    incremental_rules_per_s: Pos = Field(28000.0, description="nftables / ipvs: changed rules written per second (simulator parameter).")
    ipvs_scan_per_service_s: NonNeg = Field(1e-6, description="ipvs: each sync walks every Service (simulator parameter).")


ProxyMode = Literal["iptables", "ipvs", "nftables"]
