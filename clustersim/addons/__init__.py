"""Cluster add-ons that are not part of Kubernetes' core components (metrics-server)."""
