"""The API's documentation page (/api/v1/docs/) in a real browser: Swagger UI from the sidecar's static
files renders the committed schema's operations, in Chinese, with no request to another host and no
console error (the CSP allows it without an inline script or style); "Try it out" with a token calls
the API and shows its answer."""

from playwright.sync_api import expect

from api import services
from api.models import Scope
from tests.factories import BatchFactory


def test_an_integrator_reads_the_api_docs_and_tries_an_operation(page, live_server):
    BatchFactory(name="2026年度工程技术专项评审")
    _client, token = services.client_create(name="省平台", scopes=[Scope.BATCHES_READ], actor=None)

    page.goto(f"{live_server.url}/api/v1/docs/")
    expect(page.locator(".swagger-ui .info .title")).to_contain_text("枣庄", timeout=20_000)
    batches = page.locator(".opblock-summary-path", has_text="/api/v1/batches/").first
    expect(batches).to_be_visible(timeout=20_000)

    page.locator(".btn.authorize").click()
    page.locator(".modal-ux input[type=text], .modal-ux input[type=password]").first.fill(token)
    page.locator(".modal-ux .auth-btn-wrapper .authorize").click()
    page.locator(".modal-ux .btn-done").click()

    batches.click()
    page.locator(".opblock.is-open .try-out__btn").click()
    page.locator(".opblock.is-open .execute").click()
    response = page.locator(".opblock.is-open .live-responses-table tbody .response-col_status").first
    expect(response).to_contain_text("200", timeout=20_000)
    expect(page.locator(".opblock.is-open .live-responses-table")).to_contain_text(
        "2026年度工程技术专项评审", timeout=20_000
    )
