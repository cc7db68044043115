"""A Streamlit session without a browser, for benchmarks: the websocket protocol a browser speaks
(BackMsg out, ForwardMsg in, Streamlit's own protobuf classes), widget states and file uploads.

What it copies from the front end (streamlit/static, App.tsx as bundled, and the server's routes):

- the XSRF cookie `_streamlit_xsrf` comes with any GET (here /_stcore/health); uploads send it back as
  the cookie and as the `X-Xsrftoken` header, the websocket offers it as its second subprotocol;
- the first `rerun_script` names the page by its URL path (`page_name`) with no page hash; later
  ones send the page hash of the last `new_session`, the query string the app last wrote
  (`page_info_changed`) and every widget state the client holds (the browser's WidgetStateManager);
  a trigger (a button click) is sent once;
- `auto_rerun` (a fragment's `run_every`) starts a timer that sends a fragment rerun every interval,
  `stop_auto_rerun` and every full run's `new_session` clear them, as the front end does;
- an upload: `file_urls_request` -> `file_urls_response` (one upload URL per file), a multipart PUT
  of each file, then a rerun whose uploader state lists the files (FileUploaderState).
"""

from __future__ import annotations

import time
import urllib.error
import urllib.request
import uuid
from dataclasses import dataclass, field
from pathlib import Path

from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.Common_pb2 import FileUploaderState, FileURLs, UploadedFileInfo
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.proto.WidgetStates_pb2 import WidgetState
from websockets.sync.client import connect

XSRF_COOKIE = "_streamlit_xsrf"
UPLOADER_MB = 10**6  # the front end's megabyte for max_upload_size_mb on Linux (1000, not 1024: utils.*.js)
FULL_RUN_ENDS = (ForwardMsg.FINISHED_SUCCESSFULLY, ForwardMsg.FINISHED_WITH_COMPILE_ERROR)
ALERT_KINDS = {1: "error", 2: "warning", 3: "info", 4: "success"}  # Alert.Format


class ProtocolTimeout(TimeoutError):
    """The server did not answer within the time allowed; the message says what was awaited."""


@dataclass
class Run:
    """What one script run (full or fragment) drew, as far as the benchmarks look."""

    fragment: bool
    alerts: list[tuple[str, str]] = field(default_factory=list)  # (kind, body) of st.error/.../st.success
    progress: list[str] = field(default_factory=list)  # texts of st.progress bars
    exceptions: list[str] = field(default_factory=list)  # uncaught exceptions shown on the page
    elements: dict[str, object] = field(default_factory=dict)  # widget id -> its element proto
    status: int | None = None  # ForwardMsg.ScriptFinishedStatus once finished


def plain(text: str) -> str:
    """Markdown as a reader sees it, near enough to find a file name: no escapes, no word joiners."""
    return text.replace("\\", "").replace("\u2060", "").replace("**", "")


