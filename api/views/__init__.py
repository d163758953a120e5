"""The API's operations (``/api/v1/``), one module per resource, on the base of ``api.views.base``;
and the applicant's page for its personal token (``api.views.personal``)."""
