"""The REST API of the data centre (FastAPI): ``create_app(settings)`` builds it.

Routes live under ``/api/v1``, one router per resource (``routes/``); the
typed dependencies are in ``deps``; every error becomes an RFC 9457 problem in
``errors``. The API holds no SQL writes and no metrology: it calls the services.
"""

from .app import create_app

__all__ = ["create_app"]
