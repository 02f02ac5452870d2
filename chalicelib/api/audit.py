"""Being built: see the issue."""
from chalice import Blueprint

bp = Blueprint(__name__)
