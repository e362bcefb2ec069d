from tortoise import BaseDBAsyncClient

RUN_IN_TRANSACTION = True


async def upgrade(db: BaseDBAsyncClient) -> str:
    return """
        CREATE INDEX "idx_event_issue_i_698b90" ON "event" ("issue_id", "environment", "release");"""


async def downgrade(db: BaseDBAsyncClient) -> str:
    return """
        DROP INDEX IF EXISTS "idx_event_issue_i_698b90";"""


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
    "bvrFu7Du00ls/wPppb8lKOuXPnIcl3dc1oEdAswl+0G1qKRQC61bhG3L9NuKoQGBA73rle"
    "a8R2jxq9DePwaD3d2Dwfbu/uGLvYODF4fbIf9NVxUR4aPxG8aFY2/Vw+RYtH1ZUhHrL/Ix"
    "t91BCUqxO8hlFKwqTihib0yVeSWmKCGd2PRZRTQyhlOIbteiDwlVZehOG9qg459RZbwMFV"
    "p0vyDGNm7HB9vZLzFe7iQtFo2XrCoRSjAAmdvYrBRMEHRaxNnmNGpD56UEVys9/8fV1kK7"
    "Y+5NC1GFgAlXAFpQUSCXApn64DiN8N8Xk7NshAP55JSLpqT3X89ATsqt6D7MBagyIGLTbA"
    "Dms9PhpyTOxyeTo+T8yS5wlGS3YOFUwTyQfxTm643Wf85da8rw7F25yCDIcp6z2/7V1ADe"
    "timWYGXYIMOZ0+B9jjstqEjhyxUxzdEnrRjykGieTM7eBOJJO8Qh54GPTAe6MIghaD0cyt"
    "gA2NuMZohrTjxalQl/LvZxJZnQf9QSaipCmoI5jfFrG0O0sN7BFYd6TBsFrGkWYfHDnO+j"
    "K20YxD+DbhSURhM/BndhXDPRuygC9Lkh8Yje8OJ4+GrUT48fNSA7Dq4jKa7iiJmN6tNE9M"
    "fWAjrk2Haz4/pi9VZRdB9xQYqD20yQX3iHbZdMbROmYvwqRN/JEH1grpQJmOM4slwzNULE"
    "jCGod5ng9YfHx6P32ujVyx6YTuGStuerdXk2vNTeTs7Hn1m5awGXPgBG/7K686E20k/Gp2"
    "Ouwx5AN5CJuJ42megnw/M3I9pfbFs3AF7Ar9aY8r2TMRVG1i0wEJMbn44mlxqVQiakQPXL"
    "dYuGw1/hGFD+jQtV2qMz2xK8dIpJKibZWcZThkk+EefhXDOL7QQktIDnhCLNEZw5I1N4iR"
    "m2PDtBqOMjJdVJJzgIQjyfx4FeKnCQ4iDU085JYKag4lCd5FBij8jkUdlGSKh1mT91Jg94"
    "gW13SRug30LsVExXzdKVLme1/nW8ALYqUXhRR0Xia4/EB9NMeTIpaCgmmcHQwzl3HSc4VG"
    "4zNWDp0YIqTvDk/ejsZY9pUgd3dDE5+cCdW+jYxi1zbE8vubdruqyta4w99TurKhumaYQ5"
    "QBUADuSlmzh3BmU21VCpfHAHqY01JnQc6uVUWTIVVCTAuO0FU4KIUa0/BwoSgN3G7iXXoA"
    "5LJTdHUJEP4+3tMhhvb+djzOpUguKTJCjynQZrxMMTiioqvl5UfI6wEN+qktIe11QZ7d3O"
    "aAdrWjmmqIzcaSOrFS61wiXVCleCJmTkIB/5eq/fnUPKvrIDyskNuJJgHXv3r5FDbLx6HE"
    "J8ce9tdCUpgbJdbKw84vjIDuXBxa8nK1oELPRbYLiwDqg0sJAZpxu4qgklOoPIBFTjiQrB"
    "kJWXryAMaQ+kLejCONroB8KE7yl4W4JVakF3UwuwbeoFi1M5/nFMS8LEggbWQezqMIs6Cu"
    "QyuafArbZHNVSQEN76A5rVvw2hPgmxAbEVtQmw5Qm5IACjNlSVC750dkOV4DfnUvbQrX6Q"
    "sUeSNecbh/2M3ULtperO2FBE1rmtKuEfaKgBeu1VRLWfqX3MFSNRjKQrRpCCkbDwdB4d8U"
    "PXD3ER4os1RURuvMAwj8grQtKdoaGIkPg2Kxtt8cVVrKVErMV7DyqAGypICG8jaZCK2KmU"
    "vA71eJkiiiol7xcwsnLSlJPWFSPI4qSx7JgCP81Pninhquk+127UXVNeWmfGhi3lpT2Zl5"
    "a3xSe3eye0pHEmatstz7d9rbNzKqEoDbIq/q6onaJ2G0ntgo0wGbRO2COTT+mELTnqWN+2"
    "X/3GjvXlfyuQskBeQlbWSHDXMdyMD0rl4xvIS3dU8k4pdHcK0N3JQBdaBK/0io5FXEs6pO"
    "v3LrwprfrHuFJ60vDg2jyM6IvL+pJ6DCay3Kzc/FyIc/XXgrpjZ/DUDbY6kjofarmOpE75"
    "MWoDdA07MMXTFR67DTN+ooOUaLHZr47dqrICxOeuO9pC++6RMJ3TK33kF5IJqyajAQJiGQ"
    "GBOJ75MQHBgk0s8gghB5/YqJWezoQKtwqiCnk0tsgCj6SuXXurO7VJ4BdKJKvNWVBfelJf"
    "eurY0kJ3zzIZQoym11lUwq8ppBEgklErC5v0XhdxgDUOrniS8yraW19o4jvF7KWqgLAvLi"
    "G6jawv0DsSmEWo8k8EEVTaPxDkaTKGazv6o0LUrv7J7Of/c+oatQ=="
)