class Session:
    """One browser tab's session on a running server. Not thread-safe: one thread per session."""

    def __init__(self, base_url: str, page: str = "", timeout: float = 60.0) -> None:
        self.base_url = base_url.rstrip("/")
        self.page = page  # the URL path of the page the tab opens ("" for the default page)
        self.timeout = timeout
        self.cookie = ""
        self.xsrf: str | None = None
        self.ws = None
        self.session_id = ""
        self.page_script_hash = ""
        self.query_string = ""
        self.pages: dict[str, str] = {}  # url path -> page script hash, from `navigation`
        self.widgets: dict[str, WidgetState] = {}  # the states the browser would send
        self.elements: dict[str, object] = {}  # widget id -> element proto, as last drawn
        self.auto_reruns: dict[str, list[float]] = {}  # fragment id -> [interval, next due]
        self.run: Run | None = None  # the run being drawn, or the last one
        self.running = False

    # -- connection ---------------------------------------------------------------------------
    def open(self) -> float:
        """Connect and draw the page once (as a new tab does); returns that first run's seconds."""
        with urllib.request.urlopen(f"{self.base_url}/_stcore/health", timeout=self.timeout) as response:
            for header in response.headers.get_all("Set-Cookie") or []:
                name, _, rest = header.partition("=")
                if name.strip() == XSRF_COOKIE:
                    self.xsrf = rest.split(";", 1)[0]
                    self.cookie = f"{XSRF_COOKIE}={self.xsrf}"
        url = self.base_url.replace("http://", "ws://", 1) + "/_stcore/stream"
        self.ws = connect(
            url,
            subprotocols=["streamlit", self.xsrf] if self.xsrf else ["streamlit"],
            additional_headers={"Cookie": self.cookie} if self.cookie else None,
            max_size=None,
            max_queue=None,  # a session that is not reading keeps what arrives (no backpressure on the server)
            open_timeout=self.timeout,
        )
        return self.rerun()

    def close(self) -> None:
        if self.ws is not None:
            try:
                self.ws.close()
            except Exception:  # noqa: BLE001  (a broken connection is closed either way)
                pass
            self.ws = None

    # -- messages -------------------------------------------------------------------------------
    def send_rerun(self, triggers: dict[str, WidgetState] | None = None, fragment_id: str = "") -> None:
        message = BackMsg()
        state = message.rerun_script
        state.query_string = self.query_string
        state.page_script_hash = self.page_script_hash
        if not self.page_script_hash:
            state.page_name = self.page
        state.fragment_id = fragment_id
        state.is_auto_rerun = bool(fragment_id)
        held = {**self.widgets, **(triggers or {})}
        state.widget_states.widgets.extend(held.values())
        state.context_info.timezone = "UTC"
        state.context_info.locale = "en-US"
        state.context_info.url = f"{self.base_url}/{self.page}"
        self.ws.send(message.SerializeToString())

    def _due(self) -> float | None:
        return min((due for _, due in self.auto_reruns.values()), default=None)

    def read(self, deadline: float) -> ForwardMsg | None:
        """The next ForwardMsg before `deadline` (perf_counter), None if none came; fires the fragment
        timers that fall due meanwhile, as the browser's setInterval does."""
        while True:
            now = time.perf_counter()
            due = self._due()
            if due is not None and due <= now:
                for fragment_id, timer in self.auto_reruns.items():
                    if timer[1] <= now:
                        timer[1] += timer[0]
                        self.send_rerun(fragment_id=fragment_id)
                continue
            wait = min(deadline, due) - now if due is not None else deadline - now
            if wait <= 0:
                return None
            try:
                data = self.ws.recv(timeout=wait)
            except TimeoutError:
                if due is not None and due < deadline:
                    continue
                return None
            message = ForwardMsg()
            message.ParseFromString(data)
            self._take(message)
            return message

    def _take(self, message: ForwardMsg) -> None:
        kind = message.WhichOneof("type")
        if kind == "new_session":
            fragment = bool(message.metadata.run.fragment_ids)
            self.run = Run(fragment)
            self.running = True
            if message.new_session.initialize.session_id:
                self.session_id = message.new_session.initialize.session_id
            if message.new_session.page_script_hash:
                self.page_script_hash = message.new_session.page_script_hash
            if not fragment:
                self.auto_reruns.clear()
        elif kind == "navigation":
            self.pages = {p.url_pathname: p.page_script_hash for p in message.navigation.app_pages}
            if message.navigation.page_script_hash:
                self.page_script_hash = message.navigation.page_script_hash
        elif kind == "page_info_changed":
            self.query_string = message.page_info_changed.query_string
        elif kind == "auto_rerun":
            interval, fragment_id = message.auto_rerun.interval, message.auto_rerun.fragment_id
            if fragment_id and self.auto_reruns.get(fragment_id, [None])[0] != interval:
                self.auto_reruns[fragment_id] = [interval, time.perf_counter() + interval]
        elif kind == "stop_auto_rerun":
            for fragment_id in message.stop_auto_rerun.fragment_ids:
                self.auto_reruns.pop(fragment_id, None)
        elif kind == "script_finished":
            self.running = False
            if self.run is not None:
                self.run.status = message.script_finished
        elif kind == "delta" and message.delta.WhichOneof("type") == "new_element" and self.run is not None:
            self._take_element(message.delta.new_element)

    def _take_element(self, element) -> None:
        kind = element.WhichOneof("type")
        proto = getattr(element, kind) if kind else None
        widget_id = getattr(proto, "id", "") if proto is not None else ""
        if widget_id and isinstance(widget_id, str):
            self.run.elements[widget_id] = proto
            self.elements[widget_id] = proto
        if kind == "alert":
            self.run.alerts.append((ALERT_KINDS.get(element.alert.format, "alert"), element.alert.body))
        elif kind == "progress":
            self.run.progress.append(element.progress.text)
        elif kind == "exception":
            self.run.exceptions.append(f"{element.exception.type}: {element.exception.message}"[:200])

    # -- runs -----------------------------------------------------------------------------------
    def wait_finished(self, timeout: float | None = None, full: bool = True) -> Run:
        """Read until a run ends (a full run unless `full` is False); the run, or ProtocolTimeout."""
        allowed = self.timeout if timeout is None else timeout
        deadline = time.perf_counter() + allowed
        while True:
            message = self.read(deadline)
            if message is None:
                raise ProtocolTimeout(f"no script_finished within {allowed:.0f} s (page {self.page!r})")
            if message.WhichOneof("type") != "script_finished":
                continue
            status = message.script_finished
            if status in FULL_RUN_ENDS or (not full and status == ForwardMsg.FINISHED_FRAGMENT_RUN_SUCCESSFULLY):
                return self.run

    def rerun(self, triggers: dict[str, WidgetState] | None = None, timeout: float | None = None) -> float:
        """Send a rerun and read until the full run (and any st.rerun it asks for) has finished:
        the seconds from sending to the last script_finished."""
        start = time.perf_counter()
        self.send_rerun(triggers)
        self.wait_finished(timeout)
        return time.perf_counter() - start

    def find(self, user_key: str):
        """The element proto of the widget with this key, as last drawn (its id ends with the key)."""
        for widget_id, proto in reversed(list(self.elements.items())):
            if widget_id.endswith("-" + user_key):
                return proto
        raise KeyError(f"no widget with key {user_key!r} on page {self.page!r}")

    def set_strings(self, user_key: str, values: list[str]) -> str:
        """Hold a string-array value (a multiselect's formatted options) for the widget with this key."""
        widget_id = self.find(user_key).id
        self.widgets[widget_id] = WidgetState(id=widget_id)
        self.widgets[widget_id].string_array_value.data.extend(values)
        return widget_id

    def trigger(self, user_key: str) -> dict[str, WidgetState]:
        """The one-off state of a button click, to pass to `rerun` or `send_rerun`."""
        widget_id = self.find(user_key).id
        return {widget_id: WidgetState(id=widget_id, trigger_value=True)}

    # -- uploads --------------------------------------------------------------------------------
    def upload(self, user_key: str, path: Path) -> float | None:
        """Put one file into the uploader with this key as the browser does, without the rerun:
        seconds of the PUT, or None when the browser itself would refuse the file (over the
        uploader's max_upload_size_mb). The uploader then holds this file alone, as after removing
        the one before and adding this one."""
        uploader = self.find(user_key)
        size = path.stat().st_size
        if size > uploader.max_upload_size_mb * UPLOADER_MB:
            return None
        request = BackMsg()
        request.file_urls_request.request_id = uuid.uuid4().hex
        request.file_urls_request.file_names.append(path.name)
        request.file_urls_request.session_id = self.session_id
        self.ws.send(request.SerializeToString())
        deadline = time.perf_counter() + self.timeout
        while True:
            message = self.read(deadline)
            if message is None:
                raise ProtocolTimeout("no file_urls_response")
            if (
                message.WhichOneof("type") == "file_urls_response"
                and message.file_urls_response.response_id == request.file_urls_request.request_id
            ):
                urls = message.file_urls_response.file_urls[0]
                break
        start = time.perf_counter()
        self._put(urls.upload_url, path)
        seconds = time.perf_counter() - start
        state = WidgetState(id=uploader.id, file_uploader_state_value=FileUploaderState())
        state.file_uploader_state_value.uploaded_file_info.append(
            UploadedFileInfo(
                name=path.name,
                size=size,
                file_id=urls.file_id,
                file_urls=FileURLs(file_id=urls.file_id, upload_url=urls.upload_url, delete_url=urls.delete_url),
            )
        )
        self.widgets[uploader.id] = state
        return seconds

    def _put(self, upload_url: str, path: Path) -> None:
        boundary = uuid.uuid4().hex
        head = (
            f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{path.name}"\r\n'
            "Content-Type: application/octet-stream\r\n\r\n"
        ).encode()
        body = head + path.read_bytes() + f"\r\n--{boundary}--\r\n".encode()
        headers = {"Content-Type": f"multipart/form-data; boundary={boundary}"}
        if self.xsrf:
            headers |= {"X-Xsrftoken": self.xsrf, "Cookie": self.cookie}
        request = urllib.request.Request(self.base_url + upload_url, data=body, method="PUT", headers=headers)
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                response.read()
        except urllib.error.HTTPError as exc:
            raise RuntimeError(f"upload of {path.name} refused by the server: HTTP {exc.code} {exc.reason}") from None
