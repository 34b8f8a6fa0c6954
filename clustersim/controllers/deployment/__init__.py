"""Deployment controller: rollout math (``util``) and the reconcile loop (``controller``)."""
