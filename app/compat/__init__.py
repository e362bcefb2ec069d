"""Compatibility surfaces: the documented REST shapes of other error trackers."""
