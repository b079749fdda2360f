"""The Python ceiling of the endpoint benchmark: a Flask app that answers every query at once with the
same small SPARQL JSON result, served by gunicorn exactly as ``dprk-kg serve`` serves the real app.

No Python web stack can answer faster than this on the machine, so a ratio of dprk-kg's throughput to
this one's tells how much of the gap to Oxigraph is the application's own work and how much is the
price of answering HTTP in Python at all.

    gunicorn --workers 4 --worker-class sync --keep-alive 5 --bind 127.0.0.1:18150 --chdir benchmarks ceiling_app:app
"""

from __future__ import annotations

from flask import Flask, Response, request

ANSWER = b'{"head":{"vars":["label"]},"results":{"bindings":[{"label":{"type":"literal","value":"ceiling"}}]}}'

app = Flask(__name__)


@app.post("/sparql")
def sparql() -> Response:
    """Every query, whatever it asks, gets the one fixed answer (the form is read, as a real app must)."""
    request.form.get("query")
    return Response(ANSWER, mimetype="application/sparql-results+json")
