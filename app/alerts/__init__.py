"""Alerts: rules that notice new issues, regressions and spikes, an outbox written in the
committing transaction, and a delivery loop that sends to webhooks, Slack and email."""
