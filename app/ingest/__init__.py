"""Ingestion: accepting, validating and normalising what SDKs send."""
