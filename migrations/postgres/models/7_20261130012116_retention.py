from tortoise import BaseDBAsyncClient

RUN_IN_TRANSACTION = True


async def upgrade(db: BaseDBAsyncClient) -> str:
    return """
        ALTER TABLE "project" ADD "retention_days" INT;
        ALTER TABLE "project" ADD "max_events" BIGINT;"""


async def downgrade(db: BaseDBAsyncClient) -> str:
    return """
        ALTER TABLE "project" DROP COLUMN "retention_days";
        ALTER TABLE "project" DROP COLUMN "max_events";"""


MODELS_STATE = (
    "eJztXWtv2zgW/SuGP3WAbJE4j2aKxQKO47aeSeIicWaKPiAwMm1rI4sakXLqncl/X5LWg3"
    "pasmVFZvgtIXkp+vB17uGl9Hd7jsbQxG+7tjFCj9Bqv2/93bbAHNI/EnkHrTaw7TCHJRDw"
    "YPLCwDY0EhR7wMQBOqEZE2BiSJPGEOuOYRMDsYdYrmmyRKTTgoY1DZNcy/jLhbSqKSQz6N"
    "CMbz9osmGN4U+I/X/tR21iQHMcaa8xZs/m6RpZ2jxtYJEPvCB72oOmI9OdW2Fhe0lmyApK"
    "GxZhqVNoQQcQyKonjsuaz1rn/VT/F61aGhZZNVGwGcMJcE0i/NwHLUxra9rNcKTd9Uea1i"
    "4BkI4sBi5tKua/fsqa8K/O0cm7k/Pjs5NzWoQ3M0h597x6dAjMypDDczNqP/N8QMCqBMc4"
    "BJX3qTYDeJYEtzcDTjq6UasYyrT5cZR9TJsL8xz81ExoTcmM/nt2koPpH93b3qfu7Zuzk1"
    "/YAxGdCKspcuPldHgWgz2E2XbgxPhZBuLQohp4/YQQ33Dq1g7weQF8zzPhPY+jK7apBMQx"
    "s/pwbrdrQblzeloAZ1oqE2meF8VadyBDQwMkCfUlzSHGHKbDHbWMoT32TN/6f+zjGKc/cD"
    "y0zKW3eOWAPxpc9+9G3evP7HFzjP8yOX7dUZ/ldHjqMpb65izWT0ElrT8Ho08t9m/r6/Cm"
    "z+FFmEwd/sSw3Ohrm7UJuARpFnrSwFhYZ/1UH7VIr5sAE83FG/V73LaCnvea3JSO35OO9j"
    "FJ9DSjXJNHgR+whAegPz4BZ6wlclAHZZVNZs0783gKsMCUdxJDk7XTY6KX0DbRMo2jejm5"
    "DHUcltklPf1Gd2b0X6jzoUxZ5o9SfPXCmL4Wyvprp3N8/K5zeHx2fnry7t3p+WHAXZNZeS"
    "T2YvCR8djIjFhPbKG1MBxkzaGVsmBlc4KYmYTcayeswIELA5ekX6KNwrkgzsg0H4DDtlOH"
    "p5XBO8V2I9wbtvvWALuJdGBuBHrSUkFezM9A8/S1ewR/ZmyggokMIOexyv6XUYRQ+lC+ue"
    "5++SVCKq+GNx/94gL0vavhRQxxTABxcfrg7lvunIM+oE0Elg4T4IfWNfrR2NV1CMfQHwtF"
    "+6BNWfLtqH/5vkWb7dBGfbfu7nu9fv+Sp/m1frc+dAdXLGkCDJP9zxj2pTa8H9HRQl0VSn"
    "hdPt7KTpmjswIz5ijuB4QThmUles8hmu8/lfHPopYS+uX77p6J3TwxLAPPNurnmKlyw5vc"
    "z56TqZU69Igarfck92DuVnH+kZA3EjAnMf6AHGhMrd/hMrHtxXD1JIrPYU17BvGzP4z81H"
    "BmO+ApEDZio4siQH83JCuK0L3rdS/77eeXEY76C8hbndCNVhkHebIRDIpUqhp9W1XsT0Vv"
    "cPxIiEkGxi4fVWzJpWNsbvu60kFLyI3JEg5FHmCoxKemik9C3xdWnsTxIp8cctwpwHiPO5"
    "mMl2VFGW9kxpQhQhFDxXcbzYMcqENjsdG5U8xUdXSjO9qk659ZSlnzDWrUG6DjIKek1rDh"
    "elm9QmCbgEyQMy8DsmhTI86I06g93Zde8OSpYQ55LQdPKyZcAmjBRIFcCGR2fJFE+Le74U"
    "06wn75+JZr6KT1T8s0cBE3uWEw56DKgMhX4+PCe2z/ZBXE1XgCpilafDbmfvmtMN9stf73"
    "xLV0hmfrwTVMYlj4LXvsf3a1gNfdFTZYmgikOHPZR1GCiRS+XN1nUVz4SHWgc0UMwUom9b"
    "MWNUNpz0p73mvtObF+VIDswK9HUlzFFbNJiv7AmkJMeshN1/XF7IM8dd/gBSkO7m5EfmEO"
    "I5foaA4TGr+S6Bsp0fvdleiCYuEugnmTCV672+v1P/NIF6Dr0OahLvc33fvRp+Ht4CtLdy"
    "3g0h/gGP9jebfdUV+7GlwPuA37AZppzA1uNxoOtavu7cc+HS8IaSZwpvC7NaB872pACxvW"
    "ApiGFyQThMg0JkAmWAOKz7jApD46cyjBpFNMUjHJxjKe5kYxrLhmGtvxSWgOzwmK7I7gTB"
    "iZcmyHYcujE4Q8vlJSm2SAg1CIXwTDcHWH3A9xEPJZCClMLag4VCM5lDgiUnlUZiCiaNZk"
    "/rShCl/9BfKpg1ybNkBbQKfsRZs0W+kuO1d/jufDVkaFF22UEl+5Eu9vM8XJpGChmGQKQw"
    "/23E3vfNTsAreRvaIFZZzg4ef+zfsWs6QObv9uePUHd24hRuaCObbX99zbnbvEu0ny4s6q"
    "iobZNcIcoBIA++Wl2ziPOkXexkJLZYPbSbyRZQ4xpl5OmSNTwUQCjOs+MCUGMcuNZ99AAr"
    "DruI7qmtRhKeXmCCbyYXx4WATjw8NsjFmeClB8kQBFftNgAz08ZqhU8c1U8YnhCPpWmZD2"
    "qKWKaG92RDvYsJcjhqqTG93J6oRLnXBJdcIVowkpMcgXnt2H328hZV/pgnL8Aq4kWEfm/s"
    "zABDnL7RDih3ufwpqkBAq5jrlcEcctB9QKLl6frGgRMNUWwHRhFVCNwFRmnB7hsiKU6A4i"
    "E1A7D1Twl6yseAVhSVsTtqAJ6+iOX90Zhkmo13c2wSfOCS1w0FzLOZzK8I8jVhIGFuzgHA"
    "SVh1m0USAXiT0Fbrk7qoGBhPBWL2iWfzeEeiXEHmgr6hJgzRtyjgCjLlQVE18ae6FK8Jsz"
    "KXvgVq9l7GHJiuONg3HGHqHuUjVnbcgj67yvSuHvW6gFeuNTRHWfqX7MFSNRjKQpnSAFI2"
    "HydBYd8aTrdVyEeMV2RUQeV8IwV+QVIWnO0pBHSLw+K6q2eMWV1lJAa1nNgxLgBgYSwruT"
    "MEhF7FRIXoNGvEyKogrJewWdrJw05aQ1pRNkcdJYdEyOn+YFzxRw1TSPa+/UXVNeWmPWhg"
    "Plpb2Yl5Z1xSdzeMespHEmKrstz699bXJzKmYoDbJKf1fUTlG7vaR2/kWYFFon3JHJpnTC"
    "lZydRu2WIm+vhbltuaNlc7Ky37fe6qvWTZvSNYi72HRTXiiVja9fvhp8X3boRoNsC6F7lI"
    "PuUQq60CLOUivpWEStpEO6eu9itaWVfxlXwk4aHlyZhxG+cVmzqccwNyw3LTY/E+JM+42g"
    "btg3eCoHmzIxizVCG4O0e2TZKCcMFbxJeNkqlHmJOMdfi9pJhGzdEYIOZAht8OnMqKWE51"
    "10BoPx0OLB0N7F0n04//KGdeL4K+GmF7nfP4a2iba9PnvJK9nDEVDoirF6BcIagMTvq2x7"
    "ETv6TRcp0WL8t4r76rICxL5RgrFG0CO0tsTJ07C6vMYRq1BW0Djlf6ItRE9bYnZLa/qTVy"
    "QTVjWIqOIoy9ZTY2NxrbSqidNB6axS6axBnxYVqQIDpU+t1aewjuy0fTZHAgwsJBSyq/8a"
    "hfIss6GXy7OMymULught0utRywp6vWH6zp50cqHwWfVGS/VGyxem7Ad78802wWNK4f1Rfy"
    "qb7wseXPU0P/KJNe88SAXINkiwz3YSsk7/cg9Ptjvxa9oS0ah3K7yi+3eVHQIqOqHohKIT"
    "BenEPeZ7doJI8PRcCuHSEkwv3M2H7pVU+IJSIZwDo9S34AID6aTCzmkRKYuWyvm0U0LMsg"
    "HGT4hO3RnAszI4Jwwl1A538zEtJR++Evlwo8AUDDH7TPGWh5lsz7xb1bSH4+BFTjNFyDJY"
    "iIDoGjKChZKKjMhCRvgxZOmdMmolHS1RB2zqrGW799Fs0NFxW9XVje5qvieW2pIEC6WArV"
    "fAXJx2F6m0/OVLLXsGblHtSxhUTRK+utAx9Fka6fRycvkmCMsoprlP0zmPaS6g4/sPRWmm"
    "YKKkmGJSDJtUJRD2ikuI7k7uI9MnEph2kvjb3fAm6ygxMIkzOkMnrX9apoH3cffPAZeBEa"
    "FxPqZvrrtf4nD3roYXcX7GKrhIYwd1bmbP/weVTI0q"
)
