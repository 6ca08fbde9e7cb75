"""Form values as stored: an empty box is no value, CR LF is a line break, a blank choice
is none (every model form is built by BlankChoiceConverter)."""

from flask_admin.contrib.mongoengine.form import CustomModelConverter
from mongoengine import EmbeddedDocumentField, ListField, StringField
from wtforms import SelectField

from ..core import text
from .fields import DateInputField, DateTimeInputField


def tidy_strings(doc) -> None:
    """Text from a form as it is stored: cleaned (core/text.py), and an empty box stored as
    no value, so a record saved back unchanged stays as it was (embedded records too)."""
    for name, field in doc._fields.items():
        value = getattr(doc, name, None)
        if isinstance(field, StringField) and isinstance(value, str):
            value = text.clean(value)
            setattr(doc, name, value if value != "" else None)
        elif isinstance(field, EmbeddedDocumentField) and value is not None:
            tidy_strings(value)
        elif isinstance(field, ListField) and isinstance(field.field, EmbeddedDocumentField):
            for item in value or []:
                tidy_strings(item)


def _blank_to_none(value):
    return None if value in ("", None, "None") else value


class BlankChoiceConverter(CustomModelConverter):
    """Optional choice fields start blank ('（未选择）') instead of on their first option."""

    def convert(self, model, field, field_args):
        unbound = super().convert(model, field, field_args)
        if (
            unbound is not None
            and getattr(unbound, "field_class", None) is SelectField
            and getattr(field, "choices", None)
            and not getattr(field, "required", True)
            and getattr(field, "default", None) is None
        ):
            unbound.kwargs["choices"] = [("", "（未选择）")] + list(
                unbound.kwargs.get("choices", [])
            )
            unbound.kwargs["coerce"] = _blank_to_none
            unbound.kwargs["validate_choice"] = False  # mongoengine checks the value on save
        return unbound

    def conv_Date(self, model, field, kwargs):
        return DateInputField(**kwargs)

    def conv_DateTime(self, model, field, kwargs):
        kwargs.pop("widget", None)
        return DateTimeInputField(**kwargs)
