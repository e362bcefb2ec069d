"""Events: reads of stored events (writes belong to ingestion)."""
