"""/healthz, /readyz and Prometheus /metrics for `est-bot run` ([metrics], docs/OPERATIONS.md)."""
