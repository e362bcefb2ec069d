"""Faultline: self-hosted error tracking. This docstring is the map of the system.

The path of an event, from socket to storage to subscription
    server.py               create_app(): middleware, lifecycle, route tables in a fixed order
    http.py                 error_middleware renders every FaultlineError once per surface
    ingest/routes.py        POST /api/{project_id}/envelope/ and /store/, CORS
    ingest/pipeline.py      Ingestor.ingest(): the cheap checks first (project id in range,
                            project, key, rate limit), then read, parse, normalise, group
    ingest/projects.py      the key and rate limit of a project, cached for a second (bounded)
    ingest/sentry_auth.py   which public key a request names (headers, query, envelope dsn)
    ingest/body.py          the body read within its time limit; the envelope's first line
                            alone when only its dsn can authenticate the request
    ingest/decoding.py      Content-Encoding decoded under compressed and decompressed caps
    ingest/envelope.py      envelope bytes → headers and items (pure)
    ingest/normalize.py     any SDK's event shape → one canonical event (pure)
    grouping/               fingerprint with its explanation, title, culprit (pure, linear)
    ingest/jsontext.py      event values → JSON text a database stores (depth trimmed)
    ingest/records.py       EventRecord: the row-ready event handed to digestion
    ingest/rejections.py    refusals counted per project and reason, logged at most once a
                            minute; ingest/untrusted.py clips client text for messages
    ingest/writer.py        group commit: one transaction per batch, a 200 only after commit
    ingest/store/           the batch's statements: batch.py (order, issues, regressions,
                            aggregates, notification), tallies.py (hourly and tag counts,
                            pure), postgres.py (own asyncpg connection), sqlite.py
    ingest/ratelimit.py     per-project minute windows and the headers SDKs obey (pure)
    issues/states.py        states and allowed transitions (pure); regressions come from here
    notifications/          issue changes published in the committing transaction (pg_notify,
                            or in memory on SQLite), heard by each process's broker, queued
                            per subscriber (bounded, COUNTs coalesced); the issue of a change
                            read once per process; token and project deletions end the
                            subscriptions they concern

The path of a query, from HTTP to SQL
    compat/rustrak/routes.py      REST adapters: parse, call one service, render;
                                  aliases.py maps Rustrak's client parameters (pure)
    compat/rustrak/serializers.py models → the documented JSON shapes
    schema/                       GraphQL at /graphql: view.py (HTTP and WebSocket, auth),
                                  keepalive.py (WebSocket pings), context.py,
                                  permissions.py, limits.py, loaders.py
                                  (DataLoaders), errors.py (one mapping), types/, queries.py,
                                  mutations.py; schema.graphql is the committed SDL
    search/                       the search language: parse.py (text → SearchFilter, pure),
                                  sql.py (SearchFilter → one WHERE condition)
    pagination.py                 keyset cursors (?limit, ?cursor, ?page) shared by every list
    ids.py, text.py               path ids in their column's range; names without control chars
    projects/service.py           project reads and writes (REST, GraphQL, CLI)
    issues/service.py             issue reads and state changes (bulk_set_state: the one
                                  place), one history row and one notification per change
    issues/aggregates.py          frequency, tag values, environments, releases of issues
    events/service.py             event reads
    auth/tokens.py                API tokens, stored only as SHA-256; a deletion is published
    models/                       Tortoise models, one module per table; migrations/ per dialect

Around them
    cli.py          faultline serve | migrate | token | project; flags fall back to env variables
    admin.py        the database commands of the CLI (imported only when one runs)
    problems.py     startup failures as one line saying what to do, with an exit status
    serving.py      one server process: bind, serve, drain on SIGTERM
    workers.py      the supervisor of several server processes: restarts, backoff, drain
    config.py       Settings: one frozen value from the environment, validated
    database.py     Tortoise config from a URL, time limits, startup migrations, readiness,
                    is_unavailable() (what makes a 503); sqlite_engine.py: IMMEDIATE begins
    errors.py       the error tree (drawn in its docstring)
"""
