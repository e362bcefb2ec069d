from tortoise import BaseDBAsyncClient

RUN_IN_TRANSACTION = True


async def upgrade(db: BaseDBAsyncClient) -> str:
    return """
        ALTER TABLE "project" ADD "retention_days" INT;
        ALTER TABLE "project" ADD "max_events" BIGINT;
        CREATE INDEX IF NOT EXISTS "idx_event_project_c5bde3" ON "event" ("project_id", "timestamp", "id");"""


async def downgrade(db: BaseDBAsyncClient) -> str:
    return """
        DROP INDEX IF EXISTS "idx_event_project_c5bde3";
        ALTER TABLE "project" DROP COLUMN "retention_days";
        ALTER TABLE "project" DROP COLUMN "max_events";"""


MODELS_STATE = (
    "eJztXWtv2zgW/SuGP3WAbJE4j2aKxQKO47aeSeIicWaKPiAwMm1rI4sakXLqncl/X5J6UU"
    "9LtuzIDL8lJC9FH77OPbyU/m7P0Ria+G3XNkboEVrt962/2xaYQ/pHKu+g1Qa2HeWwBAIe"
    "TF4Y2IZGwmIPmDhAJzRjAkwMadIYYt0xbGIg9hDLNU2WiHRa0LCmUZJrGX+5kFY1hWQGHZ"
    "rx7QdNNqwx/Alx8K/9qE0MaI5j7TXG7Nk8XSNLm6cNLPKBF2RPe9B0ZLpzKypsL8kMWWFp"
    "wyIsdQot6AACWfXEcVnzWev8nxr8Iq+lURGviYLNGE6AaxLh5z5oUVpb026GI+2uP9K0dg"
    "WAdGQxcGlTMf/1U9aEf3WOTt6dnB+fnZzTIryZYcq7Z+/RETCeIYfnZtR+5vmAAK8ExzgC"
    "lfepNgN4lga3NwNONrpxqwTKtPlJlANMmwvzHPzUTGhNyYz+e3ZSgOkf3dvep+7tm7OTX9"
    "gDEZ0I3hS58XM6PIvBHsFsO3Bi/KwCcWRRD7xBQoRvNHV3DvB5CXzPc+E9T6IrtqkCxAmz"
    "3eHcbu8E5c7paQmcaalcpHleHGvdgQwNDZA01Jc0hxhzmA133DKB9tg3fRv8sY9jnP7A8d"
    "Ayl/7iVQD+aHDdvxt1rz+zx80x/svk+HVHfZbT4anLROqbs0Q/hZW0/hyMPrXYv62vw5s+"
    "hxdhMnX4E6Nyo69t1ibgEqRZ6EkDY2GdDVID1GK9bgJMNBev1e9J2xp63m9yUzp+Tzo6wC"
    "TV04xyTR4FfsASHoD++AScsZbKQR2UVzadNe/MkynAAlPeSQxN1k6fiV5C20TLLI7q5xQy"
    "1HFUZpv09BvdmdF/oc6HMmWZPyrx1Qtj+loo66+dzvHxu87h8dn56cm7d6fnhyF3TWcVkd"
    "iLwUfGY2MzYjWxhdbCcJA1h1bGgpXPCRJmEnKvrbACBy4MXJF+iTYK55I4I9N8AA7bTh2e"
    "VgXvDNu1cG/Y7rsD2E2kA3Mt0NOWCvJyfgaaZ6/dI/gzZwMVTGQAuYhV9r+MYoQygPLNdf"
    "fLLzFSeTW8+RgUF6DvXQ0vEohjAoiLswd333LnHPQBbSKwdJgCP7LeoR+NXV2HcAyDsVC2"
    "D9qUJd+O+pfvW7TZDm3Ud+vuvtfr9y95WlDrd+tDd3DFkibAMNn/jGFfasP7ER0t1FWhhN"
    "fl463qlDk6KzFjjpJ+QDRhWFaq9xyiBf5TFf8sbimhX77v7pnYzRPDMvBsrX5OmCo3vMn9"
    "7DuZWqVDj7jRak9yD+ZuHecfKXkjBXMa4w/IgcbU+h0uU9teAldfovgc1bRnED8HwyhIjW"
    "a2A55CYSMxuigC9HdD4lGE7l2ve9lvP7+McNRfQN7qlG7kZRwUyUYwLFKravTNqziYiv7g"
    "+JESkwyMXT6q2JJLx9jcDnSlg5aQm5AlHIo8wNArJIzhVCVKnGqmOCWMjdLKlDie5JNLjj"
    "slGPFxJ5cRs6w4I45NhipEKWao+HCjeZIDdWgs1jqXSpiqjm50R5t0/TMrKW+BwQ71COg4"
    "yKmoRay5XtavINgmIBPkzKuALNrsEGfEadae7ksveDLVMId9JwdTHlOuALRgokAuBTI73k"
    "gj/Nvd8CYb4aB8css1dNL6p2UauIwb3TCYC1BlQBSr9UlhPrF/sgqSaj0B0wytPh/zoPxG"
    "mK+3Wv974lo6w7P14BomMSz8lj32P9tawHfdFTZYmghkOHP5R1WCiRS+3K7PqrgwkulAF4"
    "oYgpVM6uhO1AylTStteq+16dT6UQOyg6AeSXEVV8wmKf4Dawox6SE3W/cXsw+K1H+DF6Q4"
    "uNs5BBDmMHKJjmgrk2cASqJvpEQfdFeqC8qFwwjmTSZ47W6v1//MI2GArkObh8Lc33TvR5"
    "+Gt4OvLN21gEt/gGP8j+Xddkd97WpwPeA27AdopjE3uN1oONSuurcf+3S8IKSZwJnC79aA"
    "8r2rAS1sWAtgGn4QTRhC05gAmnANKD/jQpPd0ZlDCSadYpKKSTaW8TQ3ysHjmllsJyChBT"
    "wnLLI9gjNhZMqxHYZtMjCBr5TUJh0AIRTiF8Uw9O6YByEQQj4LMYWZBRWHaiSHEkdEJo/K"
    "DVQUzZrMn9ZU4eu/YD51kGvTBmgL6FS9iJNlK91l6PrP8QLYqqjwoo1S4mtX4oNtpjyZFC"
    "wUk8xg6OGeu+6dkB27wG1ke7SgihM8/Ny/ed9iltTB7d8Nr/7gzi3EyFwwx/b6nnu7c5f4"
    "N01e3FlV0TDbRpgDVAHgoLx0G+dRp8zbWmipfHA7qTe2zCHG1MupcmQqmEiA8a4PTIlBzG"
    "rjOTCQAOxdXFd1TeqwVHJzBBP5MD48LIPx4WE+xixPBSi+SIAiv2mwhh6eMFSq+Hqq+MRw"
    "BH2rSkh73FJFtDc7oh2s2csxQ9XJje5kdcKlTrikOuFK0ISMGOQL3+7D77eQsq9sQTl5QV"
    "cSrGNzf2ZggpzlZgjxw71PUU1SAoVcx1x6xHHDAeXBxeuTFS0CptoCmC6sA6oRmMqM0yNc"
    "1oQS3UFkAmrrgQrBkpUXryAsaSvCFjRhHd3yqz2jMAn1es8m+MQFoQUOmmsFh1M5/nHMSs"
    "LAgi2cg6DqMIs2CuQysafArXZHNTSQEN76Bc3q74ZQr4TYA21FXQLc8YZcIMCoC1XlxJfG"
    "XqgS/OZcyh661SsZe1Sy5njjcJyxR6i7VM1ZG4rIOu+rSvgHFmqBXvsUUd1n2j3mipEoRt"
    "KUTpCCkTB5Oo+O+NL1Ki5C/GLbIiKPnjDMFXlFSJqzNBQREr/PyqotfnGltZTQWrx5UAHc"
    "0EBCeLcSBqmInQrJa9CIl0lRVCF5r6CTlZOmnLSmdIIsThqLjinw0/zgmRKumuZz7a26a8"
    "pLa8zacKC8tBfz0vKu+OQO74SVNM5Ebbfl+bWvdW5OJQylQVbp74raKWq3l9QuuAiTQeuE"
    "OzL5lE64krPVqN1K5O21MLcNd7R8Tlb1+9cbffW6aVN6B+IuNt2MF0rl4xuUrwfflx268S"
    "DbUugeFaB7lIEutIiz1Co6FnEr6ZCu37vwtrTqL+NK2UnDg2vzMKI3Lms29RjmhuVmxebn"
    "QpxrvxbUDfsGT91g6w5kv32NbwvGLSU8EGjTHzgeWjxa1L95tw8HBP6AXfFJSUIXfINxcZ"
    "B1ezB/bqUM1aRKTyq29+ReHS/w0uN2EiH7Em56mfv9Y2ibaNPrs5e8kj1c4EpdMVavQFgB"
    "kPh9lU0vYse/6SIlWoz/1nFfXVaA2DdKMNYIeoTWhjj5GlaX1zhiFcoKGqf8T7SF6GlDzG"
    "5pTX/yimTCagciqjjK8vXUxFhcKa1q4nRQOqtUOmvYp2VFqtBA6VMr9SmsIztrny2QAEML"
    "CYXs+r9GoYSTfOhlFk4WdBFap9fjljX0esM8/T3p5FLhs+qNluqNli9M2Q/25pttgseUwf"
    "vj/lQ+3xc8uPppfuwTa/55kAqQbYx0W+Qk5J3+Fcrom534NW2JaNS7FV7R/bvajoMUnVB0"
    "QtGJknTiHvM9O0UkeHohhXBpCaYXbudD90oqfEGpEM6BUelbcKGBdFJh57SMlEVLFXzaKS"
    "Vm2QDjJ0Sn7gzgWRWcU4YSaofb+ZiWkg9fiXy4VmAKhph9pnjDw0y2Z955Ne3hOHiR00wR"
    "shwWIiC6goxgoaQiI7KQEX4MWXmnjFtJR0vUAZs6a9nsfTRrdHTSVnV1o7ua74mVtiTBQi"
    "lgqxUwF2fdRaosfwVSy56BW1b7EgZVk4SvLnQMfZZFOv2cQr4JojKKae7TdC5imgvoBP5D"
    "WZopmCgpppwUwyZVBYT94hKiu5X7yPSJBGadJP52N7zJO0oMTZKMztBJ65+WaeB93P0LwG"
    "VgxGhcgOmb6+6XJNy9q+FFkp+xCi6qXYOqfzN7/j9MK5cq"
)
