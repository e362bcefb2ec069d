"""Faultline's ingestion benchmark: `python -m bench` (see bench/README.md).

Modules:
    __main__  the run: database, project, server, load, stored, ceiling, in order
    options   the command line
    children  the processes the bench starts, and the load generator's protocol
    database  the bench database: recreated, the project created, counts read back
    measure   one load phase's cost: RSS of the server, CPU of every process group
    report    the machine, the derived figures, the targets, the printed report
    common    paths, the log line and the error the modules above share
    events    realistic sentry-python error events, of a chosen number of groups
    bodies    envelope bodies: pre-compressed events, cheap unique ids
    load      the load generator (run as its own process: `python -m bench.load`)
    ceiling   a bare aiohttp server on the same route, the upper bound for this machine
    procs     /proc sampling: RSS and CPU time of the processes involved
"""
