"""What a user of a freshly installed site sees, asked over HTTP as the TLS
proxy would (deploy/check.sh, after docs/deploy.md's steps):

    check_site.py BASE_URL SITE_NAME USER PASSWORD OUT_DIR

The health check is green; the login page links hashed, compressed static
files; a user logs in; a report PDF comes back in the request, and another is
rendered by the background worker; both are written to OUT_DIR for pdffonts.
Standard library only: it runs with any Python 3.
"""

from __future__ import annotations

import http.client
import json
import re
import sys
import time
from pathlib import Path
from urllib.parse import urlencode, urlsplit


class Site:
    def __init__(self, base: str, site: str) -> None:
        parts = urlsplit(base)
        self.host, self.port = parts.hostname or "127.0.0.1", parts.port or 80
        self.site = site
        self.cookies: dict[str, str] = {}

    def request(
        self, method: str, path: str, form: dict[str, str] | None = None, **headers: str
    ) -> tuple[int, dict[str, str], bytes]:
        conn = http.client.HTTPConnection(self.host, self.port, timeout=180)
        # The proxy's headers: the site's name and HTTPS (BEHIND_TLS_PROXY).
        sent = {
            "Host": self.site,
            "X-Forwarded-Proto": "https",
            "X-Forwarded-For": "198.51.100.7",
            **{k.replace("_", "-"): v for k, v in headers.items()},
        }
        if self.cookies:
            sent["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if form is not None:
            body = urlencode(form)
            sent["Content-Type"] = "application/x-www-form-urlencoded"
            sent["Origin"] = f"https://{self.site}"
            sent["Referer"] = f"https://{self.site}{path}"
        conn.request(method, path, body=body, headers=sent)
        response = conn.getresponse()
        content = response.read()
        for header, value in response.getheaders():
            if header.lower() == "set-cookie":
                name, _, rest = value.partition("=")
                self.cookies[name] = rest.split(";", 1)[0]
        result = {k.lower(): v for k, v in response.getheaders()}
        conn.close()
        return response.status, result, content


def check(condition: object, message: str) -> None:
    if not condition:
        sys.exit(f"check_site: {message}")
    print(f"ok: {message}")


def main() -> None:
    base, site, user, password, out = sys.argv[1:6]
    out_dir = Path(out)
    http_ = Site(base, site)

    status, _h, body = http_.request("GET", "/healthz/")
    health = json.loads(body)
    check(
        status == 200 and health == {"status": "ok", "database": "ok", "worker": "ok"},
        f"health check green: {health}",
    )

    status, _h, body = http_.request("GET", "/dang-nhap/")
    page = body.decode()
    check(status == 200 and "Đăng nhập" in page, "the login page answers in Vietnamese")
    css = re.search(r'href="(/static/css/app\.[0-9a-f]{12}\.css)"', page)
    check(css, "the page links its stylesheet by a hashed name")
    status, headers, _b = http_.request("GET", css.group(1), Accept_Encoding="gzip, br")
    check(
        status == 200 and headers.get("content-encoding") in ("gzip", "br"),
        f"the hashed stylesheet is served compressed ({headers.get('content-encoding')})",
    )
    check(
        "max-age=315360000" in headers.get("cache-control", ""), "and cached for ever"
    )

    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    status, headers, _b = http_.request(
        "POST",
        "/dang-nhap/",
        {"username": user, "password": password, "csrfmiddlewaretoken": token},
    )
    check(status == 302 and "sessionid" in http_.cookies, f"{user} logs in")

    status, headers, pdf = http_.request(
        "GET", "/bao-cao/organization_quality/tai-ve/pdf/?year=2024"
    )
    check(
        status == 200 and pdf.startswith(b"%PDF"),
        f"a report PDF in the request ({len(pdf):,} bytes)",
    )
    (out_dir / "request.pdf").write_bytes(pdf)

    _s, _h, body = http_.request("GET", "/bao-cao/coverage/?year=2024")
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', body.decode())
    status, headers, _b = http_.request(
        "POST",
        "/bao-cao/coverage/tao-tep/?year=2024",
        # The form's token, or the cookie's secret, which Django accepts too.
        {
            "format": "pdf",
            "csrfmiddlewaretoken": token.group(1)
            if token
            else http_.cookies["csrftoken"],
        },
    )
    check(status == 302, "a report file is asked of the worker")
    job = headers["location"]
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        _s, _h, body = http_.request("GET", job)
        if "tai-ve" in body.decode() or "Không tạo được tệp" in body.decode():
            break
        time.sleep(1)
    link = re.search(r'href="(/bao-cao/tep/\d+/tai-ve/)"', body.decode())
    check(link, "the worker rendered it")
    status, _h, pdf = http_.request("GET", link.group(1))
    check(status == 200 and pdf.startswith(b"%PDF"), f"its PDF ({len(pdf):,} bytes)")
    (out_dir / "worker.pdf").write_bytes(pdf)


if __name__ == "__main__":
    main()
