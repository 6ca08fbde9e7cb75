"""The landing page's figures for the user's place."""

from flask import jsonify
from flask_admin import AdminIndexView, expose
from flask_login import current_user

from ..core import clock
from ..documents import User
from ..documents.constants import FIELD_TODOS
from ..services import people, workdays
from ..services.figures import todos
from ..services.figures.dashboard_data import figures
from ..services.stations import progress
from .base import SecureViewMixin
from .permissions import SCREENS

# 五(四): the county trains everyone each year; the to-do shows all year, red from November.
TRAINING_WATCHERS = ("county", "station", "social_worker")
TRAINING_LATE_MONTH = 11


def home_context(user) -> dict:
    """Figures and to-dos inside the user's place (the same figures the JSON endpoint gives)."""
    figs = figures(user)
    ctx = {
        "place_name": figs["place"]["name"],
        "role_label": figs["role_label"],
        "station_count": figs["stations"]["total"]["count"],
        "built_count": figs["stations"]["built"]["count"],
        "behind": [],
        "county_rows": [],
        "todos": [(t["key"], t["label"], t["count"]) for t in figs["todos"]],
        "field_todos": FIELD_TODOS,
        "figures": figs,
        **todos.case_todos(user),
    }
    if user.role in ("province", "city", "county"):
        rows = progress.county_rows(user)
        ctx["county_rows"] = rows
        ctx["behind"] = progress.behind_schedule(rows)
        ctx["total"] = progress.total_row(rows)
        ctx["user_count"] = User.objects.in_scope(user).count()
        ctx["locked_users"] = User.objects.in_scope(user).filter(locked_until__ne=None).count()
    if user.role in TRAINING_WATCHERS:  # 五(四): everyone trained each year
        ctx["untrained"] = people.untrained(user).count()
        ctx["training_year"] = clock.today().year
        ctx["training_late"] = clock.today().month >= TRAINING_LATE_MONTH
    if user.role == "province":
        ctx["holidays_missing"] = workdays.next_year_missing(clock.today())
    return ctx


class HomeView(SecureViewMixin, AdminIndexView):
    """The landing page: the user's place and figures (dashboards come with the work records)."""

    roles = SCREENS["home"].see

    def is_visible(self):
        return True

    @expose("/")
    def index(self):
        return self.render("admin/home.html", **home_context(current_user))

    @expose("/api/figures.json")
    def figures_json(self):
        """The landing page's figures, inside the user's place, for the charts (charts.js)."""
        response = jsonify(figures(current_user))
        response.headers["Cache-Control"] = "no-store"  # figures about children: never cached
        return response
