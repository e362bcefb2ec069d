"""Faultline: self-hosted error tracking. This docstring is the map of the system.

The path of an event, from socket to storage to subscription
    server.py               create_app(): middleware, lifecycle, route tables in a fixed order
    http.py                 error_middleware renders every FaultlineError once per surface
    ingest/routes.py        POST /api/{project_id}/envelope/ and /store/, CORS
    compat/rollbar/routes.py  POST /api/1/item/ and ping, in Rollbar's shapes; ingest.py
                            authenticates (auth.py: tokens from header, query or body, cached
                            grants, scopes), reads within 128 KiB, and items.py translates the
                            item into the canonical event (pure; traces.py: its exceptions) for
                            the shared digest
    ingest/pipeline.py      Ingestor.ingest() (Sentry): the cheap checks first (project id in
                            range, project, key, rate limit), then read, parse, normalise
    ingest/digest.py        the surface-neutral half every surface feeds: a normalised event
                            → grouping → group commit; rate limits and refusal counts
    ingest/projects.py      the key and rate limit of a project, cached for a second
                            (ingest/cache.py: a bounded lookup cache, one query in flight),
                            forgotten at once when a deletion is heard
    ingest/sentry_auth.py   which public key a request names (headers, query, envelope dsn)
    ingest/body.py          the body read within its time limit; the envelope's first line
                            alone when only its dsn can authenticate the request
    ingest/decoding.py      Content-Encoding decoded under compressed and decompressed caps;
                            store_body.py: the legacy store body (JSON, base64, zlib)
    ingest/envelope.py      envelope bytes → headers and items (pure)
    ingest/normalize.py     any SDK's event shape → one canonical event (pure)
    grouping/               fingerprint with its explanation, title, culprit (pure, linear)
    ingest/jsontext.py      event values → JSON text a database stores (depth trimmed)
    ingest/records.py       EventRecord: the row-ready event handed to digestion
    ingest/rejections.py    refusals counted per project and reason, logged at most once a
                            minute; ingest/untrusted.py clips client text for messages
    ingest/writer.py        group commit: one transaction per batch, a 200 only after commit
    ingest/tallies.py       hourly and tag counts of a batch and their bounds (pure; search
                            reads its tag-key rules too)
    ingest/store/           the batch's statements: batch.py (order, issues, regressions,
                            aggregates, notification), postgres.py (own asyncpg
                            connection), sqlite.py
    ingest/ratelimit.py     per-project minute windows and the headers SDKs obey (pure)
    issues/states.py        states and allowed transitions (pure); regressions come from here
    notifications/          issue changes published in the committing transaction (pg_notify,
                            or in memory on SQLite), heard by each process's broker, queued
                            per subscriber (bounded, COUNTs coalesced); the issue of a change
                            read once per process; token and project deletions end the
                            subscriptions they concern
    alerts/outbox.py        alert rules fired in the batch's transaction (step 8 of store/batch.py):
                            rules cached per project, one conditional upsert of alert_throttle
                            per batch, then the outbox rows (alert_delivery); WAKE after commit
    alerts/payload.py       the notification: issue and event snapshot, the issue's UI url (pure)
    alerts/delivery.py      the delivery loop: claim due rows (SKIP LOCKED, a lease), send, record
                            every try, retry.py's backoff (pure); deliver() sends one now
    alerts/channels/        send() by channel kind: webhook.py (JSON signed with HMAC-SHA256),
                            slack.py (Slack, Mattermost, Discord), email.py (SMTP, text and
                            HTML); summary.py what an alert says (pure, from the payload)
    alerts/addresses.py     which addresses an alert may reach (pure): the SSRF decision
    alerts/outbound.py      one guarded POST: the SSRF check in the connecting resolver, time
                            and size limits, same-origin redirects; the outcome as a value

The path of a query, from HTTP to SQL
    compat/rustrak/routes.py      REST adapters: parse, call one service, render;
                                  aliases.py maps Rustrak's client parameters (pure)
    compat/rustrak/serializers.py models → the documented JSON shapes
    compat/rollbar/api.py         Rollbar's item API (items, instances, PATCH) and deploys by
                                  project token; params.py its filters and PATCH body (pure);
                                  serializers.py: issues as items, events as instances, deploys;
                                  occurrences.py an event as Rollbar's item `data` (pure)
    deploys/service.py            deploy fields (pure checks), reads and writes
    schema/                       GraphQL at /graphql: view.py (HTTP and WebSocket, auth),
                                  keepalive.py (WebSocket pings), context.py,
                                  permissions.py, limits.py, loaders.py
                                  (DataLoaders), errors.py (one mapping), types/, queries.py,
                                  mutations.py; execution.py (plain and read-ahead fields,
                                  and resolvers' answers of plain objects, completed without
                                  graphql-core's per-field machinery),
                                  selection.py (what a selection asks for: a page reads its
                                  latest events ahead); schema.graphql is the committed SDL
    search/                       the search language: parse.py (text → SearchFilter, pure),
                                  sql.py (SearchFilter → one WHERE condition; tag terms read
                                  the tag counts of issues whose `tags_exact` holds)
    pagination.py                 keyset cursors (?limit, ?cursor, ?page) shared by every list;
                                  a cursor carries its order and fits no other; keyset_rows and
                                  count_rows: a list's page (with its count) and total by SQL
                                  written once per shape, not built by Tortoise per request
    prepared.py                   models read by SQL written once (a project, an event, issues
                                  with their projects): Tortoise's SQL and models, without its
                                  query building per request
    ids.py, text.py               path ids in their column's range; names without control chars
    projects/service.py           project reads and writes (REST, GraphQL, CLI); a deletion
                                  marks the project (gone for every read at once)
    issues/service.py             issue reads and state changes (bulk_set_state, edit_issue:
                                  one _apply_state), one history row and one notification per
                                  change; a resolution's version (resolved_in_version)
    issues/listing.py             a project's issues as keyset pages (any sort, state, search
                                  condition) and their counts, re-exported by the service
    issues/inputs.py              what a state change or relabelling may say (pure)
    issues/aggregates.py          frequency, tag values, environments, releases of issues
                                  (and frequency, environments, releases of projects)
    issues/detail.py              what an issue's detail shows besides it (the aggregates
                                  asked for, the first state changes) in one statement;
                                  issues/lookup.py an issue with its project (and latest
                                  event) in one; schema/types/issue_detail.py reads both
                                  ahead for `Query.issue`, as its selection asks
    events/service.py             event reads; events/message.py the message an event shows
                                  (pure), stored at ingestion so lists need no payload
    retention/                    how long and how many events are kept: policy.py (the
                                  cut-off, pure), sweeper.py (the background sweep: batches,
                                  one process at a time by advisory lock, emptied issues
                                  deleted through issues/service.py), storage.py (what a
                                  project keeps: GraphQL Project.storage, `faultline stats`),
                                  purge.py (a deleted project's rows in batches, then it),
                                  batches.py (batched deletes, the one-process advisory lock)
    auth/tokens.py                API tokens, stored only as SHA-256; a deletion is published;
                                  auth/bearer.py guards the admin routes with them;
                                  auth/token_cache.py: found tokens kept per server (LRU, 10 s),
                                  forgotten on deletion by every process
    auth/users.py                 people of the web UI: emails, argon2 passwords (passwords.py,
                                  hashed on a pool of their own)
    auth/sessions.py              sign-in sessions: the cookie's SHA-256, 14 days idle expiry
    auth/signin.py                sign-in: failure limits (signin_limits.py, pure), password,
                                  session; auth/routes.py the /auth/* endpoints
    auth/origins.py               the server's origin and a request's Origin (CSRF checks, pure)
    auth/access_tokens.py         Rollbar project access tokens and their scopes
    compat/rollbar/admin.py       /api/projects/{id}/access_tokens: list, create, revoke
    alerts/rules.py               what a channel or alert rule may say (pure: kinds, URLs,
                                  secrets, addresses, triggers, bounds; unknown fields named)
    alerts/service.py             channels, rules (with their channel sets) and the delivery
                                  log of a project; _rules_changed() after each rule write
    alerts/routes.py              /api/projects/{id}/channels, alert-rules, deliveries;
                                  serializers.py their JSON (a secret only when created)
    schema/types/alerts.py        GraphQL channels, rules, the delivery connection;
                                  schema/alert_mutations.py their mutations
    web/                          the UI, a client of /graphql: routes.py (the shell at every
                                  page path, versioned immutable assets), assets.py (read once,
                                  gzipped, one content hash), static/ (ES modules, no build:
                                  js/router.js pages, js/api.js GraphQL, js/live.js the
                                  graphql-transport-ws client, js/components/: alerts.js
                                  the settings page's channels, rules and delivery log,
                                  form-fields.js a refusal shown at the field it names)
    models/                       Tortoise models, one module per table; migrations/ per dialect

Around them
    cli.py          faultline serve | migrate | token | project | user | stats; flags fall
                    back to env variables
    admin/          the database commands of the CLI, each importing only what it needs when
                    it runs (users.py, tokens.py, projects.py: no server, GraphQL or alerts)
    problems.py     startup failures as one line saying what to do, with an exit status
    serving.py      one server process: bind, serve, drain on SIGTERM; collector tuned
    workers.py      the supervisor of several server processes: restarts, backoff, drain
    config.py       Settings: one frozen value from the environment, validated
    database.py     Tortoise config from a URL, time limits, startup migrations, readiness,
                    is_unavailable() (what makes a 503); sqlite_engine.py: IMMEDIATE begins;
                    pooled connections given back without asyncpg's reset query
    errors.py       the error tree (drawn in its docstring)
"""
