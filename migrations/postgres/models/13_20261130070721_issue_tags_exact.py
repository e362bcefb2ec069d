from tortoise import BaseDBAsyncClient

RUN_IN_TRANSACTION = True


# An existing issue's tag counts are provably complete when no event of it was deleted (its
# event_count, never lowered, equals its stored events) and every tag of those events has its
# row; any other issue keeps searching its events (app.search.sql).
PROVE = """
UPDATE issue SET tags_exact = false
WHERE event_count <> (SELECT count(*) FROM event AS e WHERE e.issue_id = issue.id)
    OR EXISTS (
        SELECT 1 FROM event AS e CROSS JOIN LATERAL jsonb_each_text(e.tags) AS t(key, value)
        WHERE e.issue_id = issue.id AND t.key NOT IN ('environment', 'release')
            AND NOT EXISTS (
                SELECT 1 FROM issue_tag AS g
                WHERE g.issue_id = e.issue_id AND g.key = t.key AND g.value = t.value
            )
    );
"""


async def upgrade(db: BaseDBAsyncClient) -> str:
    return (
        """
        ALTER TABLE "issue" ADD "tags_exact" BOOL NOT NULL DEFAULT True;"""
        + PROVE
    )


async def downgrade(db: BaseDBAsyncClient) -> str:
    return """
        ALTER TABLE "issue" DROP COLUMN "tags_exact";"""


