"""Faultline: self-hosted error tracking. This docstring is the map of the system.

The path of an event, from socket to storage
    server.py               create_app(): middleware, lifecycle, route tables in a fixed order
    http.py                 error_middleware renders every FaultlineError once per surface
    ingest/routes.py        POST /api/{project_id}/envelope/ and /store/, CORS
    ingest/pipeline.py      Ingestor.ingest(): the cheap checks first (project, key, rate limit),
                            then read, parse, normalise, group, hand to the writer
    ingest/projects.py      the key and rate limit of a project, cached for a second (bounded)
    ingest/sentry_auth.py   which public key a request names (headers, query, envelope dsn)
    ingest/decoding.py      Content-Encoding decoded under compressed and decompressed caps
    ingest/envelope.py      envelope bytes → headers and items (pure)
    ingest/normalize.py     any SDK's event shape → one canonical event (pure)
    grouping/               fingerprint with its explanation, title, culprit (pure)
    ingest/records.py       EventRecord: the row-ready event handed to digestion
    ingest/writer.py        group commit: one transaction per batch, a 200 only after commit
    ingest/store/           the batch's statements: batch.py (order, issues, regressions),
                            postgres.py (own asyncpg connection), sqlite.py
    ingest/ratelimit.py     per-project minute windows and the headers SDKs obey (pure)
    issues/states.py        states and allowed transitions (pure); regressions come from here
    notifications/          issue changes published in the committing transaction (pg_notify,
                            or in memory on SQLite) and heard by each process's broker

The path of a query, from HTTP to SQL
    compat/rustrak/routes.py      REST adapters: parse, call one service, render
    compat/rustrak/serializers.py models → the documented JSON shapes
    pagination.py                 keyset cursors (?limit, ?cursor) shared by every list
    projects/service.py           project reads and writes (REST, CLI, later GraphQL)
    issues/service.py             issue reads and state changes (bulk_set_state: the one
                                  place), one history row and one notification per change
    events/service.py             event reads
    auth/tokens.py                API tokens, stored only as SHA-256
    models/                       Tortoise models, one module per table; migrations/ per dialect

Around them
    cli.py        faultline serve | migrate | token | project; flags fall back to env variables
    config.py     Settings: one frozen value from the environment
    database.py   Tortoise config from a URL, startup migrations, readiness, outage errors
    workers.py    several server processes on one port, supervised
    errors.py     the error tree (drawn in its docstring)
    schema/       GraphQL (to come)
"""
