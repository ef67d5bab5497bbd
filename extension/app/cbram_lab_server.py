"""CBRAM Lab's JupyterLab server: the front end in ./build (webpack-built from npm packages),
served by jupyter_server and jupyterlab_server's LabServerApp.

Started by `npm start` (extension/launch/cli.ts), which passes the port, token, notebook folder and the
Jupyter directories. Run directly: python3 cbram_lab_server.py --ServerApp.root_dir=DIR ...

Environment:
  CBRAM_LAB_STATE  user settings and workspaces (default: ./state next to this file)
"""
import json
import os

from jupyter_server.base.handlers import APIHandler, JupyterHandler
from jupyterlab_server import LabServerApp
from tornado import web, websocket

HERE = os.path.dirname(os.path.abspath(__file__))
BUILD = os.path.join(HERE, "build")
STATE = os.environ.get("CBRAM_LAB_STATE", os.path.join(HERE, "state"))


def _jupyter_server_extension_points():
    return [{"module": __name__, "app": CbramLabApp}]


class IdentityHandler(APIHandler):
    """/api/me: JupyterLab 4 asks who the user is; jupyter_server 1.x has no such endpoint."""

    @web.authenticated
    def get(self):
        user = {"username": "cbram", "name": "CBRAM Lab", "display_name": "CBRAM Lab",
                "initials": "CL", "avatar_url": None, "color": None}
        self.finish(json.dumps({"identity": user, "permissions": {}}))


class EventsHandler(websocket.WebSocketHandler, JupyterHandler):
    """/api/events/subscribe: JupyterLab 4 listens to the server's event bus, which
    jupyter_server 1.x lacks; accept the socket and send nothing, so it does not retry forever."""

    def get(self, *args, **kwargs):
        if self.current_user is None:
            raise web.HTTPError(403)
        return super().get(*args, **kwargs)

    def on_message(self, message):
        pass


class ResolvePathHandler(APIHandler):
    """/api/resolvePath: JupyterLab 4.6 asks which file a path in an output (a traceback frame)
    names, to make it a link; jupyter_server 1.x has no such endpoint, and the 404 sends the
    front end to guesses that request each path (more 404s) or make links to nowhere. A path
    resolves when it names a file in the served folder; anything else (library frames such as
    cbram-lab/dist/...) is unresolved, so it stays plain text."""

    @web.authenticated
    def get(self):
        path = self.get_query_argument("path", "")
        root = os.path.realpath(os.path.expanduser(self.contents_manager.root_dir))
        full = os.path.realpath(path if os.path.isabs(path) else os.path.join(root, path))
        if path and full.startswith(root + os.sep) and os.path.isfile(full):
            rel = os.path.relpath(full, root).replace(os.sep, "/")
            self.finish(json.dumps({"resolved": [{"path": rel, "scope": "server"}], "unresolved": []}))
        else:
            self.finish(json.dumps({"resolved": [], "unresolved": [{"path": path, "scope": "server"}]}))


class CbramLabApp(LabServerApp):
    name = __name__  # jupyter_server finds the extension points in this module by this name
    extension_url = "/lab"
    default_url = "/lab"
    load_other_extensions = False
    app_name = "CBRAM Lab"
    app_version = "4.6"
    app_settings_dir = os.path.join(BUILD, "application_settings")
    schemas_dir = os.path.join(BUILD, "schemas")
    static_dir = BUILD
    templates_dir = os.path.join(HERE, "templates")
    themes_dir = os.path.join(BUILD, "themes")
    user_settings_dir = os.path.join(STATE, "user_settings")
    workspaces_dir = os.path.join(STATE, "workspaces")

    def initialize_handlers(self):
        super().initialize_handlers()
        self.serverapp.web_app.add_handlers(
            ".*$",
            [
                (r"/api/me", IdentityHandler),
                (r"/api/events/subscribe", EventsHandler),
                (r"/api/resolvePath", ResolvePathHandler),
            ],
        )

    def initialize_settings(self):
        super().initialize_settings()
        # No terminal support is bundled; say so, so the launcher shows no terminal tile.
        self.serverapp.web_app.settings["terminals_available"] = False


if __name__ == "__main__":
    CbramLabApp.launch_instance()
