"""The page fixture's guard itself: it must see what it exists to catch, or every journey passes blind."""

from django.urls import reverse

CARELESS_TEMPLATE = """() => {
    document.body.insertAdjacentHTML("beforeend",
        '<div style="color: red">x</div><img src="https://cdn.example.com/logo.png">');
    const script = document.createElement("script");
    script.textContent = "window.inlineRan = true";
    document.body.appendChild(script);
    setTimeout(() => { throw new Error("boom from the page"); });
}"""


def test_browser_guard_reports_csp_violations_js_errors_and_external_requests(page, live_server):
    page.goto(f"{live_server.url}{reverse('login')}")
    guard = page.guard

    # What a careless template would do: an inline style and script, a CDN asset, a JS error.
    with (
        page.expect_console_message(lambda message: "Content Security Policy" in message.text),
        page.expect_event("pageerror"),
        page.expect_request("https://cdn.example.com/logo.png"),
    ):
        page.evaluate(CARELESS_TEMPLATE)

    problems = "\n".join(guard.problems)
    assert "Content Security Policy" in problems
    assert "boom from the page" in problems
    assert "https://cdn.example.com/logo.png" in problems
    assert page.evaluate("window.inlineRan === undefined")
    # Seen and asserted: let the fixture's teardown pass.
    guard.console_errors.clear()
    guard.page_errors.clear()
    guard.external_requests.clear()
