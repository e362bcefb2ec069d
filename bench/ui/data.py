"""The demo's projects and problems: varied levels, environments, releases and event counts."""

from __future__ import annotations

from bench.ui.demo import Problem as P

CHECKOUT = [
    P(KeyError, "'customer_id'", events=42, where="checkout.orders:create_order"),
    P(
        ValueError,
        "invalid literal for int() with base 10: 'N/A'",
        events=17,
        where="checkout.forms:parse_quantity",
    ),
    P(
        TimeoutError,
        "payment gateway did not answer within 10 s",
        events=63,
        release="1.4.3",
        where="checkout.payments:charge",
    ),
    P(
        ZeroDivisionError,
        "division by zero",
        events=5,
        environment="staging",
        where="checkout.discounts:percent_off",
    ),
    P(
        PermissionError,
        "[Errno 13] Permission denied: '/var/lib/checkout/cache'",
        events=3,
        where="checkout.cache:write_through",
    ),
    P(
        ConnectionResetError,
        "[Errno 104] Connection reset by peer",
        events=28,
        where="checkout.inventory:reserve",
    ),
    P(
        AttributeError,
        "'NoneType' object has no attribute 'shipping_address'",
        events=11,
        where="checkout.shipping:quote",
    ),
    P(
        LookupError,
        "unknown currency 'XBT'",
        level="warning",
        events=9,
        where="checkout.money:convert",
    ),
    P(None, "Coupon service slow: 2.3 s for /coupons/validate", level="warning", events=14),
    P(None, "Retrying order export (attempt 3 of 5)", level="info", events=21),
    P(
        RuntimeError,
        "inventory lock held for more than 30 s",
        level="fatal",
        events=2,
        where="checkout.inventory:lock",
    ),
    P(
        TypeError,
        "unsupported operand type(s) for +: 'Decimal' and 'float'",
        events=7,
        where="checkout.tax:total_with_tax",
    ),
    P(
        ValueError,
        "could not decode the invoice file name",
        events=4,
        where="checkout.invoices:attachment_name",
    ),
    P(
        OSError,
        "[Errno 28] No space left on device",
        level="fatal",
        events=1,
        environment="staging",
        release="1.5.0-rc1",
        where="checkout.exports:write_csv",
    ),
    P(
        IndexError,
        "list index out of range",
        events=12,
        release="1.4.3",
        where="checkout.cart:pop_last_item",
    ),
    P(None, "Webhook signature mismatch from provider 'acme-pay'", events=6),
    P(
        NotImplementedError,
        "refunds for gift cards",
        level="warning",
        events=2,
        environment="staging",
        where="checkout.refunds:refund",
    ),
    P(
        MemoryError,
        "thumbnail worker out of memory",
        level="fatal",
        events=1,
        where="checkout.media:thumbnail",
    ),
    P(
        FileNotFoundError,
        "[Errno 2] No such file or directory: 'rates.json'",
        events=8,
        where="checkout.money:load_rates",
    ),
    P(
        RecursionError,
        "maximum recursion depth exceeded in comparison",
        events=3,
        where="checkout.catalog:category_tree",
    ),
]
STOREFRONT = [
    P(
        TypeError,
        "Cannot read properties of undefined (reading 'price')",
        events=88,
        release="2026.11.3",
        where="storefront.basket:render_line",
    ),
    P(
        ReferenceError,
        "gtag is not defined",
        level="warning",
        events=31,
        release="2026.11.3",
        where="storefront.analytics:track",
    ),
    P(
        ValueError,
        "Invalid date in basket expiry: 2026-02-30",
        events=4,
        release="2026.11.2",
        where="storefront.basket:expiry",
    ),
    P(None, "ChunkLoadError: Loading chunk 412 failed", events=19, release="2026.11.3"),
    P(
        ConnectionError,
        "NetworkError when attempting to fetch resource",
        events=25,
        release="2026.11.3",
        where="storefront.api:fetch_json",
    ),
    P(
        None,
        "ResizeObserver loop completed with undelivered notifications",
        level="info",
        events=40,
        release="2026.11.2",
    ),
]
BILLING = [
    P(TimeoutError, "invoice batch 2026-11 timed out", events=2, where="billing.batch:run"),
    P(KeyError, "'vat_number'", events=3, where="billing.invoices:render"),
    P(None, "Dunning e-mail bounced for account 1187", level="warning", events=1),
]
PROJECTS = [("Checkout API", CHECKOUT), ("Web Storefront", STOREFRONT), ("Billing worker", BILLING)]
# Issues put out of the Open tab after seeding, by title fragment.
RESOLVED = ("division by zero", "Permission denied", "ResizeObserver", "Dunning")
MUTED = ("Retrying order export", "gtag is not defined")
