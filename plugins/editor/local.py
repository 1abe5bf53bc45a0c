"""``invoke cms``: the editor on this machine, writing to the local git repository (training, local work).

Two processes, both on 127.0.0.1 only: Decap's ``decap-server`` in git mode (``node_modules/decap-server``,
pinned), on a free port, and the preview server of ``output/`` (as ``invoke serve``), which also passes
``POST /api/v1`` on to decap-server. The editor therefore talks to one origin, its own, and Decap's
``local_backend`` (``/api/v1``, :mod:`editor.config`) needs no cross-origin request.

decap-server has no authentication: whoever reaches it can write to the repository. It is never bound to
another address (:func:`check_address` refuses, in Vietnamese, and says why). Publishing merges an item's
``cms/<type>/<slug>`` branch into the published branch with a merge commit (``merge.ff=false`` for the
server's git only), so the approval is a commit of its own in the history (:mod:`compliance.approvals`).
"""

from __future__ import annotations

import contextlib
import http.client
import http.server
import json
import os
import socket
import subprocess
import threading
import time
from pathlib import Path

from portal.preview import PreviewHandler
from portal.problems import PortalError

from .bundle import PROJECT
from .config import ADMIN, LOCAL_API

SERVER = PROJECT / "node_modules" / "decap-server" / "dist" / "index.js"
START_SECONDS = 30          # decap-server answers within a second or two; more means it failed
MAX_BODY = 64 * 1024 * 1024  # one request of the editor (an entry with its images, base64): more is refused
GIT_SETTINGS = {"merge.ff": "false",        # publishing leaves a merge commit: the approval, with its author
                "commit.gpgsign": "false"}  # the server commits without a terminal to ask for a passphrase


class LocalEditorError(PortalError):
    """The local editor cannot start (wrong address, decap-server missing or failing)."""


def check_address(host: str) -> str:
    """``127.0.0.1`` for ``127.0.0.1`` or ``localhost``; any other address is refused, saying why."""
    if host.strip() in ("127.0.0.1", "localhost"):
        return "127.0.0.1"
    raise LocalEditorError(
        f"invoke cms chỉ chạy trên địa chỉ 127.0.0.1 của chính máy này, không chạy trên «{host}»: máy chủ git "
        "cục bộ của Decap (decap-server) không có đăng nhập, ai kết nối được tới nó cũng ghi được vào kho. "
        "Để nhiều người cùng biên tập, dùng máy chủ GitLab hoặc Forgejo của tỉnh (site.yaml: bien_tap; "
        "docs/huong-dan-bien-tap.md).")


def untracked(repo: Path) -> list[str]:
    """Files git does not track nor ignore in ``repo``: decap-server's «git add .» would commit them."""
    proc = subprocess.run(["git", "-C", str(repo), "ls-files", "--others", "--exclude-standard"],
                          capture_output=True, text=True)
    return proc.stdout.split() if proc.returncode == 0 else []


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket(socket.AF_INET) as sock:
        sock.bind((host, 0))
        return sock.getsockname()[1]


def git_environment(repo: Path, port: int, host: str = "127.0.0.1") -> dict:
    """decap-server's environment: git mode on ``repo``, bound to ``host``, and :data:`GIT_SETTINGS`."""
    env = {**os.environ, "MODE": "git", "GIT_REPO_DIRECTORY": str(repo), "PORT": str(port), "BIND_HOST": host,
           "LOG_LEVEL": os.environ.get("DECAP_LOG_LEVEL", "warn"), "GIT_MERGE_AUTOEDIT": "no",
           "GIT_TERMINAL_PROMPT": "0"}
    count = int(env.get("GIT_CONFIG_COUNT", "0") or 0)
    for offset, (key, value) in enumerate(GIT_SETTINGS.items()):
        env[f"GIT_CONFIG_KEY_{count + offset}"] = key
        env[f"GIT_CONFIG_VALUE_{count + offset}"] = value
    env["GIT_CONFIG_COUNT"] = str(count + len(GIT_SETTINGS))
    return env


