#!/usr/bin/python3
"""Watches two `pipectl worker`s drain a Redis queue on `pipectl status`'s page in headless Chromium.

Usage: fleet_status_in_chromium.py PIPECTL SOURCE_DIR

Starts a private redis-server on a unix socket in a temporary folder, enqueues the demo graph
for three sample handles (x264 repeats: slow enough to watch), starts `pipectl status --queue
URL --follow --status-port 0 --plain` and opens its page in headless Chromium over the DevTools
protocol, then starts two workers (-j 1 --until-empty). Every 200 ms it reads the page
(Runtime.evaluate) and expects to see: the fleet block shown with the queue's address; the
waiting count at 3 before the workers start, then going down; a handle's card saying which
worker runs it (" · on HOST-PID", one of the two workers' PIDs); both workers named in the
fleet's running list at once (only a warning if not: that is timing); and at the end the three
handles done, nothing waiting, with workers or dead-lettered, and the page saying it is over.
It also checks /status.json's fleet object and each handle's "worker", the exit codes of the
workers and of status, and that the three videos are H.264 (ffprobe).
Exits 0 when all is well, 1 on a failure, 77 (skip) without redis-server, chromium or
python3-websocket (tools/setup installs them)."""
import argparse
import glob
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

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from status_page_in_chromium import DevTools, get, lines_of, start_chromium, status_page_url  # noqa: E402

HANDLES = ["orbit_daily", "sakura_lab", "noor_souk"]
WORKERS = 2
SKIP = 77
WATCH_SECONDS = 180  # the three handles take 30-50 s on two busy cores

# What the test reads from the page: the fleet block, the cards' state labels, the run state.
SNAPSHOT = """(() => {
  const fleet = document.getElementById('fleet');
  const count = (name) => Number(document.querySelector('[data-fleet="' + name + '"] b')?.textContent);
  const handles = [...document.querySelectorAll('[data-handle]')].map((card) => ({
    handle: card.dataset.handle, state: card.dataset.state,
    label: card.querySelector('.state')?.textContent ?? ''}));
  return {fleetShown: !!fleet && !fleet.hidden && fleet.getClientRects().length > 0,
          queue: document.getElementById('queue')?.textContent ?? '',
          queued: count('queued'), pending: count('pending'), dead: count('dead'),
          workers: document.getElementById('workers')?.textContent ?? '',
          handles, over: document.body.dataset.over === 'true',
          runState: document.getElementById('run-state')?.textContent ?? ''};
})()"""


def skip(reason):
    print("SKIP:", reason)
    return SKIP


def redis_ping(redis_cli, socket_path):
    try:
        answer = subprocess.run([redis_cli, "-s", socket_path, "ping"], capture_output=True, text=True, timeout=5)
    except subprocess.TimeoutExpired:
        return False
    return answer.stdout.strip() == "PONG"


def workers_named(text):
    """'· running: host-12 1, host-34 1' -> {'host-12': 1, 'host-34': 1}."""
    if "running:" not in text:
        return {}
    return {name: int(n) for name, n in re.findall(r"([^\s,]+) (\d+)", text.split("running:", 1)[1])}


def ffprobe_h264(video):
    """(codec, duration) of the first video stream, or an error text."""
    answer = subprocess.run(["ffprobe", "-v", "error", "-select_streams", "v:0", "-show_entries",
                             "stream=codec_name:format=duration", "-of", "json", video],
                            capture_output=True, text=True, timeout=30)
    if answer.returncode != 0:
        return None, None, answer.stderr.strip()[-300:]
    document = json.loads(answer.stdout)
    streams = document.get("streams") or [{}]
    try:
        seconds = float(document.get("format", {}).get("duration", "0"))
    except ValueError:
        seconds = 0.0
    return streams[0].get("codec_name"), seconds, None


