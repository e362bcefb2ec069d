from tortoise import BaseDBAsyncClient

RUN_IN_TRANSACTION = True


async def upgrade(db: BaseDBAsyncClient) -> str:
    return """
        CREATE TABLE IF NOT EXISTS "project_access_token" (
    "id" SERIAL NOT NULL PRIMARY KEY,
    "token" VARCHAR(32) NOT NULL UNIQUE,
    "scopes" VARCHAR(64) NOT NULL,
    "created_at" TIMESTAMPTZ NOT NULL,
    "revoked_at" TIMESTAMPTZ,
    "project_id" INT NOT NULL REFERENCES "project" ("id") ON DELETE CASCADE
);
        -- Existing projects get the four tokens a new project gets, one per scope.
        INSERT INTO "project_access_token" ("token", "scopes", "created_at", "project_id")
        SELECT replace(gen_random_uuid()::text, '-', ''), s.scope, now(), p."id"
        FROM "project" p CROSS JOIN (VALUES ('post_server_item'), ('post_client_item'), ('read'), ('write')) AS s(scope)
        ORDER BY p."id", s.scope;"""


async def downgrade(db: BaseDBAsyncClient) -> str:
    return """
        DROP TABLE IF EXISTS "project_access_token";"""


MODELS_STATE = (
    "eJztXWtz27YS/SsafUpncjO2/GzmTmdkR0nU2lLGlttO0g4HliAJ13yVAOWobf77BcAX+B"
    "QpUTSF4FNiYBeEzoLA2cWC+KdrWDOo4zd9G02sJ2h233b+6ZrAgPQ/qbrXnS6w7aiGFRDw"
    "qHNhYCONhGKPmDhgSmjFHOgY0qIZxFMH2QRZ7CGmq+us0JpSQWQuoiLXRH+5kDa1gGQJHV"
    "rx5U9ajMwZ/Apx8Kf9pM0R1Gex/qIZezYv18ja5mVDk7znguxpj9rU0l3DjITtNVlaZiiN"
    "TMJKF9CEDiCQNU8cl3Wf9c7/qcEv8noaiXhdFHRmcA5cnQg/91GLyrqaNhpPtPvBRNO6FQ"
    "CaWiYDl3YV81+/YF34T+/49OL08uT89JKK8G6GJRffvEdHwHiKHJ7RpPuN1wMCPAmOcQQq"
    "t6m2BHiZBvd6CZxsdONaCZRp95MoB5i2F2YDfNV0aC7Ikv55flqA6a/9u+uP/btX56c/sA"
    "da9EXwXpGRX9PjVQz2CGbbgXP0tQrEkUY98AYFEb7Rq9s4wJcl8L3Mhfcyia7YpwoQJ9Sa"
    "w7nbbQTl3tlZCZypVC7SvC6O9dSBDA0NkDTU72gNQQbMhjuumUB75qu+Cf5ziGOc/sDZ2N"
    "TX/uRVAP5keDu4n/RvP7HHGRj/pXP8+pMBq+nx0nWi9NV5wk5hI53fhpOPHfZn5/N4NODw"
    "WpgsHP7ESG7yucv6BFxiaab1rIGZMM8GpQFqMavrABPNxVvZPalbg+X9LrfF8Adi6ACTlK"
    "UZ5Zo/CfyAFTyC6dMzcGZaqsbqWXmy6SqjZyRLgAkW3EgMTdZPn4kOVtAkWRTVqyjkpzAU"
    "qZWbfvEa1nw66Vj/g7TpPxOU9UsXYezygcsGMCbAsNkfVItKCrXQXCHHMg2/rw7UIcDQa6"
    "80571Ci++F9v7Y652cXPSOTs4vz04vLs4uj0L+m64qIsJXww+MC8feqs3kWLR9WVIRGy/y"
    "MbeTXglKcdLLZRSsKk4oYm9MlXUlpighnTj0VUU0sgOnEK22og8JVWXoVhtap/OfXmW+DB"
    "UadL+g41hOMz7Y8XmJ+fI4abFovmRViVCCDsjccoxKwQRBp0GcLU6jDnRdSnC10ut/XG0r"
    "tFvm3jQQVQiYcAWgBRUFcimQqQ/upBH++X48ykY4kE8uuWhKOv92dIRTbkX7YS5AlQERW2"
    "YDMF/d9n9P4nx9M75Krp+sgaskuwULXAXzQH4nzLebrf87d80pw7Pz6CKdIBO/YY/9aV8T"
    "eNOmsMFat0CGMzeBX3PcaUFFCl+uiGkOfp8UQx4SzZvx6EMgnrRDHHIe+Mh0oAuDGILW5l"
    "DGAcDeZDRD3HPi0apM+HOxjyvJhP5OW6ipCGkK5jTG7y0HooX5C1xzqIe0U8CcZhEWP8z5"
    "KWrpwCD+FgyjoDRa+B3wHMY1E6OLIkB/NyQe0evfX/ffDbrp+aMGZIdBO5LiKs6Y2ai+TE"
    "R/aC4gJteWmx3XF6tfF0X3ERekOLj7CfIL77DlkqllwFSMX4XoWxmiD8yVMgFzHAema6Rm"
    "iJgxBPU2E7xu//p68GkyePe2A6ZTaNP+/GE+jPoPk4/ju+FnVu6awKU/wEF/s7q7/mSg3Q"
    "xvh1yH/QBNRwbiepPxWLvp330Y0PFiWZoOnAX8wxxSvnczpMLIXAEdMbnh7WD8MKFSyIAU"
    "qG65YbHn8Fc4B5R/40KV5ujMkQQvnWKSikm2lvGUYZIvxHk418xiOwEJLeA5ocj+CM6ckS"
    "nHdhi2PDtBqOMzJdVJJzgIQjyfB0MvFThIcRDq6eAkMFNQcahWcihxRGTyqGwjJNTazJ9a"
    "kwe8cCzXph3QVtDBFdNVs3Sly1mtfx8vgK1KFF7UUZH42iPxwTJTnkwKGopJZjD0cM3dxg"
    "kOlZtMDbA9WlDFCR5/GozedpgmdXAH9+ObX7lzC7Glr5hje/vAvV3DZX3dYu6p31lV2TD7"
    "RpgDVAHgQF66hfO4V+ZQDZXKB7eXOlhjQIypl1Nly1RQkQDjpjdMCSJ6tfEcKEgAdhOnl1"
    "ydOiyV3BxBRT6Mj47KYHx0lI8xq1MJii+SoMhPGmwRD08oqqj4dlHxOXKE+FaVlPa4pspo"
    "b3dGO9jSyjFFZeRWG1ntcKkdLql2uBI0ISMH+crXe//LHaTsKzugnDyAKwnWsXd/iTCxnP"
    "VuCPHNvY9RS1ICZbmOvvaI444DyoOLtycrWgQstBXQXVgHVBOwkBmnJ7iuCSW6gsgE1N4T"
    "FYIpKy9fQZjSNqQtaMI8utcPhAnfU/COBKvUgvamFjiWoRVsTuX4xzEtCRML9rAPYlWHWd"
    "RRIJfJPQVutTOqoYKE8NYf0Kz+bQj1SYgDiK2oQ4ANL8gFARh1oKpc8KW1B6oEvzmXsodu"
    "9UbGHknWnG8cjjP2CHWWqj1zQxFZ57aqhH+goSborXcR1Xmm5jFXjEQxkrYYQQpGwsLTeX"
    "TED11v4iLEF9sXEXnyAsM8Iq8ISXumhiJC4tusbLTFF1exlhKxFu89qABuqCAhvHtJg1TE"
    "TqXktWjEyxRRVCl534GRlZOmnLS2GEEWJ41lxxT4aX7yTAlXTfO59l7dNeWltWZueK28tB"
    "fz0vKO+OQO74SWNM5Ebafl+bGvbU5OJRSlQVbF3xW1U9TuIKldcBAmg9YJZ2TyKZ1wJEdd"
    "69v0q7+3a335vxVIWSAvISvbS3AX627GB6Xy8Q3kpbsq+bgUuscF6B5noAtN4qy1io5FXE"
    "s6pOv3LrwlrfrHuFJ60vDg2jyM6IvLmk09BgOZblZufi7EufpbQd2yO3jqBltdSZ0PtVxX"
    "Uqf8GHUAuoYTmOLtCrsew4zf6CAlWmz1q+O0qqwAsRsKMKa+4BM0d8TJ92D7vMUJa1BW0P"
    "iC/0x7aD3viNkdbek33pBMWDUQQhFHWX40JTEWNwZWNPF1UFEWqaIsoU3LuqihgvJON3qn"
    "eGrZWetsQQAg1JAwjFX/t+iV25QPvVxuU/ym5RWdhLaxelyzBqu3LCxxIEYulTynvmenvm"
    "fXsg3U9t7YJHhMGbw/7k/l833Bg6uf5scuWPKjwSo9rjX5FUVOQl7sv8gCO8b72zZFtOpk"
    "9Xd0+qa2HRZFJxSdUHSiJJ14wHzNThEJXl5IIVwqweKF+7nmWoUKXzBUCA2AKt0EFSpIFy"
    "rsnZUJZVGpgotdUsEsG2D8bNFXdwnwsgrOKUUJY4f7uUpHhQ+/k/DhVlkXGGJ2SemOm5ls"
    "zbz3WjrAcfAiu5kiZDksREB0AxnBgqQiI7KQEb4NWXmljGtJR0vUBpvaa9ntaxRbGDqpq0"
    "zdalPzNbHSkiRoqAjY5giYi7NOIlQOfwWhlgMDt2zsSxhUbQp89aGDpsss0unXFPJNEMko"
    "pnlIr3MR01xBJ/AfytJMQUWFYsqFYthLVQFhX1xCdPdyGpE+kcCsncSf78ejvK3EUCXJ6N"
    "CUdP7t6Agf4upfAC4DI0bjUtehJ28+T/Az1sBVFjtocjH79n9EC3LP"
)
