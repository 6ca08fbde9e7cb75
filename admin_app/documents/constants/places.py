"""Place levels and roles: who works at which level."""

# Place levels, top down.
PROVINCE, CITY, COUNTY, TOWNSHIP, VILLAGE = "province", "city", "county", "township", "village"
PLACE_LEVELS = (
    (PROVINCE, "自治区"),
    (CITY, "市"),
    (COUNTY, "县（区）"),
    (TOWNSHIP, "乡镇（街道）"),
    (VILLAGE, "村（居）"),
)
LEVEL_DEPTH = {PROVINCE: 0, CITY: 1, COUNTY: 2, TOWNSHIP: 3, VILLAGE: 4}
PROVINCE_CODE = "640000000000"
PROVINCE_NAME = "宁夏回族自治区"

# Roles. Each role belongs to a place of one level.
ROLE_PROVINCE = "province"
ROLE_CITY = "city"
ROLE_COUNTY = "county"
ROLE_STATION = "station"
ROLE_SOCIAL_WORKER = "social_worker"
ROLE_VILLAGE = "village"
ROLES = (
    (ROLE_PROVINCE, "自治区民政厅儿童福利处"),
    (ROLE_CITY, "市民政局"),
    (ROLE_COUNTY, "县（区）民政局"),
    (ROLE_STATION, "未保站专门人员/儿童督导员"),
    (ROLE_SOCIAL_WORKER, "儿童社工"),
    (ROLE_VILLAGE, "村（居）儿童主任"),
)
ROLE_LEVEL = {
    ROLE_PROVINCE: PROVINCE,
    ROLE_CITY: CITY,
    ROLE_COUNTY: COUNTY,
    ROLE_STATION: TOWNSHIP,
    ROLE_SOCIAL_WORKER: TOWNSHIP,
    ROLE_VILLAGE: VILLAGE,
}
# Roles that manage accounts, and the roles each may create (inside its own place).
ROLE_CAN_CREATE = {
    ROLE_PROVINCE: {r for r, _ in ROLES},
    ROLE_CITY: {ROLE_CITY, ROLE_COUNTY, ROLE_STATION, ROLE_SOCIAL_WORKER, ROLE_VILLAGE},
    ROLE_COUNTY: {ROLE_COUNTY, ROLE_STATION, ROLE_SOCIAL_WORKER, ROLE_VILLAGE},
}
SUPERVISORS = (ROLE_PROVINCE, ROLE_CITY, ROLE_COUNTY)
STATION_STAFF = (ROLE_STATION, ROLE_SOCIAL_WORKER)
