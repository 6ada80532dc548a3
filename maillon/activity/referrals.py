"""« Réorienté vers »: the target of a redirected request (`Referral`), written with its visit.

The visit services call `referrals_attach` after writing the requests (a create that names a
target runs in one transaction; the desk's usual create names none and is unchanged), and
`referrals_cache` so that the rows just written answer `row.referral` without a query."""

from collections.abc import Mapping, Sequence

from maillon.activity.models import Referral, Request


def referrals_attach(*, visit_id: int, referrals: Mapping[int, Referral]) -> None:
    """Store the targets (`ValidVisit.referrals`: unsaved, by request position) of the requests
    of visit `visit_id`, just written (one query to read their ids back, one insert)."""
    if not referrals:
        return
    ids = dict(
        Request.objects.filter(visit_id=visit_id, position__in=list(referrals)).values_list(
            "position", "pk"
        )
    )
    for position, referral in referrals.items():
        referral.request_id = ids[position]
    Referral.objects.bulk_create(list(referrals.values()))


def referrals_cache(rows: Sequence[Request], referrals: Mapping[int, Referral]) -> None:
    """Let each row written answer its target (or none) without a query."""
    cache = Request.referral.related  # the reverse one-to-one's descriptor data
    for row in rows:
        cache.set_cached_value(row, referrals.get(row.position))


def referral_of(row: Request) -> Referral | None:
    """The request's target, or None (prefetched by `Visit.objects.with_requests()`)."""
    try:
        return row.referral
    except Referral.DoesNotExist:
        return None
