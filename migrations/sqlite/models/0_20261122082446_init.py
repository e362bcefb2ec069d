from tortoise import BaseDBAsyncClient

RUN_IN_TRANSACTION = True


async def upgrade(db: BaseDBAsyncClient) -> str:
    return """
        CREATE TABLE IF NOT EXISTS "api_token" (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    "token_hash" VARCHAR(64) NOT NULL UNIQUE,
    "prefix" VARCHAR(8) NOT NULL,
    "description" VARCHAR(255) NOT NULL,
    "created_at" TIMESTAMP NOT NULL,
    "last_used_at" TIMESTAMP
);
CREATE TABLE IF NOT EXISTS "project" (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    "name" VARCHAR(200) NOT NULL,
    "slug" VARCHAR(100) NOT NULL UNIQUE,
    "sentry_key" VARCHAR(32) NOT NULL UNIQUE,
    "issue_counter" INT NOT NULL,
    "rate_limit_per_minute" INT,
    "created_at" TIMESTAMP NOT NULL
);
CREATE TABLE IF NOT EXISTS "issue" (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    "fingerprint" VARCHAR(64) NOT NULL,
    "grouping_version" VARCHAR(32) NOT NULL,
    "grouping" JSON NOT NULL,
    "counter" INT NOT NULL,
    "state" VARCHAR(16) NOT NULL /* OPEN: open\nRESOLVED: resolved\nMUTED: muted */,
    "level" VARCHAR(16) NOT NULL,
    "type" VARCHAR(128) NOT NULL,
    "message" TEXT NOT NULL,
    "title" VARCHAR(255) NOT NULL,
    "culprit" VARCHAR(200) NOT NULL,
    "platform" VARCHAR(32) NOT NULL,
    "event_count" BIGINT NOT NULL,
    "first_seen" TIMESTAMP NOT NULL,
    "last_seen" TIMESTAMP NOT NULL,
    "project_id" INT NOT NULL REFERENCES "project" ("id") ON DELETE CASCADE,
    CONSTRAINT "uid_issue_project_87412e" UNIQUE ("project_id", "fingerprint"),
    CONSTRAINT "uid_issue_project_c42978" UNIQUE ("project_id", "counter")
);
CREATE INDEX IF NOT EXISTS "idx_issue_project_8b10b5" ON "issue" ("project_id", "last_seen", "id");
CREATE INDEX IF NOT EXISTS "idx_issue_project_275306" ON "issue" ("project_id", "state", "last_seen", "id");
CREATE TABLE IF NOT EXISTS "event" (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    "event_id" VARCHAR(32) NOT NULL,
    "timestamp" TIMESTAMP NOT NULL,
    "received_at" TIMESTAMP NOT NULL,
    "level" VARCHAR(16) NOT NULL,
    "platform" VARCHAR(32) NOT NULL,
    "environment" VARCHAR(255),
    "release" VARCHAR(255),
    "user" JSON,
    "tags" JSON NOT NULL,
    "payload" TEXT NOT NULL,
    "issue_id" BIGINT NOT NULL REFERENCES "issue" ("id") ON DELETE CASCADE,
    "project_id" INT NOT NULL REFERENCES "project" ("id") ON DELETE CASCADE,
    CONSTRAINT "uid_event_event_i_7a3428" UNIQUE ("event_id", "project_id")
);
CREATE INDEX IF NOT EXISTS "idx_event_issue_i_f865c6" ON "event" ("issue_id", "timestamp", "id");
CREATE TABLE IF NOT EXISTS "issue_history" (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    "from_state" VARCHAR(16) NOT NULL,
    "to_state" VARCHAR(16) NOT NULL,
    "cause" VARCHAR(32) NOT NULL,
    "at" TIMESTAMP NOT NULL,
    "issue_id" BIGINT NOT NULL REFERENCES "issue" ("id") ON DELETE CASCADE
);
CREATE INDEX IF NOT EXISTS "idx_issue_histo_issue_i_1633e8" ON "issue_history" ("issue_id", "at", "id");
CREATE TABLE IF NOT EXISTS "rate_window" (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    "minute" BIGINT NOT NULL,
    "count" INT NOT NULL,
    "project_id" INT NOT NULL REFERENCES "project" ("id") ON DELETE CASCADE,
    CONSTRAINT "uid_rate_window_project_7b21c5" UNIQUE ("project_id", "minute")
);
CREATE TABLE IF NOT EXISTS "aerich" (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    "version" VARCHAR(255) NOT NULL,
    "app" VARCHAR(100) NOT NULL,
    "content" JSON NOT NULL
);"""


async def downgrade(db: BaseDBAsyncClient) -> str:
    return """
        """


