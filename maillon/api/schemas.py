from typing import Annotated

from ninja import Field, Schema

from maillon.core.ids import MAX_ID  # the largest id a database column holds


class ErrorOut(Schema):
    detail: str


class CommuneOut(Schema):
    code: str
    kind: str
    name: str
    department_code: str
    region_code: str
    canton_code: str
    parent_code: str | None
    latitude: float | None
    longitude: float | None
    population: int | None
    is_current: bool

    @staticmethod
    def resolve_department_code(obj) -> str:
        return obj.department_id

    @staticmethod
    def resolve_region_code(obj) -> str:
        return obj.region_id

    @staticmethod
    def resolve_parent_code(obj) -> str | None:
        return obj.parent.code if obj.parent_id else None


class SiteOut(Schema):
    id: int
    name: str
    kind: str
    organisation_id: int | None
    address: str
    postal_code: str
    commune_code: str | None
    commune_name: str | None
    department_code: str | None
    latitude: float | None
    longitude: float | None
    phone: str
    email: str
    appointment_url: str
    opening_hours: str
    fs_id: str | None

    @staticmethod
    def resolve_commune_code(obj) -> str | None:
        return obj.commune.code if obj.commune_id else None

    @staticmethod
    def resolve_commune_name(obj) -> str | None:
        return obj.commune.name if obj.commune_id else None

    @staticmethod
    def resolve_department_code(obj) -> str | None:
        return obj.commune.department_id if obj.commune_id else None


# An object's id, as a path parameter or a field: outside 1…MAX_ID it answers 422 (declared in
# the document) instead of reaching a database that cannot hold it.
Id = Annotated[int, Field(ge=1, le=MAX_ID)]
