"""The node agent: kubelet, pod workers, image service and probe timing."""
