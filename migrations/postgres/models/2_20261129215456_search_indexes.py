from tortoise import BaseDBAsyncClient

RUN_IN_TRANSACTION = True


async def upgrade(db: BaseDBAsyncClient) -> str:
    return """
        CREATE INDEX IF NOT EXISTS "idx_event_issue_i_698b90" ON "event" ("issue_id", "environment", "release");"""


async def downgrade(db: BaseDBAsyncClient) -> str:
    return """
        DROP INDEX IF EXISTS "idx_event_issue_i_698b90";"""


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
    "kn8gP/S3kGT90ka27cgbV9zANgOmJX5wL26p1EJ8hyjB5qqtFBoQ2HB5vMya9xjNfhXZ+0"
    "ens7d31NnZO+we7B8dHXR3PP0brUoTwseDd0ILB56qn4tjte+ziorA/VI/5bbXySAp9jqJ"
    "ikJUBQVF4InJM64EHGsoJ7Z9VFE7mcIxRHdryYeQa9PRle5og7//jDzvS8+hxPALUkpoOT"
    "HY7mGG9+VuuMf896WoCqUSDMCmhJq5kgmKT4mciZRRWzouhbRa5vE/6LYW7YqFNyVkFVwl"
    "nAO04tJAzgSZx+A0Svjvq9EwnrBrHx5y0Zi1/msZyI6EFdXHnEJVgAgMsy7MF+e9T2HOJ2"
    "ej4/D4KQ5wHFa3YGbnYe7aP4n5em/rP6cOHguerRsHGQxh+5U47V+beoGX3RUWWBgExARz"
    "GnxICKcVl1rEcmlKs/9JS0fuCc2z0fCdax7uhyBymfiIDaBTkxiK189TGVuAvcxshjrnJL"
    "NVsfgT2Qed6kT/SVOokQxpBHOU8VtCIZrh93AhUQ94owAexwmWVZrzwj/SliF+dG8jt9Qf"
    "+Cm49/KaobuLE+DXDdlS6PWuTnpv+u3o+6MAsgP3ODXlqr4x46k+T0Z/gGfQZifEic/rq9"
    "Uv07L7SBpyDs5mkvzKM0wcNiYmjOT4mxR9JVP0bndFukAEjn3smJE3RKAzFPcqC7x27+Sk"
    "f6H137xugfEYWrw9X/H1sHetnY4uB59FuYOBwy+Aon9F3WVP6+tng/OB9BEXoBvIRNJPG4"
    "30s97luz6/XwjRDUBn8CsecL13NuDGCN8BAwm7wXl/dK1xK2RCDqqd7bbYcPrLewdkf+I8"
    "l/LkzE4NHrpGSTZKsrKKJ4uSfCbNI7VmnNpxRWiKzvFMNidwpkJMUYsKtnJ1glIn35TcJ7"
    "rAQTGS63lsuFwK7C5xUOr5zclgrGGjoSqpodQ7IlZHxXdCyK3K+qky64BnlDgWb4B+B6md"
    "c7lqnG/t1qwWP4/nYsuThVd9mkx84Zl4d5jJLiYVj0ZJxih0b8xdJwj2nMtcGmAtZUGeIH"
    "h00R++bglPHuD2r0ZnH2RwC21i3InA9vxaRrumI9q6xrun+GC1WQ2zacISUA7Arn3tBs7d"
    "TpZNNdwqGW4nsrHGhLbNo5w8U6aKSw0Ylz1hyhAz8t3PrkMNYJexe8kxeMCSK8xRXOrHeG"
    "cnC+OdnWTGoq5ZoPgsCxTlToM18uEhxyYrvl5WfIqokt/Ks6Q96NmsaK/2inawZi8HHJtO"
    "rnQnNzNczQxXrWa4QjIhZg3y8crv7ftLyNVXfEI5vAG3JqwDz/4c2YzQxdMIycm9U/9IdQ"
    "G18ZlSl1nShKnC9CfzprrSkRv9QpGyoXu5J7GZ26zu3CYlpp6SHU8Q6AGvGs5sbiARS/Jj"
    "Vn0ayFkWvwEn3yY5z6GGeIvPqOTfnN7sSd+C4K7ZhVTygJwSATY7OrJFf1Xd0eHG3TFyXQ"
    "nJk5W6kgFoviK6VWmdNJUt/+aQJa59DVXJRqbUbMOJWb+WzNe1r92XWXcz0d1NobsbQxdi"
    "Rhf6LYzJAaUwDnjVjnTx6no5pOVf+xfxq82EZWHL//wNXroFqW4i7MRF4omIE/3XQl2xT3"
    "4UDbv5Am4y6np9ATcSxzTzLQXMt6ibuZ/IKbSBvJa0xOj3VEw1C5ajY989byG5fyKmS36k"
    "j/JAdWK1yWyAQiwmIRDkmZwTUHqw+LxAYGviStg033aoTKrwZUpWIUnGpvXAE6Vr1Z7q51"
    "nZmLCm9Bf6wEJhwUKzsKxZWFaxqYXqfjqhBykaz+OkxKomVUYA36aZWdim5zpNA6yxT/5Z"
    "tseXN7+wiW1R4qHKQXhlXkO6G5lf4GdksV8RT/4AgeJS/vcHnmdZSWFfGsiRtSt+MHv8H/"
    "qu00c="
)
