# Ecommerce Agent — production image (gunicorn + uvicorn workers).
#   docker build -t ecommerce-agent .
#   docker run -p 8000:8000 -e JWT_SECRET_KEY=... -v $PWD/data:/app/data ecommerce-agent
FROM python:3.11-slim AS base

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1 \
    APP_ENV=production APP_HOST=0.0.0.0 APP_PORT=8000
WORKDIR /app

# Dependencies first (pinned by requirements.txt) for a cacheable layer.
COPY pyproject.toml requirements.txt README.md ./
COPY src ./src
RUN pip install -c requirements.txt .

COPY api.py gunicorn.conf.py backup.sh restore.sh ./
COPY configs ./configs
COPY data/policies ./data/policies
COPY data/nlu ./data/nlu

RUN useradd --create-home --uid 10001 app && mkdir -p data log backups && chown -R app:app /app
USER app

EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=3s --start-period=30s \
    CMD python -c "import urllib.request,sys; sys.exit(urllib.request.urlopen('http://127.0.0.1:8000/healthz').status != 200)"
# gunicorn reads ./gunicorn.conf.py: workers = CPU×2+1 (WEB_CONCURRENCY), metrics in multiprocess mode.
CMD ["gunicorn", "api:app"]
