from tortoise import BaseDBAsyncClient

RUN_IN_TRANSACTION = True


# Aggregates of the events already stored, by the rules of app/ingest/tallies.py (caps
# are met by count, most events first, where ingestion meets them first come, first served).
BACKFILL = """
INSERT INTO issue_hourly (issue_id, hour, count)
SELECT issue_id, floor(extract(epoch FROM "timestamp") / 3600)::bigint AS hour, count(*)
FROM event WHERE "timestamp" >= to_timestamp((floor(extract(epoch FROM now()) / 3600) - 744) * 3600)
GROUP BY 1, 2;
CREATE TEMP TABLE backfill_tag ON COMMIT DROP AS
WITH pairs AS (
    SELECT issue_id, 'environment' AS key, environment AS value, "timestamp" AS at
    FROM event WHERE environment IS NOT NULL
    UNION ALL
    SELECT issue_id, 'release', release, "timestamp" FROM event WHERE release IS NOT NULL
    UNION ALL
    SELECT issue_id, key, value, at FROM (
        SELECT e.issue_id, t.key, t.value, e."timestamp" AS at,
            row_number() OVER (PARTITION BY e.id ORDER BY t.n) AS taken
        FROM event AS e CROSS JOIN LATERAL jsonb_each_text(e.tags) WITH ORDINALITY AS t(key, value, n)
        WHERE t.key NOT IN ('environment', 'release') AND t.key ~ '^[a-zA-Z0-9_.:-]{1,32}$'
            AND jsonb_typeof(e.tags -> t.key) = 'string'
            AND length(t.value) BETWEEN 1 AND 200 AND strpos(t.value, chr(10)) = 0
    ) AS tagged WHERE taken <= 50
), counted AS (
    SELECT issue_id, key, value, count(*) AS n, min(at) AS first_seen, max(at) AS last_seen
    FROM pairs WHERE length(value) BETWEEN 1 AND 200 AND strpos(value, chr(10)) = 0
    GROUP BY issue_id, key, value
), user_keys AS (
    SELECT issue_id, key, row_number() OVER (PARTITION BY issue_id ORDER BY sum(n) DESC, key COLLATE "C") AS place
    FROM counted WHERE key NOT IN ('environment', 'release') GROUP BY issue_id, key
)
SELECT c.*, row_number() OVER (PARTITION BY c.issue_id, c.key ORDER BY c.n DESC, c.value COLLATE "C") AS place
FROM counted AS c LEFT JOIN user_keys AS k ON k.issue_id = c.issue_id AND k.key = c.key
WHERE k.place IS NULL OR k.place <= 100;
INSERT INTO issue_tag (issue_id, key, value, count, first_seen, last_seen)
SELECT issue_id, key, value, n, first_seen, last_seen FROM backfill_tag WHERE place <= 1000;
INSERT INTO issue_tag_key (issue_id, key, value_count, other_count)
SELECT issue_id, key, sum(CASE WHEN place <= 1000 THEN 1 ELSE 0 END),
    sum(CASE WHEN place > 1000 THEN n ELSE 0 END)
FROM backfill_tag GROUP BY issue_id, key;
"""


async def upgrade(db: BaseDBAsyncClient) -> str:
    return """
        CREATE TABLE IF NOT EXISTS "issue_hourly" (
    "id" BIGSERIAL NOT NULL PRIMARY KEY,
    "hour" BIGINT NOT NULL,
    "count" BIGINT NOT NULL,
    "issue_id" BIGINT NOT NULL REFERENCES "issue" ("id") ON DELETE CASCADE,
    CONSTRAINT "uid_issue_hourl_issue_i_8008d5" UNIQUE ("issue_id", "hour")
);
        CREATE TABLE IF NOT EXISTS "issue_tag" (
    "id" BIGSERIAL NOT NULL PRIMARY KEY,
    "key" VARCHAR(32) NOT NULL,
    "value" VARCHAR(200) NOT NULL,
    "count" BIGINT NOT NULL,
    "first_seen" TIMESTAMPTZ NOT NULL,
    "last_seen" TIMESTAMPTZ NOT NULL,
    "issue_id" BIGINT NOT NULL REFERENCES "issue" ("id") ON DELETE CASCADE,
    CONSTRAINT "uid_issue_tag_issue_i_ee80a6" UNIQUE ("issue_id", "key", "value")
);
        CREATE TABLE IF NOT EXISTS "issue_tag_key" (
    "id" BIGSERIAL NOT NULL PRIMARY KEY,
    "key" VARCHAR(32) NOT NULL,
    "value_count" INT NOT NULL,
    "other_count" BIGINT NOT NULL,
    "issue_id" BIGINT NOT NULL REFERENCES "issue" ("id") ON DELETE CASCADE,
    CONSTRAINT "uid_issue_tag_k_issue_i_a1431c" UNIQUE ("issue_id", "key")
);""" + BACKFILL


