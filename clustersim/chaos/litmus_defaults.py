"""Env defaults of the LitmusChaos experiments clustersim maps, as their ChaosExperiment CRs ship them
(litmuschaos/chaos-charts ``faults/<category>/<name>/fault.yaml`` at b2662c2307bf; ec2-terminate-by-id/tag from the
v2.14.x ``charts/kube-aws``). A ChaosExperiment given with the engine's files replaces these; a ChaosEngine's
env overrides either. Only the variables the mapping reads are kept."""

from __future__ import annotations

__all__ = ["DEFAULTS"]

_POD = {"RAMP_TIME": "", "PODS_AFFECTED_PERC": "", "TARGET_PODS": "", "NODE_LABEL": "", "SEQUENCE": "parallel", "TARGET_CONTAINER": ""}
_NODE = {"TARGET_NODE": "", "NODE_LABEL": "", "RAMP_TIME": ""}

DEFAULTS: dict[str, dict[str, str]] = {
    "pod-delete": {**_POD, "TOTAL_CHAOS_DURATION": "15", "CHAOS_INTERVAL": "5", "FORCE": "true"},
    "container-kill": {**_POD, "TOTAL_CHAOS_DURATION": "20", "CHAOS_INTERVAL": "10", "SIGNAL": "SIGKILL"},
    "pod-network-partition": {"TOTAL_CHAOS_DURATION": "60", "RAMP_TIME": "", "POLICY_TYPES": "all", "POD_SELECTOR": "",
                              "NAMESPACE_SELECTOR": "", "DESTINATION_IPS": "", "DESTINATION_HOSTS": "", "PORTS": ""},
    "pod-network-latency": {**_POD, "TOTAL_CHAOS_DURATION": "60", "NETWORK_LATENCY": "2000", "JITTER": "0",
                            "DESTINATION_IPS": "", "DESTINATION_HOSTS": ""},
    "pod-cpu-hog": {**_POD, "TOTAL_CHAOS_DURATION": "60", "CPU_CORES": "1", "CPU_LOAD": "100"},
    "pod-memory-hog": {**_POD, "TOTAL_CHAOS_DURATION": "60", "MEMORY_CONSUMPTION": "500", "NUMBER_OF_WORKERS": "1"},
    "node-drain": {**_NODE, "TOTAL_CHAOS_DURATION": "60"},
    "node-taint": {**_NODE, "TOTAL_CHAOS_DURATION": "60", "TAINTS": ""},
    "kubelet-service-kill": {**_NODE, "TOTAL_CHAOS_DURATION": "60"},
    "node-restart": {**_NODE, "TOTAL_CHAOS_DURATION": "60"},
    "ec2-terminate-by-id": {"TOTAL_CHAOS_DURATION": "30", "CHAOS_INTERVAL": "30", "RAMP_TIME": "", "EC2_INSTANCE_ID": "",
                            "REGION": "", "MANAGED_NODEGROUP": "disable", "SEQUENCE": "parallel"},
    "ec2-terminate-by-tag": {"TOTAL_CHAOS_DURATION": "30", "CHAOS_INTERVAL": "30", "RAMP_TIME": "", "INSTANCE_TAG": "",
                             "INSTANCE_AFFECTED_PERC": "", "REGION": "", "MANAGED_NODEGROUP": "disable", "SEQUENCE": "parallel"},
    "ec2-stop-by-id": {"TOTAL_CHAOS_DURATION": "30", "CHAOS_INTERVAL": "30", "RAMP_TIME": "", "EC2_INSTANCE_ID": "",
                       "REGION": "", "MANAGED_NODEGROUP": "disable", "SEQUENCE": "parallel"},
    "ec2-stop-by-tag": {"TOTAL_CHAOS_DURATION": "30", "CHAOS_INTERVAL": "30", "RAMP_TIME": "", "EC2_INSTANCE_TAG": "",
                        "INSTANCE_AFFECTED_PERC": "", "REGION": "", "MANAGED_NODEGROUP": "disable", "SEQUENCE": "parallel"},
    "gcp-vm-instance-stop": {"TOTAL_CHAOS_DURATION": "30", "CHAOS_INTERVAL": "30", "SEQUENCE": "parallel", "RAMP_TIME": "",
                             "MANAGED_INSTANCE_GROUP": "disable", "VM_INSTANCE_NAMES": "", "GCP_PROJECT_ID": "", "ZONES": ""},
    "gcp-vm-instance-stop-by-label": {"TOTAL_CHAOS_DURATION": "30", "CHAOS_INTERVAL": "30", "SEQUENCE": "parallel",
                                      "INSTANCE_LABEL": "", "INSTANCE_AFFECTED_PERC": "", "MANAGED_INSTANCE_GROUP": "disable",
                                      "GCP_PROJECT_ID": "", "ZONES": ""},
}
