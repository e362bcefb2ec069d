from tortoise import BaseDBAsyncClient

RUN_IN_TRANSACTION = True


async def upgrade(db: BaseDBAsyncClient) -> str:
    return """
        CREATE TABLE IF NOT EXISTS "rate_window" (
    "id" BIGSERIAL NOT NULL PRIMARY KEY,
    "minute" BIGINT NOT NULL,
    "count" INT NOT NULL,
    "project_id" INT NOT NULL REFERENCES "project" ("id") ON DELETE CASCADE,
    CONSTRAINT "uid_rate_window_project_7b21c5" UNIQUE ("project_id", "minute")
);"""


async def downgrade(db: BaseDBAsyncClient) -> str:
    return """
        DROP TABLE IF EXISTS "rate_window";"""


MODELS_STATE = (
    "eJztnFtv2zYUgP+K4acO6ApbuXnFMMBJ3TZbYxeJ1xa9QGBk2uYikSpFJTG6/PeRtCVR10"
    "qOrMiantqQPBL1HYk8N/pH1yIzaDovhjaakhuIuy87P7oYWJD/J9b3vNMFth30iAYGrk05"
    "GNhIZ/6wa4dRYDDeMQemA3nTDDoGRTZDRNwEu6YpGonBByK8CJpcjL67kF9qAdkSUt7x5R"
    "tvRngG76Hj/Wnf6HMEzVlovmgm7i3bdbayZds5Zq/lQHG3a90gpmvhYLC9YkuC/dEIM9G6"
    "gBhSwKC4PKOumL6Y3eZRvSdazzQYsp6iIjODc+CaTHncaz1o6+r6eDLVr0ZTXe8WAGQQLO"
    "DyqTry6RdiCr9q/cOTw8HB8eGAD5HT9FtOHta3DsCsBSWe8bT7IPsBA+sRknEAVepUXwJn"
    "GYd7tgQ0mW5YKkKZTz9K2WNaX8wWuNdNiBdsyf88Psxg+mF4efZ2ePns+PAXcUPCP4T1Jz"
    "Le9GiyS2APMNsUztF9EcSBRDl4vYaAb/DpVg54kIPvIBXvIEpXnVMBxBGx6jh3u5VQ1o6O"
    "cnDmo1JJy74wa4NCQUMHLI76Fe9hyILJuMOSEdqzjegL7z/7+I7zB5xNsLnaLF4Z8KfnF6"
    "Or6fDivbid5TjfTclvOB2JHk22riKtz44jevIv0vl4Pn3bEX92Pk/GI4mXOGxB5R2DcdPP"
    "XTEn4DKiY3Kng5myznqtHrWQ1k3gMN11ttJ7VLYEzW+mXBfF74miPSYxTQuTa36j2Aei4R"
    "oYN3eAzvRYD9FI2th4l6VZ0RaAwUIqSdAU89xYoqNbiFmSibruyLRPoT+kVNv0C9+HyT/Q"
    "kJeW99C5ZfktYrJ+6SLHceWLK15ghwHLFn94Q3Obs6do8X+xaH/TtIODE613cDw4Ojw5OR"
    "r0fNM23pVl456evxFmbuiD+bnd6+uygL2gyuzKWHg6o/dAy2EsHGiptoLoCpsKoW+hyI4R"
    "EmygobDv+4WqZAoNiG63Mgwioq2ia61oky9/ZpHl0heo0LGClBJajXfVP86xXvajGgvWS9"
    "EVCRKYgM0JtQqFCRSZCjkTaSDt6b4E8S2iBFsbizH39h8W24p2zRyXCuIFFJoQOLAIaEWk"
    "hZwLMveuaZzwn1eTcTJhb3x0y0UG6/zbMZET8yrqjzmDqgAR2mY9mM8uhp+inM/eTU6j+6"
    "e4wGnUugULpwhzb/yjmG+3Wv8+d7EheHauXWQyhJ0X4rZ/7GoBr1oVNliZBCT4cunaUERa"
    "hZSuEBkOSfSuMyMcitTP4xx7YP5XGepQc00yYpWIP5V9WKhJ9B+VOo1FRmOY44xfEwrRAv"
    "8FVxL1OZ8UwEaSObMJb74PrrRniB+818hrDcwCCu78oGfk7eIE+HNDtjYDh1dnw1ejbnz9"
    "KIHsuXedhnJVV8xkqk8TyV9zT4jk+wpJj+T7ut9hJH/OR0NqU0GWP0iozyAuZlwmHuRXBs"
    "mclgPX5TAizB+5CH8xGUwc2OYDapkPUN+ImBrSXdWIWANLNcqvhVlQ4tp8AvotpE7Bko0k"
    "2cbVbZQf8fKwFfGQVJnWRSrdRfK2mfwmuiLR2ucJfo+/58YXkxF2rZjJGILrC1cZRLfXZk"
    "EBuN3J+9H4ZUdIfsWXo6vJuw+jVy87/D0j5i2cfcUXf09Fg+WKuW6x9pSf1WjzRrsmLAEV"
    "AOyNb9zG2dfyFJbyUelwtVhxqQUdh3s5ccBTeJ+yUisiDWCclcQefZpm74x+DvvdZPzGGx"
    "7dLqNlI8ws9j57Ag2AXUUFr2tyh6WQm6OINI9xr5eHca+Xzlj0tan8J0nly5I8aRkXi55E"
    "BKszqHu7taYrzjXMEVXiW0WKv8KSbe1XvWu/wJZaDgm2Sq61ktu8YZs3rFl+K0/eMD3DFT"
    "ETEqp1Tjdyr/+6hNz6Sg4oRw+hNIR16NtfIocRunocIZncextcqSmgdp4p9ZilJUwVpj/J"
    "m+qKInd6Sl858rSu3m9zm/XNbVJi6RnR8RQDPSTVwMzmDgKxpDhmVaaFnAOyAdxi5eS+QA"
    "Pxlh9RKX6Mqz29tQfOXVuRW/GGnOEBttWN+by/ulY3en53grmuuOTplroSAWh/SWuvwjpZ"
    "Vrb8t4BZ4o1voFWyk5SaY7oJ9WvpfL3xjft1sn4uuv0Muv0EuhAzutJvYEIMKINxSKpxpM"
    "u3rtdbWvHav5hcYxKWpZX/iefWTWQhptuQ6hbCbpInnoo4VX4r1DU7HFs27PZX4NJRN+tX"
    "4GJ+TJtvKSHfItfzRwJqmvsXX83v+AzJ3SMxXfIrfZQXahKrXfq3CrEEFzfMM93LVTRYvq"
    "cbOmy32aqjB/babFQts1FphlmWBh5pjNXtq36aWr2UKsns80atr9H+xEJbKlVDC+B5qaVS"
    "uzQnhpAiY5lkSmx6Ms0IEIxpY+X79F1n2QBbnPx+kgPf1UXMd3HQR3xUBQhvhjeQ7k4i5v"
    "yOLPEXJNOP1Csi1Z+of5pCidLOzheIQ5W/mT38B8pPkBI="
)
