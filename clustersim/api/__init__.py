"""The Kubernetes API types the simulator models (stdlib only).

Import from the submodules: ``quantity`` (resource quantities), ``types`` (immutable specs),
``objects`` (the stored objects).
"""
