from tortoise import BaseDBAsyncClient

RUN_IN_TRANSACTION = True


async def upgrade(db: BaseDBAsyncClient) -> str:
    return """
        CREATE TABLE IF NOT EXISTS "deploy" (
    "id" BIGSERIAL NOT NULL PRIMARY KEY,
    "environment" VARCHAR(255) NOT NULL,
    "revision" VARCHAR(255) NOT NULL,
    "rollbar_username" VARCHAR(255),
    "local_username" VARCHAR(255),
    "comment" TEXT,
    "status" VARCHAR(16) NOT NULL,
    "start_time" TIMESTAMPTZ NOT NULL,
    "finish_time" TIMESTAMPTZ,
    "project_id" INT NOT NULL REFERENCES "project" ("id") ON DELETE CASCADE
);
CREATE INDEX IF NOT EXISTS "idx_deploy_project_a420b0" ON "deploy" ("project_id", "id");
COMMENT ON COLUMN "deploy"."status" IS 'STARTED: started\nSUCCEEDED: succeeded\nFAILED: failed\nTIMED_OUT: timed_out';"""


async def downgrade(db: BaseDBAsyncClient) -> str:
    return """
        DROP TABLE IF EXISTS "deploy";"""


MODELS_STATE = (
    "eJztXWlv47YW/SuGP02BvEHiLJMOigJO4plxm8SDxGmLWSAwMm3zRRJVUXLGr81/fySthV"
    "oj2bIiM/yWkLwSfbide3gp/tM18QQa5G3fRmP8AK3u+84/XQuYkP6RytvrdIFtRzkswQX3"
    "Bi8MbKS5YbF74jpAd2nGFBgE0qQJJLqDbBdh9hLLMwyWiHVaEFmzKMmz0N8epI+aQXcOHZ"
    "rx9TtNRtYE/oAk+Nd+0KYIGpNYfdGEvZuna+7S5mlDy/3AC7K33Ws6NjzTigrbS3eOrbA0"
    "slyWOoMWdIAL2eNdx2PVZ7Xzf2rwi1Y1jYqsqijYTOAUeIYr/Nx7LUrratr1aKzdDsaa1q"
    "0AkI4tBi6tKuG/fsaq8J/ewdG7o9PDk6NTWoRXM0x597R6dQTMypDDcz3uPvF84IJVCY5x"
    "BCpvU20OyDwN7vkcONnoxq0SKNPqJ1EOMG0vzCb4oRnQmrlz+u/JUQGmf/Rvzj/1b96cHP"
    "3EXojpQFgNkWs/p8ezGOwRzLYDp+hHFYgji3rgDRIifKOh2zjApyXwPc2F9zSJrlinChAn"
    "zJrDudttBOXe8XEJnGmpXKR5Xhxr3YEMDQ24aagvaI6LTJgNd9wygfbEN30b/LGLfZz+wM"
    "nIMpb+5FUA/nh4Nbgd968+s9eZhPxtcPz64wHL6fHUZSL1zUmincKHdP4cjj912L+dL6Pr"
    "AYcXE3fm8DdG5cZfuqxOwHOxZuFHDUyEeTZIDVCLtboBiKt5ZK12T9rW0PJ+ldvS8DvS0A"
    "EmqZZmlGv6IPADlnAP9IdH4Ey0VA7u4byy6SyzZyZTgAVmvJEYmqyePhO9gLaBl1kc1c8p"
    "ZKiTqMw26elXujLj/0Kdd2XKMr9X4qtnaPZaKOvPvd7h4bve/uHJ6fHRu3fHp/shd01nFZ"
    "HYs+FHxmNjI+J5YgutBXKwZUIrY8LK5wQJMwm511ZYgQMXiFSkX6KNwrkkztgw7oHDllOH"
    "p1XBO8N2Ldxbtvo2ALuBdWCsBXraUkFezs/AZvbcPYY/chZQwUQGkItY5eCvcYxQBlC+ue"
    "r/9VOMVF6Orj8GxQXozy9HZwnEiQtcj2R37oHlmRz0Ia0isHSYAj+ybtCPJp6uQziBQV8o"
    "2wZdypJvxoOL9x1abYdW6pt1e3d+Phhc8LTgqd+sD/3hJUuaAmSw/xnDvtBGd2PaW6irQg"
    "mvx/tb1SFzcFJixBwk/YBowLCsVOs5rhb4T1X8s7ilhH75rrtnYjNPkYXIfK12TpgqN7zN"
    "7ew7mVqlTY+40fOe5A6M3Tr2P1LyRgrmNMYfsAPRzPodLlPLXgJXX6L4HD1pxyB+CrpRkB"
    "qNbAc8hsJGondRBOjvhu6KIvRvz/sXg+7TywhHgwXktU7pRquMvSLZCIZFalWNvq4eHAxF"
    "v3N8T4lJiBCP9yo25dI+ZtqBrrTXEXITsoRDkQcEKvGpreKT0PallSexv8gnhxz2SjDew1"
    "4u42VZccYbGzFViFDMUPHdVvMgB+oQLdbad0qYqoZudUMbdP4zKilrgUGDegN0HOxU1BrW"
    "nC/rVwhsA7hT7JhVQBZtGsQZcxq1o+vSC+48tcwhb2TjacWEKwAtmCiQS4HMti/SCP92O7"
    "rORjgon1xyke52/u0YiJRxk1sGcwGqDIhiNT4pvCfWT/aApBrvglmGFp+PeVB+I8zXm61/"
    "mXqWzvDs3HvIcJFF3rLX/rqtCbzpprDB0sAgw5nL34oSTKTw5Zrei+LCR6YDXShiCFYyqZ"
    "+NqBlKe1ba805rz6n5owZkh8FzJMVVnDHbpOgPrRkk7jn2snV9MXuvSN1HvCDFwduOyC+M"
    "Yey5OjZhSuNXEn0rJfqguVJNUC7cRTBvM8Hr9s/PB595pAvQdWjzUJe76/7d+NPoZviFpX"
    "sW8OgPcND/WN5NfzzQLodXQ27DfoBmIBNxu/FopF32bz4OaH/BWDOAM4PfrCHle5dDWhhZ"
    "C2AgP0gmDJFpTYBMOAeUH3GhSXN0Zl+CQaeYpGKSrWU87Y1iWHHNLLYTkNACnhMW2R7BmT"
    "Iy5dgOw5ZHJwh5fKakNukAB6EQPwhG4OoMeRDiIOSzEFKYWVBxqFZyKLFHZPKo3EBE0azN"
    "/GlNFb7+A+QzB3s2rYC2gE7VgzZZttIddq5/Hy+ArYoKL9ooJb52JT5YZsqTScFCMckMhh"
    "6uueue+WjYBe5ie0ULqjjBo8+D6/cdZkkd3MHt6PIP7txCgo0Fc2yv7ri3a3quf5LkxZ1V"
    "FQ2zbYQ5QBUADspLt3Ae9Mp8jYWWyge3l/oiiwkJoV5OlS1TwUQCjJveMHWRa1Trz4GBBG"
    "A3cRzVM6jDUsnNEUzkw3h/vwzG+/v5GLM8FaD4IgGK/KTBGnp4wlCp4uup4lPkCPpWlZD2"
    "uKWKaG93RDtYs5VjhqqRW93IaodL7XBJtcOVoAkZMchnvt2H328gZV/ZgnLyAK4kWMfG/h"
    "wRFzvLzRDim3ufoidJCRT2HGO5Io4bdqgVXPx5sqLlgpm2AIYH64BqDGYy4/QAlzWhRFcQ"
    "mYDaeqBCMGXlxSsIU9ozYQuaMI9u+dOdUZiE+nxnG3zigtACB5taweZUjn8cs5IwsGAL+y"
    "C4OsyijQK5TOwp8KqdUQ0NJIS3fkGz+rch1CchdkBbUYcAG16QCwQYdaCqnPjS2gNVgt+c"
    "S9lDt/pZxh6VrDneOOxn7BXqLFV75oYiss7bqhL+gYWaoNfeRVTnmZrHXDESxUja0ghSMB"
    "ImT+fREV+6fo6LuH6xbRGRh5UwzBV5RUjaMzUUERK/zcqqLX5xpbWU0FpW46ACuKGBhPBu"
    "JQxSETsVkteiHi+ToqhC8l5BIysnTTlpbWkEWZw0Fh1T4Kf5wTMlXDXN59pbddeUl9aauW"
    "FPeWkv5qXlHfHJ7d4JK2mcidpOy/NjX+ucnEoYSoOs0t8VtVPUbiepXXAQJoPWCWdk8imd"
    "cCRnq1G7lcjba2FuG65o+Zys6v3WG91q3bYh3YC4Swwv44NS+fgG5evB92W7bjzIthS6Bw"
    "XoHmSgCy3XWWoVHYu4lXRI1+9drJa06h/jStlJw4Nr8zCiLy5rNvUYTGR5WbH5uRDn2q8F"
    "dcvu4KkbbN2B7Levcbdg3FLCDYEu/YGTkcWjRf2Td7uwQeB32NT+QMqPKXMAegJtA296vv"
    "CCP2QHe0CpM5jqjPgzAIkXUGx6UjV+6YWUaDGCUMeBXlkBYpc4EELd5QdobYiT7+T3+RPH"
    "7IGygsY50SOtIX7cELMb+qQ/+YNkwqoBlUnsZfmCU6IvPqs9aeJwUEKUVEJU2KZlvfjQQD"
    "nwzzrwRMd21jpboJGEFhIqffV/rl95lvnQy+VZxi+jXtBJaJ1Wj1vW0OotU252pJFLxReq"
    "T/6pT/61bI+5vZdaCR5TBu+P+1P5fF/w4Oqn+bE7qHzBXEUQtiYEpchJyNseKWqBDbdE2j"
    "ZFtOrw+Ss6oFTbJpSiE4pOKDpRkk7cEb5mp4gETy+kEB4twfTC7dwErqTCF5QKoQlQpcuy"
    "QgPppMLecRkpi5YquPsmJWbZgJBHTIfuHJB5FZxThhJqh9u5bUjJh69EPlwrMIVAwu5x3X"
    "Azk62Zt6sn7WA/eJHdTBGyHBYiIPoMGSFCSUVGZCEjfBuy8koZt5KOlqgNNrXXstkHO9Zo"
    "6KStaupWNzVfEystSYKFUsCeV8A8knVYo7L8FUgtOwZuWe1L6FRtEr760EH6PIt0+jmFfB"
    "NEZRTT3KXhXMQ0F9AJ/IeyNFMwUVJMOSmGDaoKCPvFJUR3Kwc26RtdmLWT+Nvt6DpvKzE0"
    "STI6pLudfzsGIru4+heAy8CI0bjUjfHJy+ET/Iw94CyLHTS5mD39Hz9QptI="
)
