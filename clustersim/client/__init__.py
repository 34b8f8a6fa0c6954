"""What client-go gives a component: its connection to the API server and leader election."""

from clustersim.client.client import Client, Gate

__all__ = ["Client", "Gate"]