@contextlib.contextmanager
def decap_server(repo: Path, host: str = "127.0.0.1", log: Path | None = None):
    """Run decap-server (git mode) on ``repo``; yields its base URL. Stopped (and waited for) on exit."""
    host = check_address(host)
    if not SERVER.is_file():
        raise LocalEditorError("Không tìm thấy decap-server (node_modules/decap-server): chạy «npm ci» ở thư mục "
                               "gốc của kho rồi chạy lại invoke cms.")
    if not (repo / ".git").exists() and subprocess.run(["git", "-C", str(repo), "rev-parse"],
                                                        capture_output=True).returncode != 0:
        raise LocalEditorError(f"{repo} không phải kho git: trình biên tập lưu mỗi bài thành một commit.")
    port = free_port(host)
    with contextlib.ExitStack() as stack:
        output = stack.enter_context(open(log, "ab")) if log else subprocess.DEVNULL  # closed on exit
        process = subprocess.Popen(["node", str(SERVER)], cwd=repo, env=git_environment(repo, port, host),
                                   stdout=output, stderr=subprocess.STDOUT)
        try:
            _wait_ready(process, host, port)
            yield f"http://{host}:{port}"
        finally:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def _wait_ready(process: subprocess.Popen, host: str, port: int) -> None:
    deadline = time.monotonic() + START_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise LocalEditorError(f"decap-server dừng ngay khi khởi động (mã thoát {process.returncode}).")
        try:
            status, _ = post(host, port, {"action": "info"})
            if status == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise LocalEditorError(f"decap-server không trả lời sau {START_SECONDS} giây.")


def post(host: str, port: int, payload: dict | bytes, headers: dict | None = None) -> tuple[int, bytes]:
    """One ``POST /api/v1`` to decap-server; (status, body)."""
    body = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
    connection = http.client.HTTPConnection(host, port, timeout=120)
    try:
        connection.request("POST", LOCAL_API, body=body,
                           headers={"Content-Type": "application/json", **(headers or {})})
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


class EditorHandler(PreviewHandler):
    """The preview server of ``output/`` that also passes the editor's ``POST /api/v1`` to decap-server."""

    backend: tuple[str, int] = ("127.0.0.1", 0)  # set per server by :func:`handler_for`
    extensions_map = {**PreviewHandler.extensions_map, ".yml": "text/yaml; charset=utf-8"}

    def log_message(self, *args):
        pass

    def do_POST(self):  # noqa: N802 - http.server's naming
        path = self.path.split("?", 1)[0]
        if path != LOCAL_API:
            self.send_error(404, "Not Found", "Không tìm thấy")
            return
        length = int(self.headers.get("Content-Length") or 0)
        if length > MAX_BODY:
            self.send_error(413, "Payload Too Large", "Tệp quá lớn cho một lần lưu")
            return
        try:
            status, body = post(*self.backend, self.rfile.read(length))
        except OSError:
            self.send_error(502, "Bad Gateway", "decap-server không trả lời")
            return
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        self.wfile.write(body)


def handler_for(directory: Path, backend_url: str):
    """A handler class serving ``directory`` and passing ``/api/v1`` to ``backend_url``."""
    host, _, port = backend_url.removeprefix("http://").rpartition(":")

    class Handler(EditorHandler):
        backend = (host, int(port))

        def __init__(self, *args, **kwargs):
            super().__init__(*args, directory=str(directory), **kwargs)

    return Handler


@contextlib.contextmanager
def editor(repo: Path, output: Path, host: str = "127.0.0.1", port: int = 0, log: Path | None = None):
    """decap-server on ``repo`` and the preview server of ``output`` on ``host:port``; yields the base URL."""
    host = check_address(host)
    with decap_server(repo, host, log) as backend:
        server = http.server.ThreadingHTTPServer((host, port), handler_for(output, backend))
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        try:
            yield f"http://{host}:{server.server_address[1]}"
        finally:
            server.shutdown()
            server.server_close()


def admin_url(base: str, site_id: str) -> str:
    return f"{base}/{site_id}/{ADMIN}/"
