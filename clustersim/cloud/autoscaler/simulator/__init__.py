"""What the autoscaler simulates (cluster-autoscaler ``simulator/``): node utilization, the cluster
snapshot the scheduler's filters run on, which pods block a node's removal, and the removal itself."""
