"""Work reports: the station's half-year report and yearly summary (三(二) 每半年向乡镇人民政府
汇报), and the county's yearly filing of station construction and operation (五(一)).

Every figure is computed, never typed. Children come from the township rosters, visits
from each child's VisitBook and archive dates from the Child, both read by `_id` (the only
fast lookup on FerretDB/SQLite); cases, referrals and the work records are small
collections and are read with `in_scope`. The narrative parts (概述, 存在问题, 下步打算)
are drafted from the figures and edited by the clerk before the Word file is made.

- `periods`: which half-year or year a report covers
- `station`: the station's figures for a period
- `sections`: the figures as rows (one list for the page, Word and Excel) and the drafts
- `paper`: the station's report as Word and Excel
- `filing`: the county's yearly filing (figures, Word, Excel)
"""

from .filing import (
    counties_for,
    county_filing,
    filing_context,
    filing_draft,
    filing_word,
    filing_workbook,
)
from .paper import station_context, station_word, station_workbook
from .periods import FIRST_YEAR, KIND_LABELS, KINDS, default_period, period, years
from .sections import FILING_NARRATIVE, NARRATIVE, clean_narrative, draft_narrative, figure_sections
from .station import first_visit_result, government_of, station_figures, township_of

__all__ = [
    "KINDS",
    "KIND_LABELS",
    "FIRST_YEAR",
    "period",
    "default_period",
    "years",
    "township_of",
    "first_visit_result",
    "station_figures",
    "government_of",
    "NARRATIVE",
    "FILING_NARRATIVE",
    "figure_sections",
    "draft_narrative",
    "clean_narrative",
    "station_context",
    "station_word",
    "station_workbook",
    "counties_for",
    "county_filing",
    "filing_draft",
    "filing_context",
    "filing_word",
    "filing_workbook",
]
