from tortoise import BaseDBAsyncClient

RUN_IN_TRANSACTION = True


async def upgrade(db: BaseDBAsyncClient) -> str:
    return """
        CREATE TABLE IF NOT EXISTS "ingest_count" (
    "id" BIGSERIAL NOT NULL PRIMARY KEY,
    "outcome" VARCHAR(16) NOT NULL,
    "count" BIGINT NOT NULL,
    "project_id" INT NOT NULL REFERENCES "project" ("id") ON DELETE CASCADE,
    CONSTRAINT "uid_ingest_coun_project_04fa84" UNIQUE ("project_id", "outcome")
);
COMMENT ON COLUMN "ingest_count"."outcome" IS 'ACCEPTED: accepted\nUNAUTHORIZED: unauthorized\nRATE_LIMITED: rate_limited\nTOO_LARGE: too_large\nINVALID: invalid\nTIMEOUT: timeout';"""


async def downgrade(db: BaseDBAsyncClient) -> str:
    return """
        DROP TABLE IF EXISTS "ingest_count";"""


MODELS_STATE = (
    "eJztnGtzmzgUhv+Kx5+6M91O4ty8nZ2dcVK38TaxMwlpO70Mo9iyrQ1IVIgk3m7++0qyAX"
    "EtOJhgyqfE0jkgHgF6z5HEj7ZJJtCwX/UspJFbiNuvWz/aGJiQ/xOpe9lqA8vya0QBAzeG"
    "NAYW0plndmMzCsaMV0yBYUNeNIH2mCKLISJOgh3DEIVkzA0RnvlFDkbfHcgPNYNsDimv+P"
    "KNFyM8gQ/Qdn9at/oUQWMSaC+aiHPLcp0tLFk2wOytNBRnu9HHxHBM7BtbCzYn2LNGmInS"
    "GcSQAgbF4Rl1RPNF61aX6l7RsqW+ybKJis8EToFjMOVyb3S/rK3rw5GmX/U1XW/nADQmWM"
    "DlTbXl1c9EE37v7O4f7Xf3Dve73EQ20ys5elye2gezdJR4hlr7UdYDBpYWkrEPVfapPgf2"
    "PAr3ZA5oPN2gV4gyb36Yssu0uphN8KAbEM/YnP883E9h+qF3eXLau3xxuP+bOCHhD8LyER"
    "muajqySmD3MVsUTtFDHsS+RzF43QKfr//olg64m4FvNxFvN0xXbVMOxCG38ji326VQ7hwc"
    "ZODMrRJJy7og6zGFgoYOWBT1G17DkAnjcQc9Q7QnK9dX7j/beI/zC5yMsLFYvbxS4GuD8/"
    "6V1ju/EKczbfu7Ifn1tL6o6cjSRaj0xWGon7yDtD4OtNOW+Nn6PBr2JV5isxmVZ/TttM9t"
    "0SbgMKJjcq+DifKedUtdaoFeN4DNdMdeq9/DvgX0/KrJVen4Lelol0mkp4Xkmt4q+kAU3I"
    "Dx7T2gEz1SQzokyTZaZXbMcAnAYCY7SdAU7Vwp0f4dxCxOoi4rUvUp9EwK1aZflgfWV3KS"
    "kn8gP/S3kGT90ka27cgbV9zANgOmJX5wr2+55Owxmv0qivaPTmdv76izs3fYPdg/Ojro7n"
    "jSNlqVpnGPB++EzA08MD/XvWq3ZtULgVuhfqJsr5NBLex1EsWCqApqhcDDkGfICDjWUCls"
    "+4ChdjKFY4ju1lIGIdemoyvd0QZ//xl53peeQ4mRFaSU0HLCq93DDO/L3XCP+e9LURXKEh"
    "iATQk1c+UJFJ8SOROpkLZ0XIL4DlGCzZVkzDz+B93Wol2xyKWEhAGFBgQ2zANacWkgZ4LM"
    "w2saJfz31WgYT9i1Dw+5aMxa/7UMZEfCiupjTqEqQASGWRfmi/PepzDnk7PRcXj8FAc4Dq"
    "tbMLPzMHftn8R8vbf1n1MHjwXP1o2DDIaw/Uqc9q9NvcDL7goLLAwCYoI5DT4khNOKSy1i"
    "uTSl2f+kpSP3hObZaPjONQ/3QxC5zHjEBtCpSQzF6+epjC3AXmY2Q51OkomoWPyJ7INOda"
    "L/pNnRSPIzgjnK+C2hEM3we7iQqAe8UQCP4wTLKoN54R9pyxA/ureRW+oP/BTce3nN0N3F"
    "CfDrhmwp9HpXJ703/Xb0/VEA2YF7nJpyVd+Y8VSfJ1k/wDNosxPixKfs1eqXaYl7JA05B2"
    "cz+XvlGSYOGxPeynD6vknRVzJF73ZXpAtE4NjHjhl5QwQ6Q3GvssBr905O+hda/83rFhiP"
    "ocXb8xVfD3vX2unocvBZlDsYOPwCKPpX1F32tL5+NjgfSB9xAbqBTCT9tNFIP+tdvuvz+4"
    "UQ3QB0Br/iAdd7ZwNujPAdMJCwG5z3R9cat0Im5KDa2W6LDae/vHdA9ifOcylPzuzU4KFr"
    "lGSjJCureLIoyWfSPFJrxqkdV4Sm6BzPZHMCZyrEFLWoYMsvJFAn35TcJ7p2QTGSS3VsuF"
    "zlK1YvhA7Cb04GYw0bDVVJDaXeEbE6Kr4TQm5V1k+VWeI7o8SxeAP0O0jtnCtR43xrtxy1"
    "+Hk8F1ueLLzq02TiC8/Eu8NMdjGpeDRKMkahe2PuOkGw51zm0gBrKQvyBMGji/7wdUt48g"
    "C3fzU6+yCDW2gT404EtufXMto1HdHWNd49xQerzWqYTROWgHIAdu1rN3DudrLsl+FWyXA7"
    "kT0zJrRtHuXkmTJVXGrAuOwJU4aYke9+dh1qALuMjUmOwQOWXGGO4lI/xjs7WRjv7CQzFn"
    "XNAsVnWaAodxqskQ8POTZZ8fWy4lNElfxWniXtQc9mRXu1V7SDNXs54Nh0cqU7uZnhama4"
    "ajXDFZIJMWuQj1d+b99fQq6+4hPK4b21NWEdePbnyGaELp5GSE7unfpHqguojc+UusySJk"
    "wVpj+ZN9WVjtzox4eUndzLPYnN3GZ15zYpMfWU7HiCQA941XBmcwOJWJIfs+rTQM6y+A04"
    "+TbJeQ41xFt8RiX/5vRmT/oWBHfNLqSSB+SUCLDZ0ZEt+qvqjg437o6R60pInqzUlQxA84"
    "HQrUrrpKls+TeHLHHta6hKNjKlZhtOzPq1ZL6ufe0+urqbie5uCt3dGLoQM7rQb2FMDiiF"
    "ccCrdqSLV9fLIS3/2r+IX20mLAtb/udv8NItSHUTYScuEk9EnOi/FuqKffKjaNjNx22TUd"
    "fr47aROKaZbylgvkXdzP1ETqEN5LWkJUa/p2KqWbAcHfvueQvJ/RMxXfIjfZQHqhOrTWYD"
    "FGIxCYEgz+ScgNKDxecFAlsTV8Km+bZDZVKFL1OyCkkyNq0Hnihdq/ZUP8/KxoQ1pb/QBx"
    "YKCxaahWXNwrKKTS1U99MJPUjReB4nJVY1qTIC+DbNzMI2PddpGmCNffLPsj2+vPmFTWyL"
    "Eg9VDsIr8xrS3cj8Aj8ji/2KePIHCBSX8r8/8DzLSgr70kCOrF3xg9nj/0ekxyA="
)
