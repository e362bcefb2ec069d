"""Faultline's ingestion benchmark: `python -m bench` (see bench/README.md).

Modules:
    events    realistic sentry-python error events, pre-compressed for cheap unique ids
    load      the load generator (run as its own process: `python -m bench.load`)
    ceiling   a bare aiohttp server on the same route, the upper bound for this machine
    procs     /proc sampling: RSS and CPU time of the processes involved
    __main__  the orchestration and the report
"""
