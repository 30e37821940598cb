#!/usr/bin/python3
"""Plays a video pipectl made in headless Chromium's <video> element, to the end.

Usage: play_in_chromium.py PIPECTL SOURCE_DIR
Runs the demo graph for one sample handle into a temporary folder, serves the MP4 and a page
on 127.0.0.1, and has Chromium play it (muted, 16x speed). Passes when the element reports the
video's size and duration and fires 'ended' with no media error."""
import http.server
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import urllib.parse

HANDLE = "sakura_lab"
CARDS = 10  # title + 8 posts of 2026-11-24 in the sample data + end

PAGE = b"""<!doctype html>
<video id="v" muted playsinline preload="auto" src="/video.mp4"></video>
<script>
const v = document.getElementById('v');
const report = (what) => fetch('/result?' + new URLSearchParams(what));
v.addEventListener('loadedmetadata', () => { v.playbackRate = 16; v.play().catch(e => report({error: 'play: ' + e})); });
v.addEventListener('ended', () => report({ended: 1, width: v.videoWidth, height: v.videoHeight,
                                          duration: v.duration, time: v.currentTime}));
v.addEventListener('error', () => report({error: 'media error ' + (v.error ? v.error.code + ' ' + v.error.message : '?')}));
setTimeout(() => report({error: 'timed out at ' + v.currentTime + ' of ' + v.duration}), 60000);
</script>
"""


def main():
    pipectl, source_dir = sys.argv[1], sys.argv[2]
    chromium = shutil.which("chromium")
    if not chromium:
        print("chromium is not installed: run tools/setup")
        return 1
    with tempfile.TemporaryDirectory(prefix="pipectl-chromium-") as work:
        run = subprocess.run([pipectl, "run", os.path.join(source_dir, "graphs/demo.graph"), "--handles", HANDLE,
                              "--out", os.path.join(work, "out")], capture_output=True, text=True)
        if run.returncode != 0:
            print(run.stdout, run.stderr)
            return 1
        video = os.path.join(work, "out", HANDLE, "2026-11-24.mp4")
        result = {}
        done = threading.Event()

        class Handler(http.server.BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def send_body(self, body, kind):
                self.send_response(200)
                self.send_header("Content-Type", kind)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def do_GET(self):
                url = urllib.parse.urlparse(self.path)
                if url.path == "/":
                    self.send_body(PAGE, "text/html")
                elif url.path == "/video.mp4":
                    with open(video, "rb") as f:
                        self.send_body(f.read(), "video/mp4")
                elif url.path == "/result":
                    if not done.is_set():
                        result.update({k: v[0] for k, v in urllib.parse.parse_qs(url.query).items()})
                        done.set()
                    self.send_body(b"ok", "text/plain")
                else:
                    self.send_error(404)

        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        browser = subprocess.Popen(
            [chromium, "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
             "--disable-background-networking", "--disable-component-update", "--disable-sync",
             "--autoplay-policy=no-user-gesture-required", "--user-data-dir=" + os.path.join(work, "profile"),
             f"http://127.0.0.1:{server.server_address[1]}/"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            finished = done.wait(90)
        finally:
            browser.kill()
            browser.wait()
            server.shutdown()
        print(json.dumps(result))
        if not finished or "error" in result:
            print("FAIL: the video did not play to the end:", result.get("error", "no report from the page"))
            return 1
        checks = [int(result["width"]) == 1920, int(result["height"]) == 1080,
                  abs(float(result["duration"]) - 3.0 * CARDS) < 0.05,
                  abs(float(result["time"]) - float(result["duration"])) < 0.05]
        if not all(checks):
            print("FAIL: unexpected size or duration", checks)
            return 1
        print(f"OK: Chromium played {HANDLE}'s video to the end ({result['duration']} s, "
              f"{result['width']}x{result['height']})")
        return 0


if __name__ == "__main__":
    sys.exit(main())
