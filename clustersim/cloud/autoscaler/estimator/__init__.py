"""Estimators (cluster-autoscaler ``estimator/``): ``binpacking``, the only one upstream ships."""
