"""Scale-up (cluster-autoscaler ``core/scaleup``): estimate per node group, choose with the expanders,
balance similar groups, grow them."""
