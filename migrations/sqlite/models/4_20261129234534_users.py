from tortoise import BaseDBAsyncClient

RUN_IN_TRANSACTION = True


async def upgrade(db: BaseDBAsyncClient) -> str:
    return """
        CREATE TABLE IF NOT EXISTS "user_account" (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    "email" VARCHAR(254) NOT NULL UNIQUE,
    "password_hash" VARCHAR(255) NOT NULL,
    "created_at" TIMESTAMP NOT NULL
);
        CREATE TABLE IF NOT EXISTS "user_session" (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    "token_hash" VARCHAR(64) NOT NULL UNIQUE,
    "created_at" TIMESTAMP NOT NULL,
    "last_seen_at" TIMESTAMP NOT NULL,
    "user_id" INT NOT NULL REFERENCES "user_account" ("id") ON DELETE CASCADE
);"""


async def downgrade(db: BaseDBAsyncClient) -> str:
    return """
        DROP TABLE IF EXISTS "user_session";
        DROP TABLE IF EXISTS "user_account";"""


MODELS_STATE = (
    "eJztXW1v27YW/iuGP3VAb5E4ryuGCzip23pL4iJRtqHdIDA2bWuRRE2kknq7/e+XpN6o10"
    "iOpMgsPyUmz5Go51Dkcw4PxX+HFlpAE78ZO4aG7qE9fDv4d2gDC9J/MnWvB0PgOHENKyDg"
    "zuTCwDF0EondYeKCOaEVS2BiSIsWEM9dwyEGYjexPdNkhWhOBQ17FRd5tvG3B+mlVpCsoU"
    "srvvxJiw17Ab9CHP507vWlAc1For3Ggt2bl+tk4/CyqU3ec0F2tzt9jkzPsmNhZ0PWyI6k"
    "DZuw0hW0oQsIZJcnrseaz1oXPGr4RH5LYxG/iYLOAi6BZxLhce/0uGyo61czTb+ZaLo+rA"
    "HQHNkMXNpUzJ9+xZrwn9H+4cnh6cHx4SkV4c2MSk6++beOgfEVOTxX2vAbrwcE+BIc4xhU"
    "blN9DfA6C+75Grj56Ca1UijT5qdRDjHtL8wW+Kqb0F6RNf15fFiC6a/j6/OP4+tXx4c/sB"
    "si+iL4r8hVUDPiVQz2GGbHhUvjax2IY41m4A0LYnzjV7dzgE8r4HtaCO9pGl2xTTUgTql1"
    "h/Nw2AnKo6OjCjhTqUKkeV0S67kLGRo6IFmo39EaYlgwH+6kZgrtRaD6JvxnF/s4fcDFzD"
    "Y3weBVAr42vZzcaOPLT+x2FsZ/mxy/sTZhNSNeukmVvjpO2Sm6yOC3qfZxwH4OPs+uJhxe"
    "hMnK5XeM5bTPQ9Ym4BGk2+hRBwthnA1LQ9QSVjcBJrqHt7J7WrcBywdN7ovhd8TQISYZSz"
    "PKtbwX+AEruAPz+0fgLvRMDRqhItlslTWy0iXABituJIYma2fARCcP0CZ5FNWvKOWnMBJp"
    "lJt+8S+sB3TSRX9Beuk/U5T1y9DA2OMdl3VgTIDlsB9Ui0oKtdB+MFxkW0FbXWhCgKF/vc"
    "qc98xYfS+098fR6ODgZLR3cHx6dHhycnS6F/HfbFUZET6bfmBcOPFWPU2ORdtXJRWJ/iIf"
    "czsYVaAUB6NCRsGqkoQi8cbUmVcSihLSiV2fVUQju3AOjYet6ENKVRm614Y26fhn1hkvI4"
    "UO3S/ousjtxgfbP64wXu6nLRaPl6wqFUowAVki16oVTBB0OsQZcRq1o/NSiqtVnv+Taluh"
    "3TP3poOoQsiEawAtqCiQK4FMfXA3i/DPN7OrfIRD+fSUa8zJ4H8D08AZt6L/MJegyoBITL"
    "MhmK8ux7+ncT6/mJ2l5092gbM0uwUrXAfzUP5ZmG83Wv+09Ow5w3Nw5xkmMWz8ht32v20N"
    "4F2bwgEbE4EcZ06DXwvcaUFFCl+ujGlOftfKIY+I5sXs6kMonrZDEnIe+Mh1oEuDGILW06"
    "GMHYC9y2iGuObEo1W58Bdin1SSCf1nLaFmIqQZmLMYv0cuNFb2L3DDoZ7SRgF7nkdYgjDn"
    "p/hKOwbxt7AbhaXxxO+CxyiumepdFAH63JD4RG98cz5+Nxlmx48GkJ2G15EUV3HEzEf1ZS"
    "L6U3sFMTlHXn5cX6x+XRbdN7ggxcFrJ8gvvMPII3NkwUyMX4XoexmiD82VMQFzHCe2Z2VG"
    "iIQxBPU+E7zh+Px88kmbvHs7APM5dGh7/rBvr8a32sfZ9fQzK/ds4NEHcI1/WN31WJvoF9"
    "PLKddhD6CbhmVwPW020y/G1x8mtL8gpJvAXcE/7CnlexdTKmzYD8A0mNz0cjK71aiUYUEK"
    "1LBat2g5/BWNAdXfuEilOzqzJ8FLp5ikYpK9ZTxVmOQLcR7ONfPYTkhCS3hOJNIewVkyMu"
    "U6LsOWZycIdXykpDrZBAdBiOfzYOinAocpDkI97ZwE5goqDtVLDiX2iFwelW+ElFqf+VNv"
    "8oBXLvIc2gD9Abq4Zrpqnq50OavNr+OFsNWJwos6KhLfeCQ+nGaqk0lBQzHJHIYezbnbOM"
    "GRcpepAY5PC+o4wbNPk6u3A6ZJHdzJzeziV+7cQozMB+bYXt5yb9fyWFu3GHuad1ZVNkzb"
    "CHOAagAcyks3ce6PqmyqoVLF4I4yG2ssiDH1cuosmQoqEmDc9YIpMYhZrz+HChKA3cXuJc"
    "+kDkstN0dQkQ/jvb0qGO/tFWPM6lSC4oskKPKdBlvEw1OKKiq+XVR8abhCfKtOSntSU2W0"
    "9zujHWxp5YSiMnKvjaxWuNQKl1QrXCmakJODfBbovf/lGlL2lR9QTm/AlQTrxLu/NjBB7u"
    "Z5CPHFvY/xlaQECnmuufGJ4zM7lA8Xv56saBGw0h+A6cEmoNLASmac7uGmIZToDCITUK0n"
    "KoRDVlG+gjCkPZG2oAvjaKsfCBO+p+BvCVapBf1NLXCRpZcsThX4xwktCRMLWlgHQfVhFn"
    "UUyFVyT4FXb49qpCAhvM0HNOt/G0J9EmIHYitqE2DHE3JJAEZtqKoWfOnthirBby6k7JFb"
    "/SRjjyUbzjeO+hm7hdpL1Z+xoYysc1vVwj/UUAP01quIaj9T95grRqIYSV+MIAUjYeHpIj"
    "oShK6f4iIkEGuLiNz7gWEekVeEpD9DQxkhCWxWNdoSiKtYS4VYi/8e1AA3UpAQ3lbSIBWx"
    "Uyl5PerxMkUUVUred2Bk5aQpJ60vRpDFSWPZMSV+WpA8U8FV0wOu3aq7pry03owNr5WX9m"
    "JeWtEWn8LundKSxplobLc83/a1zc6plKI0yKr4u6J2itrtJLULN8Lk0Dphj0wxpRO25Khj"
    "fbt+9Vs71pf/rUHKQnkJWVkrwV1sejkflCrGN5SX7qjk/Uro7pegu5+DLrSJu9FrOhZJLe"
    "mQbt678Ke0+h/jyuhJw4Mb8zDiLy7rDvUYLMP28nLzCyEu1N8K6p6dwdM02OpI6mKo5TqS"
    "OuPHqA3QDezAFE9XeO42zOSJDlKixWa/JnarygoQn7seaQvR4zNhuqZX+o1fSCas2owGCI"
    "jlBASSeBbHBAQLtrHII4QcAmKjVnp6Eyp8XRJVKKKxZRZ4JnXt21vdq00C31EiWWPOgvrS"
    "k/rSU8+WFvp7lskt5nN2hkjcBicDF1MIdnawDuYtndim1hZecG0BWsCo9VHzSEG6mOzoqM"
    "oJIVSq5BvFmTNCHIDxI6Kv7hrgdR2cM4oyrua08lVoFUBUAcTiACKGmJ2388xgBpszb/wr"
    "7WA/eJFohghZAQsREH2CjGBBUpERWcgIQffQrj1TJrWkoyXNn1umZsinRsa+z4j1NlZtYe"
    "i0rjJ1r03N58RaU5KgoSJgT0fAPJyXVFM7/BWGWnYM3KqxL6FT9SnwNYauMV/nkc6gppRv"
    "glhGMc1dep3LmOYWJ7a+yEGtux2KYS9VDYQDcQnRbSWxlt6RwLyVxOKjcAWV7k/CfRku19"
    "iZtzWiTc1PZt/+DzMJMPE="
)
