"""A real RFC 3161 Time-Stamping Authority on 127.0.0.1 for tests: OpenSSL's `ts -reply` behind a tiny HTTP server.

`LocalTsa(folder)` makes a root CA and a TSA certificate (critical EKU timeStamping) with the `openssl` command,
then answers POSTed `application/timestamp-query` requests with `openssl ts -reply`, exactly as a team's own TSA
would. `ca_pem` is what `PANTAU_TSA_CA` points to.
"""

from __future__ import annotations

import subprocess
import tempfile
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

CONFIG = """
[ tsa ]
default_tsa = tsa_config
[ tsa_config ]
dir = {dir}
serial = $dir/serial
crypto_device = builtin
signer_cert = $dir/tsa.pem
signer_key = $dir/tsa.key
signer_digest = sha256
default_policy = 1.2.3.4.1
digests = sha256, sha384, sha512
accuracy = secs:1
ordering = yes
tsa_name = no
ess_cert_id_chain = no
ess_cert_id_alg = sha256
[ tsa_ext ]
basicConstraints = critical, CA:false
keyUsage = critical, digitalSignature, nonRepudiation
extendedKeyUsage = critical, timeStamping
"""


def _openssl(*args: str, cwd: Path) -> None:
    out = subprocess.run(["openssl", *args], cwd=cwd, capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr


class LocalTsa:
    def __init__(self, folder: Path, name: str = "Pantau Test TSA"):
        self.dir = Path(folder)
        self.dir.mkdir(parents=True, exist_ok=True)
        (self.dir / "tsa.cnf").write_text(CONFIG.format(dir=self.dir), encoding="utf-8")
        (self.dir / "serial").write_text("01\n", encoding="utf-8")
        _openssl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-days", "3650",
                 "-keyout", "ca.key", "-out", "ca.pem", "-subj", f"/CN={name} Root", cwd=self.dir)
        _openssl("req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", "tsa.key",
                 "-out", "tsa.csr", "-subj", f"/CN={name}", cwd=self.dir)
        _openssl("x509", "-req", "-in", "tsa.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial",
                 "-days", "3650", "-extfile", "tsa.cnf", "-extensions", "tsa_ext", "-out", "tsa.pem", cwd=self.dir)
        self.ca_pem = self.dir / "ca.pem"
        self.requests = 0
        self._lock = threading.Lock()
        tsa = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 - http.server's name
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                with tsa._lock, tempfile.TemporaryDirectory() as tmp:
                    query, reply = Path(tmp) / "q.tsq", Path(tmp) / "r.tsr"
                    query.write_bytes(body)
                    done = subprocess.run(["openssl", "ts", "-reply", "-config", str(tsa.dir / "tsa.cnf"),
                                           "-queryfile", str(query), "-out", str(reply)],
                                          capture_output=True, timeout=60)
                    tsa.requests += 1
                    data = reply.read_bytes() if done.returncode == 0 else b""
                self.send_response(200 if data else 400)
                self.send_header("Content-Type", "application/timestamp-reply")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/tsr"
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> "LocalTsa":
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()
