from tortoise import BaseDBAsyncClient

RUN_IN_TRANSACTION = True


async def upgrade(db: BaseDBAsyncClient) -> str:
    return """
        CREATE TABLE IF NOT EXISTS "api_token" (
    "id" SERIAL NOT NULL PRIMARY KEY,
    "token_hash" VARCHAR(64) NOT NULL UNIQUE,
    "prefix" VARCHAR(8) NOT NULL,
    "description" VARCHAR(255) NOT NULL,
    "created_at" TIMESTAMPTZ NOT NULL,
    "last_used_at" TIMESTAMPTZ
);
CREATE TABLE IF NOT EXISTS "project" (
    "id" SERIAL NOT NULL PRIMARY KEY,
    "name" VARCHAR(200) NOT NULL,
    "slug" VARCHAR(100) NOT NULL UNIQUE,
    "sentry_key" VARCHAR(32) NOT NULL UNIQUE,
    "issue_counter" INT NOT NULL,
    "rate_limit_per_minute" INT,
    "created_at" TIMESTAMPTZ NOT NULL
);
CREATE TABLE IF NOT EXISTS "issue" (
    "id" BIGSERIAL NOT NULL PRIMARY KEY,
    "fingerprint" VARCHAR(64) NOT NULL,
    "grouping_version" VARCHAR(32) NOT NULL,
    "grouping" JSONB NOT NULL,
    "counter" INT NOT NULL,
    "state" VARCHAR(16) NOT NULL,
    "level" VARCHAR(16) NOT NULL,
    "type" VARCHAR(128) NOT NULL,
    "message" TEXT NOT NULL,
    "title" VARCHAR(255) NOT NULL,
    "culprit" VARCHAR(200) NOT NULL,
    "platform" VARCHAR(32) NOT NULL,
    "event_count" BIGINT NOT NULL,
    "first_seen" TIMESTAMPTZ NOT NULL,
    "last_seen" TIMESTAMPTZ NOT NULL,
    "project_id" INT NOT NULL REFERENCES "project" ("id") ON DELETE CASCADE,
    CONSTRAINT "uid_issue_project_87412e" UNIQUE ("project_id", "fingerprint"),
    CONSTRAINT "uid_issue_project_c42978" UNIQUE ("project_id", "counter")
);
CREATE INDEX IF NOT EXISTS "idx_issue_project_8b10b5" ON "issue" ("project_id", "last_seen", "id");
CREATE INDEX IF NOT EXISTS "idx_issue_project_275306" ON "issue" ("project_id", "state", "last_seen", "id");
COMMENT ON COLUMN "issue"."state" IS 'OPEN: open\nRESOLVED: resolved\nMUTED: muted';
CREATE TABLE IF NOT EXISTS "event" (
    "id" BIGSERIAL NOT NULL PRIMARY KEY,
    "event_id" VARCHAR(32) NOT NULL,
    "timestamp" TIMESTAMPTZ NOT NULL,
    "received_at" TIMESTAMPTZ NOT NULL,
    "level" VARCHAR(16) NOT NULL,
    "platform" VARCHAR(32) NOT NULL,
    "environment" VARCHAR(255),
    "release" VARCHAR(255),
    "user" JSONB,
    "tags" JSONB NOT NULL,
    "payload" JSONB NOT NULL,
    "issue_id" BIGINT NOT NULL REFERENCES "issue" ("id") ON DELETE CASCADE,
    "project_id" INT NOT NULL REFERENCES "project" ("id") ON DELETE CASCADE,
    CONSTRAINT "uid_event_project_2f7498" UNIQUE ("project_id", "event_id")
);
CREATE INDEX IF NOT EXISTS "idx_event_event_i_a6f399" ON "event" ("event_id");
CREATE INDEX IF NOT EXISTS "idx_event_issue_i_f865c6" ON "event" ("issue_id", "timestamp", "id");
CREATE TABLE IF NOT EXISTS "issue_history" (
    "id" BIGSERIAL NOT NULL PRIMARY KEY,
    "from_state" VARCHAR(16) NOT NULL,
    "to_state" VARCHAR(16) NOT NULL,
    "cause" VARCHAR(32) NOT NULL,
    "at" TIMESTAMPTZ NOT NULL,
    "issue_id" BIGINT NOT NULL REFERENCES "issue" ("id") ON DELETE CASCADE
);
CREATE INDEX IF NOT EXISTS "idx_issue_histo_issue_i_1633e8" ON "issue_history" ("issue_id", "at", "id");
CREATE TABLE IF NOT EXISTS "aerich" (
    "id" SERIAL NOT NULL PRIMARY KEY,
    "version" VARCHAR(255) NOT NULL,
    "app" VARCHAR(100) NOT NULL,
    "content" JSONB NOT NULL
);"""


async def downgrade(db: BaseDBAsyncClient) -> str:
    return """
        """


