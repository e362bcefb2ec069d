FROM python:3.11-slim

WORKDIR /srv/faultline
COPY requirements.lock ./
RUN pip install --no-cache-dir --require-hashes -r requirements.lock
COPY pyproject.toml README.md ./
COPY app ./app
COPY schema ./schema
COPY models ./models
COPY migrations ./migrations
RUN pip install --no-cache-dir --no-deps . && useradd --system faultline
USER faultline

ENV FAULTLINE_HOST=0.0.0.0 FAULTLINE_PORT=8080
EXPOSE 8080
HEALTHCHECK --interval=10s --timeout=3s --retries=5 \
  CMD python -c "import urllib.request,sys; sys.exit(urllib.request.urlopen('http://127.0.0.1:8080/health/ready').status != 200)"
CMD ["faultline", "serve"]
