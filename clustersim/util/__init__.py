"""Small utilities with no model state: registries, cron schedules, back-off and token buckets."""
