"""Scale-down (cluster-autoscaler ``core/scaledown``): ``eligibility`` (utilization thresholds and node
annotations), ``planner`` (which nodes are unneeded and since when), ``actuation`` (taint, drain, delete)."""
