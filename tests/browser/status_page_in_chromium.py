#!/usr/bin/python3
"""Watches a real `pipectl run` on its status page in headless Chromium.

Usage: status_page_in_chromium.py PIPECTL SOURCE_DIR [--screenshot FILE]

Runs the demo graph for three sample handles, one at a time (-j 1), with the status page on a
free port, and opens the page in headless Chromium driven over the DevTools protocol. Every
200 ms it reads the page (Runtime.evaluate) and, while the run goes on, expects to see: a handle
progressing (its progress bar or activity changing), the counts changing, and, once a handle is
done, its <video> player loaded (1920x1080, 3 s per card, no media error), then playing, and
still the same element after the page's later refreshes. It also reads /status.json and a byte
range of a video with urllib, and at the end checks the run's exit code and its videos.
--screenshot FILE saves a PNG of the page (1280x900) while one handle is done and another runs.
Needs chromium and python3-websocket (tools/setup installs both)."""
import argparse
import base64
import json
import os
import queue
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request

HANDLES = ["orbit_daily", "sakura_lab", "noor_souk"]
DATE = "2026-11-24"  # the day of the sample data
SECONDS_PER_CARD = 3.0
WATCH_SECONDS = 90  # the three handles take about 15 s on two cores

# What the test reads from the page, through the data attributes the page gives its elements.
SNAPSHOT = """(() => {
  const handles = [...document.querySelectorAll('[data-handle]')].map((card) => {
    const player = card.querySelector('video');
    return {
      handle: card.dataset.handle, state: card.dataset.state, cards: Number(card.dataset.cards),
      activity: card.querySelector('.activity')?.textContent ?? '',
      fraction: Number(card.querySelector('.progress')?.dataset.fraction),
      video: player && {src: player.currentSrc, readyState: player.readyState, networkState: player.networkState,
                        duration: player.duration,
                        width: player.videoWidth, height: player.videoHeight, time: player.currentTime,
                        error: player.error && (player.error.code + ' ' + player.error.message),
                        marked: player.dataset.seenByTest === 'yes'},
    };
  });
  const counts = {};
  for (const count of document.querySelectorAll('#counts [data-count]'))
    counts[count.dataset.count] = Number(count.querySelector('b')?.textContent);
  return {handles, counts, over: document.body.dataset.over === 'true',
          runState: document.getElementById('run-state')?.textContent ?? ''};
})()"""


class DevTools:
    """Just enough of the Chrome DevTools protocol: send a command, wait for its answer."""

    def __init__(self, websocket_url):
        import websocket  # python3-websocket
        # No Origin header: Chromium refuses DevTools connections from origins it was not told of.
        self.socket = websocket.create_connection(websocket_url, timeout=15, suppress_origin=True)
        self.next_id = 0

    def call(self, method, **params):
        self.next_id += 1
        self.socket.send(json.dumps({"id": self.next_id, "method": method, "params": params}))
        while True:
            message = json.loads(self.socket.recv())
            if message.get("id") != self.next_id:
                continue  # an event
            if "error" in message:
                raise RuntimeError(f"{method}: {message['error']}")
            return message["result"]

    def evaluate(self, expression):
        result = self.call("Runtime.evaluate", expression=expression, returnByValue=True, awaitPromise=True)
        if "exceptionDetails" in result:
            raise RuntimeError("the page's script failed: " + json.dumps(result["exceptionDetails"])[:500])
        return result["result"].get("value")

    def close(self):
        self.socket.close()


def lines_of(stream, into, kept):
    for line in stream:
        kept.append(line)
        into.put(line)
    into.put(None)


