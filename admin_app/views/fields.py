"""The date and date-time fields of every form: typed by hand in Beijing time.

A field is a plain text box (2026-12-01 21:15; also 2026/12/1 21:15, 2026年12月1日21时15分 …)
with a 选择 button that opens the browser's own calendar, in the browser's language, as
a help (static/js/when.js). The server reads what was typed (core/dates.py); what it
cannot read is refused next to the field and stays in the box. A stored time is shown
in Beijing time, and a value saved back unchanged is the stored value itself, to the
millisecond: opening an edit form and saving it changes nothing.
"""

from markupsafe import Markup
from wtforms import Field
from wtforms.widgets import html_params

from ..core import clock, dates


def when_input(name: str, text: str, kind: str, **attrs) -> Markup:
    """The text box and its 选择 button (also used by hand-written forms in templates)."""
    example = clock.today().isoformat() + (" 09:30" if kind == "datetime" else "")
    attrs.setdefault("id", name)
    attrs.setdefault("class", attrs.pop("class_", "form-control"))
    if "form-control" not in attrs["class"]:
        attrs["class"] += " form-control"
    attrs.setdefault("placeholder", f"例：{example}")
    params = html_params(
        type="text",
        name=name,
        value=text or "",
        autocomplete="off",
        inputmode="numeric" if kind == "date" else "text",
        maxlength=40,
        **{"data-wbz-when": kind},
        **attrs,
    )
    return Markup(
        '<div class="input-group wbz-when"><input {}>'
        '<div class="input-group-append"><button type="button" class="btn btn-outline-secondary"'
        ' data-wbz-pick title="从日历中选择" aria-label="从日历中选择">选择</button></div></div>'
    ).format(Markup(params))  # noqa: S704 - html_params escapes every value


class WhenWidget:
    def __call__(self, field, **kwargs):
        return when_input(field.name, field._value(), field.kind, **kwargs)


class _WhenField(Field):
    kind = ""
    widget = WhenWidget()

    def _format(self, value) -> str:
        raise NotImplementedError

    def _parse(self, text: str):
        raise NotImplementedError

    def _value(self) -> str:
        if self.raw_data:  # what was typed, kept when it is refused
            return self.raw_data[0]
        return self._format(self.data) if self.data else ""

    def process_formdata(self, valuelist):
        if not valuelist:
            return
        text = (valuelist[0] or "").strip()
        if not text:
            self.data = None
            return
        if self.object_data and text == self._format(self.object_data):
            self.data = self.object_data  # unchanged: the stored value, not a re-typed one
            return
        try:
            self.data = self._parse(text)
        except ValueError as exc:
            self.data = None
            raise ValueError(str(exc)) from None


class DateTimeInputField(_WhenField):
    """A date and time to the minute, typed and shown in Beijing time, stored as UTC."""

    kind = "datetime"

    def _format(self, value) -> str:
        return dates.input_datetime(value)

    def _parse(self, text):
        return dates.parse_datetime(text)


class DateInputField(_WhenField):
    """A calendar date (2026-12-01)."""

    kind = "date"

    def _format(self, value) -> str:
        return dates.input_date(value)

    def _parse(self, text):
        return dates.parse_date(text)
