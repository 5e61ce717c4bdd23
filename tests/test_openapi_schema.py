def test_schema_documents_every_endpoint(api_client):
    response = api_client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")

    assert response.status_code == 200
    schema = response.json()
    assert schema["openapi"].startswith("3.")
    paths = schema["paths"]
    assert set(paths) >= {"/api/batches", "/api/batches/{id}", "/api/receipts/{id}", "/api/receipts/{id}/retry"}
    upload = paths["/api/batches"]["post"]["requestBody"]["content"]["multipart/form-data"]["schema"]
    assert upload["$ref"].endswith("BatchUploadRequest")
    assert set(paths["/api/receipts/{id}/retry"]["post"]["responses"]) >= {"202", "404", "409"}


def test_interactive_docs_are_served_without_a_cdn(api_client):
    response = api_client.get("/api/docs/")

    assert response.status_code == 200
    assert "cdn.jsdelivr.net" not in response.content.decode()
