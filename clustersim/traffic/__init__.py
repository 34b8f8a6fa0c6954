"""Clients outside the control plane: request streams to Services, and cloud load balancers."""
