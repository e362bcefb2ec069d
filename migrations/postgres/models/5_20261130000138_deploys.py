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
    "eJztXWtv27Ya/iuGP3VATpE4aZIVBwdwHbf1lsRF4mxDLxAYmba1SKJGUU69Lf/9kLQu1D"
    "WSLSsyy282yVeiHt6e9+FL6Z+uhabQdF/3HWOCHqDdfdv5p2sDC9IfqbyDThc4TpTDEgi4"
    "N3lh4BgaCYvduwQDndCMGTBdSJOm0NWx4RADsZvYnmmyRKTTgoY9j5I82/jLg/RSc0gWEN"
    "OML99osmFP4XfoBn+dB21mQHMaq68xZffm6RpZOTxtZJP3vCC7272mI9Oz7KiwsyILZIel"
    "DZuw1Dm0IQYEsssT7LHqs9r5jxo80bqmUZF1FQWbKZwBzyTC495rUVpX067HE+12ONG0bg"
    "WAdGQzcGlVXf70c1aF//SOTs5Ozo9PT85pEV7NMOXsaX3rCJi1IYfnetJ94vmAgHUJjnEE"
    "Km9TbQHcRRrcwQLgbHTjVgmUafWTKAeYthdmC3zXTGjPyYL+PT0pwPS3/s3gY//m1enJT+"
    "yGiA6E9RC59nN6PIvBHsHsYDgzvleBOLKoB94gIcI3GrqNA3xeAt/zXHjPk+iKdaoAccKs"
    "OZy73UZQ7r15UwJnWioXaZ4Xx1rHkKGhAZKG+oLmEMOC2XDHLRNoT33T18GPfezj9AGnY9"
    "tc+ZNXAfiT0dXwdtK/+sRuZ7nuXybHrz8ZspweT10lUl+dJtopvEjn99HkY4f97XweXw85"
    "vMglc8zvGJWbfO6yOgGPIM1GjxqYCvNskBqgFmt1E7hE89yN2j1pW0PL+1VuS8PvSUMHmK"
    "RamlGu2YPAD1jCPdAfHgGeaqkc1EN5ZdNZVs9KpgAbzHkjMTRZPX0megEdE62yOKqfU8hQ"
    "p1GZXdLTL3RlRn9CnXdlyjK/VeKr74z5j0JZf+71jo/PeofHp+dvTs7O3pwfhtw1nVVEYt"
    "+NPjAeGxsRzxNbaC8NjGwL2hkTVj4nSJhJyL12wgowXBpuRfol2iicS+KMTPMeYLacYp5W"
    "Be8M241wb9nq2wDsJtKBuRHoaUsFeTk/A1nZc/cEfs9ZQAUTGUAuYpXDPyYxQhlA+eqq/8"
    "dPMVJ5Ob7+EBQXoB9cjt8lEHcJIJ6b3bmHtmdx0Ee0isDWYQr8yLpBP9r1dB3CKQz6Qtk2"
    "6FKWfDMZXrzt0GpjWqmv9u3dYDAcXvC04Kpf7ff90SVLmgHDZP8Zw77QxncT2luoq0IJr8"
    "f7W9Uhc3RaYsQcJf2AaMCwrFTrYaIF/lMV/yxuKaFfvu/umdjMM8M23MVG7ZwwVW54m9vZ"
    "dzK1SpsecaPnPck9GLt17H+k5I0UzGmM3yMMjbn9K1yllr0Err5E8Sm60p5B/BR0oyA1Gt"
    "kYPIbCRqJ3UQToc0Oypgj920H/Yth9ehnhaLiEvNYp3WidcVAkG8GwSK2q0Zf1hYOh6HeO"
    "bykxyXBdj/cqNuXSPmY5ga500BFyE7IEpsgDFyrxqa3ik9D2pZUnsb/IJ4cc90ow3uNeLu"
    "NlWXHGGxsxVYhQzFDx3VbzIAx1aCw32ndKmKqGbnVDm3T+Myspa4FBg3oDxBjhilrDhvNl"
    "/QqBYwIyQ9iqArJo0yDOiNOoPV2XXnDnqWUOeSMbT2smXAFowUSBXApktn2RRviX2/F1Ns"
    "JB+eSSa+ik82/HNNwybnLLYC5AlQFRrMYnhffE+skukFTjCZhnaPH5mAflt8J8s9n6vzPP"
    "1hmenXvPMIlhu6/Zbf+3qwm86aZwwMpEIMOZy9+KEkyk8OWa3oviwkemA10oYghWMqmfja"
    "gZSntW2vNea8+p+aMGZEfBdSTFVZwx26Toj+w5dMkAedm6vph9UKTuG7wgxcHbjcgvjGHk"
    "ER1ZMKXxK4m+lRJ90FypJigX7iKYt5ngdfuDwfATj3QBug4dHupyd92/m3wc34w+s3TPBh"
    "59AGz8zfJu+pOhdjm6GnEb9gCaaVgGt5uMx9pl/+bDkPYXhDQT4Dn8ao8o37sc0cKGvQSm"
    "4QfJhCEyrQmQCeeA8iMuNGmOzhxKMOgUk1RMsrWMp71RDGuumcV2AhJawHPCIrsjODNGpr"
    "CDGbY8OkHI4zMltUkHOAiF+EEwF67PkAchDkI+CyGFmQUVh2olhxJ7RCaPyg1EFM3azJ82"
    "VOHrP0A+x8hzaAW0JcRVD9pk2Up32Ln+fbwAtioqvGijlPjalfhgmSlPJgULxSQzGHq45m"
    "565qNhF7iLnDUtqOIEjz8Nr992mCV1cIe348vfuHMLXWQumWN7dce9Xcsj/kmSF3dWVTTM"
    "rhHmAFUAOCgv3cJ51CvzNhZaKh/cXuqNLBZ0XerlVNkyFUwkwLjpDVNiELNafw4MJAC7ie"
    "OonkkdlkpujmAiH8aHh2UwPjzMx5jlqQDFFwlQ5CcNNtDDE4ZKFd9MFZ8ZWNC3qoS0xy1V"
    "RHu7I9rBhq0cM1SN3OpGVjtcaodLqh2uBE3IiEF+59u9//UGUvaVLSgnD+BKgnVs7C8Mly"
    "C82g4hvrn3MbqSlEAhD5urNXHcskOt4eLXkxUtAubaEpgerAOqCZjLjNMDXNWEEl1BZAJq"
    "54EKwZSVF68gTGnPhC1owjy641d3RmES6vWdbfCJC0ILMLK0gs2pHP84ZiVhYMEO9kFQdZ"
    "hFGwVymdhT4FU7oxoaSAhv/YJm9XdDqFdC7IG2og4BNrwgFwgw6kBVOfGltQeqBL85l7KH"
    "bvWzjD0qWXO8cdjP2C3UWar2zA1FZJ23VSX8Aws1QW+8i6jOMzWPuWIkipG0pRGkYCRMns"
    "6jI750/RwXIX6xXRGRh7UwzBV5RUjaMzUUERK/zcqqLX5xpbWU0FrW46ACuKGBhPDuJAxS"
    "ETsVkteiHi+ToqhC8n6ARlZOmnLS2tIIsjhpLDqmwE/zg2dKuGqaz7V36q4pL601c8OB8t"
    "JezEvLO+KT270TVtI4E7WdlufHvjY5OZUwlAZZpb8raqeo3V5Su+AgTAatE87I5FM64UjO"
    "TqN2K5G3H4W5bbmi5XOyqt+33uqr1m0b0g2Iu67pZbxQKh/foHw9+L5s140H2ZZC96gA3a"
    "MMdKFN8Eqr6FjEraRDun7vYr2kVX8ZV8pOGh5cm4cRvXFZc6jHYBm2lxWbnwtxrv1GULfs"
    "Gzx1g61jyJ59g28Lxi0l3BDo0gecjm0eLeqfvNuHDQK/w6b2B1J+TJkD0FPomGjb84UX/C"
    "J72ANKncFUZ8SfAUj8AMW2J1XjH72QEi1GEOo40CsrQOwjDq5L3eUHaG+Jk+/k9/kVJ+yC"
    "soLGOdEjrSF63BKzG3ql3/mFZMKqAZVJ7GX5glOiLz6rPWnicFBClFRCVNimZb340EA58M"
    "868K6OnKx1tkAjCS0kVPrqf12/8izzoZfLs4x/jHpJJ6FNWj1uWUOrt0y52ZNGLhVfqF75"
    "p17517I95vZ+1ErwmDJ4f9yfyuf7ggdXP82PfYPKF8xVBGFrQlCKnIS87ZGiFthyS6RtU0"
    "SrDp//QAeUatuEUnRC0QlFJ0rSiT7Ehr7IohJ+TiGNAFEZJRTu07gu4gAbfBDxRb6D2Fzc"
    "2i6+f8MGVQWE/eISoruTuDV6RwKzCFX+lyYFk+Y/NPkySlFtn5SsEA1S/2L29H+DRZCW"
)
