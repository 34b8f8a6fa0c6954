"""The Cluster Autoscaler (kubernetes/autoscaler ``cluster-autoscaler/``), laid out as upstream:

- ``static_autoscaler``: the RunOnce loop;
- ``clusterstate``: node group readiness, upcoming nodes, scale-up timeouts, backoff;
- ``scaleup/``: the orchestrator and the similar-group balancing;
- ``scaledown/``: ``planner`` (unneeded nodes), ``eligibility`` (thresholds), ``actuation`` (drain and delete);
- ``estimator/``: the binpacking estimator;
- ``expander/``: one module per strategy (random, most-pods, least-waste, least-nodes, priority, price);
- ``simulator/``: the cluster snapshot with the scheduler's filters, utilization, removal simulation and
  ``drainability/rules/``, one rule per kind of pod that blocks scale-down;
- ``flags``: the command line of a Cluster Autoscaler Deployment.
"""

from clustersim.cloud.autoscaler.static_autoscaler import ClusterAutoscaler

__all__ = ["ClusterAutoscaler"]