class Watch:
    """What has been seen on the page so far."""

    def __init__(self):
        self.fleet_shown = None     # the first snapshot with the fleet block visible
        self.fleet_counts = []      # distinct (waiting, with workers, dead), in order
        self.on_worker = None       # (handle, its state label) of a running card naming its worker
        self.card_workers = set()   # the workers running cards named
        self.listed_workers = set()  # the workers #workers named
        self.both_at_once = None    # a #workers text naming two workers
        self.problems = []

    def note(self, snapshot, worker_pids):
        if snapshot["fleetShown"] and self.fleet_shown is None:
            self.fleet_shown = snapshot
        if snapshot["fleetShown"]:
            counts = (snapshot["queued"], snapshot["pending"], snapshot["dead"])
            if not self.fleet_counts or self.fleet_counts[-1] != counts:
                self.fleet_counts.append(counts)
        for h in snapshot["handles"]:
            found = re.search(r" · on (\S+)$", h["label"])
            if h["state"] == "running" and found:
                self.card_workers.add(found.group(1))
                if self.on_worker is None:
                    self.on_worker = (h["handle"], h["label"])
            elif found:
                self.problems.append(f"{h['handle']} is {h['state']} but its card names a worker: '{h['label']}'")
        listed = workers_named(snapshot["workers"])
        self.listed_workers.update(listed)
        if len(listed) >= 2 and self.both_at_once is None:
            self.both_at_once = snapshot["workers"]
        strangers = [w for w in set(listed) | self.card_workers
                     if not any(w.endswith(f"-{pid}") for pid in worker_pids)]
        if strangers and worker_pids:
            self.problems.append(f"workers named on the page are not ours (PIDs {worker_pids}): {strangers}")


def check_status_json(base_url, queue_url, socket_path, failures, final=False):
    """/status.json's fleet object, and every handle's "worker"."""
    status, headers, body = get(base_url + "status.json")
    if status != 200:
        failures.append(f"/status.json answered {status}")
        return None
    document = json.loads(body)
    fleet = document.get("fleet")
    problems = []
    if not isinstance(fleet, dict):
        problems.append(f"no fleet object: {json.dumps(document)[:300]}")
    else:
        problems += [f"fleet.{key}" for key in ("queue", "queued", "pending", "dead", "running_per_worker")
                     if key not in fleet]
        if socket_path not in str(fleet.get("queue")) or "jobs" not in str(fleet.get("queue")):
            problems.append(f"fleet.queue is '{fleet.get('queue')}', not the queue {queue_url}")
        if not isinstance(fleet.get("running_per_worker", {}), dict):
            problems.append(f"fleet.running_per_worker is not an object: {fleet.get('running_per_worker')}")
    problems += [f"handles[{h.get('handle')}].worker" for h in document.get("handles", []) if "worker" not in h]
    if problems:
        failures.append("/status.json lacks or gets wrong: " + ", ".join(problems))
        return None
    running = [h for h in document["handles"] if h["state"] == "running"]
    per_worker = {}
    for h in running:
        per_worker[h["worker"]] = per_worker.get(h["worker"], 0) + 1
    if not final and per_worker and per_worker != fleet["running_per_worker"]:
        # Both come from the same board in one answer: they must agree.
        failures.append(f"/status.json: running handles' workers {per_worker} but fleet.running_per_worker "
                        f"{fleet['running_per_worker']}")
        return None
    if final:
        if (fleet["queued"], fleet["pending"], fleet["dead"]) != (0, 0, 0) or fleet["running_per_worker"] \
                or not document.get("over") or [h["state"] for h in document["handles"]] != ["done"] * 3:
            failures.append(f"/status.json at the end: fleet {fleet}, over {document.get('over')}, "
                            f"states {[h['state'] for h in document['handles']]}")
            return None
        print(f"OK: /status.json at the end: over, 3 done, fleet {json.dumps(fleet)}")
    else:
        print(f"OK: /status.json has a fleet object ({', '.join(f'{k} {json.dumps(v)}' for k, v in fleet.items())}) "
              f"and a worker per handle" + (f"; running: {per_worker}" if per_worker else ""))
    return document


