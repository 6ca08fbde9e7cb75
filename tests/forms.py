"""What a browser sends back from a page's form: the tests of "open an edit form and save
it without a change" submit exactly this, so they test the page as rendered."""

from html.parser import HTMLParser

SENT_INPUTS = {"text", "hidden", "number", "email", "tel", "date", "datetime-local", "search"}


class _Forms(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms: list[dict] = []  # {"attrs": {...}, "fields": [(name, value)]}
        self._form = None
        self._select = None  # (name, multiple, options[(value, selected)])
        self._option = None
        self._textarea = None

    def handle_starttag(self, tag, attrs):
        a = {k: (v if v is not None else "") for k, v in attrs}
        if tag == "form":
            self._form = {"attrs": a, "fields": []}
            self.forms.append(self._form)
            return
        if self._form is None or "disabled" in a:
            return
        name = a.get("name")
        if tag == "input" and name:
            kind = a.get("type", "text").lower()
            if kind in SENT_INPUTS:
                self._form["fields"].append((name, a.get("value", "")))
            elif kind in ("checkbox", "radio") and "checked" in a:
                self._form["fields"].append((name, a.get("value", "on")))
        elif tag == "select" and name:
            self._select = (name, "multiple" in a, [])
        elif tag == "option" and self._select is not None:
            self._option = [a.get("value"), "selected" in a, ""]
            self._select[2].append(self._option)
        elif tag == "textarea" and name:
            self._textarea = [name, ""]

    def handle_data(self, data):
        if self._option is not None:
            self._option[2] += data
        if self._textarea is not None:
            self._textarea[1] += data

    def handle_endtag(self, tag):
        if tag == "option":
            self._option = None
        elif tag == "select" and self._select is not None:
            name, multiple, options = self._select
            values = [(v if v is not None else t) for v, sel, t in options if sel]
            if not values and not multiple and options:  # a browser sends the first option
                first = options[0]
                values = [first[0] if first[0] is not None else first[2]]
            self._form["fields"] += [(name, v) for v in values]
            self._select = None
        elif tag == "textarea" and self._textarea is not None:
            name, value = self._textarea
            value = value.replace("\r\n", "\n").replace("\r", "\n")
            if value.startswith("\n"):  # HTML drops one line break after <textarea>
                value = value[1:]
            # …and a browser sends a textarea's line breaks as CR LF.
            self._form["fields"].append((name, value.replace("\n", "\r\n")))
            self._textarea = None
        elif tag == "form":
            self._form = None


def form_data(html: str, form_class: str = "admin-form") -> list[tuple[str, str]]:
    """The (name, value) pairs the page's form sends (the Flask-Admin form by default)."""
    parser = _Forms()
    parser.feed(html)
    for form in parser.forms:
        if form_class in form["attrs"].get("class", "").split():
            return form["fields"]
    raise AssertionError(f"no form of class {form_class!r} on the page")
