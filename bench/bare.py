"""The ceiling: a bare Flask « hello » served by the same gunicorn as PatientLab."""

from flask import Flask

app = Flask(__name__)


@app.route("/")
def hello():
    return "Bonjour"
