"""A small browser over ``django.test.Client`` for the demo walk: it reads a page's links and forms and
submits a form as the page shows it (its hidden fields, defaults, checked boxes and selected options),
with the fields a user would change."""

from html.parser import HTMLParser
from urllib.parse import urljoin

#: Elements whose text a user does not read.
HIDDEN = ("script", "style", "template")


class Form:
    def __init__(self, attrs):
        self.attrs = attrs
        self.fields = []  # (name, value) as the browser would send them without a click
        self.buttons = []  # (name, value) of named submit buttons
        self.names = set()  # every field name the form shows
        self.options = {}  # name: the values its checkboxes, radios or options offer

    def data(self, **changes):
        """The form's data with ``changes`` (a list value sends the name several times)."""
        data = {}
        for name, value in self.fields:
            data.setdefault(name, []).append(value)
        for name, value in changes.items():
            data[name] = value if isinstance(value, list) else [value]
        return data


class Page(HTMLParser):
    """The links, forms and visible text of one HTML page."""

    def __init__(self, url, response):
        super().__init__(convert_charrefs=True)
        self.url, self.response = url, response
        self.links, self.forms, self._text = [], [], []
        self._hidden, self._form, self._link, self._select, self._textarea = 0, None, None, None, None
        self.feed(response.content.decode())
        self.text = " ".join(" ".join(self._text).split())

    def handle_starttag(self, tag, attrs):
        attrs = {key: "" if value is None else value for key, value in attrs}
        if tag in HIDDEN:
            self._hidden += 1
        elif tag == "a" and "href" in attrs:
            self._link = [urljoin(self.url, attrs["href"]), []]
            self.links.append(self._link)
        elif tag == "form":
            self._form = Form(attrs)
            self.forms.append(self._form)
        elif self._form is None or ("name" not in attrs and tag != "option"):
            return
        elif tag == "input":
            self._form.names.add(attrs["name"])
            kind = attrs.get("type", "text")
            if kind in ("checkbox", "radio"):
                self._form.options.setdefault(attrs["name"], []).append(attrs.get("value", "on"))
                if "checked" in attrs:
                    self._form.fields.append((attrs["name"], attrs.get("value", "on")))
            elif kind in ("submit", "image"):
                self._form.buttons.append((attrs["name"], attrs.get("value", "")))
            elif kind != "file":
                self._form.fields.append((attrs["name"], attrs.get("value", "")))
        elif tag == "button":
            if attrs.get("type", "submit") == "submit":
                self._form.buttons.append((attrs["name"], attrs.get("value", "")))
        elif tag == "select":
            self._form.names.add(attrs["name"])
            self._select = [attrs["name"], None, None, "multiple" in attrs]
        elif tag == "option" and self._select is not None:
            value = attrs.get("value", "")
            self._form.options.setdefault(self._select[0], []).append(value)
            if self._select[1] is None:
                self._select[1] = value
            if "selected" in attrs:
                if self._select[3]:
                    self._form.fields.append((self._select[0], value))
                else:
                    self._select[2] = value
        elif tag == "textarea":
            self._form.names.add(attrs["name"])
            self._textarea = [attrs["name"], []]

    def handle_endtag(self, tag):
        if tag in HIDDEN and self._hidden:
            self._hidden -= 1
        elif tag == "a":
            self._link = None
        elif tag == "form":
            self._form = None
        elif tag == "select" and self._select is not None:
            name, first, selected, multiple = self._select
            if not multiple:
                self._form.fields.append((name, selected if selected is not None else first or ""))
            self._select = None
        elif tag == "textarea" and self._textarea is not None:
            self._form.fields.append((self._textarea[0], "".join(self._textarea[1]).lstrip("\n")))
            self._textarea = None

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea[1].append(data)
        if self._hidden:
            return
        self._text.append(data)
        if self._link is not None:
            self._link[1].append(data)

    def link(self, text=None, href=None):
        """The URL of the first link whose text contains ``text`` and whose URL contains ``href``."""
        for url, words in self.links:
            if (text is None or text in "".join(words)) and (href is None or href in url):
                return url
        raise AssertionError(f"no link {text!r} {href!r} on {self.url}")

    def form(self, testid=None, action=None, field=None):
        """The first form with this ``data-testid``, an action containing ``action``, a field ``field``."""
        for form in self.forms:
            if testid is not None and form.attrs.get("data-testid") != testid:
                continue
            if action is not None and action not in form.attrs.get("action", ""):
                continue
            if field is not None and field not in form.names:
                continue
            return form
        raise AssertionError(f"no form {testid!r} {action!r} {field!r} on {self.url}")


class Browser:
    """One user's client: opens pages and submits their forms, following redirects."""

    def __init__(self, client):
        self.client = client

    def open(self, url, **query):
        response = self.client.get(url, query, follow=True)
        assert response.status_code == 200, (url, response.status_code)
        return Page(self.final_url(url, response), response)

    @staticmethod
    def final_url(url, response):
        return response.redirect_chain[-1][0] if response.redirect_chain else url

    def submit(self, page, form, button=None, **changes):
        """Submit ``form`` of ``page`` with ``changes``; ``button`` is the (name, value) pressed."""
        action = urljoin(page.url, form.attrs.get("action") or page.url)
        data = form.data(**changes)
        if button is not None:
            data[button[0]] = [button[1]]
        if form.attrs.get("method", "get").lower() == "get":
            return self.open(action, **data)
        response = self.client.post(action, data, follow=True)
        assert response.status_code == 200, (action, response.status_code, response.content.decode()[:2000])
        return Page(self.final_url(action, response), response)