async def downgrade(db: BaseDBAsyncClient) -> str:
    return """
        DROP TABLE IF EXISTS "issue_hourly";
        DROP TABLE IF EXISTS "issue_tag";
        DROP TABLE IF EXISTS "issue_tag_key";"""


MODELS_STATE = (
    "eJztXVtT2zgU/iuZPHVn2A4ECmxnZ2cCTdtsgXTAtJ1exiMSJWjxJZVlINvtf19JvslX7G"
    "AbR9UTRDrHlr8jS985OrJ+9E17Bg3n+XCJNPsGWv2XvR99C5iQ/pOq2+r1wXIZ1bACAq4M"
    "LgyWSCeh2JVDMJgSWjEHhgNp0Qw6U4yWBNnsJpZrGKzQnlJBZC2iItdC311IL7WA5BpiWv"
    "HlGy1G1gzeQyf4ubzR5wgas1h70Yzdm5frZLXkZWOLvOaC7G5X+tQ2XNOKhJcrcm1boTSy"
    "CCtdQAtiQCC7PMEuaz5rnf+owRN5LY1EvCYKOjM4B65BhMe90qOyvq6fTTT9YqTper8CQF"
    "PbYuDSpjr86ResCb8PdvYO9g539/cOqQhvZlhy8NO7dQSMp8jhOdP6P3k9IMCT4BhHoHKb"
    "6tfAuU6De3wNcDa6ca0EyrT5SZQDTLsLswnudQNaC3JNf+7vFWD6YXh+/HZ4/mx/7zd2Q5"
    "u+CN4rcubXDHgVgz2CeYnhHN1XgTjSqAfeoCDCN3p1Wwf4sAS+h7nwHibRFdtUAeKEWns4"
    "9/utoDx48aIEzlQqF2leF8d6iiFDQwckDfUrWkOQCbPhjmsm0J75qs+Dfzaxj9MHnE0sY+"
    "UPXgXga+PT0YU2PH3Pbmc6zneD4zfURqxmwEtXidJn+wk7hRfpfRxrb3vsZ+/z5GzE4bUd"
    "ssD8jpGc9rnP2gRcYuuWfaeDmTDOBqUBajGrG8AhuuusZfekbg2W95vcFcNviKEDTFKWZp"
    "RrfiPwA1ZwBaY3dwDP9FSNPbDzZNNV5sBMlgALLLiRGJqsnT4THd1Ci2RRVK+ikJ/CUKRW"
    "bvrFu7Du00ls/wPppb8lKOuXPnIcl3dc1oEdAswl+0G1vlWis0do8asw2j8Gg93dg8H27v"
    "7hi72DgxeH2yG1TVcVcdyj8RtGc2MvzMO8VzRrWb4Q6wrykbLdQQm2sDvIJQusKs4VYi9D"
    "lSkjpighU9j0CUM0MoZTiG7XYgYJVWXoThvaoOOfUWW8DBVa9KwgxjZux73a2S8xXu4kLR"
    "aNl6wqESUwAJnb2KwUJxB0WsTZ5gxpQ+claN0ibFumTxlLz/9xtbXQ7pjn0kLAAEMDAgdW"
    "AVpQUSCXApm61ziN8N8Xk7NshAP55JSLpqT3X89ATsqt6D7MBagyIGLTbADms9PhpyTOxy"
    "eTo+T8yS5wlGS3YOFUwTyQfxTm643Wf85da8rw7F25yCDIcp6z2/7V1ADetimWYGXYIMOZ"
    "0+B9jjstqEjhyxUxzdEnrRjykGieTM7eBOJJO8Qh5xGPTAe6MIghaD0cytgA2NuMZojLST"
    "wQlQl/LvZxJZnQf9TqaCr4mYI5jfFrG0O0sN7BFYd6TBsFrGkWYfEjmO+jK20YxD+DbhSU"
    "RhM/BndhXDPRuygC9Lkh8Yje8OJ4+GrUT48fNSA7Dq4jKa7iiJmN6tME68fWAjrk2HazQ/"
    "Zi9VZR4B5xQYqD20z8XniHbZdMbdrKZPheheg7GaIPzJUyAXMcR5ZrpkaImDEE9S4TvP7w"
    "+Hj0Xhu9etkD0ylc0vZ8tS7Phpfa28n5+DMrdy3g0gfA6F9Wdz7URvrJ+HTMddgD6AYyEd"
    "fTJhP9ZHj+ZkT7i23rBsAL+NUaU753MqbCyLoFBmJy49PR5FKjUsiEFKh+uW7RcPgrHAPK"
    "v3GhSnt0ZluCl04xScUkO8t4yjDJJ+I8nGtmsZ2AhBbwnFCkOYIzZ2QKLzHDlj5IrI6PlF"
    "QnnbsgCPFUHQd6Wb4seyFxEdo5CcwUVByqkxxK7BGZPCrbCAm1LvOnzqT4LrDtLmkD9FuI"
    "nYqZqFm60qWj1r+OF8BWJQov6qhIfO2R+GCaKU8mBQ3FJDMYejjnruMEh8ptpgYsPVpQxQ"
    "mevB+dvewxTergji4mJx+4cwsd27hlju3pJfd2TZe1dY2xp35nVWXDNI0wB6gCwIG8dBPn"
    "zqDMfhkqlQ/uILVnxoSOQ72cKkumgooEGLe9YEoQMar150BBArDb2JjkGtRhqeTmCCryYb"
    "y9XQbj7e18jFmdSlB8kgRFvtNgjXh4QlFFxdeLis8RFuJbVVLa45oqo73bGe1gTSvHFJWR"
    "O21ktcKlVrikWuFK0ISMHOQjX+/1u3NI2Vd2QDm5t1YSrGPv/jVyiI1Xj0OIL+69ja4kJV"
    "C2i42VRxwf2aE8uPj1ZEWLgIV+CwwX1gGVBhYy43QDVzWhRGcQmYBqPFEhGLLy8hWEIe2B"
    "tAVdGEcb/faX8CEFb0uwSi3obmoBtk29YHEqxz+OaUmYWNDAOohdHWZRR4FcJvcUuNX2qI"
    "YKEsJbf0Cz+rch1CchNiC2ojYBtjwhFwRg1IaqcsGXzm6oEvzmXMoeutUPMvZIsuZ847Cf"
    "sVuovVTdGRuKyDq3VSX8Aw01QK+9iqj2M7WPuWIkipF0xQhSMBIWns6jI37o+iEuQnyxpo"
    "jIjRcY5hF5RUi6MzQUERLfZmWjLb64irWUiLV470EFcEMFCeFtJA1SETuVktehHi9TRFGl"
    "5P0CRlZOmnLSumIEWZw0lh1T4Kf5yTMlXDXd59qNumvKS+vM2LClvLQn89Lytvjkdu+Elj"
    "TORG275fm2r3V2TiUUpUFWxd8VtVPUbiOpXbARJoPWCXtk8imdsCVHndjb9qvf2Im9/G8F"
    "UhbIS8jKGgnuOoab8UGpfHwDeelOQd4phe5OAbo7GehCi+CVXtGxiGtJh3T93oU3pVX/GF"
    "dKTxoeXJuHEX1xWV9Sj8FElpuVm58Lca7+WlB37AyeusFWp03nQy3XadMpP0ZtgK5hB6Z4"
    "usJjt2HGT3SQEi02+9WxW1VWgPjcdUdbaN89EqZzeqWP/EIyYdVkNEBALCMgEMczPyYgWL"
    "CJRR4h5OATG7XS05lQ4VZBVCGPxhZZ4JHUtWtvdac2CfxCiWS1OQvqS0/qS08dW1ro7lkm"
    "Q4jR9DqLSvg1hTQCRDJqZWGT3usiDrDGwRVPcl5Fe+sLTXynmL1UFRD2xSVEt5H1BXpHAr"
    "MIVf6JIIJK+weCPE3GcG1Hf1SI2tU/mf38H3BqDo4="
)