MODELS_STATE = (
    "eJztnGtv2zYUhv+K4U8d0BW2c/OKYYCTum22xi4Sry16gcDItM1FIlWKSmJ0+e8jKUuirp"
    "UcWZE1fWpD8kjUQ4l8zzmkf3RNMoeG/WJkoRm5gbj7svOji4EJ+X9idc87XWBZQY0oYODa"
    "kI2BhTTmN7u2GQU64xULYNiQF82hrVNkMUTETbBjGKKQ6LwhwsugyMHouwP5pZaQrSDlFV"
    "++8WKE5/Ae2t6f1o22QNCYh/qL5uLeslxja0uWnWP2WjYUd7vWdGI4Jg4aW2u2IthvjTAT"
    "pUuIIQUMissz6ojui95tHtV7IrenQRO3i4rNHC6AYzDlca+1oKyraZPpTLsazzStWwCQTr"
    "CAy7tqy6dfii78OugfnhwOD44Ph7yJ7KZfcvLg3joA4xpKPJNZ90HWAwbcFpJxAFWOqbYC"
    "9ioO92wFaDLdsFWEMu9+lLLHtL6YTXCvGRAv2Yr/eXyYwfTD6PLs7ejy2fHhL+KGhH8I7i"
    "cy2dQMZJXAHmC2KFyg+yKIA4ty8HoFAd/g060c8DAH32Eq3mGUrtqnAogjZtVx7nYroTw4"
    "OsrBmbdKJS3rwqx1CgUNDbA46le8hiETJuMOW0ZozzemL7z/7OM7zh9wPsXGejN5ZcCfnV"
    "+Mr2aji/fidqZtfzckv9FsLGoGsnQdKX12HBkn/yKdj+eztx3xZ+fzdDKWeInNllTeMWg3"
    "+9wVfQIOIxomdxqYK/OsV+pRC426AWymOfZW4x61LWHkN12uy8DvyUB7TGIjLSTX4kbRB6"
    "LgGug3d4DOtVgNGZC0tvEqc2BGSwAGSzlIgqbo50aJjm8hZkkS1a3I1KfQb1KqNv3iXljb"
    "yElK/oH80t8ikvVLF9m2I19c8QLbDJiW+INbfSskZ0/R8v+iaH8bDA4OTga9g+Ph0eHJyd"
    "Gw50vbeFWWxj09fyNkbuiD+bnuVYc1r14IvQrNE2UHgxxq4WCQKhZEVVgrhD6GIktGyLCB"
    "SmHfFwx1kCnUIbrdShlETNuBrvVAG3z+M4rMl75BhZ4VpJTQatyr/nGO+bIfHbFgvhRVkS"
    "iBAdiCULNQnECxqZAzkQppT9cliG8RJdjcSMbc63/YbCvaNfNcKggYUGhAYMMioBWTFnIu"
    "yNy9pnHCf15NJ8mEvfbRJRfprPNvx0B2zK2oP+YMqgJEaJn1YD67GH2Kcj57Nz2Nrp/iAq"
    "dRdQuWdhHmXvtHMd9utv594WBd8OxcO8hgCNsvxG3/2NUEXvVQWGBtEJDgzM3gfYo7rZg0"
    "wpfLUprjT7Ns5L7QfDedvPGaR8chjFxGPBId6MwghmL181DGHmCvMpqhppNkICoRfyr7sF"
    "GT6D8qOxoLfsYwxxm/JhSiJf4LriXqc94pgPUkwbKJYL4PrrRniB+818grDRZ+Cu78uGbk"
    "7eIE+HND5gq90dXZ6NW4G58/SiB77l2noVzVGTOZ6tME613uCcF6f0DSg/X+2JcdrA99sH"
    "gJqUUFWf4goTqdOJhxm3gcX2kk01Y2dHe8iEh+5CL8xWQwsWEb8q9lyF99I2LDkO6MRswa"
    "IRZ3vd1lSYlj8Q5ot5DaBXdlJNk2bmtG+TEtD1sRj1S1ab3S0r1Sb5nJL9EVi1afJ/g9/p"
    "obn0zG2DFjkjEE1zeuMkxuubKgANzu9P148rIjLL/iy/HV9N2H8auXHf6eEeMWzr/ii79n"
    "osB0RF+3mHvKz1u0maFdE5aACgD22jdu4ewP8uwd5a3S4Q5i+0dNaNvcyykSPlRMGsC46u"
    "AhQ8wo9j57Bg2AXcUmXcfgDkshN0cxaR7jXi8P414vnbGoa5P1T5Ksl7vupDIuFj2JGFYn"
    "qHu7VdMV5xoWiCrxrSLbu8KW7e6ueu/uAluOcsiwHeRaD3KbN2zzhjXLb+XJG6ZnuCIyIW"
    "E/zunG7vVfl5Crr+SAcvScSUNYh779FbIZoevHEZLJvbfBlZoCaueZUo9ZWsJUYfqTvKmm"
    "DOROD+Irp5rc/fltbrO+uU1KTC0jOp4i0ENWDcxs7iAQS4pjVm1ayDkg68AptmHcN2gg3v"
    "IjKsUParXns/bAuWt35Fa8IGd4gO3uxnzeX113N3p+d4JcV1zydKWuRADaH8vaq7BOlsqW"
    "/xaQJV77BqqSnaTUbMNJ2L+Wztdr37gfIOvnotvPoNtPoAsxo2vtBibEgDIYh6waR7p8de"
    "0uacX3/sXsGpOwLG37n3huzUAmYpoFqWYi7CR54qmIU+23Ql2z469lw25/6C0ddbN+6C3m"
    "x7T5lhLyLXI+fySgprl/8dn8jveQ3D0S0yW/0kd5oSax2qV/qxBLcHHDPNO9XGUEy/d0Q4"
    "ftNkt19MBem42qZTYqTZhljcAjxVjdvuqn2auXsksy+7xR62u0P7HQbpWqoQJ4XupWqV3K"
    "iRGkSF8lSYlNTaaMAEGbNla+T991lgbY4uT3kxz4ri5ivouDPuKjKkB407yBdHcSMed3ZI"
    "m/EZl+pF4xqf5E/dNslCjt7HyBOFT5i9nDfyWzhgM="
)
