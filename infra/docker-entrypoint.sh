#!/bin/sh
# The container's roles. The first argument picks one; the Helm chart runs each as its own pod.
#
#   web       the ASGI server (HTTP and websockets): uvicorn, WEB_CONCURRENCY worker processes
#   worker    a Celery worker (CELERY_CONCURRENCY processes, CELERY_QUEUES queues)
#   beat      the Celery scheduler: exactly one must run
#   migrate   the public schema, the template schema, then every tenant's schema
#   manage    any management command: `manage createsuperuser`, `manage ensure_template --check`
#   anything else is run as given (`sh`, `python`, ...)
set -eu

# Prometheus multi-process mode: the folder holds the live figures of this pod's processes and
# must start empty (entente/core/metrics.py).
prepare_metrics_dir() {
    if [ -n "${PROMETHEUS_MULTIPROC_DIR:-}" ]; then
        mkdir -p "$PROMETHEUS_MULTIPROC_DIR"
        find "$PROMETHEUS_MULTIPROC_DIR" -mindepth 1 -maxdepth 1 -name '*.db' -delete
    fi
}

role="${1:-web}"
if [ "$#" -gt 0 ]; then shift; fi

case "$role" in
    web)
        prepare_metrics_dir
        # Django's ASGI handler has no lifespan support; TLS ends at the ingress, which sets
        # X-Forwarded-Proto/-For (trusted from FORWARDED_ALLOW_IPS).
        exec uvicorn entente.config.asgi:application \
            --host 0.0.0.0 \
            --port "${PORT:-8000}" \
            --workers "${WEB_CONCURRENCY:-2}" \
            --lifespan off \
            --proxy-headers \
            --forwarded-allow-ips "${FORWARDED_ALLOW_IPS:-*}" \
            --no-server-header \
            --timeout-graceful-shutdown "${WEB_GRACEFUL_SHUTDOWN_SECONDS:-20}" \
            "$@"
        ;;
    worker)
        prepare_metrics_dir
        exec celery --app entente.config.celery_app:app worker \
            --loglevel "${LOG_LEVEL:-INFO}" \
            --concurrency "${CELERY_CONCURRENCY:-2}" \
            --queues "${CELERY_QUEUES:-${CELERY_TASK_DEFAULT_QUEUE:-celery}}" \
            --without-mingle \
            "$@"
        ;;
    beat)
        exec celery --app entente.config.celery_app:app beat \
            --loglevel "${LOG_LEVEL:-INFO}" \
            --schedule "${CELERY_BEAT_SCHEDULE_FILE:-/tmp/celerybeat-schedule}" \
            "$@"
        ;;
    migrate)
        # The public schema first (django-tenants), then `migrate_tenants` (tenants/deploy.py):
        # the template schema, then every tenant schema that is not current, in parallel
        # (ENTENTE_DEPLOY_WORKERS), resuming where an interrupted run stopped; non-zero exit
        # when a schema failed (the others are migrated).
        python manage.py migrate_schemas --shared --noinput
        exec python manage.py migrate_tenants "$@"
        ;;
    manage)
        exec python manage.py "$@"
        ;;
    *)
        exec "$role" "$@"
        ;;
esac
