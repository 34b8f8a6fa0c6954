"""Kubernetes networking API rules as pure functions: Service defaulting, DNS names, Ingress validation
and Ingress host and path matching. The manifest loader, the config, the addons and the conformance
runner all call these, so one rule has one implementation."""
