"""`/docs`: Swagger UI served by the service itself, from the pinned `swagger-ui-bundle-v2`.

No CDN: the page, its script and its styles come from the service, so a third party can
neither change what staff run on this origin nor see who reads the documentation. The page
has no inline script (the start-up code is its own file), so its policy needs no
'unsafe-inline'.
"""

from __future__ import annotations

from fastapi import APIRouter, FastAPI
from fastapi.responses import HTMLResponse, Response
from fastapi.staticfiles import StaticFiles
from swagger_ui_bundle import swagger_ui_path

ASSETS = "/docs/assets"
DOCS_CONTENT_SECURITY_POLICY = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
)
_HEADERS = {"Content-Security-Policy": DOCS_CONTENT_SECURITY_POLICY}

_PAGE = """<!doctype html>
<html lang="fr">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title} : documentation de l'API</title>
<link rel="stylesheet" href="{assets}/swagger-ui.css">
<link rel="icon" type="image/png" href="{assets}/favicon-32x32.png">
</head>
<body>
<div id="swagger-ui" data-openapi="/openapi.json"></div>
<script src="{assets}/swagger-ui-bundle.js"></script>
<script src="/docs/start.js"></script>
</body>
</html>
"""

_START = """window.ui = SwaggerUIBundle({
  url: document.getElementById("swagger-ui").dataset.openapi,
  dom_id: "#swagger-ui",
  deepLinking: true,
  presets: [SwaggerUIBundle.presets.apis],
  layout: "BaseLayout",
});
"""


def install_api_docs(app: FastAPI) -> None:
    """Serve `/docs`, its start-up script and Swagger UI's files, under their own policy."""
    router = APIRouter(include_in_schema=False)
    page = _PAGE.format(title=app.title, assets=ASSETS)

    @router.get("/docs")
    def docs() -> HTMLResponse:
        return HTMLResponse(page, headers=_HEADERS)

    @router.get("/docs/start.js")
    def start() -> Response:
        return Response(_START, media_type="text/javascript", headers=_HEADERS)

    app.include_router(router)
    app.mount(ASSETS, StaticFiles(directory=str(swagger_ui_path)), name="swagger-ui")
