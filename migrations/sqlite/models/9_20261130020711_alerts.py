from tortoise import BaseDBAsyncClient

RUN_IN_TRANSACTION = True


async def upgrade(db: BaseDBAsyncClient) -> str:
    return """
        CREATE TABLE IF NOT EXISTS "alert_channel" (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    "kind" VARCHAR(16) NOT NULL /* WEBHOOK: webhook\nSLACK: slack\nEMAIL: email */,
    "name" VARCHAR(200) NOT NULL,
    "url" TEXT,
    "secret" VARCHAR(128),
    "recipients" JSON NOT NULL,
    "created_at" TIMESTAMP NOT NULL,
    "project_id" INT NOT NULL REFERENCES "project" ("id") ON DELETE CASCADE
);
CREATE INDEX IF NOT EXISTS "idx_alert_chann_project_cf1ca8" ON "alert_channel" ("project_id", "id");
        CREATE TABLE IF NOT EXISTS "alert_rule" (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    "trigger" VARCHAR(16) NOT NULL /* NEW_ISSUE: new_issue\nREGRESSION: regression\nSPIKE: spike */,
    "throttle_minutes" INT NOT NULL,
    "threshold" INT,
    "window_minutes" INT,
    "enabled" INT NOT NULL,
    "created_at" TIMESTAMP NOT NULL,
    "project_id" INT NOT NULL REFERENCES "project" ("id") ON DELETE CASCADE
);
CREATE INDEX IF NOT EXISTS "idx_alert_rule_project_8b7b5d" ON "alert_rule" ("project_id", "id");
        CREATE TABLE IF NOT EXISTS "alert_delivery" (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    "trigger" VARCHAR(16) NOT NULL,
    "status" VARCHAR(16) NOT NULL /* PENDING: pending\nSENT: sent\nFAILED: failed */,
    "attempts" INT NOT NULL,
    "last_error" TEXT,
    "payload" JSON NOT NULL,
    "created_at" TIMESTAMP NOT NULL,
    "next_attempt_at" TIMESTAMP NOT NULL,
    "sent_at" TIMESTAMP,
    "channel_id" BIGINT NOT NULL REFERENCES "alert_channel" ("id") ON DELETE CASCADE,
    "issue_id" BIGINT REFERENCES "issue" ("id") ON DELETE SET NULL,
    "project_id" INT NOT NULL REFERENCES "project" ("id") ON DELETE CASCADE,
    "rule_id" BIGINT REFERENCES "alert_rule" ("id") ON DELETE SET NULL
);
CREATE INDEX IF NOT EXISTS "idx_alert_deliv_project_5990c2" ON "alert_delivery" ("project_id", "id");
CREATE INDEX IF NOT EXISTS "idx_alert_deliv_status_b2145a" ON "alert_delivery" ("status", "next_attempt_at");
        CREATE TABLE IF NOT EXISTS "alert_attempt" (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    "at" TIMESTAMP NOT NULL,
    "duration_ms" INT NOT NULL,
    "status_code" INT,
    "error" TEXT,
    "delivery_id" BIGINT NOT NULL REFERENCES "alert_delivery" ("id") ON DELETE CASCADE
);
CREATE INDEX IF NOT EXISTS "idx_alert_attem_deliver_552ee6" ON "alert_attempt" ("delivery_id", "id");
        CREATE TABLE IF NOT EXISTS "alert_throttle" (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    "last_at" TIMESTAMP NOT NULL,
    "issue_id" BIGINT NOT NULL REFERENCES "issue" ("id") ON DELETE CASCADE,
    "rule_id" BIGINT NOT NULL REFERENCES "alert_rule" ("id") ON DELETE CASCADE,
    CONSTRAINT "uid_alert_throt_rule_id_353743" UNIQUE ("rule_id", "issue_id")
);
        CREATE TABLE "alert_rule_channel" (
    "channel_id" BIGINT NOT NULL REFERENCES "alert_channel" ("id") ON DELETE CASCADE,
    "rule_id" BIGINT NOT NULL REFERENCES "alert_rule" ("id") ON DELETE CASCADE
);
CREATE UNIQUE INDEX IF NOT EXISTS "uidx_alert_rule__rule_id_49715f" ON "alert_rule_channel" ("rule_id", "channel_id");"""


async def downgrade(db: BaseDBAsyncClient) -> str:
    return """
        DROP TABLE IF EXISTS "alert_delivery";
        DROP TABLE IF EXISTS "alert_throttle";
        DROP TABLE IF EXISTS "alert_attempt";
        DROP TABLE IF EXISTS "alert_rule_channel";
        DROP TABLE IF EXISTS "alert_channel";
        DROP TABLE IF EXISTS "alert_rule";"""


