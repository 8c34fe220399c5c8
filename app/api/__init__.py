"""The HTTP API: thin FastAPI routes over `app.service.CityGraph`."""