def main():
    arguments = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    arguments.add_argument("pipectl")
    arguments.add_argument("source_dir")
    options = arguments.parse_args()

    redis_server, redis_cli = shutil.which("redis-server"), shutil.which("redis-cli")
    if not redis_server or not redis_cli:
        return skip("redis-server (and redis-cli) are not installed: run tools/setup")
    chromium = shutil.which("chromium")
    if not chromium:
        return skip("chromium is not installed: run tools/setup")
    try:
        import websocket  # noqa: F401
    except ImportError:
        return skip("python3-websocket is not installed: run tools/setup")

    started = time.monotonic()
    failures = []
    with tempfile.TemporaryDirectory(prefix="pipectl-fleet-") as work:
        socket_path = os.path.join(work, "redis.sock")
        queue_url = f"unix://{socket_path}?stream=jobs"
        out = os.path.join(work, "out")
        redis_log = open(os.path.join(work, "redis.log"), "w")
        redis = subprocess.Popen([redis_server, "--port", "0", "--unixsocket", socket_path, "--unixsocketperm", "700",
                                  "--dir", work, "--save", "", "--appendonly", "no"],
                                 stdout=redis_log, stderr=redis_log)
        status = None
        status_lines, status_errors = [], []
        workers = []
        browser = None
        devtools = None
        try:
            deadline = time.monotonic() + 20
            while not redis_ping(redis_cli, socket_path):
                if redis.poll() is not None or time.monotonic() > deadline:
                    print("FAIL: redis-server did not answer PING on", socket_path, "(exit code", redis.poll(), "):",
                          open(os.path.join(work, "redis.log")).read()[-1500:])
                    return 1
                time.sleep(0.1)
            print(f"OK: redis-server (PID {redis.pid}) answers on {socket_path}")

            graph = os.path.normpath(os.path.join(options.source_dir, "graphs/demo.graph"))
            enqueue = subprocess.run([options.pipectl, "enqueue", "--queue", queue_url, graph,
                                      "--handles", ",".join(HANDLES), "--set", "encode.repeat=x264"],
                                     capture_output=True, text=True, timeout=60)
            jobs = [line.split() for line in enqueue.stdout.splitlines() if line.strip()]
            if enqueue.returncode != 0 or [job[0] for job in jobs] != HANDLES or any(len(job) != 2 for job in jobs):
                print(f"FAIL: enqueue exited {enqueue.returncode}; stdout {enqueue.stdout!r}; "
                      f"stderr {enqueue.stderr[-1500:]!r}")
                return 1
            print("OK: enqueued " + ", ".join(f"{handle} as {job_id}" for handle, job_id in jobs))

            status_command = [options.pipectl, "status", "--queue", queue_url, "--follow", "--status-port", "0",
                              "--plain"]
            status = subprocess.Popen(status_command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            status_queue = queue.Queue()
            threading.Thread(target=lines_of, args=(status.stdout, status_queue, status_lines), daemon=True).start()
            threading.Thread(target=lines_of, args=(status.stderr, queue.Queue(), status_errors), daemon=True).start()
            base_url = status_page_url(status_queue)
            if base_url is None:
                print("FAIL: pipectl status printed no 'status page: http://...' line; exit code", status.poll())
                print("stdout:", "".join(status_lines)[-2000:], "\nstderr:", "".join(status_errors)[-2000:])
                return 1
            print(f"OK: pipectl status serves its page at {base_url}")

            browser, websocket_url = start_chromium(chromium, work)
            if websocket_url is None:
                print("FAIL: Chromium did not open its DevTools port;",
                      open(os.path.join(work, "chromium.log")).read()[-2000:])
                return 1
            devtools = DevTools(websocket_url)
            devtools.call("Emulation.setDeviceMetricsOverride", width=1280, height=900, deviceScaleFactor=1,
                          mobile=False)
            devtools.call("Page.navigate", url=base_url)

            # Before any worker: the page shows the queue with the three jobs waiting.
            watch = Watch()
            snapshot = None
            deadline = time.monotonic() + 20
            while time.monotonic() < deadline:
                time.sleep(0.2)
                snapshot = devtools.evaluate(SNAPSHOT)
                if snapshot:
                    watch.note(snapshot, [])
                    if snapshot["fleetShown"] and snapshot["queued"] == len(HANDLES):
                        break
            if watch.fleet_shown is None:
                failures.append(f"the #fleet block stayed hidden for 20 s before the workers started: {snapshot}")
            elif snapshot["queued"] != len(HANDLES):
                failures.append(f"before the workers started, the page shows {snapshot['queued']} waiting, "
                                f"not {len(HANDLES)}: {snapshot}")
            else:
                if socket_path in snapshot["queue"] and "jobs" in snapshot["queue"]:
                    print(f"OK: the page shows the fleet block for the queue '{snapshot['queue']}' with "
                          f"{snapshot['queued']} waiting, {snapshot['pending']} with workers, {snapshot['dead']} dead "
                          f"before any worker started; '{snapshot['workers']}'")
                else:
                    failures.append(f"the fleet block names the queue '{snapshot['queue']}', not {queue_url}")
                if snapshot["pending"] != 0 or snapshot["dead"] != 0 or snapshot["handles"] or snapshot["over"]:
                    failures.append(f"before any worker, the page shows more than the 3 jobs waiting: {snapshot}")

            workers_started = time.monotonic()
            for n in range(WORKERS):
                log = open(os.path.join(work, f"worker{n}.log"), "w")
                workers.append(subprocess.Popen(
                    [options.pipectl, "worker", "--queue", queue_url, "--out", out, "-j", "1", "--until-empty",
                     "--plain"], stdout=log, stderr=subprocess.STDOUT))
            worker_pids = [w.pid for w in workers]
            print(f"OK: started {WORKERS} workers, PIDs {worker_pids}")

            checked_json = False
            deadline = time.monotonic() + WATCH_SECONDS
            while time.monotonic() < deadline:
                time.sleep(0.2)
                try:
                    snapshot = devtools.evaluate(SNAPSHOT)
                except RuntimeError as error:
                    failures.append(str(error))
                    break
                if not snapshot:
                    continue
                watch.note(snapshot, worker_pids)
                if not checked_json and watch.on_worker and not snapshot["over"]:
                    checked_json = True
                    check_status_json(base_url, queue_url, socket_path, failures)
                if snapshot["over"]:
                    break
                if status.poll() is not None and time.monotonic() > workers_started + 5:
                    # The server is gone: the page will not change any more.
                    time.sleep(1)
                    snapshot = devtools.evaluate(SNAPSHOT) or snapshot
                    break
            watched = time.monotonic() - workers_started
            final_json = None
            if snapshot and snapshot["over"] and status.poll() is None:
                try:  # status serves the page 1.5 s more once over: it may be gone already
                    final_json = get(base_url + "status.json")
                except OSError:
                    print("NOTE: pipectl status had stopped serving before /status.json was read at the end")

            if watch.fleet_counts:
                print("OK: the fleet counts seen (waiting, with workers, dead): " +
                      " -> ".join(f"{q}/{p}/{d}" for q, p, d in watch.fleet_counts))
            went_down = any(q < len(HANDLES) for q, _, _ in watch.fleet_counts[1:]) \
                and watch.fleet_counts and watch.fleet_counts[0][0] == len(HANDLES)
            busy = any(q or p for q, p, _ in watch.fleet_counts)
            if went_down:
                print("OK: the waiting count went down from 3 as the workers took jobs")
            elif busy:
                print("OK: the page saw a nonzero waiting or with-workers count (but not waiting go down from 3)")
            else:
                failures.append(f"the page never saw anything waiting or with workers: {watch.fleet_counts}")
            if watch.on_worker:
                print(f"OK: a running card names its worker: {watch.on_worker[0]} '{watch.on_worker[1]}'")
            else:
                failures.append("never saw a running handle's card say ' · on HOST-PID'")
            if watch.both_at_once:
                print(f"OK: both workers named in the fleet's running list at once: '{watch.both_at_once}'")
            else:
                print(f"WARN: never saw two workers in the fleet's running list at once (timing?); "
                      f"named over the run: {sorted(watch.listed_workers)}")
            if watch.listed_workers or watch.card_workers:
                print(f"OK: workers named on the page over the run: cards {sorted(watch.card_workers)}, "
                      f"list {sorted(watch.listed_workers)}")
            for problem in dict.fromkeys(watch.problems):
                failures.append(problem)
            if not checked_json:
                failures.append("did not get to read /status.json while a handle ran")

            if not snapshot or not snapshot["over"]:
                failures.append(f"the page did not say the run is over within {watched:.0f} s: {snapshot}")
            else:
                states = [h["state"] for h in snapshot["handles"]]
                names = [h["handle"] for h in snapshot["handles"]]
                end = (snapshot["queued"], snapshot["pending"], snapshot["dead"])
                if sorted(names) != sorted(HANDLES) or states != ["done"] * len(HANDLES) or end != (0, 0, 0) \
                        or workers_named(snapshot["workers"]) or "over" not in snapshot["runState"]:
                    failures.append(f"the page at the end: {json.dumps(snapshot)}")
                else:
                    print(f"OK: at the end the page shows the 3 handles done, fleet 0/0/0, "
                          f"'{snapshot['workers'].strip()}', and says '{snapshot['runState']}' "
                          f"({watched:.1f} s after the workers started)")
            if final_json is not None and final_json[0] == 200:
                check_status_json(base_url, queue_url, socket_path, failures, final=True)
        except (OSError, RuntimeError, ValueError, subprocess.TimeoutExpired) as error:
            failures.append(f"{type(error).__name__}: {error}")
        finally:
            if devtools:
                devtools.close()
            if browser:
                browser.kill()
                browser.wait()
            for n, worker in enumerate(workers):
                try:
                    worker.wait(timeout=120)
                except subprocess.TimeoutExpired:
                    failures.append(f"worker {worker.pid} did not end within 120 s")
                    worker.kill()
                    worker.wait()
            if status is not None:
                try:
                    status.wait(timeout=60)
                except subprocess.TimeoutExpired:
                    failures.append("pipectl status --follow did not end within 60 s of the workers")
                    status.kill()
                    status.wait()
            redis.terminate()
            try:
                redis.wait(timeout=10)
            except subprocess.TimeoutExpired:
                redis.kill()
                redis.wait()
            redis_log.close()

        for n, worker in enumerate(workers):
            if worker.returncode != 0:
                failures.append(f"worker {worker.pid} exited {worker.returncode}: " +
                                open(os.path.join(work, f"worker{n}.log")).read()[-1500:])
        if workers and all(worker.returncode == 0 for worker in workers):
            print(f"OK: both workers exited 0")
        if status is not None and status.returncode is not None:
            if status.returncode != 0:
                failures.append(f"pipectl status exited {status.returncode}: stdout " +
                                "".join(status_lines)[-1500:] + " stderr " + "".join(status_errors)[-1500:])
            else:
                tail = [line.strip() for line in status_lines if line.startswith("queue ")]
                print(f"OK: pipectl status exited 0" + (f" ('{tail[-1]}')" if tail else ""))

        if workers:
            made = []
            for handle in HANDLES:
                videos = sorted(glob.glob(os.path.join(out, handle, "*.mp4")))
                if len(videos) != 1:
                    failures.append(f"{handle}: wanted one video in {out}/{handle}, found {videos}")
                    continue
                codec, seconds, error = ffprobe_h264(videos[0]) if shutil.which("ffprobe") \
                    else (None, None, "ffprobe is not installed")
                if error or codec != "h264" or not seconds or seconds <= 0:
                    failures.append(f"{videos[0]}: codec {codec}, {seconds} s {error or ''}")
                else:
                    made.append(f"{handle} {seconds:.1f} s")
            if len(made) == len(HANDLES):
                print("OK: the 3 videos are H.264: " + ", ".join(made))

    print(f"took {time.monotonic() - started:.1f} s")
    for failure in failures:
        print("FAIL:", failure)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