MODELS_STATE = (
    "eJztXWtz2zYW/SsafWpnvB1Hzms9Ozsj20qijS1lLLnpNO5wYAmWuKYAlQ873jb/fQGID5"
    "AiKEKiKBDGlzYmcCny4HXuuRfgX+0FnkLH+6XrQNfv+j5cLP32aeuvNgILSP6RW37UaoPl"
    "MimlF3xw5zADQGtagKt65/kumNDb3gPHg+TSFHoT1176NkbkKgoch17EE1LRRrPkUoDsPw"
    "No+XgG/Tl0ScG3P8hlG03hd+jRP7+Rezn2I3Sf6U/Z0/YftMLywbq3oTNNvQkpJEXsuuU/"
    "L9m1M3vWR/4HVpc+wp01wU6wQEn95bM/xyg2sBF7pxlE0AU+pL/guwF9J/rIIQbRa64eP6"
    "myem7OZgrvQeD4HAZ3VnKtbVmD4dga9caW1ZZAbYIRRZw8qscAmNFH+Mc/O52Tk3ed45O3"
    "79+8fvfuzfvj96Que971onc/Vg+ToLW6FcOs/7E/GNMHwqRZV41OL/xgNsAHKyvWPAn6wF"
    "9H/4Ig6NsLmI//yiKD/zQ0+SX6R7Y1IuyLmiO6kLRH0jFraJACbMf9q95o3L36Qm+/8Lw/"
    "HYZTd9yjJR129Tlz9ae3P6cbI75J62t//KlF/2z9Phz0GJzY82cu+8Wk3vj3Nn0mEPjYQv"
    "jJAlMek+hydIlUTZp1GhDgyftbC2+9fYVDK2O1eYw1oFXDYdZ59frd6/cnb1/Hoyu+UjSo"
    "ogGUIOv5wA88AtoUSiCbsdoK2XBy0hVY6LrYXYd0DL8LMI0NMmiSh2wemkWTT++3cWreGf"
    "zavT7/1L3+6ar728+puedyOPgYVU8mnsH55fAsg3a0PFuyy2/GUKc5ooalmLKg+4fclZgn"
    "TOnm+IBdaM/QZ/jMmqRPnh2gSd5EwrPCC+5+DWuPH1Gni64m49UFTzGHzPZFAgS5An0GxX"
    "l3dN696LUZ5Hdg8vAE3KmVwp6W4A7OXInrrhctOovsFYDAjAFE34Q+N98E53OAEHTaIuIe"
    "lZcg7hOu6n6J+9LF/4UT3/D2g08WRbz9gbz8Ov6kQ7k9FCzW5olUS0S2W62bNc0V7a+9s0"
    "/D4efT1hO8m2P8cItGl91z8rfnkAF6i3pX3f7laQsugM1GRYmGW4DvlgPRzJ+TP1+9LWiT"
    "aIF9leXw0dLbYUXpJZX9P7dJ8gdEVF/lZig/KlLgdo6PS6BLagnhZWVpfAPXkaGHYXVDDu"
    "XJoQcnLswRBsR9ObHQAe/MTNF5X2aq6LwXzxW0LA2xCyf20ob0B9dg/s9oOMiHOW2V1WDs"
    "id/6u+XY3t44ePtf9wGaUDhbd4Ht+DbyfqG/9+92/T2folTc87Od/Cits9AbZHs+6cUUMk"
    "teFktbaiiPkc4HpkPkPIfjtSFyWTi1FKplIeXN9YWFfDZtpJMfvJOkU+Dhcp7Fjg7ul+RO"
    "DYO4rGub7l2ynu2aqmDDnHXmLLT98PkaOkz4fXmSwo8dRQBuRQ+cPJCvAHoeY/pfGfHmmt"
    "xsG5QP6hkX9G32blaeBhK9qUu7IFk/45V4JXisEMUua4wH+BwhHQ6MuJ3CotAqLPXnLg5m"
    "lMOFKgqz5KSU3HFFrltZQeLHZrEnHhwitYcfPZvkHl4MrFfvOWp9C6MV9Aoi7lUUNKbUxs"
    "hBaspB5BlnM5gTPhG7bJyJhgpE9fJOMii20dwS6/rAbi8hmlLI5BBvf+kNLvqDj6et0P4W"
    "jXqD8WnLI47nLfrQ7V/2Lujv2Q6cqiG9hTOUTKybN6mPvB8rzNx5QB3g+ZZ0RDZtpYMSVL"
    "fytgTPDgY5S6lYE+JM6heEDgO9kX6UaQqVpJ5SmVFZRivZ1jnmpsGVbnDKWrZoaM6sggZu"
    "0LLWtPZNu/zlHdC0nU76bS2+KOf5e14ApeHnrTRKh6wZexO52I//w0mM5bs0Z2R6dEVZkS"
    "ZmVG3MKNvJKwBWJmChWBcviyw3slOwkt9vDW4uL9t5jKQqaLksUU07bpqKbe64jDtUAG8/"
    "uo+evZanWIJuWyaEHCml1gLk7XmRjiJz2xU16c+7BpE3BxfZ9CoKLEZz76agYjTfmwRyEz"
    "Esjhhujmc1JHrYHvS+Wv3R6KZHrOGTxabEW3Td+3jdG436w8Fpy4VUjfBI/Vs0+tL/TGp6"
    "S/sBqhHZoikMvk/Yx8JGgZ+XYCIcL3mm9Tl7J00JdRGYoDfHjowHnbLRyNerDNQn8h74aY"
    "tOu25o4M3ZK4voe+atnxg7ECDBhtnEKgPqHTHb10QQLa31ythnw+FlSsE+62fDrzdXZz0y"
    "G7PJmFSyfYHGZgKD4n5tcsKNsmpywhXS91TOCVdsURZ683n8uwqoxuG9NOqi1aXPp/K9K8"
    "ig30E1bV4SPfey2Tz6ZFtCOok+rblm8+g5wbuaJPrVArtZ6IrHiEjs4gfRJsHL5+tWKnp9"
    "i4MnKy36j4wKZkQvJUUvlqAqz+M5Mw1JfENIe6lkoAPloqjWpIdJRjlI0sTLhb7AqzpAZF"
    "+1dtg1tK9E4LmpoAojz4c+lWtpj/EDRLnsMiorJpZLmxDBqNo+A6lSFPKl8McdFfSCcCht"
    "U2sOvHl+RFQQB0pZVRMIPSzMqXDm29clwplvXwvDmbQom68K7+3vMhAnFirHmbcEuMzBQu"
    "JjhdYOFeKfSQLijFmNG1TbtaDcefOmzGlkb96ITyOjZSYqZKJCTAkIvK3aPWtrthWppiSs"
    "eVSHYakXcOng3HNEwpJChjpN6pg8PwUo64ElT4gebRejBURSBzpmzDTkXnthBS58tD1J+s"
    "XbGJxL4owd5w64dDl1Zc/dzbPV4ayKGmB38AQ4W4G+bmkgL+dn4EX+3C0+hoUz0QHkus9g"
    "aeBBT14wmUA4hVFfKJ0eT1jy9Zie5kQe2yUPdYtGN+fnvd4FuxbdNXvo0y2iDPvCGt6MSW"
    "8hrgohvAHrb4dPmGcvYkX+k4x/lrbU0C9vunvGN/O9jWxvvlU7Z0yNG65yO5s0XJOGq1hw"
    "c7c03H0KR71HyJ56TTdaFRwVyUYwrlJxohy7cTQUw86RTZf7lkTW6ZRL+thiGelK9EDauD"
    "QjS7gEeeDBVSWuD6/dxIhTaopTXN8orUzx/Uk/ueSkU4IRn3SEjJgWZTY48oNBhiilDA0f"
    "VponuXAC7cet4lIZU9PQSje0Q+a/nKNlCpS3yKBGPSI+A3j/82X1CsLSAf49dhcyIPM2Ne"
    "KMGc1q6Lp0wMiUYg57LYGpFVOWAJozMSCXApmGN9YRFh/dHdXf6dxuxWAuQHUvx3b7YCb1"
    "Cb2ovhofz6M/q83H84SH14tDVeLD65vpy9UdqzL7nQ6438lo00abbqA2bTY06bOhqY9m0P"
    "PPcZCv+/PFR0Xqv80qEhyC/QQBuDGMA3+CF2bLvFKLmliij5prrQnKpcNw5ioTvHb3/Lz3"
    "hWXCgMkELlkqzM2gezP+NLzu/06vBwgE5AVc+3+07Lo77lmX/as+s6EvYDn2wmZ24+HQuu"
    "xef+yR/oKx5QB3Bm9Rn/C9yz6pbKNH4NhhEk2cQqNMAk08B5QfcbGJNh9SM0zSMEnDJNXM"
    "clhxzTy2E5HQAp4TV9kfwbmnZMpduhTbbGICmymJzXoCBFeJbRTz4GqPeZQCwZXTFFOYW9"
    "FwKCU5FN8jcnmUMFGRN1OZP22pwle/wXzm4mBJHsB6hK7sRpw8W+02Q1cfx4tgk1HheRuj"
    "xFeuxEfLTHkyyVkYJpnD0OM1d9s9ITW7wG28XNECGSd4+KU3OG1RS/qJhNHw8lfm3EIPO4"
    "/Usb26Yd7uIvChIh/+Ntkwe/8ABQVIAuCovnYL56tOmdNaSC0xuJ21E1sW0POIlyMTMuVM"
    "NMC47oCpb/t5R+MV9OfIQAOw69iuGjjEYZFyczgT/TA+Pi6D8fGxGGNaZhIUD5KgyHYabK"
    "GHZwyNKr6dKn5vu5y+JZPSnrY0Ge1qZ7SDLVs5ZWgaWelGNhEuE+HSKsLFfR+XfWvCfFSn"
    "EPzUZJD+Oof5tM5mxBij3BGoeBO4jgDNbc/HqwGzPUIsgPwpuZOWQOHAdZ5XzsmOHWoFF7"
    "ufrmj5YGY9AifYdZJiUI3BTGecHuBzRSgRlqITUHtPhommLFFODDelbUiNsbh5dM/Hxyap"
    "OOYIWRV0l4L0FRcvrIIAqECDSVlpmLyyh1gbloeZtzEgl8lvBoHcPujYQEN4qxfN5c8fMc"
    "eONEC/IzwA5+QTiUdNbKDh2QH7COqZnbw1M54CFdXsiiynoCq7K5ITJoQ+UaxbbHSJkpoV"
    "bxqI+xn9CbMhUp254ajAG2JtJYV/ZGEm6K1TAcymxPoxN4zEMBJVGkELRkL1fxEdCWMDm7"
    "iIH1bbFxF5WCnvLORhCIk6U0MRIQnbrKxjHlY3YlYJMWs1DiTAjQ00hHcvsochdiavVqEe"
    "r5Nka/JqX0AjGyfNOGmqNIIuThpNPyrw08LspBKumhVy7b26a8ZLU2ZuODJe2sG8NNE+PW"
    "H3zlhp40xUduQF27u5zfbHjKE2yBr93VA7Q+0aSe2i3Ww5tI7b6CamdNy+ur2mRUuRt5fC"
    "3HZc0cScTPYj9jt9ul61IV2DuOs5Qc6pcGJ8o/rV4HvYrpvOYi6F7qsCdF/loAuR7z5bko"
    "5F2ko7pKv3LlZLmvyJemt22vDgyjyM5Nh0a0k8hoWNgrzND0KIhfZbQa1aznHFYE9cSN99"
    "iw+Epi01DAi0yQtOh4hli4ZbG5sQIAg77IbvwvpkwrcpFwd52zPFY2vN0Ayq9UFF1x7h3v"
    "wCLz1tpxGyh3DTyx/SMZkDhELfLtNYsidOnK9u1cDZTuKIjkMdatJgyNygmhNNrgN9TzOZ"
    "wqWDdz0s4ILdRFeIzIEvGwDiv1i267ET6a+kaYkWdUarOJ1DV4DoV788z/LxA0Q74hQKyl"
    "12xzG9oa6gMf/7iTwhftoRs2typ6/sRjphVUNEg+9l4uBGpi9ujHNY/HAwQQ+tgh5xm5ZV"
    "jGMDIxZvFIu9CV7mrbMFenxsoWFUqfrvOxkVUwy9zirmI5mEtmn1tGUFra6Y7NaQRi6Vy2"
    "7OiDZnRB+Ysh815iuonMeUw/vT/pSY73MeXPU0P/XR0jA4a7LVlYmjFDkJolB8YUxrt/C7"
    "alOEUgedvKDNsJXFZg2dMHTC0ImSdOLGY2v2GpFg1wspREBqUL0wmoiMVNiokV3EAuAC2F"
    "JfV40NtJMKO2/KSFmkVsHHEtfErCXwvCdMhu4ceHMZnNcMNdQO9/N5SiMfvhD5cKssMQ96"
    "HoFtx2AmXTNHqzs1sB8cJJrJQyZgIRyiG8iIx9U0ZEQXMsLCkNIrZdpKO1piAmwm1rLb4V"
    "BbNHTW1jS10k3N1kSpJYmzMArYZgUs8PI2BkrLX5HU0jBwy2pfXKdSSfjqQteezPNIZ1hS"
    "yDdBUscwzSYN5yKm+QjdyH8oSzM5EyPFlJNi6KCSQDisriG6ezkcgPyiD/Miif8ZDQeiUG"
    "JskmV09sRv/d1ybK+Jq38BuBSMFI2LMP3pqvtbFu7zy+FZlp/RG5zJ7UmsfjH78X9HCv7I"
)
