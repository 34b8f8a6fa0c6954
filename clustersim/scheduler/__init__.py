"""kube-scheduler: framework, cache, scheduling queue, plugins and the scheduling loop."""