def status_page_url(lines, seconds=30):
    """The status page's URL from a pipectl process's "status page: http://..." line (read from
    the queue lines_of fills), or None when none comes within `seconds` or the output ends."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            line = lines.get(timeout=max(0.1, deadline - time.monotonic()))
        except queue.Empty:
            return None
        if line is None:
            return None
        found = re.search(r"status page: (http://\S+)", line)
        if found:
            return found.group(1).rstrip("/") + "/"
    return None


def start_chromium(chromium, work):
    profile = os.path.join(work, "profile")
    log = open(os.path.join(work, "chromium.log"), "w")
    browser = subprocess.Popen(
        [chromium, "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--autoplay-policy=no-user-gesture-required", "--remote-debugging-port=0",
         "--user-data-dir=" + profile, "about:blank"],
        stdout=log, stderr=log)
    port_file = os.path.join(profile, "DevToolsActivePort")
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and browser.poll() is None:
        try:
            with open(port_file) as f:
                port = int(f.readline())
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/json/list", timeout=5) as answer:
                pages = [t for t in json.load(answer) if t.get("type") == "page"]
            if pages:
                return browser, pages[0]["webSocketDebuggerUrl"]
        except (OSError, ValueError):
            pass
        time.sleep(0.2)
    return browser, None


def get(url, headers=None, method="GET"):
    request = urllib.request.Request(url, headers=headers or {}, method=method)
    try:
        with urllib.request.urlopen(request, timeout=10) as answer:
            return answer.status, answer.headers, answer.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()


def check_status_json(base_url, failures):
    """/status.json's shape, and the server's answers about a finished handle's video."""
    status, headers, body = get(base_url + "status.json")
    if status != 200 or not headers.get("Content-Type", "").startswith("application/json"):
        failures.append(f"/status.json answered {status} {headers.get('Content-Type')}")
        return None
    document = json.loads(body)
    problems = [key for key in ("graph", "date", "tz", "elapsed_seconds", "over", "interrupted", "counts", "handles")
                if key not in document]
    problems += [f"counts.{key}" for key in ("queued", "running", "done", "failed", "skipped", "total")
                 if key not in document.get("counts", {})]
    handle_keys = ("handle", "state", "attempt", "stage", "activity", "fraction", "seconds", "posts", "cards",
                   "video_seconds", "warnings", "error", "nodes", "videos")
    for handle in document.get("handles", []):
        problems += [f"handles[{handle.get('handle')}].{key}" for key in handle_keys if key not in handle]
    if [h.get("handle") for h in document.get("handles", [])] != HANDLES:
        problems.append("handles not in the order given")
    if document.get("date") != DATE or document.get("counts", {}).get("total") != len(HANDLES):
        problems.append(f"date {document.get('date')}, total {document.get('counts', {}).get('total')}")
    if headers.get("Cache-Control") != "no-store":
        problems.append("no Cache-Control: no-store")
    if problems:
        failures.append("/status.json lacks or gets wrong: " + ", ".join(problems))
        return None
    print("OK: /status.json has the run's fields, its counts and every handle's fields, in order")
    return document


def check_video_answers(base_url, video_path, failures):
    """A browser's player asks for byte ranges: whole, a range, a suffix, and too far."""
    url = base_url + video_path.lstrip("/")
    status, headers, body = get(url, method="HEAD")
    size = int(headers.get("Content-Length", "-1"))
    if status != 200 or headers.get("Content-Type") != "video/mp4" or headers.get("Accept-Ranges") != "bytes" \
            or size <= 0 or body:
        failures.append(f"HEAD {video_path}: {status}, {dict(headers)}")
        return
    status, headers, body = get(url, {"Range": "bytes=0-99"})
    if status != 206 or len(body) != 100 or headers.get("Content-Range") != f"bytes 0-99/{size}" \
            or body[4:8] != b"ftyp":
        failures.append(f"Range bytes=0-99 of {video_path}: {status}, {headers.get('Content-Range')}, {len(body)} bytes")
        return
    status, headers, body = get(url, {"Range": "bytes=-10"})
    if status != 206 or len(body) != 10 or headers.get("Content-Range") != f"bytes {size - 10}-{size - 1}/{size}":
        failures.append(f"Range bytes=-10 of {video_path}: {status}, {headers.get('Content-Range')}")
        return
    status, headers, _ = get(url, {"Range": f"bytes={size}-"})
    if status != 416 or headers.get("Content-Range") != f"bytes */{size}":
        failures.append(f"Range bytes={size}- of {video_path}: {status}, {headers.get('Content-Range')} (wanted 416)")
        return
    missing = [path for path in ("/videos/nobody/0.mp4", video_path.replace("/0.mp4", "/9.mp4"),
                                 "/videos/../status.json", "/nothing") if get(base_url + path.lstrip("/"))[0] != 404]
    if missing:
        failures.append("not 404: " + ", ".join(missing))
        return
    if get(base_url + "status.json", method="POST")[0] != 405:
        failures.append("POST /status.json is not 405")
        return
    print(f"OK: {video_path} is served with HEAD, byte ranges (206) and 416 past its end; unknown paths are 404")


class Watch:
    """What has been seen on the page so far."""

    def __init__(self):
        self.fractions = {}    # handle -> (fraction, activity) seen while it was running, in order
        self.counts_seen = []  # distinct counts, in the order seen
        self.loaded = None     # the first done handle whose player loaded, with the snapshot
        self.loaded_at = None
        self.playing_from = None
        self.played = None
        self.survived_refreshes = 0
        self.screenshot_since = None
        self.screenshot_taken = False

    def progressing(self):
        for handle, seen in self.fractions.items():
            if len(seen) >= 2:
                return handle, seen
        return None

    def note(self, snapshot):
        counts = snapshot["counts"]
        if not self.counts_seen or self.counts_seen[-1] != counts:
            self.counts_seen.append(counts)
        for h in snapshot["handles"]:
            seen = self.fractions.setdefault(h["handle"], [])
            if h["state"] == "running" and (h["fraction"], h["activity"]) not in seen:
                seen.append((h["fraction"], h["activity"]))


