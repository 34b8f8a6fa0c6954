"""The HorizontalPodAutoscaler: its replica calculator and its controller loop."""
