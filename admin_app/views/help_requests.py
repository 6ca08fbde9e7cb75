"""附件5 未成年人疑似伤害事件求助登记表 on screen."""

from flask_login import current_user

from .case_forms import CHILD_INFO_SUB, PERPETRATOR_SUB, CaseFormView
from .formatting import labelled

# 附件5's fields in the seed's order (form and details follow it).
FORM5_FIELDS = (
    "child_info",
    "location",
    "occurred_at",
    "occurred_note",
    "account",
    "perpetrator",
    "attachment_note",
    "filled_by",
    "filled_on",
)


class HelpRequestView(CaseFormView):
    """附件5 未成年人疑似伤害事件求助登记表."""

    word_template = "help_request_form.docx"
    case_channel = "walk_in"
    case_link = "help_request"
    column_list = ("child_info", "location", "occurred_at", "filled_by", "filled_on", "case")
    column_details_list = (*FORM5_FIELDS, "case", "created_by", "created_at")
    column_labels = {
        "child_info": "未成年人",
        "location": "地点",
        "occurred_at": "时间",
        "occurred_note": "时间说明（时间不确切时填写，如“晚8时许”）",
        "account": "具体经过",
        "perpetrator": "疑似施害者",
        "attachment_note": "附件（文字记录、图片等相关证明）",
        "filled_by": "填写人",
        "filled_on": "填写日期",
        "case": "案件",
    }
    form_columns = (*FORM5_FIELDS, "open_case", "serious_harm")
    form_args = labelled(column_labels, form_columns)
    form_subdocuments = {"child_info": CHILD_INFO_SUB, "perpetrator": PERPETRATOR_SUB}
    form_widget_args = {"account": {"rows": 6}}

    def word_context(self, record):
        from ..services import word

        return word.help_request_context(record, current_user)
