"""The landing page's figures for the user's place."""

from .. import progress, todos
from ..documents import Place, Station, User
from ..documents.constants import BUILT, ROLES

TODO_LABELS = (
    ("review_overdue", "审核已超期的档案"),
    ("review", "待督导员审核的档案"),
    ("visit_overdue", "计划走访已逾期"),
    ("visit_soon", "7 天内应走访"),
    ("high_risk_unvisited", "高风险儿童超过走访周期未走访"),
    ("turning_18", "90 天内年满 18 周岁"),
)


def home_context(user) -> dict:
    """Figures and to-dos inside the user's place."""
    stations = Station.objects.in_scope(user)
    counts = todos.counts(user)
    ctx = {
        "place_name": Place.full_name_of(user.place) or Place.name_of(user.place),
        "role_label": dict(ROLES).get(user.role, user.role),
        "station_count": stations.count(),
        "built_count": stations.filter(build_status=BUILT).count(),
        "behind": [],
        "county_rows": [],
        "todos": [(kind, label, counts[kind]) for kind, label in TODO_LABELS],
        **todos.case_todos(user),
    }
    if user.role in ("province", "city", "county"):
        rows = progress.county_rows(user)
        ctx["county_rows"] = rows
        ctx["behind"] = progress.behind_schedule(rows)
        ctx["total"] = progress.total_row(rows)
        ctx["user_count"] = User.objects.in_scope(user).count()
        ctx["locked_users"] = User.objects.in_scope(user).filter(locked_until__ne=None).count()
    return ctx
