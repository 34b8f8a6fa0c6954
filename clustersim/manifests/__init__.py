"""Kubernetes manifests as input: kubectl-style YAML files and folders, converted to the config model."""

from clustersim.manifests.load import ManifestError, ManifestSet, load_manifests

__all__ = ["ManifestError", "ManifestSet", "load_manifests"]