MODELS_STATE = (
    "eJztXWtz2zYW/SsafWpnvB1HtpOsZ2dnZFtJtJGljCU3ncYdDizBEtcUqPJhx9vmvy8A8Q"
    "E+QBESRYEwvjQ1gUuRB69zz70A/2ov7Rm03F+6FnS8rufB5cprn7f+aiOwhPh/csuPWm2w"
    "WsWl5IIH7i1qAEhNAzBV713PAVNy2wdguRBfmkF36pgrz7QRvop8yyIX7SmuaKJ5fMlH5p"
    "8+NDx7Dr0FdHDBtz/wZRPN4Hfokj+/4XtZ5hN0XshPmbP2H6TC6tF4MKE1S7wJLsRF9Lrh"
    "vazotQtz3kfeB1qXPMK9MbUtf4ni+qsXb2GjyMBE9J3mEEEHeJD8guf45J3IIwcYhK+5fv"
    "y4yvq5GZsZfAC+5TEY3BvxtbZhDEcTY9ybGEZbALWpjQji+FFdCsCcPMI//tnpnJy86xyf"
    "vH1/dvru3dn74/e4Ln3ebNG7H+uHidFa34pi1v/YH07IA9m4WdeNTi78oDbAA2sr2jwx+s"
    "DLon+FEfTMJczHf22Rwn8WmPwS/k+6NULsi5ojvBC3R9wxa2iQAmwn/eveeNK9/kJuv3Td"
    "Py2KU3fSIyUdevUldfWntz8nGyO6Setrf/KpRf5s/T4a9iictuvNHfqLcb3J723yTMD3bA"
    "PZzwaYsZiEl8NLuGrcrDMfA4/f31i62fblDq2U1eYx1oBWDYZZ583pu9P3J29Po9EVXSka"
    "VOEAipF1PeD5LgZtBgWQTVlthWwwOakKLHQc28lCOoHfOZhGBik08UM2D82iyaf32yQx7w"
    "x/7d5cfure/HTd/e3nxNwzGA0/htXjiWd4ORhdpNAOl2dDdPlNGao0R9SwFBMW9PCYuxKz"
    "hCnZHB9sB5pz9Bm+0Cbp42cHaJo3kbCs8Iq5X8Pa40fY6cKr8Xh1wHPEIdN9EQOBr0CPQn"
    "HZHV92r3ptCvk9mD4+A2dmJLAnJXbHTl2J6maLlp1l+gpAYE4BIm9CnpttgssFQAhabR5x"
    "D8tLEPcpU3W/xH3l2P+FU0/z9oNPFkW8/RG/fBZ/3KGcHvKXmXki0RKh7VbrZk1zRftr7+"
    "LTaPT5vPUM7xe2/XiHxoPuJf7btfAAvUO9625/cN6CS2DSUVGi4Zbgu2FBNPcW+M83bwva"
    "JFxg36Q5fLj0dmhRckml/+Y2Sf6ACOvL3AzlR0UC3M7xcQl0cS0uvLQsia/vWCL0MKiuya"
    "E4OXTh1IE5wgC/L8cWKuCdmik678tMFZ33/LmClCUhduDUXJmQ/GAG5v+MR8N8mJNWaQ3G"
    "nHqtv1uW6e6Ng7f/9eCjKYGzde+blmci9xfye/9u19/zCUrFPT/dyY+SOgu5Qbrn415MID"
    "PEZbGkpYLyGO58YDZC1kswXhsilwVTS6FaFlDeXF+Yy2eTRir5wTtJOgUeLuNZ7Ojgfonv"
    "1DCIy7q2yd4l6tlmVAUT5qwzF4Hth8830KLC7+uTFH7sKAIwK7pv5YF8DdDLxCb/FRFvbv"
    "DNtkH5oJ5xQd+m72bkaSDhmzqkC+L1M1qJ14LHGlHboY3xCF9CpIOBEbVTUBRYBaXewrH9"
    "OeFwgYpCLRkpJXdc4etGWpD4sVnsiQYHT+1hR88muYcVA+vVe45a34JoBbmCsHsVBo0Jtd"
    "FykJxyEH7G+RzmhE/4LhtjoqACUb28Ew+KbTS32Lo+sNsriGYEMjHE2196w6v+8ON5K7C/"
    "Q+PecHLecrHjeYc+dPuD3hX5PdOCMzmkt2CGEol1syb1kfdjiZk7C6gFXM8QjsgmrVRQgu"
    "pW3lbgxbJBzlLK14QYk/oFocNAr6UfaZpCJqmnVGZUmtEKtnWOuW5wqRucsJYtGpoxq6CB"
    "G7SsNa19ky5/eQc0aaeSfluLL8p4/q7rQ2H4WSuF0iFrxl5HLvbj/zASY/kuzRjpHl1RVq"
    "SOGVUbM0p38gqAFQlYSNbFyyLLjOwErPj3W8PbwaCdx0iqgpbJElW04yap2OaOS7lDBfD2"
    "w/uo2WtZisXptmVCyKFSaixB3p4X4Sgys11Rkf68axB5c3CRTq+8wGI4924KKobzvU4g1x"
    "HD4ojh5nhWQ6KH7WHvq9Efj2972Bo+G3RKvEM3vY83vfG4PxqetxxI1AgX179D4y/9z7im"
    "uzIfoRyRLZLC4HmYfSxN5Ht5CSbc8ZJnWp+zd9KUUBeGCboL2xLxoBM2Cvl6lYH6jN/Dft"
    "6i02YNNbw5e2URec+89dO2LQgQZ8NsbJUC9R6b7WsiCJfWemXsi9FokFCwL/rp8Ovt9UUP"
    "z8Z0MsaVTI+jsenAIL9f65xwrazqnHCJ9D2Zc8IlW5S53nwe/64CqklwL4W6aHXp84l87w"
    "oy6HdQTZuXRM+8bDqPPt6WkEyiT2qu6Tx6RvCuJol+vcBuFrqiMcITu9hBtEnw8ti6lYpe"
    "36LgyVqL/iOlgmnRS0rRiyaoivN4xkxBEt8Q0l4qGehAuSiyNelhklEOkjTxeqEv8KoOEN"
    "mXrR12De1LEXhuKqjcyPOhT+VamRP7EaJcdhmWFRPLlYmJYFhtn4FUIQr5Wvjjjgp6QTiU"
    "tKmxAO4iPyLKiQMlrKoJhB4W5kQ48+1piXDm21NuOJMUpfNV4YP5XQTi2ELmOPOWAJc5WI"
    "h/rFDmUCH2mQQgTpnVuEG1XQvKnbOzMqeRnZ3xTyMjZToqpKNCVAnw3a3aPW2rtxXJpiRk"
    "PKrDsNQruLLs3HNEgpJChjqL6+g8Pwko64ElT4ieTMdGS4iEDnRMmSnIvfbCChz4ZLqC9I"
    "u10TiXxNm2rHvgkOXUET13N89WhbMqaoDdsqfA2gr0rKWGvJyfYS/z527+MSyMiQog130G"
    "SwMPenL96RTCGQz7Qun0eMySbybkNCf82A5+qDs0vr287PWu6LXwrulDn+4QYdhXxuh2gn"
    "sLdlUw4fVpfzt8wjx9ESP0n0T8s6Slgn55090ztpkfTGS6i63aOWWq3XCZ21mn4eo0XMmC"
    "m7ul4e5TOOo9QfrUGd1oXXBUJBvBqErFiXL0xuFQDDpHOl3uWxxZJ1Mu7mPLVagrkQNpo9"
    "KULOFg5IEL15WYPpy5iRan5BSnmL5RWpli+5N6cslJpwQjPulwGTEpSm1wZAeDCFFKGGo+"
    "LDVPcuAUmk9bxaVSprqhpW5oC89/OUfLFChvoUGNekR0BvD+58vqFYSVBbwH21mKgMza1I"
    "izTWlWQ9elA0amJHPYawlMrZmyANCMiQa5FMgkvJFFmH90d1h/p3O7JYO5ANW9HNvtgbnQ"
    "J/TC+nJ8PI/8rDIfz+MeXs8PVfEPr2+mL1d3rAo7aC6Y50zrfMgZExWm9QMhbrie7QifwJ"
    "I1rvEglugK2wqiEt9BTmDRu/oOuKtPR2B0BKaBERi9bU+dbXt9NIeud2n7+dEttvioKMZl"
    "0ooYB38/oS5mDNu+N7WX+mAIqRY1fiAqbK5ME5RL+mLMZXZj2t3Ly94Xmu8FplO4oglft8"
    "Pu7eTT6Kb/O7nuI+DjF3DM/5Gym+6kZwz6131qQ17AsMylSe0mo5Ex6N587OH+YtuGBZw5"
    "vEN9zLEHfVzZRE/AMoNUsShRTJo0sWgOKD/iIhNlPheomaRmkppJypnLs+aaeWwnJKEFPC"
    "eqsj+C80DIlLNyCLbp9Bs6U2KbbJoPU4luh3Th+iSFMNGHKSeJ1DC3ouZQUnIotkfk8ihu"
    "Oi5rJjN/2jLWVP0xCnPH9lf4AYwn6IhuN8uzVW7Lf/XR6hA2kVgTa6PjTZXHm8JlpjyZZC"
    "w0k8xh6NGau+3Op5pd4La9WtMCESd49KU3PG8RS/IhkPFo8Ct1bqFrW0/Esb2+pd7u0veg"
    "JJ+3D5/NMNE2Mz7HXIXoXxL50+MSyJ8ec5EnRakNrzrbbt8fuCEACQAc1leOsrzplDkNCt"
    "fig9vJnAh1gPwAuTCuOz3AM728ozcL+nNooADYdWyH9y3sKgo5mIyJehgfl1nycC0+xseZ"
    "RU8nQNeUAE13Mm0RiUgZ6njEdvEIkgpqwO8gTysvTONKGh74W1qR0ChxAteD6TAarsjmpK"
    "Sl3psk994ksGUrJwx1I0vdyDqKq6O4SkVxmS+d068G6c+jFYKfmAyS31nSH0nbjBjl7jsC"
    "FR3noSJAC5PsjnjZDSGaJPEpvpOSQNm+Y72s3cAdO9QaLno/VdHCPpvxBCx/10mKQjUBc5"
    "VxeoQvFaGEWYpKQO094Sucsnh5X8yUtiH9y2Dm0T0fBB6nm+nDwGVQuApStBx7aRQE+Tka"
    "TMJKwQStPUQ1bXGYWRsNcpkcfuCLnWgRGSgIb/XhCfGTpPQBUg3Q7zAPsHNy5vijJjJQL2"
    "FoL+FTvVu9ZsZToKLqnb/lFFRpd/4ywgTXJ4p0i40uUVyz4o0xUT8jP6E3/cozNxwVeEO0"
    "rYTwDy30BL110oXeeFs/5pqRaEYiSyMowUiI/s+jI0FsYBMX8YJq+yIij2vlnYY8NCGRZ2"
    "ooIiRBm5V1zIPqWswqIWatx4EAuJGBgvDuRfbQxK5+YqfzajfxDCUkW51X+woaWTtp2kmT"
    "pRFUcdJI+lGBnxZkJ5Vw1YyAa+/VXdNemjRzw5H20g7mpfF2RHK7d8pKGWeismNd6C7ZbT"
    "aapgyVQVbr75raaWrXSGoX7mbLoXXMRjc+pWP21e01LVqIvL0W5rbjisbnZPRfAVIW1leQ"
    "le1F3HUtP+fkQz6+Yf1q8D1s101mMZdC900Bum9y0IXIc14MQcciaaUc0tV7F+slTfzUyI"
    "ydMjy4Mg8j/jSAscIew9JEft7mBy7EXPutoJYt57hisKcOJO++xaeek5YKBgTa+AVnI0Sz"
    "RYOtjU0IEAQddsMXvj084ZuEi4O87Zn8sZUx1IMqO6jI2sPdm1/gpSftFEK2Zo1k7WBuM6"
    "klLSuY1CRrj4bMYdwgZ0aMKX8Uy3QBEAo8+NSQFD1X5HJ9qwauaQIHsRzq6JoGQ+b41Zxb"
    "c+Ore2bNDK4se9cjIa7oTVSFSB/rswEg9tuLux4ukvzeo5JoEcmhijNYVAWIfL/QdQ3Pfo"
    "RoR5yCsEGX3nFCbqgqaFRlecZPaD/viNkNvtNXeiOVsKohbsX2Mn4IK9UXN0azDHY46NCW"
    "UqGtqE3LxgUiAx0S2BgScKf2Km+dLYi6RBYKxg6r/1Kd1qr50KusVT/hSWibVk9aajFPNj"
    "FPnwS+HwZQkLGmTwJX4XvOjMeUw/uT/hSf7zMeXPU0P/H55SAEr/ckSBQt4zsJvISLwsjl"
    "bkkWsk0RUh1n84q2PFcWgdd0QtMJTSdK0olbl67ZGSJBrxdSCB/XIHphOBFpqbBRI7uIBc"
    "AlMIW+VhwZKCcVds7KSFm4VsHHRzNi1gq47rONh+4CuAsRnDOGCmqH+/ncq5YPX4l8uFWW"
    "mAtd8jX7HYOZZM0cr+/UwH5wkGgmCxmHhTCIbiAjLlNTkxFVyAgNQwqvlEkr5WiJDrDpWM"
    "tuR4Bt0dBpW93UUjc1XROFliTGQitgmxUw383b/iksf4VSS8PALat9MZ1KJuGrCx1zusgj"
    "nUFJId8EcR3NNJs0nIuY5hN0Qv+hLM1kTLQUU06KIYNKAOGguoLo7uUICPyLHsyLJP5nPB"
    "ryQomRSZrRmVOv9XfLMt0mrv4F4BIwEjQuxPSn6+5vabgvB6OLND8jN7jIYwd1LmY//g+v"
    "03Uc"
)
