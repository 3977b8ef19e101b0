# sopsocial application image: the web (ASGI), worker and beat services of docker-compose.yml run it.
FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_DISABLE_PIP_VERSION_CHECK=1
WORKDIR /app
COPY pyproject.toml README.md ./
COPY sopsocial sopsocial
COPY planning planning
COPY feeds feeds
COPY alerts alerts
RUN pip install --no-cache-dir .
COPY . .
RUN SECRET_KEY=collectstatic-only python manage.py collectstatic --no-input \
    && useradd --create-home --uid 10001 sopsocial && mkdir -p var/media && chown -R sopsocial var
USER sopsocial
EXPOSE 8000
CMD ["daphne", "-b", "0.0.0.0", "-p", "8000", "config.asgi:application"]
