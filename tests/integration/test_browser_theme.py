"""The theme in a real browser (tests/browser/theme.test.mjs: Debian's chromium through playwright-core),
on a fixture with 60-character CamelCase names (theme_fixture.py): no page kind is wider than a 390 px
phone, long names wrap, the 404 page works at any depth and under a sub-path (a Node server answering
misses with 404.html, a real nginx with `error_page 404` when nginx is installed, `almanac serve`, and a
site built with base_url, also without JavaScript), the freshness page leads with its charts and pages
its attention list, a stale runbook's first line shows on a phone, the search box opened from disk says
it needs HTTP, the HTML report fits a phone in both colour schemes, and in serve a broken link shows
the overlay with the edit. Screenshots go to tests/browser/artifacts/theme/ (or $ALMANAC_ARTIFACTS).

Skips (exit 77) when node, /usr/bin/chromium or playwright-core is missing; without nginx the nginx
checks are left out (said in the output)."""
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.dirname(__file__))
from almanac_testlib import BIN, RepoTestCase, main, run  # noqa: E402
import theme_fixture as fx  # noqa: E402
from test_browser_search import BROWSER_DIR, missing_prerequisite  # noqa: E402

NGINX = shutil.which("nginx") or ("/usr/sbin/nginx" if os.path.exists("/usr/sbin/nginx") else None)

NGINX_CONF = """\
daemon off;
master_process off;
worker_processes 1;
pid {tmp}/nginx.pid;
error_log {tmp}/error.log;
events {{ worker_connections 64; }}
http {{
  include /etc/nginx/mime.types;
  default_type application/octet-stream;
  access_log off;
  client_body_temp_path {tmp}/body;
  proxy_temp_path {tmp}/proxy;
  fastcgi_temp_path {tmp}/fastcgi;
  uwsgi_temp_path {tmp}/uwsgi;
  scgi_temp_path {tmp}/scgi;
  server {{
    listen 127.0.0.1:{port};
    # as the manual's publishing page says
    location /plain/ {{ alias {plain}/; try_files $uri $uri/ =404; error_page 404 /plain/404.html; }}
    location /handbook/ {{ alias {based}/; try_files $uri $uri/ =404; error_page 404 /handbook/404.html; }}
  }}
}}
"""


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_port(port, proc, timeout=15):
    end = time.time() + timeout
    while time.time() < end:
        if proc.poll() is not None:
            return False
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return True
        except OSError:
            time.sleep(0.1)
    return False


class BrowserThemeTest(RepoTestCase):
    def test_theme_in_browser(self):
        work = self.tmpdir()
        repo = os.path.join(work, "repo")
        fx.make(repo)
        site = os.path.join(work, "site")
        r = run("build", "--repo", repo, "--out", site, "--now", fx.NOW)
        self.assertEqual(r.returncode, 0, r.stderr)
        port = free_port()
        base_url = "http://127.0.0.1:%d/handbook/" % port
        based = os.path.join(work, "site-base")
        r = run("build", "--repo", repo, "--out", based, "--now", fx.NOW, "--base-url", base_url, "--quiet")
        self.assertEqual(r.returncode, 0, r.stderr)
        report = os.path.join(work, "report.html")
        r = run("report", "--repo", repo, "--format", "html", "--now", fx.NOW, "--output", report,
                "--base-url", "https://docs.example.com/ops/")
        self.assertEqual(r.returncode, 0, r.stderr)

        F, L = fx.FOLDER, fx.LONG
        pages = {
            "home": "", "section": f"runbooks/{F}/", "runbook": f"runbooks/{F}/{L[1]}/",
            "guide": "content/guides/memory-limits/", "role": "content/roles/virtualization-sre/",
            "alert": f"alerts/{L[3]}/", "search": "search/?q=GuestVCPUQueue", "freshness": "freshness/",
            "404": f"runbooks/{F}/no/such/page/", "redirect": f"runbooks/old/{L[0]}/",
            "bare": "runbooks/bare-restart/",
        }
        for kind, rel in pages.items():
            if kind not in ("search", "404"):
                self.assertTrue(os.path.isfile(os.path.join(site, rel, "index.html")), kind)
        args = ["--site", site, "--pages", json.dumps(pages), "--site-base", based, "--base-url", base_url,
                "--report", report, "--report-base", "https://docs.example.com/ops/"]

        procs = []
        try:
            if NGINX:
                ntmp = os.path.join(work, "nginx")
                os.makedirs(ntmp)
                for d in (work, site, based):
                    os.chmod(d, 0o755)
                conf = os.path.join(ntmp, "nginx.conf")
                with open(conf, "w") as f:
                    f.write(NGINX_CONF.format(tmp=ntmp, port=port, plain=site, based=based))
                ng = subprocess.Popen([NGINX, "-c", conf, "-p", ntmp], stdout=subprocess.DEVNULL,
                                      stderr=subprocess.PIPE, text=True)
                procs.append(ng)
                self.assertTrue(wait_port(port, ng), "nginx did not start: %s" % (ng.poll() is not None and ng.stderr.read()))
                args += ["--nginx", "http://127.0.0.1:%d/" % port]
            else:
                print("nginx is not installed: the nginx checks are left out (apt-get install nginx)")
                args += ["--base-port", str(port)]

            # almanac serve on the same repository: the 404 page at any depth, and a broken link's overlay
            e = dict(os.environ, NO_COLOR="1")
            srv = subprocess.Popen([BIN, "serve", "--repo", repo, "--port", "0", "--now", fx.NOW],
                                   stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                                   text=True, env=e)
            procs.append(srv)
            found, lines = threading.Event(), []

            def reader():
                for line in srv.stderr:
                    lines.append(line)
                    m = re.search(r"http://127\.0\.0\.1:(\d+)/", line)
                    if m and not found.is_set():
                        found.port = int(m.group(1))
                        found.set()
            threading.Thread(target=reader, daemon=True).start()
            self.assertTrue(found.wait(60), "serve did not start: %s" % "".join(lines))
            args += ["--serve", "http://127.0.0.1:%d/" % found.port, "--serve-repo", repo,
                     "--serve-page", f"runbooks/{F}/{L[0]}/", "--serve-file", f"runbooks/{F}/{L[0]}.md"]

            artifacts = os.environ.get("ALMANAC_ARTIFACTS") or os.path.join(BROWSER_DIR, "artifacts")
            p = subprocess.run(["node", os.path.join(BROWSER_DIR, "theme.test.mjs"), *args, "--artifacts", artifacts],
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, timeout=600)
            print(p.stdout)
            if p.returncode == 77:
                self.skipTest(p.stdout.strip())
            self.assertEqual(p.returncode, 0, p.stdout)
            self.assertTrue(os.path.exists(os.path.join(artifacts, "theme", "404-390-dark.png")))
        finally:
            for pr in procs:
                pr.send_signal(2)
                try:
                    pr.wait(20)
                except subprocess.TimeoutExpired:
                    pr.kill()
                    pr.wait()


if __name__ == "__main__":
    why = missing_prerequisite()
    if why:
        print(f"skipping: {why}")
        sys.exit(77)
    main()
