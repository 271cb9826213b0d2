"""Root fields about the service itself."""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from api.context import RequestContext
from api.parts import ApiPart


@strawberry.type
class MetaQuery:
    @strawberry.field(description="The version of the CI model (schema/) this server serves.")
    def model_version(self, info: Info[RequestContext, None]) -> int:
        return info.context.model.version


PART = ApiPart(query=MetaQuery)
