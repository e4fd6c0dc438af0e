"""An API answer serialised once, by the model that declares it.

FastAPI validates what a synchronous endpoint returns against its ``response_model`` again, in
a worker thread of its own, before serialising it: a second thread hop and a second validation
per request. An endpoint that builds its answer from that model already can return it as a
response; the route keeps its ``response_model`` for the OpenAPI description.
"""

from __future__ import annotations

from pydantic import BaseModel
from starlette.responses import Response


def json_response(model: BaseModel, *, status_code: int = 200) -> Response:
    body = model.model_dump_json(by_alias=True)
    return Response(body, status_code=status_code, media_type="application/json")
