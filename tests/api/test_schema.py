"""The committed OpenAPI schema (api/openapi.yaml) is the code's: a change to the API without its
schema fails here. The schema served at /api/v1/schema/ is the same document, and the documentation
page loads only the portal's own files."""

import re
from pathlib import Path

import pytest
import yaml
from django.core.management import call_command

ROOT = Path(__file__).resolve().parents[2]
COMMITTED = ROOT / "api" / "openapi.yaml"


def test_the_committed_schema_is_the_codes(tmp_path):
    generated = tmp_path / "openapi.yaml"
    call_command("spectacular", file=str(generated), lang="zh-hans", validate=True, fail_on_warn=True)
    assert generated.read_text() == COMMITTED.read_text(), (
        "api/openapi.yaml differs from the API's code: run `make schema` and commit api/openapi.yaml"
    )


def test_the_schema_is_openapi_3_1_in_chinese():
    schema = yaml.safe_load(COMMITTED.read_text())
    assert schema["openapi"] == "3.1.0"
    assert "枣庄" in schema["info"]["title"]
    summaries = [operation["summary"] for path in schema["paths"].values() for operation in path.values()]
    assert summaries and all(re.search(r"[\u4e00-\u9fff]", summary) for summary in summaries)


@pytest.mark.django_db
def test_the_schema_is_served_and_the_docs_page_loads_nothing_from_outside(client):
    served = client.get("/api/v1/schema/")
    assert served.status_code == 200
    assert yaml.safe_load(served.content)["openapi"] == "3.1.0"
    page = client.get("/api/v1/docs/")
    html = page.content.decode()
    assert page.status_code == 200
    assert "接口文档" in html
    sources = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert sources and all(source.startswith("/") for source in sources), sources
    assert "<script>" not in html and "<style" not in html  # the CSP allows neither inline
    script = client.get(next(source for source in sources if "script=" in source))
    assert script.status_code == 200
    assert "SwaggerUIBundle" in script.content.decode()