def still_going(snapshot):
    counts = snapshot["counts"]
    return counts.get("queued", 0) + counts.get("running", 0) > 0


def main():
    arguments = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    arguments.add_argument("pipectl")
    arguments.add_argument("source_dir")
    arguments.add_argument("--screenshot", metavar="FILE", help="save a PNG of the page while a handle is done")
    options = arguments.parse_args()

    chromium = shutil.which("chromium")
    if not chromium:
        print("FAIL: chromium is not installed: run tools/setup")
        return 1
    try:
        import websocket  # noqa: F401
    except ImportError:
        print("FAIL: python3-websocket is not installed: run tools/setup")
        return 1

    failures = []
    with tempfile.TemporaryDirectory(prefix="pipectl-status-page-") as work:
        out = os.path.join(work, "out")
        command = [options.pipectl, "run", os.path.normpath(os.path.join(options.source_dir, "graphs/demo.graph")),
                   "--handles", ",".join(HANDLES), "-j", "1", "--status-port", "0", "--out", out,
                   # x264 encodes every repeated picture (the slow way): the run must last long
                   # enough for the page to watch progress move.
                   "--set", "encode.repeat=x264"]
        run = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        stdout_lines, stderr_lines, stdout_queue = [], [], queue.Queue()
        threading.Thread(target=lines_of, args=(run.stdout, stdout_queue, stdout_lines), daemon=True).start()
        threading.Thread(target=lines_of, args=(run.stderr, queue.Queue(), stderr_lines), daemon=True).start()
        browser = None
        devtools = None
        try:
            base_url = status_page_url(stdout_queue)
            if base_url is None:
                run.kill()
                run.wait()
                print("FAIL: the run printed no 'status page: http://...' line on stdout")
                print("run:", " ".join(command), "exit code", run.returncode)
                print("stdout:", "".join(stdout_lines)[-2000:], "\nstderr:", "".join(stderr_lines)[-2000:])
                return 1
            print(f"OK: the run serves its status page at {base_url}")

            browser, websocket_url = start_chromium(chromium, work)
            if websocket_url is None:
                print("FAIL: Chromium did not open its DevTools port;", open(os.path.join(work, "chromium.log")).read()[-2000:])
                return 1
            devtools = DevTools(websocket_url)
            devtools.call("Emulation.setDeviceMetricsOverride", width=1280, height=900, deviceScaleFactor=1,
                          mobile=False)
            devtools.call("Page.navigate", url=base_url)

            watch = Watch()
            checked_json = False
            deadline = time.monotonic() + WATCH_SECONDS
            snapshot = None
            while time.monotonic() < deadline:
                time.sleep(0.2)
                try:
                    snapshot = devtools.evaluate(SNAPSHOT)
                except RuntimeError as error:
                    failures.append(str(error))
                    break
                if not snapshot or not snapshot["handles"]:
                    if run.poll() is not None:
                        break
                    continue  # the page has not had its first /status.json yet
                watch.note(snapshot)
                going = still_going(snapshot)
                if not checked_json and going:
                    checked_json = True
                    check_status_json(base_url, failures)

                done = [h for h in snapshot["handles"] if h["state"] == "done" and h["video"]]
                running = [h for h in snapshot["handles"] if h["state"] == "running"]
                for h in done:
                    video = h["video"]
                    if video["error"]:
                        failures.append(f"{h['handle']}'s player reports a media error: {video['error']}")
                        break
                    if watch.loaded is None and video["readyState"] >= 1 and going:
                        expected = SECONDS_PER_CARD * h["cards"]
                        if h["cards"] < 2 or abs(video["duration"] - expected) > 0.1 \
                                or (video["width"], video["height"]) != (1920, 1080):
                            failures.append(f"{h['handle']}'s player: {video['width']}x{video['height']}, "
                                            f"{video['duration']} s; wanted 1920x1080, {expected} s ({h['cards']} cards)")
                            break
                        watch.loaded = h
                        watch.loaded_at = time.monotonic()
                        devtools.evaluate(f"document.querySelector('[data-handle=\"{h['handle']}\"] video')"
                                          ".dataset.seenByTest = 'yes'")
                        print(f"OK: {h['handle']} is done and its player loaded while the run goes on: "
                              f"{video['width']}x{video['height']}, {video['duration']} s = {h['cards']} cards x 3 s, "
                              f"no media error")
                        check_video_answers(base_url, video["src"].split(base_url.rstrip("/"), 1)[-1], failures)
                if failures:
                    break
                if watch.loaded and watch.survived_refreshes == 0 and not watch.loaded.get("marked_seen"):
                    watch.loaded["marked_seen"] = True
                    continue  # this snapshot was taken before the player was marked

                loaded = watch.loaded and next((h for h in snapshot["handles"]
                                                if h["handle"] == watch.loaded["handle"]), None)
                if loaded and not loaded["video"]["marked"]:
                    failures.append(f"{loaded['handle']}'s player was replaced by a refresh of the page")
                    break
                if loaded:
                    watch.survived_refreshes += 1

                # The screenshot, before playing: the title card in the player, a bar moving beside.
                want_screenshot = options.screenshot and not watch.screenshot_taken
                # The player's loading spinner fades out about a second after the video loaded.
                if want_screenshot and loaded and loaded["video"]["readyState"] >= 2 and running \
                        and loaded["video"]["networkState"] != 2 and time.monotonic() - watch.loaded_at > 1.5:
                    watch.screenshot_since = watch.screenshot_since or time.monotonic()
                    if any(0 < h["fraction"] < 1 for h in running) or time.monotonic() - watch.screenshot_since > 3:
                        shot = devtools.call("Page.captureScreenshot", format="png")
                        with open(options.screenshot, "wb") as f:
                            f.write(base64.b64decode(shot["data"]))
                        watch.screenshot_taken = True
                        print(f"OK: saved a screenshot of the page in {options.screenshot}")
                want_screenshot = options.screenshot and not watch.screenshot_taken

                if loaded and watch.playing_from is None and not want_screenshot:
                    watch.playing_from = loaded["video"]["time"]
                    devtools.evaluate(f"(() => {{ const v = document.querySelector('[data-handle=\"{loaded['handle']}\"] "
                                      "video'); v.muted = true; v.playbackRate = 16; "
                                      "return v.play().then(() => 'playing', (e) => 'play: ' + e); })()")
                if loaded and watch.played is None and watch.playing_from is not None \
                        and loaded["video"]["time"] > watch.playing_from + 1 and going:
                    watch.played = loaded["video"]["time"]
                    print(f"OK: {loaded['handle']}'s video plays in the page while the run goes on "
                          f"(at {loaded['video']['time']:.1f} s of {loaded['video']['duration']} s)")

                if watch.played is not None and watch.progressing() and len(watch.counts_seen) >= 3 \
                        and (watch.screenshot_taken or not options.screenshot):
                    if watch.survived_refreshes >= 10:
                        break  # everything seen
                if not going and (watch.loaded is None or snapshot["over"] or run.poll() is not None):
                    break  # the run is over: nothing more to see

            if snapshot and snapshot["over"]:
                print(f"OK: the page says the run is over: '{snapshot['runState']}'")
            progressing = watch.progressing()
            if progressing:
                handle, seen = progressing
                print(f"OK: saw {handle} progress on the page: " +
                      ", ".join(f"{fraction:.2f} '{activity}'" for fraction, activity in seen[:6]))
            else:
                failures.append("never saw a running handle's progress bar or activity change: " +
                                json.dumps(watch.fractions))
            if len(watch.counts_seen) >= 3:
                print("OK: the counts changed on the page: " + " -> ".join(
                    " ".join(f"{k} {v}" for k, v in counts.items() if v) for counts in watch.counts_seen))
            else:
                failures.append(f"the counts changed fewer than twice: {watch.counts_seen}")
            if watch.loaded is None:
                failures.append("never saw a done handle's <video> load while other handles were queued or running")
            elif watch.played is None:
                failures.append(f"{watch.loaded['handle']}'s video did not play (currentTime did not advance)")
            elif watch.survived_refreshes < 3:
                failures.append("the page was not watched over enough refreshes after the player loaded")
            else:
                print(f"OK: the player stayed the same element over {watch.survived_refreshes} reads of the "
                      "page (its refreshes never recreated it)")
            if options.screenshot and not watch.screenshot_taken:
                failures.append("no moment with a done handle's player loaded and another handle running "
                                "for the screenshot")
            if not checked_json:
                failures.append("did not get to read /status.json while the run went on")
        finally:
            if devtools:
                devtools.close()
            if browser:
                browser.kill()
                browser.wait()
            try:
                run.wait(timeout=120)
            except subprocess.TimeoutExpired:
                failures.append("the run did not end within 120 s")
            if run.poll() is None:
                run.kill()
                run.wait()

        if run.returncode != 0:
            failures.append(f"the run ended with exit code {run.returncode}: " + "".join(stderr_lines)[-1500:])
        videos = [os.path.join(out, handle, DATE + ".mp4") for handle in HANDLES]
        missing = [video for video in videos if not os.path.isfile(video) or os.path.getsize(video) == 0]
        if missing:
            failures.append("missing videos: " + ", ".join(missing))
        elif run.returncode == 0:
            print(f"OK: the run ended with exit code 0 and made the {len(videos)} videos")

    for failure in failures:
        print("FAIL:", failure)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
