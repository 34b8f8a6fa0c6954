"""What the data plane holds between the components that program it and the clients that use it:
the cluster DNS data CoreDNS serves, the world outside the cluster, and the ingress controllers'
loaded configurations. Add-ons write here (as kube-proxy writes ``infra.ProxyTable``), faults change
it, the traffic model reads it; no component calls another."""
