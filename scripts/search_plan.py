"""EXPLAIN ANALYZE the common issue searches on PostgreSQL with 1,000 issues and 100,000 events.

Usage: PYTHONPATH=. python scripts/search_plan.py [ADMIN_URL]   (default postgres://postgres@127.0.0.1:5432/)
Creates (and leaves, for poking at) the database `faultline_search_plan`; every run starts it
afresh. The SQL explained is what `list_issue_rows` runs for a first page of 50 with its
`totalCount` (GraphQL): the page and, in the same statement, COUNT(*) OVER ().
"""

from __future__ import annotations

import asyncio
import sys
from datetime import UTC, datetime

import asyncpg
from tortoise import connections
from tortoise.expressions import RawSQL

from app import database
from app.search.parse import parse_search
from app.search.sql import search_condition
from models import Issue, Project

DATABASE = "faultline_search_plan"
QUERIES = [
    "is:open level:error environment:production timeout",
    "is:open level:error environment:production",
    "is:open environment:development",
    "release:1.7 browser:Safari",
    "is:open release:1.19",
    "is:open handler 99*",
    "is:regressed lastSeen:-24h",
    "customer:tenant-39",
    "is:open customer:tenant-39",
    "!customer:tenant-39",
    "customer:tenant-3* browser:Safari",
    "has:customer",
]

ISSUES = """
INSERT INTO issue (project_id, fingerprint, grouping_version, grouping, counter, state, level,
  type, message, title, culprit, platform, event_count, first_seen, last_seen)
SELECT $1, md5(i::text), '1', '{}', i,
  CASE WHEN i % 10 < 7 THEN 'open' WHEN i % 10 < 9 THEN 'resolved' ELSE 'muted' END,
  CASE WHEN (i * 7 / 10) % 10 < 6 THEN 'error' WHEN (i * 7 / 10) % 10 < 8 THEN 'warning'
       WHEN (i * 7 / 10) % 10 < 9 THEN 'fatal' ELSE 'info' END,
  'Error', 'message ' || i,
  (ARRAY['Database timeout','Connection reset','KeyError','ValueError','Disk full'])[1 + i % 5]
    || ' in handler ' || i,
  'app.views in handler_' || i, 'python', 100,
  now() - interval '30 days' + i * interval '1 minute', now() - (1000 - i) * interval '1 minute'
FROM generate_series(1, 1000) i
"""
# 100 events per issue; every fourth issue only in staging, the others mostly in production;
# one issue in ten has a few development events.
EVENTS = """
INSERT INTO event (project_id, issue_id, event_id, timestamp, received_at, level, platform,
  environment, release, tags, payload)
SELECT $1, $2 + j % 1000, md5('e' || j), now() - j * interval '1 second',
  now() - j * interval '1 second', 'error', 'python',
  CASE WHEN j % 4 = 0 THEN 'staging'
       WHEN j % 10 = 1 AND j / 1000 < 5 THEN 'development'
       WHEN (j / 1000) % 10 < 7 THEN 'production' ELSE 'staging' END,
  '1.' || (j / 1000) % 20,
  jsonb_build_object('browser', (ARRAY['Firefox','Chrome','Safari'])[1 + (j / 1000) % 3],
                     'os', 'linux', 'customer', 'tenant-' || (j / 1000 + j % 7) % 50),
  '{}'
FROM generate_series(0, 99999) j
"""
# The tag counts ingestion would have kept for those events (no bound is reached: every issue
# stays `tags_exact`, so tag terms read them).
TAGS = """
INSERT INTO issue_tag (issue_id, key, value, count, first_seen, last_seen)
SELECT issue_id, key, value, count(*), min(timestamp), max(timestamp) FROM (
  SELECT issue_id, 'environment' AS key, environment AS value, timestamp FROM event
  UNION ALL SELECT issue_id, 'release', release, timestamp FROM event
  UNION ALL SELECT e.issue_id, t.key, t.value, e.timestamp
  FROM event e CROSS JOIN LATERAL jsonb_each_text(e.tags) AS t(key, value)
) AS pairs GROUP BY 1, 2, 3;
INSERT INTO issue_tag_key (issue_id, key, value_count, other_count)
SELECT issue_id, key, count(*), 0 FROM issue_tag GROUP BY 1, 2;
"""


async def main(admin_url: str) -> None:
    admin = await asyncpg.connect(admin_url.replace("postgres://", "postgresql://", 1))
    await admin.execute(f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)')
    await admin.execute(f'CREATE DATABASE "{DATABASE}"')
    await admin.close()
    url = admin_url.rstrip("/") + "/" + DATABASE
    await database.migrate(url)
    await database.init(url)
    try:
        project = await Project.create(name="plan", slug="plan", sentry_key="0" * 32)
        db = connections.get("default")
        await db.execute_query(ISSUES, [project.id])
        first = (await db.execute_query_dict("SELECT min(id) AS id FROM issue"))[0]["id"]
        await db.execute_query(EVENTS, [project.id, first])
        await db.execute_script(TAGS)
        await db.execute_script("ANALYZE")
        for query in QUERIES:
            condition = search_condition(parse_search(query), "postgres", datetime.now(UTC))
            assert condition is not None
            page = (
                Issue.filter(project_id=project.id)
                .filter(condition)
                .annotate(total=RawSQL("COUNT(*) OVER ()"))
                .order_by("-last_seen", "-id")
                .limit(51)
            )
            rows = await db.execute_query_dict(
                "EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) " + page.sql(params_inline=True)
            )
            print(f"\n=== {query}\n" + "\n".join(row["QUERY PLAN"] for row in rows))
    finally:
        await database.close()


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1] if len(sys.argv) > 1 else "postgres://postgres@127.0.0.1:5432/"))
