"""Who may see and change what: one table that every screen, its routes and its templates
read. `see` opens the screen; `edit`, `create` and `delete` offer those actions (None:
as `edit`). Scope (which records) is a separate rule: documents/base.py.

tests/test_scope_matrix.py keeps its own copy of this table on purpose: an independent
statement of the policy that each route is checked against.
"""

from typing import NamedTuple

from ..documents.constants import (
    ROLE_CITY,
    ROLE_COUNTY,
    ROLE_PROVINCE,
    ROLE_SOCIAL_WORKER,
    ROLE_STATION,
    ROLE_VILLAGE,
    STATION_STAFF,
    SUPERVISORS,
)


class May(NamedTuple):
    see: tuple[str, ...]
    edit: tuple[str, ...] = ()
    create: tuple[str, ...] | None = None
    delete: tuple[str, ...] | None = None


ALL_ROLES = (ROLE_PROVINCE, ROLE_CITY, ROLE_COUNTY, ROLE_STATION, ROLE_SOCIAL_WORKER, ROLE_VILLAGE)
CASE_ROLES = (*SUPERVISORS, *STATION_STAFF)  # every role but the village 儿童主任
CASE_WORKERS = STATION_STAFF  # 未保站 staff file the forms and work the cases
ARCHIVE_KEEPERS = (*STATION_STAFF, ROLE_VILLAGE)  # keep the 一人一档 archives

SCREENS = {
    "home": May(ALL_ROLES),
    "children": May(ALL_ROLES, ARCHIVE_KEEPERS, delete=()),
    "child_import": May(ARCHIVE_KEEPERS),
    "visits": May(ALL_ROLES),
    "field": May(ARCHIVE_KEEPERS),
    # 监护与风险评估: read by all, made by those who keep the archives; the indicator list
    # (评估指标) is read by all and revised by the province alone.
    "assessments": May(ALL_ROLES, ARCHIVE_KEEPERS),
    "assessment_scale": May(ALL_ROLES, (ROLE_PROVINCE,)),
    # 资金与购买服务 (五(三)): a station sees its own; only a county or a city writes money.
    # 督导抽查: drawn and checked by the township 督导员; read by the staff and above.
    "spot_checks": May(
        (ROLE_PROVINCE, ROLE_CITY, ROLE_COUNTY, ROLE_STATION, ROLE_SOCIAL_WORKER), (ROLE_STATION,)
    ),
    # 工作考核: each reads the figures of its place (a village 儿童主任 its own); the township
    # 儿童督导员 grades its villages' 儿童主任 (附件2 3.1.2).
    "appraisal": May(ALL_ROLES, (ROLE_STATION,)),
    "funds": May(
        (ROLE_PROVINCE, ROLE_CITY, ROLE_COUNTY, ROLE_STATION, ROLE_SOCIAL_WORKER),
        (ROLE_COUNTY, ROLE_CITY),
    ),  # 走访（手机）: those who record visits
    "cases": May(CASE_ROLES, (), CASE_WORKERS, ()),
    "case_forms": May(CASE_ROLES, CASE_WORKERS, delete=()),  # 附件5, 附件6, 附件7
    # 群众报告: reports sent on a station's public page and hotline work orders. A county
    # takes those of a township whose station has no account; the province may close
    # the public pages (`public_switch`).
    "public_reports": May(CASE_ROLES, (*CASE_WORKERS, ROLE_COUNTY), CASE_WORKERS, ()),
    "public_switch": May((ROLE_PROVINCE,), (ROLE_PROVINCE,)),
    "receiving_units": May(CASE_ROLES, (ROLE_PROVINCE, ROLE_COUNTY, ROLE_STATION)),
    "records": May(CASE_ROLES, CASE_WORKERS),  # the station's work records
    "reports": May((*STATION_STAFF, *SUPERVISORS)),
    "bulletins": May((*STATION_STAFF, ROLE_COUNTY, ROLE_CITY, ROLE_PROVINCE)),
    "stations": May(
        ALL_ROLES,
        (ROLE_COUNTY, ROLE_STATION),
        (ROLE_PROVINCE, ROLE_COUNTY),
        (ROLE_PROVINCE, ROLE_COUNTY),
    ),
    "allocations": May(SUPERVISORS, (ROLE_PROVINCE, ROLE_COUNTY), (), ()),
    "progress": May(SUPERVISORS),
    "places": May(ALL_ROLES, (ROLE_PROVINCE,), (), ()),
    "users": May(SUPERVISORS, SUPERVISORS),
    "audit": May((*SUPERVISORS, ROLE_STATION), ()),
    "holiday_years": May((ROLE_PROVINCE,), (ROLE_PROVINCE,)),
}
ACCEPTANCE_ROLES = (ROLE_PROVINCE,)  # 验收 of a station: its own action, not the form
OPEN_CASE_ROLES = SCREENS["cases"].create  # 发现问题，立案 from a child's archive


def may(action: str, screen: str, role: str | None) -> bool:
    """True when `role` may `action` ("see", "edit", "create", "delete") on `screen`."""
    rule = SCREENS[screen]
    roles = getattr(rule, action)
    if roles is None:
        roles = rule.edit
    return role in roles
