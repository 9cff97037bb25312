from ninja import NinjaAPI

from territories.api import router as territories_router

api = NinjaAPI(
    title="Hospitalité API",
    version="1",
    description="API publique en lecture de la plateforme Hospitalité.",
    urls_namespace="api",
)
api.add_router("/", territories_router)