MODELS_STATE = (
    "eJztnFtzmzgUgP+Kh6fuTLdjOzdvZ2dnnNRts03sTuLtdnoZRsGyrQ1IVIg0nm7++0rCgL"
    "gWHExslqfE0jkgvgPSuQh+aBaZQdN5MbTRlNxCrL3s/NAwsCD/J9H3vKMB2w57RAMDN6YU"
    "BjbSWSB24zAKDMY75sB0IG+aQcegyGaIiJNg1zRFIzG4IMKLsMnF6JsL+aEWkC0h5R2fv/"
    "JmhGfwHjr+T/tWnyNoziLjRTNxbtmus5Ut284xey0FxdludIOYroVDYXvFlgQH0ggz0bqA"
    "GFLAoDg8o64Yvhjd+lL9K/JGGop4Q1R0ZnAOXJMpl3ujh22aro8nU/16NNV1rQQgg2ABlw"
    "/VkVe/EEP4td87PDkcHBwfDriIHGbQcvLgnToE4ylKPOOp9iD7AQOehGQcQpU21ZfAWSbh"
    "ni0BTacb1YpR5sOPU/aZ7i5mC9zrJsQLtuQ/jw9zmH4YXp29HV49Oz78RZyQ8AfBe0TG65"
    "6+7BLYQ8w2hXN0XwZxqFENXr8h5Bs+urUDHhTgO8jEO4jTVcdUAnFMrT7OmlYL5f7RUQHO"
    "XCqTtOyLsjYoFDR0wJKoX/EehiyYjjuqGaM9W6u+8P/Zx3ucX+Bsgs3VevLKgT89vxxdT4"
    "eX78XpLMf5Zkp+w+lI9PRl6yrW+uw4ZqfgIJ2/z6dvO+Jn59NkPJJ4icMWVJ4xlJt+0sSY"
    "gMuIjsl3HcyUedZv9alFrG4Ch+mus5Hd47oVWH495F0x/J4Y2meSsLRwuea3in8gGm6Acf"
    "sd0Jme6CF9kiWb7LL6VrwFYLCQRhI0xTjXnujoDmKW5qJ6Hbn+KQxEKvVNP/N1mPwDDXlo"
    "eQ6de5ZfYy7rZw05jitvXHEDOwxYtvjhixZ2Z0/R4v/i0f7W7x8cnPS7B8eDo8OTk6NBN3"
    "Btk115Pu7p+Rvh5kYemJ/7vYEtS/gLqs62nIWnc3oP+gWchYN+pq8guqKuQuRZKLNiRBQb"
    "6Cjs+3qhGplCA6K7jRyDmGpr6J02tMmnP7PMdBko1BhYQUoJrSe66h0XmC97cYuF86Xoii"
    "UJTMDmhFql0gSKTo2ciXSQ9nRdgvgOUYKttcdYePmPqm1Ee8cClxryBRSaEDiwDGhFpYVc"
    "CDKPrmmS8J/Xk3E6YV8+vuQig3X+7ZjISUQVu485h6oAEVlmfZjPLocf45zPLian8fVTHO"
    "A07t2ChVOGuS//KOabzda/z11sCJ6dGxeZDGHnhTjtH9uawOs2hQ1WJgEpsVy2NRSV1iCV"
    "G0SmQ1Kj69wMh6L18zzHHrj/daY61FqTzFil4s9kH1VqEv1HlU4TmdEE5iTj14RCtMDv4E"
    "qiPueDAthIc2fW6c334ZH2DPGDfxv5raFbQMH3IOkZu7s4AX7dkHlu4PD6bPhqpCXnjwrI"
    "nvvHaShXdcZMp/o0mXyPe0omPzBIdiY/sP0WM/lzLg2pTQVZfiGRPoO4mHGdZJJfEZI1LQ"
    "d622FEmj92EH5jMpgq2NYDdrIeoN4RCTNkh6oxtQZu1ah+L8yCEtfmA9DvIHVKbtlI023c"
    "vo3qM14+tjIRkqrThkiVh0j+MlPcRVc0Wv88Je4J1tzkZDLCrpVwGSNwA+U6k+i25xaUgK"
    "tN3o/GLztC8wu+Gl1PLj6MXr3s8PuMmHdw9gVf/jUVDZYrxrrB3FN9VaOtG22bsARUArAv"
    "37iFs9cvsrGUS2XD7Sc2l1rQcXiUkwQ8hfcZM7Wi0gDGeUXs0cdp/soY1LAvJuM3vnh8uY"
    "xvG2FmufvZV2gA7Dp28LomD1hKhTmKSvMYd7tFGHe72YxFX1vKf5JSvtySJz3jctmTmGJ9"
    "DnV3u950zbWGOaJKfqvM5q+oZrv3a7f3foENrRxRbI2800Zu64Zt3XDH6ltF6obZFa6Ym5"
    "CyW+d0rff63RXk3ld6Qjn+EkpDWEee/SVyGKGrxxGSxb234ZGaAmrrlVKfWVbBVGH6k7qp"
    "rhhyq2/pK688ebv329rm7tY2KbH0nOx4hoMe0WpgZXMLiVhSHrOq00IuANkAbrnt5IFCA/"
    "FWn1Ep/xpX+/bWHgR37Y7cmhfknAiw3d1YLPrb1d2Nftyd4q4rIXm2p65kANovae1VWifP"
    "y5Z/S7glvnwDvZKtlNQc003Zv5bN15dv3NfJeoXo9nLo9lLoQszoSr+FKTmgHMYRrcaRrt"
    "679pa08nv/EnqNKVhWtv1PXLduIgsx3YZUtxB20yLxTMSZ+huh3rGXY6uG3X4FLht1s74C"
    "l4hj2npLBfUWOZ8/ElDTwr+t1lmGkCJjqaV9/9jreZ779eNQpg3Y9mvNyg7YNnj96EneOq"
    "ovbNvGblPxUJUgvBZvIN2thG38jCz1M0bZ73UpKvW/1vU02frKXuAq4QxVv5g9/Acyt4nk"
)
