"""五(三) station funds and government-purchased service projects (issue 16).

Each record is filed under the station's township. Amounts are whole 分 (core/money.py),
never floats. Only a county or a city writes them (views/permissions.py: "funds")."""

from mongoengine import DateField, IntField, StringField

from .base import ScopedDocument
from .constants import FUND_KINDS, FUND_PURPOSES, FUND_SOURCES, PROJECT_RESULTS


class FundEntry(ScopedDocument):
    """Subsidy received (its source) or spent (its purpose) by a station in a year."""

    year = IntField(required=True)
    kind = StringField(required=True, choices=FUND_KINDS)
    on = DateField(required=True)
    amount_fen = IntField(required=True, min_value=1)
    source = StringField(choices=FUND_SOURCES)
    purpose = StringField(choices=FUND_PURPOSES)
    note = StringField(max_length=200)

    meta = {"collection": "fund_entries"}

    def __str__(self):
        return f"{dict(FUND_KINDS).get(self.kind, '')} {self.on}"


class ServiceProject(ScopedDocument):
    """A service project the government bought for a station (provider, amount, period,
    content), with the city's evaluation and acceptance."""

    year = IntField(required=True)
    name = StringField(required=True, max_length=100)
    provider = StringField(required=True, max_length=100)
    amount_fen = IntField(required=True, min_value=1)
    start = DateField(required=True)
    end = DateField(required=True)
    content = StringField(max_length=1000)
    result = StringField(choices=PROJECT_RESULTS, default="pending")
    evaluation = StringField(max_length=1000)
    evaluated_on = DateField()
    evaluated_by = StringField()

    meta = {"collection": "service_projects"}

    def __str__(self):
        return self.name
