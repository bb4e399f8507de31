"""The WSGI application, configured from the environment (what granian imports)."""

from examples.meeting_rooms.app import create_app
from examples.meeting_rooms.config import Config

app = create_app(Config.from_env())
