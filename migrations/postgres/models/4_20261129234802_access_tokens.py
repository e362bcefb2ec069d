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
    "eJztXW1v27YW/iuGP3VAb5E4aZIVwwWc1G29JXGRqNvQbhAYm3a4SKJGUUm93f73S1Jv1G"
    "skR1Zklp8Sk+dQ1HMo8jlHh+K/QxsvoOW9GrvIwHfQGb4Z/Dt0gA3ZP7m6l4MhcN2khhdQ"
    "cGMJYeAik8ZiNx4lYE5ZxRJYHmRFC+jNCXIpwvwijm9ZvBDPmSByVkmR76C/fciaWkF6Cw"
    "mr+PInK0bOAn6FXvTTvTOXCFqLVH/Rgl9blJt07YqyqUPfCUF+tRtzji3fdhJhd01vsRNL"
    "I4fy0hV0IAEU8uYp8Xn3ee/CW43uKOhpIhJ0UdJZwCXwLSrd7o2ZlA1N83JmmNcTwzSHDQ"
    "CaY4eDy7rqibtf8S78Z7R/eHx4cnB0eMJERDfjkuNvwaUTYAJFAc+lMfwm6gEFgYTAOAFV"
    "2NS8Bd5tHtyzW0CK0U1rZVBm3c+iHGHaX5ht8NW0oLOit+zn0WEFpr+Or84+jK9eHB3+wC"
    "+I2YMQPCKXYc1IVHHYE5hdApfoaxOIE4124I0KEnyTR7dzgE9q4HtSCu9JFl25Tw0gzqh1"
    "h/Nw2AnKo9eva+DMpEqRFnVprOcEcjRMQPNQv2U1FNmwGO60ZgbtRaj6KvpnF8c4u8HFzL"
    "HW4eRVAb4xvZhcG+OLj/xytuf9bQn8xsaE14xE6TpT+uIoY6e4kcFvU+PDgP8cfJ5dTgS8"
    "2KMrIq6YyBmfh7xPwKfYdPCDCRbSPBuVRqilrG4Bj5q+t5Hds7otWD7scl8MvyOGjjDJWZ"
    "pTruWdxA94wQ2Y3z0AsjBzNXiEy2TzVfbIzpYAB6yEkTiavJ8hE53cQ4cWUdSgopKfwlik"
    "VW76JWjYDOkkwX9B1vSfGcr6ZYg8zxcDlw9gjwLb5T+YFpOUaqFzjwh27LCvBFoQeDBorz"
    "bnPUWr74X2/jgaHRwcj/YOjk5eHx4fvz7Zi/lvvqqKCJ9O33MunHqqHifHsu3rkorUeFGP"
    "uR2MalCKg1Epo+BVaUKRemKarCspRQXpxK6vKrKRCZxDdL8RfcioakP32tAWm/+sJvNlrN"
    "Ch+wUJwaQbH2z/qMZ8uZ+1WDJf8qpMKMECdImJ3SiYIOl0iDMWNGpH16UMV6u9/qfVNkK7"
    "Z+5NB1GFiAk3AFpS0SDXApn54CSP8M/Xs8tihCP57JKL5nTwv4GFvJxb0X+YK1DlQKSW2Q"
    "jMFxfj37M4n53PTrPrJ2/gNMtuwcprgnkk/yTMN5utf1r6zpzjObjxkUWR473il/3vtibw"
    "rk3hgrWFQYEzZ8CvJe60pKKEL1fFNCe/G9WQx0TzfHb5PhLP2iENuQh8FDrQlUEMSevxUM"
    "YOwN5lNEN+5ySiVYXwl2KfVlIJ/Se9Qs1FSHMw5zF+hwlEK+cXuBZQT1mngDMvIixhmPNj"
    "0tKOQfwtGkZRabLwE/AQxzUzo4shwO4b0oDoja/Pxm8nw/z80QKy06gdRXGVZ8xiVJ8noj"
    "91VtCjZ9gvjuvL1S+rovtICDIc/O0E+aVnGPt0jm2Yi/HrEH0vQ/SRuXIm4I7jxPHt3AyR"
    "Moak3meCNxyfnU0+GpO3bwZgPocu688fzqfL8Sfjw+xq+pmX+w7w2Q0Q9A+vuxobE/N8ej"
    "EVOvwGTAvZSOgZs5l5Pr56P2HjBWPTAmQF/3CmjO+dT5kwcu6Bhbjc9GIy+2QwKWRDBtSw"
    "3rDYcvgrngPqP3GxSnd0Zk+Bh04zSc0ke8t46jDJZ+I8gmsWsZ2IhFbwnFhkewRnyckUcQ"
    "nHVmQnSHVipmQ6+QQHSUjk83gwSAWOUhykejY4KSwU1ByqlxxKHhGFPKrYCBm1PvOn3uQB"
    "rwj2XdYB8x4Sr2G6apGucjmr7b/Hi2BrEoWXdXQkvvVIfLTM1CeTkoZmkgUMPV5zN3GCY+"
    "UuUwPcgBY0cYJnHyeXbwZckzm4k+vZ+a/CuYUetu65Y3vxSXi7ts/7usHc076zqrNhto2w"
    "AKgBwJG8cgvn/qjOphomVQ7uKLexxoaex7ycJq9MJRUFMO76hSlF1Go2niMFBcDuYveSbz"
    "GHpZGbI6moh/HeXh2M9/bKMeZ1OkHxWRIUxU6DDeLhGUUdFd8sKr5ERIpvNUlpT2vqjPZ+"
    "Z7SDDa2cUtRG7rWR9Rsu/YZLqTdcGZpQkIN8Guq9++UKMvZVHFDObsBVBOvUs3+LPIrJ+m"
    "kIiZd7H5KWlAQK+8RaB8TxiQMqgEu0pypaFKzMe2D5sA2oDLBSGac7uG4JJbaCqATU1hMV"
    "oimrLF9BmtIeSVswpXl0qx8Ik76nEGwJ1qkF/U0tINg2K15OlfjHKS0FEwu28B4EN4dZ1t"
    "Eg18k9BX6zPaqxgoLwth/QbP5tCP1JiB2IrehNgB0vyBUBGL2hql7wpbcbqiS/uZSyx271"
    "o4w9kWw53zgeZ/wSei9Vf+aGKrIubNUI/0hDT9Abv0XU+5m6x1wzEs1I+mIEJRgJD0+X0Z"
    "EwdP0YF6Gh2LaIyF0QGBYReU1I+jM1VBGS0GZ1oy2huI611Ii1BM9BA3BjBQXh3UoapCZ2"
    "OiWvRyNepYiiTsn7DoysnTTtpPXFCKo4aTw7psJPC5NnarhqZsi1t+quaS+tN3PDS+2lPZ"
    "uXVrbFp3R4Z7SUcSZa2y0vtn1tsnMqo6gMsjr+rqmdpnY7Se2ijTAFtE7aI1NO6aQtOfpY"
    "364f/a0d6yv+NiBlkbyCrGwrwV3P8gs+KFWObySv3FHJ+7XQ3a9Ad78AXehQsjYbOhZpLe"
    "WQbt+7CJa05h/jyukpw4Nb8zCSLy6bLvMYbOT4Rbn5pRCX6m8Edc/O4GkbbH0kdTnUah1J"
    "nfNj9AboFnZgyqcrPHUbZvpEByXR4qtfG7tVVQWIn1DgecwXvIPOE3EKPdixaNHgDaoKml"
    "jwH1gP8cMTMbtiLf0mGlIJqw5CKPIoK4+mZMbio4EVU34cdJRFqShLbNO6LmqsoL3TR71T"
    "b47donW2IgAQaygYxmr/W/TabSqHXi23KX3S8j2bhDaxelqzBav3LCyxI0aulTynv2env2"
    "fXsxeo/T2xSfKYCnh/2p8q5/uSB9c+zU8dsBRGg3V6XG/yK6qchLLYf5UFnhjv79sU0aud"
    "1d/R7pvW3rBoOqHphKYTNenEGBI0vy2iEmFNJY0AiYwOFO7Sc13FATY47e9ZDvnrLilrG4"
    "e78IeqAcKhuILobiUpi12RwiJCVX6MoqTS/SmKzxMpau28xAapDu0vZt/+D47AXJM="
)
