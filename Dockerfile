# The City Diplomacy Graph service (used by docker-compose.yml).
FROM python:3.11-slim
WORKDIR /srv
COPY pyproject.toml README.md ./
COPY app ./app
COPY seed ./seed
COPY cypher ./cypher
RUN pip install --no-cache-dir -e .
# Editable, so cypher/ and seed/data are read from /srv beside the app package.
ENV CITYGRAPH_HOST=0.0.0.0
EXPOSE 8000
CMD ["citygraph", "serve"]
