"""The landing page's figures for the user's place."""

from .. import progress
from ..documents import Place, Station, User
from ..documents.constants import BUILT, ROLES


def home_context(user) -> dict:
    """Figures and to-dos inside the user's place."""
    stations = Station.objects.in_scope(user)
    ctx = {
        "place_name": Place.full_name_of(user.place) or Place.name_of(user.place),
        "role_label": dict(ROLES).get(user.role, user.role),
        "station_count": stations.count(),
        "built_count": stations.filter(build_status=BUILT).count(),
        "behind": [],
        "county_rows": [],
    }
    if user.role in ("province", "city", "county"):
        rows = progress.county_rows(user)
        ctx["county_rows"] = rows
        ctx["behind"] = progress.behind_schedule(rows)
        ctx["total"] = progress.total_row(rows)
        ctx["user_count"] = User.objects.in_scope(user).count()
        ctx["locked_users"] = User.objects.in_scope(user).filter(locked_until__ne=None).count()
    return ctx
