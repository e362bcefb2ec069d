"""Retention: how long and how many events are kept (policy.py, pure), and the sweeper that
deletes the others in small batches, one process at a time (sweeper.py)."""
